"""Krippendorff's alpha (nominal) over the tokens of many documents, in
memory that does not grow with them.

`krippendorff.alpha(value_counts=...)` builds a units x values x values array
(for 10,000 documents of ~1,000 tokens and 19 BIO tags, 29 GB of float64) and
sums it over the units. Its array has the units as its fastest axis (the
counts come column-selected, `counts[:, used]`), so numpy sums each cell over
the units in blocks of its buffer size (`numpy.getbufsize()`, 8,192 units),
pairwise within a block and one block after another. Here the same per-unit
terms are made one such block at a time, laid out the same way, summed by
numpy and added in order: the package's coincidence matrix to the last bit.
The rest is the package's own code for the nominal level. A test compares with
`krippendorff.alpha` on stacked parts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
from krippendorff.krippendorff import (
    DEFAULT_DTYPE,
    _distance_metric,
    _distances,
    _random_coincidences,
)


def stacked_alpha(parts: Sequence[npt.NDArray[np.int_]]) -> float | None:
    """`krippendorff.alpha(value_counts=np.concatenate(parts), level_of_measurement=
    "nominal")` over the values some part uses; None when fewer than two values
    occur or no unit has two coders (alpha undefined).

    >>> stacked_alpha([np.array([[2, 0], [1, 1]]), np.array([[0, 2]])])
    0.4444444444444444
    """
    totals = sum((p.sum(axis=0) for p in parts), np.zeros(parts[0].shape[1], dtype=np.int64))
    used = totals > 0
    if used.sum() < 2 or not any((p[:, used].sum(axis=1) >= 2).any() for p in parts):
        return None
    observed = _coincidences(parts, used)
    n_v = observed.sum(axis=0)
    metric = _distance_metric("nominal")
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = _random_coincidences(n_v, dtype=DEFAULT_DTYPE)
        distances = _distances(np.arange(int(used.sum())), metric, n_v, dtype=DEFAULT_DTYPE)
        alpha = float(1 - (observed * distances).sum() / (expected * distances).sum())
    return alpha if math.isfinite(alpha) else None


def _coincidences(
    parts: Iterable[npt.NDArray[np.int_]], used: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    total = None
    for block in _blocks(parts, np.getbufsize()):
        # int64 as the package's stacked counts, then `[:, used]`: the package's layout
        summed = _terms(block.astype(np.int64)[:, used]).sum(axis=0)
        total = summed if total is None else total + summed
    assert total is not None  # a unit with two coders exists
    return total


def _blocks(parts: Iterable[npt.NDArray[np.int_]], size: int) -> Iterator[npt.NDArray[np.int_]]:
    """The units of `parts`, stacked, in blocks of `size` (the last one shorter)."""
    pending: list[npt.NDArray[np.int_]] = []
    held = 0
    for part in parts:
        start = 0
        while start < len(part):
            piece = part[start : start + size - held]
            pending.append(piece)
            held += len(piece)
            start += len(piece)
            if held == size:
                yield np.concatenate(pending)
                pending, held = [], 0
    if held:
        yield np.concatenate(pending)


def _terms(counts: npt.NDArray[np.int_]) -> npt.NDArray[np.float64]:
    """Each unit's coincidences, weighted, as the package makes them."""
    size = counts.shape[1]
    pairable = np.maximum(counts.sum(axis=1), 2)
    diagonals = counts[:, np.newaxis, :] * np.eye(size)[np.newaxis, ...]
    products = counts[..., np.newaxis] * counts[:, np.newaxis, :] - diagonals
    return np.divide(products, (pairable - 1).reshape((-1, 1, 1)), dtype=DEFAULT_DTYPE)
