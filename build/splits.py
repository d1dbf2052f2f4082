"""Train/validation/test assignment by a stable hash of the near-duplicate group.

Copies of one article share a group, so they always share a split. A group's
split depends only on its id and the ratios; a document that was in an earlier
release keeps that release's split, whatever the ratios are now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nkcorpus.build.errors import BuildError

SPLITS = ("train", "validation", "test")
_SALT = "nkcorpus-split-v1:"


@dataclass(frozen=True)
class SplitRatios:
    train: float = 0.8
    validation: float = 0.1
    test: float = 0.1

    def __post_init__(self) -> None:
        values = (self.train, self.validation, self.test)
        if any(v < 0 for v in values) or abs(sum(values) - 1.0) > 1e-9:
            raise BuildError(
                "B201",
                f"split ratios {values} must be >= 0 and sum to 1; e.g. --split-ratios 0.8,0.1,0.1",
            )

    @classmethod
    def parse(cls, text: str) -> SplitRatios:
        """`"0.8,0.1,0.1"` -> SplitRatios(0.8, 0.1, 0.1)."""
        try:
            train, validation, test = (float(part) for part in text.split(","))
        except ValueError:
            raise BuildError(
                "B201", f"split ratios {text!r} must be three numbers: TRAIN,VALIDATION,TEST"
            ) from None
        return cls(train, validation, test)


def group_to_split(group: str, ratios: SplitRatios) -> str:
    """The split of a near-duplicate group: a point in [0, 1) from sha256 of its id.

    >>> group_to_split("000_610f827a1a73c6d9", SplitRatios())
    'train'
    >>> group_to_split("000_610f827a1a73c6d9", SplitRatios(0.0, 0.0, 1.0))
    'test'
    """
    digest = hashlib.sha256((_SALT + group).encode("utf-8")).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    if point < ratios.train:
        return "train"
    if point < ratios.train + ratios.validation:
        return "validation"
    return "test" if ratios.test > 0 else ("validation" if ratios.validation > 0 else "train")


def assign_splits(
    groups: Mapping[str, str],
    ratios: SplitRatios,
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """doc_id -> split, for `groups` (doc_id -> near-duplicate group).

    A document in `previous` (doc_id -> split of the last release) keeps it,
    and so does the rest of its group; other groups are hashed.
    """
    previous = previous or {}
    by_group: dict[str, str] = {}
    for doc_id, group in sorted(groups.items()):
        if doc_id in previous and group not in by_group:
            by_group[group] = previous[doc_id]
    return {
        doc_id: by_group.setdefault(group, group_to_split(group, ratios))
        for doc_id, group in sorted(groups.items())
    }


def present_splits(assignment: Iterable[str]) -> list[str]:
    """The splits that hold at least one document, in train/validation/test order."""
    used = set(assignment)
    return [split for split in SPLITS if split in used]
