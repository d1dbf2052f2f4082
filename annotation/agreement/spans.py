"""Pairwise span agreement of two annotators on one document, as counts.

For each matching (`exact`, `overlap`: `nkcorpus.annotation.agreement.matching`)
and each label: the matched pairs and each annotator's spans. Summed over
annotator pairs and documents, they give the micro-averaged pairwise F1,
`2 * matched / (first + second)` (`statistics.f1`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nkcorpus.annotation.agreement.matching import exact_matches, overlap_matches

Pair = tuple[int, int]
Counts = dict[tuple[Any, ...], float]
Matcher = Callable[[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]], list[Pair]]

MATCHINGS: dict[str, Matcher] = {"exact": exact_matches, "overlap": overlap_matches}


def span_counts(
    pair: Pair,
    first: Sequence[Mapping[str, Any]],
    second: Sequence[Mapping[str, Any]],
) -> Counts:
    """Counts keyed `("span", pair, matching, label, field)`, field one of
    `matched`, `first`, `second`; zero counts are left out.

    >>> a = [{"start": 0, "end": 5, "label": "PERSON"}]
    >>> b = [{"start": 2, "end": 5, "label": "PERSON"}]
    >>> counts = span_counts((1, 2), a, b)
    >>> counts[("span", (1, 2), "overlap", "PERSON", "matched")]
    1
    >>> ("span", (1, 2), "exact", "PERSON", "matched") in counts
    False
    """
    counts: Counter[tuple[Any, ...]] = Counter()
    for name, matcher in MATCHINGS.items():
        for span in first:
            counts[("span", pair, name, span["label"], "first")] += 1
        for span in second:
            counts[("span", pair, name, span["label"], "second")] += 1
        for i, _ in matcher(first, second):
            counts[("span", pair, name, first[i]["label"], "matched")] += 1
    return dict(counts)
