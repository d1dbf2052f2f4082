"""Relations a rule can infer between pre-annotated spans.

Every rule links spans of one sentence: for each span at the rule's anchor
end, the nearest span of the other end's label, searched in the direction
the rule prefers first (`max_after` limits how far it looks the other way).
`agent` also reaches into the previous sentence when
the crossing's own sentence has no PERSON but a personal pronoun before the
crossing ("The officials said the man scaled a fence. He entered North
Korea ...").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Span

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.schema.model import LabelSchema, load_schema

Anchor = Literal["head", "tail"]
Prefer = Literal["before", "after", "nearest"]


@dataclass(frozen=True)
class RelationRule:
    """For each span of the `anchor` end, link the nearest span of the other
    end; `prefer` says where to look first, relative to the anchor."""

    anchor: Anchor
    prefer: Prefer
    max_after: int | None = None  # with prefer="before": how far after the anchor to look
    previous_sentence_after_pronoun: bool = False


# Rules by relation name; names are checked against the schema.
RULES: dict[str, RelationRule] = {
    # "The defection of a military officer": a PERSON after the crossing only right after it.
    "agent": RelationRule("tail", "before", max_after=3, previous_sentence_after_pronoun=True),
    "motivated_by": RelationRule("tail", "nearest"),
    "quantifies": RelationRule("head", "nearest"),
}
PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them"})


@dataclass(frozen=True)
class Relation:
    name: str
    head: Span
    tail: Span


def _distance(a: Span, b: Span) -> int:
    """Tokens between two spans (0 when they touch or overlap)."""
    return max(b.start - a.end, a.start - b.end, 0)


def _reachable(anchor: Span, other: Span, reach: int | None) -> bool:
    """Whether `other`, after `anchor`, is at most `reach` tokens away with no
    punctuation between ("the defection of a soldier", not "..., Ahn said")."""
    if reach is None:
        return True
    between = anchor.doc[anchor.end : other.start]
    return len(between) <= reach and not any(t.is_punct for t in between)


def _nearest(anchor: Span, others: Sequence[Span], rule: RelationRule) -> Span | None:
    prefer, reach = rule.prefer, rule.max_after
    before = [o for o in others if o.end <= anchor.start]
    after = [o for o in others if o.start >= anchor.end and _reachable(anchor, o, reach)]
    closest_before = max(before, key=lambda o: o.end, default=None)
    closest_after = min(after, key=lambda o: o.start, default=None)
    if prefer == "before":
        return closest_before or closest_after
    if prefer == "after":
        return closest_after or closest_before
    found = [o for o in (closest_after, closest_before) if o is not None]  # ties go after
    return min(found, key=lambda o: _distance(anchor, o), default=None)


def _pronoun_before(span: Span) -> bool:
    return any(t.lower_ in PRONOUNS for t in span.doc[span.sent.start : span.start])


def infer_relations(spans: Sequence[Span], schema: LabelSchema | None = None) -> list[Relation]:
    """The relations between `spans` (all of one Doc) that the RULES infer,
    sorted by head then tail position."""
    schema = schema or load_schema()
    unknown = sorted(set(RULES) - {r.name for r in schema.relations})
    if unknown:
        raise AnnotationError("A204", f"relation rules {unknown} name no relation of the schema")
    by_sentence: dict[tuple[int, str], list[Span]] = {}
    for span in spans:
        by_sentence.setdefault((span.sent.start, span.label_), []).append(span)
    relations: list[Relation] = []
    for spec in schema.relations:
        rule = RULES.get(spec.name)
        if rule is None:
            continue
        anchor_label, other_label = (
            (spec.head, spec.tail) if rule.anchor == "head" else (spec.tail, spec.head)
        )
        for anchor in (s for s in spans if s.label_ == anchor_label):
            sentence = anchor.sent.start
            other = _nearest(anchor, by_sentence.get((sentence, other_label), []), rule)
            if other is None and rule.previous_sentence_after_pronoun and _pronoun_before(anchor):
                earlier = [s for s in spans if s.label_ == other_label and s.end <= sentence]
                last = max(earlier, key=lambda s: s.end, default=None)
                if last is not None and last.sent.end == sentence:  # the sentence right before
                    other = last
            if other is not None:
                head, tail = (anchor, other) if rule.anchor == "head" else (other, anchor)
                relations.append(Relation(spec.name, head, tail))
    return sorted(relations, key=lambda r: (r.head.start, r.tail.start, r.name))
