import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.splits import SplitRatios, assign_splits, group_to_split, present_splits


def test_splits_follow_the_ratios_over_many_groups():
    ratios = SplitRatios(0.6, 0.2, 0.2)
    counts = {"train": 0, "validation": 0, "test": 0}
    for i in range(5000):
        counts[group_to_split(f"group-{i}", ratios)] += 1
    assert 2800 < counts["train"] < 3200
    assert 850 < counts["validation"] < 1150 and 850 < counts["test"] < 1150


def test_splits_keep_copies_of_one_article_together():
    assignment = assign_splits({"a": "g1", "b": "g1", "c": "g2"}, SplitRatios(0.5, 0.0, 0.5))
    assert assignment["a"] == assignment["b"]


def test_splits_keep_a_previous_release_assignment_whatever_the_ratios():
    groups = {"a": "g1", "b": "g1", "new": "g9"}
    assignment = assign_splits(groups, SplitRatios(1.0, 0.0, 0.0), previous={"a": "test"})
    assert assignment == {"a": "test", "b": "test", "new": "train"}


def test_splits_with_a_zero_ratio_never_use_that_split():
    ratios = SplitRatios(0.5, 0.5, 0.0)
    assert {group_to_split(f"g{i}", ratios) for i in range(500)} == {"train", "validation"}
    assert present_splits(["test", "train"]) == ["train", "test"]


@pytest.mark.parametrize("text", ["0.8,0.1", "a,b,c", "0.8,0.3,0.1", "-0.1,0.6,0.5"])
def test_splits_reject_bad_ratios(text):
    with pytest.raises(BuildError, match="B201"):
        SplitRatios.parse(text)
