"""Bootstrap confidence intervals over documents.

Each resample draws as many documents as were measured, with replacement,
from `numpy.random.default_rng(seed)`; its counts are the drawn documents'
counts summed (a document drawn twice counts twice), and every figure is
computed from them (`figures.figures`). The interval of a figure is the
2.5th and 97.5th percentiles (numpy's default, linear) of its values over
the resamples in which it is defined. Same documents, resamples and seed:
same intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
LEVEL = 0.95


class Interval(BaseModel):
    """A percentile interval and the number of resamples that defined the figure."""

    low: float
    high: float
    resamples: int


def bootstrap_intervals(
    documents: Sequence[Mapping[tuple[Any, ...], float]],
    statistic: Callable[[Mapping[tuple[Any, ...], float]], Mapping[str, float | None]],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Interval | None]:
    """The 95% percentile interval of every figure `statistic` computes from
    the summed counts of a resample of `documents`; None for a figure no
    resample defines.

    >>> docs = [{("n",): 1.0}, {("n",): 3.0}]
    >>> bounds = bootstrap_intervals(docs, lambda c: {"n": c.get(("n",), 0.0)}, 200, seed=0)
    >>> bounds["n"].low, bounds["n"].high  # resample sums: 2 (1+1), 4 (1+3 or 3+1) or 6 (3+3)
    (2.0, 6.0)
    """
    if not documents:
        return {}
    keys = sorted({key for counts in documents for key in counts}, key=repr)
    column = {key: n for n, key in enumerate(keys)}
    matrix = np.zeros((len(documents), len(keys)))
    for row, counts in enumerate(documents):
        for key, value in counts.items():
            matrix[row, column[key]] = value
    rng = np.random.default_rng(seed)
    values: dict[str, list[float]] = {}
    for _ in range(resamples):
        drawn = rng.integers(0, len(documents), size=len(documents))
        weights = np.bincount(drawn, minlength=len(documents)).astype(float)
        summed = dict(zip(keys, (weights @ matrix).tolist(), strict=True))
        for name, value in statistic(summed).items():
            found = values.setdefault(name, [])
            if value is not None and np.isfinite(value):
                found.append(value)
    tail = (1 - LEVEL) / 2 * 100
    return {
        name: Interval(
            low=float(np.percentile(found, tail)),
            high=float(np.percentile(found, 100 - tail)),
            resamples=len(found),
        )
        if found
        else None
        for name, found in sorted(values.items())
    }
