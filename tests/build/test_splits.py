import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.splits import (
    TEST_REASON,
    SplitMove,
    SplitRatios,
    assign_splits,
    group_point,
    group_to_split,
    move_to_text,
    present_splits,
    split_moves,
)

# v1.0.0's MANIFEST.json splits (dataset/v1.0.0 never changes); each group is its doc_id
V1_0_0 = {
    "000_610f827a1a73c6d9": "train",
    "002_f4fac74a6db6b90a": "test",
    "003_8619a8974c0e0bd4": "train",
    "004_cf81856647957af6": "train",
}
V1_1_0 = {**V1_0_0, "000_610f827a1a73c6d9": "validation"}
# frozen.json's documents_seen: the seed manifest when the rules were frozen
SEEN = frozenset({*V1_0_0, "001_01116437e2deb97c"})


def test_splits_follow_the_ratios_over_many_groups():
    ratios = SplitRatios(0.6, 0.2, 0.2)
    counts = {"train": 0, "validation": 0, "test": 0}
    for i in range(5000):
        counts[group_to_split(f"group-{i}", ratios)] += 1
    assert 2800 < counts["train"] < 3200
    assert 850 < counts["validation"] < 1150 and 850 < counts["test"] < 1150


def test_splits_keep_copies_of_one_article_together():
    assignment = assign_splits({"a": "g1", "b": "g1", "c": "g2"}, SplitRatios(0.5, 0.0, 0.5))
    assert assignment.splits["a"] == assignment.splits["b"]


def test_splits_keep_a_previous_release_assignment_whatever_the_ratios():
    groups = {"a": "g1", "b": "g1", "new": "g9"}
    assignment = assign_splits(groups, SplitRatios(1.0, 0.0, 0.0), previous={"a": "test"})
    assert assignment.splits == {"a": "test", "b": "test", "new": "train"}
    assert assignment.moves == [] and assignment.promoted == {}


def test_splits_with_a_zero_ratio_never_use_that_split():
    ratios = SplitRatios(0.5, 0.5, 0.0)
    assert {group_to_split(f"g{i}", ratios) for i in range(500)} == {"train", "validation"}
    assert present_splits(["test", "train"]) == ["train", "test"]


@pytest.mark.parametrize("text", ["0.8,0.1", "a,b,c", "0.8,0.3,0.1", "-0.1,0.6,0.5"])
def test_splits_reject_bad_ratios(text):
    with pytest.raises(BuildError, match="B201"):
        SplitRatios.parse(text)


def test_splits_v1_1_0_promotes_the_train_group_nearest_validation_and_names_the_move():
    # points (sha256 of "nkcorpus-split-v1:" + group, first 8 bytes / 2**64):
    # 000 0.3698 > 004 0.3137 > 003 0.1385, so 000 is promoted; 002 (test) stays
    assert round(group_point("000_610f827a1a73c6d9"), 4) == 0.3698
    assert round(group_point("004_cf81856647957af6"), 4) == 0.3137
    assert round(group_point("003_8619a8974c0e0bd4"), 4) == 0.1385
    groups = {doc_id: doc_id for doc_id in V1_0_0}
    assignment = assign_splits(groups, SplitRatios(), previous=V1_0_0)
    assert assignment.splits == {**V1_0_0, "000_610f827a1a73c6d9": "validation"}
    move = SplitMove("000_610f827a1a73c6d9", "000_610f827a1a73c6d9", "train", "validation")
    assert assignment.moves == [move]
    assert move_to_text(move) == (
        "000_610f827a1a73c6d9: train -> validation (the corpus had no validation document)"
    )
    # the next release keeps v1.1.0's splits: nothing moves again
    again = assign_splits(groups, SplitRatios(), previous=assignment.splits)
    assert again.splits == assignment.splits and again.moves == []


