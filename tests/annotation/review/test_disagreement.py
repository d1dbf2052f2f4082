"""The review queue's small span matcher and region differences."""

from __future__ import annotations

import pytest

from nkcorpus.annotation.review.disagreement import (
    Region,
    RegionDifference,
    overlap_f1,
    region_differences,
    regions_of,
)
from nkcorpus.schema.model import load_schema
from tests.annotation.review import ACCEPT, doc_text
from tests.build import region

P = "PERSON"


@pytest.mark.parametrize(
    ("a", "b", "f1"),
    [
        # identical: 2 * 2 / (2 + 2)
        (
            [Region(P, 0, 5), Region("MOTIVE", 9, 12)],
            [Region(P, 0, 5), Region("MOTIVE", 9, 12)],
            1.0,
        ),
        # disjoint ranges: nothing matches
        ([Region(P, 0, 5)], [Region(P, 5, 9)], 0.0),
        # same range, other label: no match
        ([Region(P, 0, 5)], [Region("CROSSING", 0, 5)], 0.0),
        # nested: [2, 4) inside [0, 10) matches: 2 * 1 / 2
        ([Region(P, 0, 10)], [Region(P, 2, 4)], 1.0),
        # partial overlap by one character: 2 * 1 / (1 + 2)
        ([Region(P, 0, 5)], [Region(P, 4, 8), Region(P, 20, 25)], 2 / 3),
        # one annotator marked nothing: 2 * 0 / (1 + 0)
        ([Region(P, 0, 5)], [], 0.0),
        # both marked nothing: they agree
        ([], [], 1.0),
    ],
)
def test_overlap_f1(a: list[Region], b: list[Region], f1: float) -> None:
    assert overlap_f1(a, b) == pytest.approx(f1)
    assert overlap_f1(b, a) == pytest.approx(f1)  # symmetric


def test_overlap_matching_is_one_to_one_greedy_by_largest_overlap() -> None:
    # a1 [0, 10) overlaps b1 [0, 3) by 3 and b2 [6, 10) by 4; a2 [8, 12) overlaps b2 by 2.
    # Greedy by largest overlap: (a1, b2) = 4 first; then (a1, b1) = 3 is refused (a1 used);
    # (a2, b2) = 2 refused (b2 used): 1 match, F1 = 2 * 1 / (2 + 2) = 0.5. (An optimal
    # matching would pair a1-b1 and a2-b2 for 1.0: the greedy rule is the documented one.)
    a = [Region(P, 0, 10), Region(P, 8, 12)]
    b = [Region(P, 0, 3), Region(P, 6, 10)]
    assert overlap_f1(a, b) == 0.5


def test_equal_overlaps_are_taken_by_position() -> None:
    # Every candidate overlaps by 2: a1 [0, 4) - b1 [2, 6), a2 [4, 8) - b1, a2 - b2 [6, 10).
    # Ties go by position: (a1, b1) first, then (a2, b1) is refused (b1 used), then (a2, b2):
    # 2 matches, F1 = 2 * 2 / (2 + 2) = 1.0. Taking (a2, b1) first would leave 1 match (0.5).
    a = [Region(P, 4, 8), Region(P, 0, 4)]  # given out of order on purpose
    b = [Region(P, 6, 10), Region(P, 2, 6)]
    assert overlap_f1(a, b) == 1.0
    assert overlap_f1(b, a) == 1.0


def test_region_differences_list_exact_misses_with_texts() -> None:
    text = "Kim crossed the DMZ."
    versions = {
        12: [Region(P, 0, 3), Region("CROSSING", 4, 19)],
        11: [Region(P, 0, 3), Region("CROSSING", 4, 11)],
        13: [Region(P, 0, 3)],
    }
    assert region_differences(versions, text) == [
        RegionDifference("CROSSING", 4, 11, "crossed", (11,), (12, 13)),
        RegionDifference("CROSSING", 4, 19, "crossed the DMZ", (12,), (11, 13)),
    ]  # PERSON 0-3 is in all three: not a difference


def test_regions_of_skips_the_review_mark_and_bad_offsets() -> None:
    text = doc_text(0)
    result = [
        *region(text, "A man", "PERSON", "p1", roles=["defector"]),
        ACCEPT,
        {"id": "x", "type": "labels", "value": {"start": "0", "end": 5, "labels": [P]}},
        {"id": "y", "type": "labels", "value": {"start": 0, "end": 5, "labels": [P, "MOTIVE"]}},
    ]
    assert regions_of(result, text, load_schema()) == [Region(P, 0, 5)]
    assert regions_of(None, text, load_schema()) == []
