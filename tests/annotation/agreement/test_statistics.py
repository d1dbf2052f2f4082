from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from nkcorpus.annotation.agreement.statistics import (
    cohen_kappa,
    coincidences,
    f1,
    nominal_alpha,
)


def test_f1_is_symmetric_and_undefined_without_spans() -> None:
    assert f1(2, 3, 5) == f1(2, 5, 3) == 0.5  # 2 * 2 / (3 + 5)
    assert f1(0, 3, 0) == 0.0
    assert f1(0, 0, 0) is None


def test_cohen_kappa_by_hand() -> None:
    # p_o = (20 + 15) / 50 = 0.7; rows 25/25, columns 30/20:
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    assert cohen_kappa([[3, 0], [0, 0]]) is None  # one category throughout: p_e = 1
    assert cohen_kappa(np.zeros((2, 2))) is None


def test_nominal_alpha_equals_the_krippendorff_package() -> None:
    # the bootstrap sums coincidence matrices instead of calling the package:
    # both must give the same alpha, with 2 to 4 coders per unit and 5 values
    rng = np.random.default_rng(7)
    for _ in range(20):
        units = rng.integers(0, 5, size=(60, 4)).astype(float)
        units[rng.random(units.shape) < 0.3] = np.nan
        units = units[(~np.isnan(units)).sum(axis=1) >= 2]
        counts = np.stack([(units == v).sum(axis=1) for v in range(5)], axis=1)
        expected = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
        assert nominal_alpha(coincidences(counts)) == pytest.approx(expected, abs=1e-12)


def test_nominal_alpha_undefined_without_variation() -> None:
    assert nominal_alpha(coincidences([[2, 0], [2, 0]])) is None  # one value: D_e = 0
