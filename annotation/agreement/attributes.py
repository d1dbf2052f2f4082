"""Agreement beyond the spans, on the spans two annotators share.

Both are counted on the overlap matching (`matching.overlap_matches`):

- attributes: for every matched pair of spans (same label, so the same
  attributes) and every attribute of that label, the two values. A
  `multiple` attribute (`roles`) is compared as a set: its value is the
  sorted choices joined by `+`, `""` when none. Percent agreement and Cohen's
  kappa come from the pooled (first value, second value) table.
- relations: a relation of one annotator agrees with one of the other when
  the type is the same and its head and tail are matched to the other's head
  and tail. Counted per type: the agreeing relations, each annotator's
  relations, and each annotator's relations whose head and tail are both
  matched spans (`ends`), which gives the F1 on matched endpoints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from nkcorpus.schema.model import LabelSchema

Pair = tuple[int, int]
Counts = dict[tuple[Any, ...], float]


def attribute_value(value: object) -> str:
    """One comparable category per value: a list is a set, written sorted
    and joined by `+`; None is `""`.

    >>> attribute_value(["returnee", "defector"]), attribute_value("sea"), attribute_value(None)
    ('defector+returnee', 'sea', '')
    """
    if isinstance(value, list | tuple | set | frozenset):
        return "+".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


def attribute_counts(
    pair: Pair,
    first: Sequence[Mapping[str, Any]],
    second: Sequence[Mapping[str, Any]],
    matches: Sequence[tuple[int, int]],
    schema: LabelSchema,
) -> Counts:
    """Counts keyed `("attribute", pair, name, first value, second value)`.

    >>> from nkcorpus.schema.model import load_schema
    >>> a = [{"label": "PERSON", "roles": ["defector", "returnee"]}]
    >>> b = [{"label": "PERSON", "roles": ["returnee", "defector"]}]
    >>> attribute_counts((1, 2), a, b, [(0, 0)], load_schema())
    {('attribute', (1, 2), 'roles', 'defector+returnee', 'defector+returnee'): 1}
    """
    counts: Counter[tuple[Any, ...]] = Counter()
    for i, j in matches:
        for attribute in schema.label(first[i]["label"]).attributes:
            values = (
                attribute_value(first[i].get(attribute.name)),
                attribute_value(second[j].get(attribute.name)),
            )
            counts[("attribute", pair, attribute.name, *values)] += 1
    return dict(counts)


def relation_counts(
    pair: Pair,
    first: tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]],
    second: tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]],
    matches: Sequence[tuple[int, int]],
) -> Counts:
    """Counts keyed `("relation", pair, type, field)`, field one of `matched`,
    `first`, `second`, `first_ends`, `second_ends`; `first` and `second` are
    each annotator's (spans, relations).

    >>> spans_a = [{"id": "p"}, {"id": "c"}]
    >>> spans_b = [{"id": "x"}, {"id": "y"}]
    >>> rel_a = [{"head": "p", "tail": "c", "type": "agent"}]
    >>> rel_b = [{"head": "x", "tail": "y", "type": "agent"}]
    >>> counts = relation_counts((1, 2), (spans_a, rel_a), (spans_b, rel_b), [(0, 0), (1, 1)])
    >>> counts[("relation", (1, 2), "agent", "matched")]
    1
    """
    (spans_a, relations_a), (spans_b, relations_b) = first, second
    to_second = {spans_a[i]["id"]: spans_b[j]["id"] for i, j in matches}
    to_first = {b: a for a, b in to_second.items()}
    theirs = {(r["head"], r["tail"], r["type"]) for r in relations_b}
    counts: Counter[tuple[Any, ...]] = Counter()
    for relation in {(r["head"], r["tail"], r["type"]) for r in relations_a}:
        head, tail, kind = relation
        counts[("relation", pair, kind, "first")] += 1
        if head in to_second and tail in to_second:
            counts[("relation", pair, kind, "first_ends")] += 1
            if (to_second[head], to_second[tail], kind) in theirs:
                counts[("relation", pair, kind, "matched")] += 1
    for head, tail, kind in theirs:
        counts[("relation", pair, kind, "second")] += 1
        if head in to_first and tail in to_first:
            counts[("relation", pair, kind, "second_ends")] += 1
    return dict(counts)