def test_splits_never_move_a_released_document_into_test_or_out_of_it():
    released = {"a": "train", "b": "train", "c": "train", "d": "train"}
    assignment = assign_splits({k: k for k in released}, SplitRatios(), previous=released)
    assert "test" not in assignment.splits.values()  # no new group could take test
    assert [m.new for m in assignment.moves] == ["validation"]  # one train group moved
    held = {"a": "train", "b": "train", "c": "train", "t": "test"}
    kept = assign_splits({k: k for k in held}, SplitRatios(1.0, 0.0, 0.0), previous=held)
    assert kept.splits == held and kept.moves == []  # test keeps t whatever the ratios


def test_splits_promote_a_new_group_before_moving_a_released_one():
    released = {"a": "train", "b": "train", "c": "train", "t": "test"}
    ratios = SplitRatios(0.98, 0.01, 0.01)
    assert group_to_split("new-1", ratios) == "train"  # precondition: it hashes to train
    groups = {**{k: k for k in released}, "new-1": "new-1"}
    assignment = assign_splits(groups, ratios, previous=released)
    assert assignment.splits["new-1"] == "validation"
    assert assignment.moves == [] and assignment.promoted == {"new-1": "validation"}


def test_splits_leave_train_at_least_two_groups():
    released = {"a": "train", "b": "train", "t": "test"}
    assignment = assign_splits({k: k for k in released}, SplitRatios(), previous=released)
    assert assignment.splits == released and assignment.moves == []


def test_splits_keep_an_existing_validation_and_honour_a_zero_ratio():
    with_validation = {"a": "train", "b": "train", "c": "train", "v": "validation", "t": "test"}
    kept = assign_splits({k: k for k in with_validation}, SplitRatios(), previous=with_validation)
    assert kept.splits == with_validation and kept.moves == []
    released = {"a": "train", "b": "train", "c": "train", "t": "test"}
    none = assign_splits({k: k for k in released}, SplitRatios(0.9, 0.0, 0.1), previous=released)
    assert none.splits == released


def test_splits_of_a_fresh_corpus_get_test_then_validation_from_train():
    # all four groups hash below 0.8 (train): 000 0.3698, 004 0.3137, 002 0.3093, 003 0.1385;
    # test takes the highest (000), validation the next (004); train keeps 002 and 003
    groups = {doc_id: doc_id for doc_id in V1_0_0}
    assert {group_to_split(g, SplitRatios()) for g in groups} == {"train"}
    assignment = assign_splits(groups, SplitRatios())
    assert assignment.splits == {
        "000_610f827a1a73c6d9": "test",
        "002_f4fac74a6db6b90a": "train",
        "003_8619a8974c0e0bd4": "train",
        "004_cf81856647957af6": "validation",
    }
    assert assignment.moves == []  # nothing was released before


def test_split_moves_compare_two_releases():
    old = {"a": "train", "b": "test", "gone": "train"}
    new = {"a": "validation", "b": "test", "added": "train"}
    assert split_moves(old, new) == [SplitMove("a", "a", "train", "validation")]


def _own_groups(*doc_ids: str) -> dict[str, str]:
    return {doc_id: doc_id for doc_id in doc_ids}


def test_splits_move_a_seen_test_document_out_of_test_once_held_out_documents_come():
    # points: h1 0.6573, h2 0.5983 (train); g41 0.9052 (test, >= 0.8 + 0.1)
    assert [group_to_split(g, SplitRatios()) for g in ("h1", "h2", "g41")] == [
        "train", "train", "test",
    ]  # fmt: skip
    groups = _own_groups(*V1_1_0, "h1", "h2", "g41")
    assignment = assign_splits(groups, SplitRatios(), previous=V1_1_0, seen=SEEN)
    assert assignment.splits == {
        **V1_1_0, "002_f4fac74a6db6b90a": "validation", "h1": "train", "h2": "train",
        "g41": "test",
    }  # fmt: skip
    move = SplitMove("002_f4fac74a6db6b90a", "002_f4fac74a6db6b90a", "test", "validation")
    assert assignment.moves == [move] and assignment.promoted == {}
    assert move_to_text(move) == f"002_f4fac74a6db6b90a: test -> validation ({TEST_REASON})"
    assert {d for d, split in assignment.splits.items() if split == "test"} <= {"h1", "h2", "g41"}
    again = assign_splits(groups, SplitRatios(), previous=assignment.splits, seen=SEEN)
    assert again.splits == assignment.splits and again.moves == []  # the move happens once


