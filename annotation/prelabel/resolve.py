"""From span_ruler candidates to the final pre-annotation spans.

In order: cut each candidate to its `focus`; strip edge punctuation and
trailing function words; drop numbers that are not statistics; within one
label keep the longest of overlapping spans (`spacy.util.filter_spans`);
across labels allow no overlap at all (GUIDELINES: spans do not nest): a span
overlapping one of a label earlier in `OVERLAP_PRIORITY` keeps only its
longest part outside it; apply each family's `keep_if`; finally drop a
description in apposition to a name ("Chun Ki-won, a pastor").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from nkcorpus.annotation.prelabel.numbers import is_statistic

RESOLVED_KEY = "nk_prelabel"
# Which label wins where spans of two labels overlap (first wins).
OVERLAP_PRIORITY: tuple[str, ...] = ("CROSSING", "STATISTIC", "PERSON", "MOTIVE")
TRAILING_WORDS = frozenset(
    {"of", "the", "a", "an", "and", "or", "by", "to", "with", "for", "in", "on", "at", "from",
     "as", "their", "his", "her", "its", "my", "our"}
)  # fmt: skip
DETERMINERS = frozenset({"a", "an", "the"})
APPOSITION_MARKS = frozenset({",", "―", "—", "–"})
COPULAS = frozenset(
    {"is", "was", "were", "are", "am", "be", "been", "being", "as", "became", "become",
     "becomes", "remain", "remained"}
)  # fmt: skip


def is_mention(span: Span) -> bool:
    """A PERSON description after a copula or "as" is a predicate, not a
    mention: "the defector was a spy", "worked as a cleaner"."""
    if span[0].lower_ not in {"a", "an"} or span.start == 0:
        return True
    return span.doc[span.start - 1].lower_ not in COPULAS


VALIDATORS: dict[str, Callable[[Span], bool]] = {"STATISTIC": is_statistic, "PERSON": is_mention}


@dataclass
class PatternRules:
    """What the span_ruler cannot do itself: focus and keep_if per family."""

    focus: dict[str, tuple[Matcher, dict[str, tuple[int, int] | None]]] = field(
        default_factory=dict
    )
    keep_if: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_entries(cls, vocab: Vocab, entries: Iterable[dict[str, Any]]) -> PatternRules:
        entries = list(entries)
        rules = cls()
        focused = {e["id"] for e in entries if e.get("focus")}
        for index, entry in enumerate(entries):
            family = entry["id"]
            if entry.get("keep_if"):
                rules.keep_if[family] = entry["keep_if"].removeprefix("near:")
            if family in focused:
                matcher, ranges = rules.focus.setdefault(family, (Matcher(vocab), {}))
                key = f"{family}#{index}"
                matcher.add(key, [entry["pattern"]])
                ranges[key] = tuple(entry["focus"]) if entry.get("focus") else None
        return rules


def focus_span(span: Span, rules: PatternRules) -> Span:
    """The part of a candidate that its pattern's `focus` names (the whole span
    when its pattern has none)."""
    if span.id_ not in rules.focus:
        return span
    matcher, ranges = rules.focus[span.id_]
    best: tuple[int, int] | None = None
    for match_id, start, end, alignment in matcher(span, with_alignments=True):
        if (start, end) != (0, len(span)):
            continue
        wanted = ranges[span.doc.vocab.strings[match_id]]
        if wanted is None:
            return span
        inside = [k for k, element in enumerate(alignment) if wanted[0] <= element < wanted[1]]
        if inside and (best is None or inside[-1] - inside[0] > best[1] - best[0]):
            best = (inside[0], inside[-1])
    if best is None:
        return span
    return Span(
        span.doc, span.start + best[0], span.start + best[1] + 1, span.label, span_id=span.id
    )


def strip_edges(span: Span) -> Span | None:
    """Without leading punctuation/space and trailing punctuation/function
    words; None when nothing with a letter or digit is left."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].is_space
        # a function word, unless glued to the word before it ("Jae-in")
        or (doc[end - 1].lower_ in TRAILING_WORDS and bool(doc[end - 2].whitespace_))
    ):
        end -= 1
    if not any(t.is_alpha or t.like_num for t in doc[start:end]):
        return None
    return Span(doc, start, end, span.label, span_id=span.id)


def _outside(span: Span, taken: Sequence[Span]) -> Span | None:
    """The longest run of `span`'s tokens that no span in `taken` covers."""
    covered = {i for other in taken for i in range(other.start, other.end)}
    runs: list[tuple[int, int]] = []
    for i in range(span.start, span.end):
        if i in covered:
            continue
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    if not runs:
        return None
    start, end = max(runs, key=lambda run: (run[1] - run[0], -run[0]))
    return strip_edges(Span(span.doc, start, end, span.label, span_id=span.id))


def _sentence_index(doc: Doc) -> dict[int, int]:
    index: dict[int, int] = {}
    for number, sentence in enumerate(doc.sents):
        index.update(dict.fromkeys(range(sentence.start, sentence.end), number))
    return index


def resolve_spans(candidates: Iterable[Span], rules: PatternRules) -> list[Span]:
    """The final spans, sorted by position (see the module docstring)."""
    by_label: dict[str, list[Span]] = {label: [] for label in OVERLAP_PRIORITY}
    for candidate in candidates:
        span = strip_edges(focus_span(candidate, rules))
        if span is None or not VALIDATORS.get(span.label_, bool)(span):
            continue
        by_label.setdefault(span.label_, []).append(span)
    kept: list[Span] = []
    for label in sorted(by_label, key=lambda name: OVERLAP_PRIORITY.index(name)):
        for span in filter_spans(by_label[label]):
            overlapping = [k for k in kept if k.start < span.end and span.start < k.end]
            rest = _outside(span, overlapping) if overlapping else span
            if rest is not None and VALIDATORS.get(label, bool)(rest):
                kept.append(rest)
    if any(rules.keep_if.get(span.id_) for span in kept):
        sentence = _sentence_index(kept[0].doc)
        kept = [
            span
            for span in kept
            if not rules.keep_if.get(span.id_)
            or any(
                other.label_ == rules.keep_if[span.id_]
                and 0 <= sentence[span.start] - sentence[other.start] <= 1
                for other in kept
            )
        ]
    kept = [span for span in kept if not _is_apposition(span, kept)]
    return sorted(kept, key=lambda span: (span.start, span.end))


def _is_apposition(span: Span, kept: Sequence[Span]) -> bool:
    """A description ("a pastor ...") right after a name of its label and a
    comma or dash ("Chun Ki-won, a pastor"): the name alone is labelled."""
    if span.start < 2 or span[0].lower_ not in DETERMINERS:
        return False
    if span.doc[span.start - 1].text not in APPOSITION_MARKS:
        return False
    return any(
        other.label_ == span.label_
        and other.end == span.start - 1
        and other[0].lower_ not in DETERMINERS
        for other in kept
    )


class Resolver:
    """Pipeline component: candidates in `doc.spans[candidates_key]` ->
    resolved spans in `doc.spans["nk_prelabel"]`."""

    def __init__(self, candidates_key: str) -> None:
        self.candidates_key = candidates_key
        self.rules = PatternRules()

    def __call__(self, doc: Doc) -> Doc:
        candidates = doc.spans.get(self.candidates_key, [])
        doc.spans[RESOLVED_KEY] = resolve_spans(candidates, self.rules)
        return doc


@Language.factory("nk_resolve", default_config={"candidates_key": "nk_candidates"})
def make_resolver(nlp: Language, name: str, candidates_key: str) -> Resolver:
    return Resolver(candidates_key)
