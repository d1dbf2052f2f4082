"""The agreement coefficients, from counts that add up over documents.

Every figure of `nkcorpus agreement` is computed from sums of counts (matched
spans, contingency tables, coincidence matrices), so that a bootstrap
resample of documents is a weighted sum of per-document counts. A figure is
None when it is undefined (nothing to compare, or no variation to correct
for chance).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def f1(matched: float, first: float, second: float) -> float | None:
    """Pairwise F1, `2 * matched / (first + second)`: symmetric in the two
    annotators (each one's precision is the other's recall).

    >>> f1(3, 4, 5), f1(0, 0, 0)
    (0.6666666666666666, None)
    """
    total = first + second
    return None if total == 0 else 2 * matched / total


def cohen_kappa(table: npt.ArrayLike) -> float | None:
    """Cohen's kappa of a square contingency table (rows: one rater's
    categories, columns: the other's, same order).

    `(p_o - p_e) / (1 - p_e)`; None when the table is empty or `p_e` is 1
    (both raters used one and the same category throughout).

    >>> cohen_kappa([[2, 1], [0, 1]])  # p_o = 3/4, p_e = 3/4*2/4 + 1/4*2/4 = 1/2
    0.5
    """
    counts = np.asarray(table, dtype=float)
    n = counts.sum()
    if n == 0:
        return None
    observed = np.trace(counts) / n
    expected = float(counts.sum(axis=1) @ counts.sum(axis=0)) / (n * n)
    if np.isclose(expected, 1.0):
        return None
    return float((observed - expected) / (1 - expected))


def coincidences(value_counts: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Krippendorff's coincidence matrix of units x values counts: each unit
    with `m >= 2` values adds its `m (m - 1)` ordered pairs of values, each
    weighted `1 / (m - 1)`; units with fewer values add nothing.

    >>> coincidences([[2, 0], [1, 1]]).tolist()
    [[2.0, 1.0], [1.0, 0.0]]
    """
    counts = np.asarray(value_counts, dtype=float)
    m = counts.sum(axis=1)
    counts = counts[m >= 2]
    weights = 1.0 / (m[m >= 2] - 1)
    weighted = counts * weights[:, np.newaxis]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def nominal_alpha(coincidence: npt.ArrayLike) -> float | None:
    """Krippendorff's alpha (nominal) of a coincidence matrix: `1 - D_o / D_e`
    with `D_o` the off-diagonal coincidences and `D_e = (n^2 - sum n_c^2) / (n - 1)`;
    the same arithmetic as `krippendorff.alpha(level_of_measurement="nominal")`.
    None when fewer than two values occur (no disagreement to expect).

    >>> nominal_alpha(coincidences([[2, 0], [1, 1], [0, 2]]))  # D_o = 2, D_e = 18/5
    0.4444444444444444
    """
    matrix = np.asarray(coincidence, dtype=float)
    totals = matrix.sum(axis=0)
    n = totals.sum()
    if n <= 1:
        return None
    expected = (n * n - float(totals @ totals)) / (n - 1)
    if np.isclose(expected, 0.0):
        return None
    observed = matrix.sum() - np.trace(matrix)
    return float(1 - observed / expected)
