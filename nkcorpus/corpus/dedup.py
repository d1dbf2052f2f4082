"""Near-duplicate detection over cleaned bodies with word shingles.

Two documents are near-duplicates when the word 5-shingles of the shorter one
are at least `CONTAINMENT_THRESHOLD` contained in the other's. Containment,
not Jaccard, because the typical near-duplicate in news is a truncated copy of
the same article. Candidate pairs come from MinHash signatures (`dedup_sign`)
and size-aware LSH bands (`dedup_lsh`), so the work grows with the corpus,
not with its square; the exact containment of each candidate pair decides,
so the rule is unchanged. The candidates are probabilistic: a pair at
containment exactly 0.8 is missed with probability at most 0.11% (far less
above it; never for identical texts), as long as the shorter document has at
least 1/30 of the other's shingles (`dedup_lsh` gives the figures beyond).
Fixed seeds: the same texts always give the same groups, in whatever order
they come and on however many processes. Groups are the connected components
of the near-duplicate graph, named by the member a release keeps (`keep_key`:
the longest cleaned text, ties to the lowest doc_id), so a released
document's group is always named by a released id.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from nkcorpus.corpus.dedup_lsh import candidate_pairs, plausible
from nkcorpus.corpus.dedup_sign import SHINGLE_WORDS, WordHashes, sign_all, text_to_shingle_array

__all__ = ["SHINGLE_WORDS", "text_to_shingle_array"]  # re-exported: the shingles of the rule
CONTAINMENT_THRESHOLD = 0.8
PROGRESS_FROM = 1000  # documents; fewer group silently


def text_to_shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """The shingle hashes of `text` as a set (`text_to_shingle_array`).

    >>> len(text_to_shingles("one two three four five six"))
    2
    """
    return set(text_to_shingle_array(text, size).tolist())


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
    texts: Mapping[str, str],
    threshold: float = CONTAINMENT_THRESHOLD,
    *,
    progress: bool | None = None,
    processes: int = 1,
) -> list[DuplicatePair]:
    """Every pair (a < b) whose containment reaches `threshold`, sorted.

    Holds one MinHash signature per document (1 KiB) and the shingles of the
    candidate pairs' documents only while their pairs are checked. `progress`:
    a tqdm bar on stderr (None: shown for `PROGRESS_FROM` documents or more
    when stderr is a terminal); `processes`: see `dedup_sign.sign_all`."""
    ids = sorted(texts)
    if progress is None:
        progress = len(ids) >= PROGRESS_FROM and sys.stderr.isatty()
    with _bar(progress, len(ids), "signatures", "doc") as bar:
        sizes, signatures = sign_all([texts[d] for d in ids], processes, bar.update)
    present = np.flatnonzero(sizes > 0)  # a document without words shares nothing
    sizes, signatures = sizes[present], signatures[present]
    likely = [np.zeros((0, 2), dtype=np.int64)]
    with _bar(progress, None, "bands", "band") as bar:
        for batch in candidate_pairs(signatures, sizes, threshold, bar.update):
            likely.append(plausible(batch, signatures, sizes, threshold))
    found = np.unique(np.concatenate(likely), axis=0)
    pairs = [(int(present[i]), int(present[j])) for i, j in found.tolist()]
    return _exact_pairs(texts, ids, pairs, threshold)


def _bar(show: bool, total: int | None, desc: str, unit: str) -> tqdm:
    return tqdm(total=total, desc=f"near-duplicates: {desc}", unit=unit, disable=not show)


def _exact_pairs(
    texts: Mapping[str, str],
    ids: list[str],
    pairs: list[tuple[int, int]],
    threshold: float,
) -> list[DuplicatePair]:
    """The candidate pairs whose exact containment reaches `threshold`."""
    remaining: dict[int, int] = defaultdict(int)
    for i, j in pairs:
        remaining[i] += 1
        remaining[j] += 1
    cache: dict[int, np.ndarray] = {}
    words = WordHashes()
    found = []
    for i, j in pairs:
        for k in (i, j):
            if k not in cache:
                cache[k] = text_to_shingle_array(texts[ids[k]], words_seen=words)
        a, b = cache[i], cache[j]
        common = len(np.intersect1d(a, b, assume_unique=True))
        containment = common / min(len(a), len(b))
        if containment >= threshold:
            scores = round(containment, 4), round(common / (len(a) + len(b) - common), 4)
            found.append(
                DuplicatePair(ids[i], ids[j], *scores, len(texts[ids[i]]), len(texts[ids[j]]))
            )
        for k in (i, j):
            remaining[k] -= 1
            if not remaining[k]:
                del cache[k]
    return sorted(found, key=lambda p: (p.a, p.b))


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
