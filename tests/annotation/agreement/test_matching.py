from __future__ import annotations

from nkcorpus.annotation.agreement.matching import exact_matches, overlap, overlap_matches


def _span(start: int, end: int, label: str = "PERSON") -> dict[str, object]:
    return {"start": start, "end": end, "label": label}


def test_exact_needs_same_start_end_and_label() -> None:
    first = [_span(0, 5), _span(10, 15), _span(20, 25)]
    second = [_span(20, 25, "CROSSING"), _span(10, 15), _span(0, 6)]
    # only [10, 15) PERSON is in both: first[1] with second[1]
    assert exact_matches(first, second) == [(1, 1)]


def test_exact_pairs_copies_one_to_one() -> None:
    # two copies against one: one pair, the first copy takes it
    assert exact_matches([_span(0, 5), _span(0, 5)], [_span(0, 5)]) == [(0, 0)]


def test_overlap_needs_a_shared_character_and_the_label() -> None:
    assert overlap(_span(0, 5), _span(5, 9)) == 0  # touching: [0, 5) and [5, 9) share nothing
    assert overlap_matches([_span(0, 5)], [_span(5, 9)]) == []
    assert overlap_matches([_span(0, 5)], [_span(2, 9, "CROSSING")]) == []
    assert overlap_matches([_span(0, 5)], [_span(4, 9)]) == [(0, 0)]  # 1 character: [4, 5)


def test_overlap_is_greedy_by_largest_overlap() -> None:
    # second[0] [7, 12) overlaps first[0] [0, 10) by 3 and first[1] [8, 12) by 4:
    # first[1] takes it; first[0] is left with second[1] [0, 2) (overlap 2)
    first = [_span(0, 10), _span(8, 12)]
    second = [_span(7, 12), _span(0, 2)]
    assert overlap_matches(first, second) == [(0, 1), (1, 0)]


def test_overlap_ties_go_to_the_earlier_position() -> None:
    # first[0] [0, 10) overlaps second [0, 5) and [5, 10) by 5 each: the
    # second span that starts first ([0, 5), index 1) wins the tie
    assert overlap_matches([_span(0, 10)], [_span(5, 10), _span(0, 5)]) == [(0, 1)]
    # two nested spans of one annotator tie for [4, 8) (4 characters each):
    # the one starting first, [0, 8), wins, although [4, 8) is the exact copy
    assert overlap_matches([_span(0, 8), _span(4, 8)], [_span(4, 8)]) == [(0, 0)]
    assert exact_matches([_span(0, 8), _span(4, 8)], [_span(4, 8)]) == [(1, 0)]


def test_overlap_is_one_to_one() -> None:
    # three spans of one annotator inside one long span of the other: one pair
    # (the largest overlap, [10, 20) with 10 characters)
    first = [_span(0, 40)]
    second = [_span(0, 5), _span(10, 20), _span(30, 33)]
    assert overlap_matches(first, second) == [(0, 1)]
