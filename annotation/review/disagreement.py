"""Where a task's annotators differ: a small span matcher for the review queue.

A region is reduced to its key `(label, start, end)`; attributes and
relations are not compared here (the agreement figures of
`nkcorpus agreement` cover them). Two measures:

- `overlap_f1(a, b)`: span F1 between two annotators under *overlap match*:
  two regions match when they have the same label and their `[start, end)`
  ranges share at least one character. Matching is one-to-one and greedy:
  candidate pairs are taken by largest overlap first, ties by the position
  of the first region, then of the second; a region matched once is not
  matched again. F1 = 2 * matched / (len(a) + len(b)); two annotators who
  marked nothing agree (1.0). It is symmetric.
- `region_differences(versions, text)`: every region key that some but not
  all annotators marked *exactly* (same label, start and end), with
  `text[start:end]` and which annotations have it and which do not.

>>> a = [Region("PERSON", 0, 5), Region("CROSSING", 10, 20)]
>>> b = [Region("PERSON", 0, 3), Region("MOTIVE", 10, 20)]
>>> overlap_f1(a, b)  # PERSON overlaps PERSON; CROSSING has no partner: 2 * 1 / 4
0.5
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from nkcorpus.build.regions import result_to_spans
from nkcorpus.schema.model import LabelSchema


class Region(NamedTuple):
    label: str
    start: int
    end: int


def clean_items(result: object) -> list[Mapping[str, Any]]:
    """The items of a `result` list that have the JSON types Label Studio gives
    them; others (B136, listed by `nkcorpus validate`) are skipped here.

    >>> clean_items([{"type": "labels", "value": [1]}, {"type": "relation", "labels": ["x"]}])
    [{'type': 'relation', 'labels': ['x']}]
    """
    if not isinstance(result, list):
        return []
    kept = []
    for item in result:
        if not isinstance(item, Mapping):
            continue
        if item.get("type") == "relation":
            if isinstance(item.get("labels", []), list):
                kept.append(item)
            continue
        value = item.get("value")
        if isinstance(value, Mapping) and all(
            isinstance(value.get(key, []), list) for key in ("labels", "choices")
        ):
            kept.append(item)
    return kept


def regions_of(result: object, text: str, schema: LabelSchema) -> list[Region]:
    """The regions of one `result` list (review item skipped by `result_to_spans`),
    sorted; a region without integer offsets or with several labels is left out
    (`nkcorpus validate` reports it).

    >>> from nkcorpus.schema.model import load_schema
    >>> item = {"id": "p", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}
    >>> regions_of([item], "Kim left.", load_schema())
    [Region(label='PERSON', start=0, end=3)]
    """
    spans, _ = result_to_spans(clean_items(result), text, schema)
    regions = [
        Region(span["label"], span["start"], span["end"])
        for span in spans
        if isinstance(span["label"], str)
        and type(span["start"]) is int
        and type(span["end"]) is int
    ]
    return sorted(regions, key=_position)


def _position(region: Region) -> tuple[int, int, str]:
    return (region.start, region.end, region.label)


def overlap_f1(a: Sequence[Region], b: Sequence[Region]) -> float:
    """Span F1 of `a` against `b` under one-to-one overlap match (see the module doc).

    >>> overlap_f1([], [])
    1.0
    >>> overlap_f1([Region("PERSON", 0, 10)], [Region("PERSON", 0, 4), Region("PERSON", 5, 10)])
    0.6666666666666666
    """
    if not a and not b:
        return 1.0
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            shared = min(x.end, y.end) - max(x.start, y.start)
            if x.label == y.label and shared > 0:
                candidates.append((-shared, _position(x), _position(y), i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for *_, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return 2 * len(used_a) / (len(a) + len(b))


@dataclass(frozen=True)
class RegionDifference:
    """A region some annotators marked exactly and others did not."""

    label: str
    start: int
    end: int
    text: str
    marked_by: tuple[int, ...]  # annotation ids that have it
    missing_in: tuple[int, ...]  # annotation ids that do not

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "marked_by": list(self.marked_by),
            "missing_in": list(self.missing_in),
        }


def region_differences(
    versions: Mapping[int, Iterable[Region]], text: str
) -> list[RegionDifference]:
    """The regions of `versions` (annotation id -> regions) that not every
    version has exactly, in text order.

    >>> region_differences({1: [Region("PERSON", 0, 3)], 2: []}, "Kim left.")
    [RegionDifference(label='PERSON', start=0, end=3, text='Kim', marked_by=(1,), missing_in=(2,))]
    """
    keys = {annotation_id: set(regions) for annotation_id, regions in versions.items()}
    ids = sorted(keys)
    differences = []
    for region in sorted(set().union(*keys.values()), key=_position):
        marked = tuple(i for i in ids if region in keys[i])
        if len(marked) < len(ids):
            missing = tuple(i for i in ids if region not in keys[i])
            text_at = text[region.start : region.end]
            differences.append(RegionDifference(*region, text_at, marked, missing))
    return differences
