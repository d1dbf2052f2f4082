import random
from collections import Counter

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.folds import FOLDS, assign_folds, fold_members, fold_scheme

# v1.1.0: v1.0.0's splits with 000 promoted to validation (tests/build/test_splits.py)
V1_1_0 = {
    "000_610f827a1a73c6d9": "validation",
    "002_f4fac74a6db6b90a": "test",
    "003_8619a8974c0e0bd4": "train",
    "004_cf81856647957af6": "train",
}


def test_folds_of_v1_1_0_leave_one_document_out_and_hold_test_out():
    # ranks by sha256 of "nkcorpus-fold-v1:" + group: 003 0.1530 < 000 0.7784 < 004 0.9553
    folds = assign_folds({doc_id: doc_id for doc_id in V1_1_0}, V1_1_0)
    assert folds == {
        "000_610f827a1a73c6d9": 1,
        "002_f4fac74a6db6b90a": None,
        "003_8619a8974c0e0bd4": 0,
        "004_cf81856647957af6": 2,
    }
    assert fold_scheme(3) == "leave-one-group-out (3 folds)"


def test_folds_keep_a_near_duplicate_group_in_one_fold():
    groups = {"a1": "a", "a2": "a", "b": "b", "c": "c", "t": "t"}
    splits = {"a1": "train", "a2": "train", "b": "validation", "c": "train", "t": "test"}
    folds = assign_folds(groups, splits)
    assert folds["a1"] == folds["a2"] is not None and folds["t"] is None
    assert sorted(f for d, f in folds.items() if d not in ("a2", "t")) == [0, 1, 2]  # 3 groups


def test_folds_above_k_groups_are_k_fold_and_balanced_by_group():
    groups = {f"d{i:02d}": f"g{i:02d}" for i in range(12)}
    splits = dict.fromkeys(groups, "train")
    folds = assign_folds(groups, splits)
    # 12 groups over 5 folds: ranks 0..11 -> rank % 5: folds 0 and 1 get 3, folds 2-4 get 2
    assert sorted(Counter(folds.values()).items()) == [(0, 3), (1, 3), (2, 2), (3, 2), (4, 2)]
    assert fold_scheme(12) == f"{FOLDS}-fold"


def test_folds_do_not_depend_on_input_order():
    groups = {f"d{i}": f"g{i % 7}" for i in range(20)}
    splits = {d: ("test" if g == "g3" else "train") for d, g in groups.items()}
    items = list(groups.items())
    random.Random(0).shuffle(items)
    assert assign_folds(dict(items), splits) == assign_folds(groups, splits)


def test_folds_refuse_a_group_in_test_and_in_train_naming_every_problem():
    groups = {"a1": "a", "a2": "a", "b": "b", "lost": "b"}
    splits = {"a1": "train", "a2": "test", "b": "train"}
    with pytest.raises(BuildError, match=r"B220.*lost has no split.*group a \(a1, a2\)"):
        assign_folds(groups, splits)


def test_fold_members_list_each_fold():
    assert fold_members({"x": 0, "y": None, "z": 0, "w": 2}) == {0: ["x", "z"], 2: ["w"]}
