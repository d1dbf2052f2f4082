"""One-to-one matching of two annotators' spans, exact or by overlap.

Spans are mappings with `start`, `end` (`[start, end)` code points) and
`label`. Both matchings pair each span with at most one span of the other
annotator, and return `(i, j)` index pairs (`first[i]` with `second[j]`)
sorted by `i`.

- Exact: same start, end and label. Copies of one span are paired in order.
- Overlap: same label and at least one shared character. Greedy: the
  candidate pairs are taken largest overlap first, each while both of its
  spans are free; ties go to the pair whose first span starts first, then
  whose second span starts first, then whose first span ends first, then
  whose second span ends first, then by input order.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from typing import Any

Span = Mapping[str, Any]


def overlap(a: Span, b: Span) -> int:
    """How many characters two spans share (0 when disjoint or only touching).

    >>> overlap({"start": 0, "end": 5}, {"start": 3, "end": 9}), overlap(
    ...     {"start": 0, "end": 3}, {"start": 3, "end": 9})
    (2, 0)
    """
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def exact_matches(first: Sequence[Span], second: Sequence[Span]) -> list[tuple[int, int]]:
    """Pairs with the same start, end and label.

    >>> p = {"start": 0, "end": 3, "label": "PERSON"}
    >>> exact_matches([p, {**p, "end": 4}], [{**p, "end": 4}, p])
    [(0, 1), (1, 0)]
    """
    free: dict[tuple[Any, Any, Any], deque[int]] = defaultdict(deque)
    for j, span in enumerate(second):
        free[(span["start"], span["end"], span["label"])].append(j)
    pairs = []
    for i, span in enumerate(first):
        waiting = free.get((span["start"], span["end"], span["label"]))
        if waiting:
            pairs.append((i, waiting.popleft()))
    return pairs


def overlap_matches(first: Sequence[Span], second: Sequence[Span]) -> list[tuple[int, int]]:
    """Pairs of the same label that overlap, greedy by largest overlap (module doc).

    `second[0]` overlaps `first[0]` by 3 characters and `first[1]` by 4: the
    larger wins, and `first[0]` takes `second[1]` (2 characters):

    >>> a = [{"start": 0, "end": 10, "label": "X"}, {"start": 8, "end": 12, "label": "X"}]
    >>> b = [{"start": 7, "end": 12, "label": "X"}, {"start": 0, "end": 2, "label": "X"}]
    >>> overlap_matches(a, b)
    [(0, 1), (1, 0)]
    """
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            shared = overlap(a, b)
            if shared > 0 and a["label"] == b["label"]:
                key = (-shared, a["start"], b["start"], a["end"], b["end"], i, j)
                candidates.append(key)
    candidates.sort()
    taken_first: set[int] = set()
    taken_second: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i not in taken_first and j not in taken_second:
            taken_first.add(i)
            taken_second.add(j)
            pairs.append((i, j))
    return sorted(pairs)
