"""Candidate pairs for near-duplicate detection: size-aware LSH bands over
MinHash signatures (`dedup_sign`), for containment rather than Jaccard
similarity (the idea of LSH Ensemble, Zhu et al., VLDB 2016, which
`datasketch.MinHashLSHEnsemble` implements).

Two documents are candidates when one band of `r` consecutive signature
values is identical in both. A short copy of a long article has a low
Jaccard similarity, so the band shape depends on the pair's size ratio
`xq = |x| / |q| >= 1` (q the smaller document, whose containment the rule
measures): at containment exactly `t` the Jaccard similarity is
`J = t / (1 + xq - t)`, and `band_plan` picks the most rows `r` (fewest chance
collisions) and the fewest bands `b` for which the pair is missed with
probability `(1 - J**r)**b <= MAX_MISS`. Every pair sharing a band is then
checked against its own size ratio (rounded up to 1/64 of a doubling), so no
size partitions are needed. `datasketch.MinHashLSHEnsemble` was measured
first: at 1,000 synthetic documents its dict-backed index took 75-80 MB and
3-4 s to build (about 8 GB for 100,000), so the bands are joined here with
numpy sorts. `plausible` then drops the candidates whose signatures agree in
too few positions for the containment to reach `t` (most chance collisions
of a topical corpus) before the exact check.

A pair above the threshold can be missed: with probability at most
`MAX_MISS + SKETCH_MISS` (0.11%) at containment exactly 0.8, far less above
it (at most 1.6e-4 at containment 1.0; never for identical texts), as long as
the smaller document has at least 1/29.8 of the other's shingles; beyond that
ratio even 256 one-value bands cannot reach `MAX_MISS` (0.16% at 1/32, 3.3% at
1/60, at containment 0.8). This is under the ideal MinHash model (a position
agrees with probability J); a test measures it against brute force.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nkcorpus.corpus.dedup_sign import NUM_PERM

MAX_MISS = 0.001  # bands: at containment exactly the threshold
SKETCH_MISS = 0.0001  # `plausible`: at containment exactly the threshold
MAX_ROWS = 8
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Band:
    """Rows per band and bands used for one size ratio."""

    rows: int
    bands: int
    miss: float


@lru_cache(maxsize=4096)
def band_plan(xq: float, threshold: float, num_perm: int = NUM_PERM) -> Band:
    """The band shape for a pair whose other document is `xq` times the size
    of the one whose containment is measured.

    Same size, containment 0.8: J = 0.8 / (1 + 1 - 0.8) = 2/3; 6 rows would
    need b >= ln 0.001 / ln(1 - (2/3)**6) = 75.2 > 256 // 6 = 42 bands; 5 rows:
    b >= ln 0.001 / ln(1 - 0.13169) = 48.9, so 49 <= 51; its miss:
    0.86831**49 = 0.00099.

    >>> plan = band_plan(1.0, 0.8)
    >>> (plan.rows, plan.bands, round(plan.miss, 5))
    (5, 49, 0.00099)
    """
    jaccard = threshold / (1 + xq - threshold)
    for rows in range(min(MAX_ROWS, num_perm), 0, -1):
        p = jaccard**rows
        if p >= 1.0:
            return Band(rows, 1, 0.0)
        needed = math.ceil(math.log(MAX_MISS) / math.log1p(-p)) if p > 0 else math.inf
        if needed <= num_perm // rows:
            return Band(rows, needed, (1 - p) ** needed)
    return Band(1, num_perm, (1 - jaccard) ** num_perm)


def _band_keys(signatures: np.ndarray, rows: int, band: int) -> np.ndarray:
    """64-bit keys of band `band` (`rows` values) of every signature."""
    cols = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
    key = np.zeros(len(signatures), dtype=np.uint64)
    for c in range(rows):
        key = (key ^ cols[:, c]) * _MIX + np.uint64(c + 1)
    return key


def candidate_pairs(
    signatures: np.ndarray,
    sizes: np.ndarray,
    threshold: float,
    advance: Callable[[int], object] = lambda done: None,
) -> Iterator[np.ndarray]:
    """Index pairs (i < j) as (m, 2) arrays, one per band (a pair may come
    again from another band), that share a band of the plan for their size
    ratio (`band_plan`, the smaller document's containment: ratio >= 1).
    `signatures`: (n, num_perm) uint32; `sizes`: shingles per document (> 0)."""
    num_perm = signatures.shape[1]
    if len(sizes) < 2:
        return
    smin, smax = int(sizes.min()), int(sizes.max())
    plans = [band_plan(2.0 ** (g / _GRID), threshold, num_perm)
             for g in range(_grid_index(smax / smin) + 1)]  # fmt: skip
    rows_of = np.array([p.rows for p in plans])
    bands_of = np.array([p.bands for p in plans])
    by_size = np.argsort(sizes, kind="stable")
    ordered = sizes[by_size]
    for rows, band in sorted({(p.rows, band) for p in plans for band in range(p.bands)}):
        advance(1)
        used = np.flatnonzero((rows_of == rows) & (bands_of > band))  # grid steps using it
        # a pair's step is ceil(64 log2(x / q)): its ratio is in (lo, hi]
        lo, hi = 2.0 ** ((used.min() - 1) / _GRID), 2.0 ** (used.max() / _GRID)
        keys = _band_keys(signatures, rows, band)
        small = by_size[: int(np.searchsorted(ordered, smax / lo, "right"))]  # can be q
        q, x = _joined(keys[small], keys)
        q = small[q]
        ratio = sizes[x] / sizes[q]
        # q is the smaller of the pair (of equal sizes: the lower index)
        keep = (ratio > lo) & (ratio <= hi) & ((ratio > 1) | ((ratio == 1) & (q < x)))
        q, x = q[keep], x[keep]
        step = np.ceil(np.log2(sizes[x] / sizes[q]) * _GRID - 1e-9).astype(np.int64)
        wanted = (rows_of[step] == rows) & (bands_of[step] > band)
        if wanted.any():
            yield np.sort(np.stack([q[wanted], x[wanted]], axis=1), axis=1)


def _joined(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position pair (i, j) with left[i] == right[j].

    >>> [p.tolist() for p in _joined(np.array([7, 1, 9]), np.array([1, 7, 7]))]
    [[0, 0, 1], [1, 2, 0]]
    """
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    start = np.searchsorted(ordered, left, side="left")
    count = np.searchsorted(ordered, left, side="right") - start
    i = np.repeat(np.arange(len(left)), count)
    offset = np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(start, count) + offset]