def test_splits_without_a_held_out_document_follow_the_old_rule():
    """Every release up to v1.1.0: all released documents were seen by the rules."""
    groups = _own_groups(*V1_0_0)
    for previous in (V1_0_0, V1_1_0, {}):
        old = assign_splits(groups, SplitRatios(), previous=previous)
        assert assign_splits(groups, SplitRatios(), previous=previous, seen=SEEN) == old
    assert assign_splits(groups, SplitRatios(), previous=V1_1_0, seen=SEEN).splits == V1_1_0


def test_splits_promote_only_a_new_held_out_group_to_test():
    # 002 leaves test, so test is empty; the new train groups are s1 0.765 (seen, a copy the
    # rules saw), h1 0.6573 and h2 0.5983 (held out): h1 is promoted, s1 never
    groups = _own_groups(*V1_1_0, "s1", "h1", "h2")
    assignment = assign_splits(groups, SplitRatios(), previous=V1_1_0, seen=SEEN | {"s1"})
    assert assignment.promoted == {"h1": "test"}
    assert assignment.splits["h1"] == "test" and assignment.splits["s1"] == "train"
    assert [d for d, split in assignment.splits.items() if split == "test"] == ["h1"]


def test_splits_send_a_new_seen_group_that_hashes_to_test_to_validation_or_train():
    # s14 0.9082 hashes to test at both ratios below; g41 0.9052 too
    groups = _own_groups(*V1_1_0, "s14", "g41", "h1")
    assignment = assign_splits(groups, SplitRatios(), previous=V1_1_0, seen=SEEN | {"s14"})
    assert assignment.splits["s14"] == "validation" and assignment.splits["g41"] == "test"
    assert [m.doc_id for m in assignment.moves] == ["002_f4fac74a6db6b90a"]  # s14 is new
    # with no validation ratio, seen test documents go to train instead
    ratios = SplitRatios(0.9, 0.0, 0.1)
    previous = {**V1_1_0, "000_610f827a1a73c6d9": "train"}
    none = assign_splits(groups, ratios, previous=previous, seen=SEEN | {"s14"})
    assert none.splits["s14"] == "train" and none.splits["002_f4fac74a6db6b90a"] == "train"
    assert none.splits["g41"] == "test" and "validation" not in none.splits.values()
    assert none.moves == [
        SplitMove("002_f4fac74a6db6b90a", "002_f4fac74a6db6b90a", "test", "train")
    ]


def test_splits_keep_a_seen_and_a_held_out_copy_together_out_of_test():
    # a held-out copy of 002 shares its group: the group is seen, so it leaves test whole
    groups = {**_own_groups(*V1_1_0), "h-copy": "002_f4fac74a6db6b90a", "h1": "h1", "g41": "g41"}
    assignment = assign_splits(groups, SplitRatios(), previous=V1_1_0, seen=SEEN)
    assert assignment.splits["h-copy"] == assignment.splits["002_f4fac74a6db6b90a"]
    assert assignment.splits["h-copy"] == "validation"


def test_splits_with_held_out_documents_do_not_depend_on_input_order():
    groups = _own_groups(*V1_1_0, "s1", "h1", "h2", "g41")
    forward = assign_splits(groups, SplitRatios(), previous=V1_1_0, seen=SEEN | {"s1"})
    backward = dict(reversed(list(groups.items())))
    assert assign_splits(backward, SplitRatios(), previous=V1_1_0, seen=SEEN | {"s1"}) == forward
