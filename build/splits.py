"""Train/validation/test assignment by a stable hash of the near-duplicate group.

Copies of one article share a group, so they always share a split. The rule,
applied by `assign_splits` in this order:

1. Kept: a document that was in the previous release keeps that release's
   split, and the rest of its group follows it, whatever the ratios are now.
2. Hashed: every other group takes `group_to_split` (a point in [0, 1) from
   the sha256 of its id, cut by the ratios).
3. Test guarantee: when no group is in test, the ratio of test is above 0 and
   train holds at least `MIN_TRAIN_GROUPS` + 1 groups, one *new* train group
   (never released) is promoted to test. A released train document never
   moves into test: a model trained on an earlier release has seen it.
4. Validation guarantee: likewise, when no group is in validation, one train
   group is promoted to validation: a new group if there is one, else a
   released one. This is the only way a released document ever changes split
   (a *move*, returned in `SplitAssignment.moves` so that the build echoes it
   and the changelog names it): validation serves model selection, so a
   document a model may have trained on is tolerable there, while it would
   not be in test.

Among the candidates of a promotion, the group whose hash point is highest
(nearest the validation and test ranges) wins; ties go to the lower group id.
Test documents never move; validation documents never move; nothing moves into
test. v1.0.0 (train 000, 003, 004; test 002) gives v1.1.0 train 003, 004,
validation 000 (the highest point of the three), test 002.

Held-out test. Given `seen` (the documents the frozen pre-annotation rules were
written from, `annotation/prelabel/frozen.json`) and at least one released
document outside it (*held out*), the test split holds only held-out documents:

- a seen group that was in test moves to validation (to train when the
  validation ratio is 0): the one exception to "test documents never move",
  named as such by `move_to_text`. Validation rather than train, because no
  model trained on an earlier release has seen a former test document, so it
  still serves model selection fairly, and the earlier test figures stay
  comparable with nothing trained on their document;
- a new seen group that hashes to test goes to validation (or train) likewise;
- the test guarantee promotes only a new held-out group.

Without a held-out document (every release up to v1.1.0) the rule is the one
above, unchanged. v1.1.0 plus new held-out documents: 002 (test) moves to
validation, 000 stays there, and test holds the held-out groups that hash to
it (or the one promoted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from nkcorpus.build.errors import BuildError

SPLITS = ("train", "validation", "test")
MIN_TRAIN_GROUPS = 2  # a promotion leaves train at least this many groups
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


@dataclass(frozen=True)
class SplitMove:
    """A released document whose split changes from one release to the next."""

    doc_id: str
    group: str
    old: str
    new: str


@dataclass(frozen=True)
class SplitAssignment:
    """doc_id -> split, the released documents that moved, and every promotion
    (group -> the split it was promoted to from train)."""

    splits: dict[str, str]
    moves: list[SplitMove] = field(default_factory=list)
    promoted: dict[str, str] = field(default_factory=dict)


def group_point(group: str) -> float:
    """The group's point in [0, 1): the first 8 bytes of sha256 of the salted id.

    >>> round(group_point("000_610f827a1a73c6d9"), 4)
    0.3698
    """
    digest = hashlib.sha256((_SALT + group).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def group_to_split(group: str, ratios: SplitRatios) -> str:
    """The split of a near-duplicate group: its `group_point` cut by the ratios.

    >>> group_to_split("000_610f827a1a73c6d9", SplitRatios())
    'train'
    >>> group_to_split("000_610f827a1a73c6d9", SplitRatios(0.0, 0.0, 1.0))
    'test'
    """
    point = group_point(group)
    if point < ratios.train:
        return "train"
    if point < ratios.train + ratios.validation:
        return "validation"
    return "test" if ratios.test > 0 else ("validation" if ratios.validation > 0 else "train")


def _promote(by_group: dict[str, str], candidates: Iterable[str], target: str) -> str | None:
    """Move the best candidate train group to `target` when `target` is empty and
    train keeps MIN_TRAIN_GROUPS; returns the group promoted, if any."""
    train = [g for g, split in by_group.items() if split == "train"]
    if target in by_group.values() or len(train) <= MIN_TRAIN_GROUPS:
        return None
    pool = sorted(candidates, key=lambda g: (-group_point(g), g))
    if not pool:
        return None
    by_group[pool[0]] = target
    return pool[0]


def _unseen_split(split: str, ratios: SplitRatios) -> str:
    """Where a seen group goes instead of test: validation, or train at a 0 ratio."""
    if split != "test":
        return split
    return "validation" if ratios.validation > 0 else "train"


def assign_splits(
    groups: Mapping[str, str],
    ratios: SplitRatios,
    previous: Mapping[str, str] | None = None,
    seen: Collection[str] | None = None,
) -> SplitAssignment:
    """The splits of `groups` (doc_id -> near-duplicate group) under the rule of
    this module's docstring; `previous` is doc_id -> split of the last release,
    `seen` the doc_ids the frozen pre-annotation rules were written from.

    >>> groups = {"000": "000", "002": "002", "003": "003", "004": "004"}
    >>> before = {"000": "train", "002": "test", "003": "train", "004": "train"}
    >>> result = assign_splits(groups, SplitRatios(), previous=before)
    >>> result.moves  # the highest point of the train groups 000, 003, 004 is 004's
    [SplitMove(doc_id='004', group='004', old='train', new='validation')]
    """
    previous = previous or {}
    held_out = seen is not None and any(doc_id not in seen for doc_id in groups)
    seen_groups = {g for d, g in groups.items() if d in (seen or ())} if held_out else set()
    by_group: dict[str, str] = {}
    for doc_id, group in sorted(groups.items()):
        if doc_id in previous and group not in by_group:
            by_group[group] = previous[doc_id]
    released = set(by_group)
    for group in sorted(set(groups.values()) - released):
        by_group[group] = group_to_split(group, ratios)
    for group in sorted(seen_groups):  # the test split holds only held-out documents
        by_group[group] = _unseen_split(by_group[group], ratios)
    promoted: dict[str, str] = {}
    for target, ratio in (("test", ratios.test), ("validation", ratios.validation)):
        train = [g for g, split in by_group.items() if split == "train"]
        new = [g for g in train if g not in released]
        if target == "test":
            new = [g for g in new if g not in seen_groups]
        candidates = new if new or target == "test" else train
        group = _promote(by_group, candidates, target) if ratio > 0 else None
        if group is not None:
            promoted[group] = target
    splits = {doc_id: by_group[group] for doc_id, group in sorted(groups.items())}
    return SplitAssignment(splits, split_moves(previous, splits, groups), promoted)


def split_moves(
    old: Mapping[str, str], new: Mapping[str, str], groups: Mapping[str, str] | None = None
) -> list[SplitMove]:
    """The documents in both `old` and `new` (doc_id -> split) whose split differs,
    by doc_id; `diff` can call it with two releases' MANIFEST.json `splits`.

    >>> split_moves({"a": "train", "b": "test"}, {"a": "validation", "b": "test"})
    [SplitMove(doc_id='a', group='a', old='train', new='validation')]
    """
    groups = groups or {}
    return [
        SplitMove(doc_id, groups.get(doc_id, doc_id), old[doc_id], new[doc_id])
        for doc_id in sorted(set(old) & set(new))
        if old[doc_id] != new[doc_id]
    ]


TEST_REASON = "the test split holds only documents the frozen pre-annotation rules never saw"


def move_to_text(move: SplitMove) -> str:
    """One line for the build's output, the diff and the changelog, with the move's
    reason (a move out of test is only ever the held-out rule's).

    >>> move_to_text(SplitMove("000", "000", "train", "validation"))
    '000: train -> validation (the corpus had no validation document)'
    >>> move_to_text(SplitMove("002", "002", "test", "validation")).endswith(f"({TEST_REASON})")
    True
    """
    if move.old == "test":
        reason = f" ({TEST_REASON})"
    else:
        reason = " (the corpus had no validation document)" if move.new == "validation" else ""
    return f"{move.doc_id}: {move.old} -> {move.new}{reason}"


def present_splits(assignment: Iterable[str]) -> list[str]:
    """The splits that hold at least one document, in train/validation/test order."""
    used = set(assignment)
    return [split for split in SPLITS if split in used]