_GRID = 64  # size ratios are rounded up to a grid of 64 steps per doubling


def _grid_index(ratio: float) -> int:
    """The grid step at or above `ratio` (a larger ratio assumes a lower Jaccard
    similarity, so rounding up never raises the miss probability)."""
    return math.ceil(math.log2(ratio) * _GRID - 1e-9)


def plausible(
    pairs: np.ndarray, signatures: np.ndarray, sizes: np.ndarray, threshold: float
) -> np.ndarray:
    """The candidate pairs whose signatures agree in enough positions for their
    containment to reach `threshold`: at containment exactly `threshold` the
    pair's Jaccard similarity is J = t s / (s + l - t s) (s <= l its sizes),
    each position agrees with probability J, and a pair is dropped only below
    the count that Binomial(num_perm, J) falls under with probability
    `SKETCH_MISS` (J rounded down to 1/1024 first). Unrelated documents that
    happened to share a band agree in few positions: most candidates of a
    topical corpus stop here, before the exact check."""
    need_at = least_agreement(signatures.shape[1])
    kept = []
    for start in range(0, len(pairs), 20_000):
        part = pairs[start : start + 20_000]
        agree = (signatures[part[:, 0]] == signatures[part[:, 1]]).sum(axis=1)
        small = np.minimum(sizes[part[:, 0]], sizes[part[:, 1]]).astype(np.float64)
        large = np.maximum(sizes[part[:, 0]], sizes[part[:, 1]]).astype(np.float64)
        jaccard = threshold * small / (small + large - threshold * small)
        step = np.clip(np.floor(jaccard * 1024).astype(np.int64), 0, 1024)
        kept.append(part[agree >= need_at[step]])
    return np.concatenate(kept) if kept else pairs


@lru_cache(maxsize=4)
def least_agreement(num_perm: int) -> np.ndarray:
    """For J = k / 1024 (k = 0..1024): the largest count c with
    P(Binomial(num_perm, J) < c) <= SKETCH_MISS.

    >>> int(least_agreement(256)[683])  # J = 0.667: mean 170.7, sd 7.5
    142
    """
    k = np.arange(num_perm + 1)
    log_comb = np.array([math.lgamma(num_perm + 1) - math.lgamma(i + 1)
                         - math.lgamma(num_perm - i + 1) for i in k])  # fmt: skip
    jaccard = np.clip(np.arange(1025) / 1024, 1e-12, 1 - 1e-12)[:, None]
    pmf = np.exp(log_comb + k * np.log(jaccard) + (num_perm - k) * np.log1p(-jaccard))
    below = np.cumsum(pmf, axis=1)  # P(X <= c)
    return np.argmax(below > SKETCH_MISS, axis=1)
