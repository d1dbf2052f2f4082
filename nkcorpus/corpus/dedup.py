"""Near-duplicate detection over cleaned bodies with word shingles.

Two documents are near-duplicates when the word 5-shingles of the shorter one
are at least `CONTAINMENT_THRESHOLD` contained in the other's. Containment,
not Jaccard, because the typical near-duplicate in news is a truncated copy of
the same article. Candidates come from an inverted index of shingle hashes, so
only documents that share shingles are compared. Groups are the connected
components of the near-duplicate graph, named by the member a release keeps
(`keep_key`: the longest cleaned text, ties to the lowest doc_id), so a
released document's group is always named by a released id.
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


def keep_key(doc_id: str, chars: int) -> tuple[int, str]:
    """Sort key of the copy a release keeps: the longest text, ties to the lowest doc_id.

    >>> min([("b", 9), ("a", 5), ("c", 9)], key=lambda m: keep_key(*m))
    ('b', 9)
    """
    return (-chars, doc_id)


@dataclass(frozen=True)
class DuplicatePair:
    """Two near-duplicates (a < b) and their cleaned lengths in code points,
    which name the group (0 when unknown: ties fall to the lowest doc_id)."""

    a: str
    b: str
    containment: float
    jaccard: float
    a_chars: int = 0
    b_chars: int = 0


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
            scores = round(containment, 4), round(common / union, 4)
            pairs.append(DuplicatePair(a, b, *scores, len(texts[a]), len(texts[b])))
    return pairs


def pairs_to_groups(doc_ids: list[str], pairs: list[DuplicatePair]) -> dict[str, str]:
    """doc_id -> group id: the member of its connected component that a release
    keeps (`keep_key`), so the group of a released document is its own id.

    >>> pairs_to_groups(["a", "b", "c"], [DuplicatePair("b", "c", 1.0, 0.5, 80, 120)])
    {'a': 'a', 'b': 'c', 'c': 'c'}
    >>> pairs_to_groups(["a", "b"], [DuplicatePair("a", "b", 1.0, 1.0, 50, 50)])
    {'a': 'a', 'b': 'a'}
    """
    parent = {d: d for d in doc_ids}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    chars: dict[str, int] = {}
    for pair in pairs:
        chars[pair.a], chars[pair.b] = pair.a_chars, pair.b_chars
        ra, rb = root(pair.a), root(pair.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for d in doc_ids:
        members[root(d)].append(d)
    name = {
        r: min(group, key=lambda d: keep_key(d, chars.get(d, 0))) for r, group in members.items()
    }
    return {d: name[root(d)] for d in sorted(doc_ids)}
