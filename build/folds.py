"""Document-level cross-validation folds over train + validation.

The test split takes no part: its documents get fold None and stay held out
for the final figure. Every other released group (train or validation) gets
a fold number, and every document of a group gets its group's, so
near-duplicates never straddle folds. Groups are ranked by a stable hash of
their id (a salt other than the splits'), and the group of rank `i` gets fold
`i % FOLDS`:

- with at most `FOLDS` groups this is leave-one-group-out (fold `i` is the
  `i`-th group alone; with one document per group, leave-one-document-out);
- above, it is `FOLDS`-fold, whose folds differ by at most one group in size.

Fold numbers belong to one release: when groups are added, the ranking and so
the folds may change, so compare cross-validation figures only within a
release. Protocol: for each fold `f`, train on the documents whose fold is not
`f` (and not None), predict fold `f`; report each fold and their mean.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from nkcorpus.build.errors import BuildError

FOLDS = 5  # the number of folds once there are more groups than this
FOLD_SPLITS = ("train", "validation")  # the splits that take part; test is held out
_SALT = "nkcorpus-fold-v1:"


def _rank_key(group: str) -> tuple[float, str]:
    digest = hashlib.sha256((_SALT + group).encode("utf-8")).digest()
    return (int.from_bytes(digest[:8], "big") / 2**64, group)


def fold_scheme(groups: int, folds: int = FOLDS) -> str:
    """What the folds of `groups` groups amount to, in words.

    >>> fold_scheme(3), fold_scheme(12)
    ('leave-one-group-out (3 folds)', '5-fold')
    """
    if groups <= folds:
        return f"leave-one-group-out ({groups} fold{'s' if groups != 1 else ''})"
    return f"{folds}-fold"


def assign_folds(
    groups: Mapping[str, str], splits: Mapping[str, str], folds: int = FOLDS
) -> dict[str, int | None]:
    """doc_id -> fold (None for test) for `groups` (doc_id -> near-duplicate
    group) and `splits` (doc_id -> split); see the module docstring.

    Raises B220 when a document has no split or a group straddles the test
    split and another (it would leak), naming every such document.

    >>> assign_folds({"a": "a", "b": "b", "t": "t"}, {"a": "train", "b": "validation", "t": "test"})
    {'a': 1, 'b': 0, 't': None}
    """
    problems = [f"{doc_id} has no split" for doc_id in sorted(set(groups) - set(splits))]
    held: dict[str, set[bool]] = {}
    for doc_id, group in groups.items():
        if doc_id in splits:
            held.setdefault(group, set()).add(splits[doc_id] not in FOLD_SPLITS)
    problems += [
        f"group {group} ({', '.join(sorted(d for d, g in groups.items() if g == group))}) "
        "is in test and in another split"
        for group, kinds in sorted(held.items())
        if len(kinds) > 1
    ]
    if problems:
        raise BuildError(
            "B220",
            f"cannot assign folds: {'; '.join(problems)}; a group's documents share one split "
            "(`nkcorpus.build.splits.assign_splits` keeps them together): assign splits by group",
        )
    ranked = sorted({g for g, kinds in held.items() if kinds == {False}}, key=_rank_key)
    fold_of = {group: rank % folds for rank, group in enumerate(ranked)}
    return {doc_id: fold_of.get(group) for doc_id, group in sorted(groups.items())}


def fold_members(folds: Mapping[str, int | None]) -> dict[int, list[str]]:
    """fold -> its doc_ids (sorted), for the folds that hold documents.

    >>> fold_members({"a": 1, "b": 0, "c": 1, "t": None})
    {0: ['b'], 1: ['a', 'c']}
    """
    members: dict[int, list[str]] = {}
    for doc_id, fold in sorted(folds.items()):
        if fold is not None:
            members.setdefault(fold, []).append(doc_id)
    return dict(sorted(members.items()))
