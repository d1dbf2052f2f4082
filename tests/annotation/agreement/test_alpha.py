"""The stacked alpha is the `krippendorff` package's, to the last bit."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from nkcorpus.annotation.agreement.alpha import stacked_alpha


def _parts(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    values = int(rng.integers(2, 22))
    parts = []
    for _ in range(int(rng.integers(1, 40))):
        units = int(rng.integers(0, 5000))
        counts = np.zeros((units, values), dtype=np.int64)
        for _ in range(int(rng.integers(1, 5))):  # coders
            weights = np.r_[0.85, np.full(values - 1, 0.15 / (values - 1))]
            tags = rng.choice(values, size=units, p=weights)
            keep = rng.random(units) < 0.9  # a coder may skip a unit
            np.add.at(counts, (np.arange(units)[keep], tags[keep]), 1)
        parts.append(counts.astype(np.uint8) if seed % 2 else counts)  # as value_counts
    return parts


@pytest.mark.parametrize("seed", range(12))
def test_stacked_alpha_is_the_packages_alpha(seed: int) -> None:
    """Random parts, up to ~100,000 units in all (several of numpy's blocks)."""
    parts = _parts(seed)
    stacked = np.concatenate(parts).astype(np.int64)  # as the package was given them
    used = stacked[:, stacked.sum(axis=0) > 0]
    if used.shape[1] < 2 or not (used.sum(axis=1) >= 2).any():
        assert stacked_alpha(parts) is None
        return
    expected = float(krippendorff.alpha(value_counts=used, level_of_measurement="nominal"))
    assert stacked_alpha(parts) == expected  # equal, not close


def test_stacked_alpha_undefined_cases() -> None:
    assert stacked_alpha([np.array([[2, 0]]), np.array([[2, 0]])]) is None  # one tag used
    assert stacked_alpha([np.array([[1, 0]]), np.array([[0, 1]])]) is None  # no unit has 2
    assert stacked_alpha([np.zeros((0, 3), dtype=np.int64)]) is None  # no unit at all


def test_blocks_cut_the_stacked_units() -> None:
    from nkcorpus.annotation.agreement.alpha import _blocks

    parts = [np.arange(i * 10, i * 10 + n).reshape(-1, 1) for i, n in enumerate([3, 0, 5, 4])]
    blocks = list(_blocks(parts, 4))
    assert [len(b) for b in blocks] == [4, 4, 4]
    assert np.concatenate(blocks).ravel().tolist() == np.concatenate(parts).ravel().tolist()
