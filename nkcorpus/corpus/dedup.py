"""Near-duplicate detection over cleaned bodies with word shingles.

Two documents are near-duplicates when the word 5-shingles of the shorter one
are at least `CONTAINMENT_THRESHOLD` contained in the other's. Containment,
not Jaccard, because the typical near-duplicate in news is a truncated copy of
the same article. Candidates come from an inverted index of shingle hashes, so
only documents that share shingles are compared. Groups are the connected
components of the near-duplicate graph, named by their smallest doc_id.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

SHINGLE_WORDS = 5
CONTAINMENT_THRESHOLD = 0.8
_WORD = re.compile(r"\w+", re.UNICODE)


def text_to_shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """64-bit hashes of the lower-cased word `size`-grams of `text`.

    >>> len(text_to_shingles("one two three four five six"))
    2
    """
    words = _WORD.findall(text.lower())
    if len(words) < size:
        words = words + [""] * (size - len(words)) if words else []
    grams = {" ".join(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest()) for g in grams}


@dataclass(frozen=True)
class DuplicatePair:
    a: str
    b: str
    containment: float
    jaccard: float


def find_near_duplicates(
    texts: Mapping[str, str], threshold: float = CONTAINMENT_THRESHOLD
) -> list[DuplicatePair]:
    """Every pair (a < b) whose containment reaches `threshold`, sorted."""
    shingles = {doc_id: text_to_shingles(text) for doc_id, text in texts.items()}
    index: dict[int, list[str]] = defaultdict(list)
    for doc_id in sorted(shingles):
        for h in shingles[doc_id]:
            index[h].append(doc_id)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for members in index.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                shared[(a, b)] += 1
    pairs = []
    for (a, b), common in sorted(shared.items()):
        smaller = min(len(shingles[a]), len(shingles[b]))
        containment = common / smaller
        if containment >= threshold:
            union = len(shingles[a]) + len(shingles[b]) - common
            pairs.append(DuplicatePair(a, b, round(containment, 4), round(common / union, 4)))
    return pairs


def pairs_to_groups(doc_ids: list[str], pairs: list[DuplicatePair]) -> dict[str, str]:
    """doc_id -> group id (the smallest doc_id of its connected component).

    >>> pairs_to_groups(["a", "b", "c"], [DuplicatePair("b", "c", 1.0, 0.5)])
    {'a': 'a', 'b': 'b', 'c': 'b'}
    """
    parent = {d: d for d in doc_ids}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for pair in pairs:
        ra, rb = root(pair.a), root(pair.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {d: root(d) for d in sorted(doc_ids)}
