from __future__ import annotations

import copy
import doctest
import random
from typing import Any

from nkcorpus.build import reanchor
from nkcorpus.build.reanchor import (
    DroppedSpan,
    MovedSpan,
    reanchor_spans,
    relations_after_reanchor,
)

OLD = "Defector Son Jong-hun met Kim Mi-ra in Seoul last May."


def _span(text: str, sid: str, needle: str, label: str = "PERSON", nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"id": sid, "start": start, "end": start + len(needle), "label": label, "text": needle}


def _spans() -> list[dict[str, Any]]:
    return [
        _span(OLD, "person-01", "Son Jong-hun"),
        _span(OLD, "person-02", "Kim Mi-ra"),
        _span(OLD, "place-01", "Seoul", "LOCATION"),
    ]


def _assert_anchored(new_text: str, result: reanchor.Reanchored) -> None:
    for s in result.spans:
        assert new_text[s["start"] : s["end"]] == s["text"]
    assert result.kept_ids == frozenset(s["id"] for s in result.spans)


def test_reanchor_insertion_before_span_moves_it() -> None:
    new = "Former defector Son Jong-hun met Kim Mi-ra in Seoul last May."
    result = reanchor_spans(OLD, new, _spans())
    _assert_anchored(new, result)
    assert [s["id"] for s in result.spans] == ["person-01", "person-02", "place-01"]
    assert result.dropped == []
    assert result.moved[0] == MovedSpan("person-01", 9, 21, 16, 28)
    assert [m.new_start - m.old_start for m in result.moved] == [7, 7, 7]


def test_reanchor_deletion_between_spans() -> None:
    new = "Defector Son Jong-hun met Kim Mi-ra last May in Seoul."
    old = "Defector Son Jong-hun met Kim Mi-ra at a cafe last May in Seoul."
    spans = [
        _span(old, "p1", "Son Jong-hun"),
        _span(old, "p2", "Kim Mi-ra"),
        _span(old, "l1", "Seoul"),
    ]
    result = reanchor_spans(old, new, spans)
    _assert_anchored(new, result)
    assert result.dropped == []
    assert [m.span_id for m in result.moved] == ["l1"]
    assert result.moved[0].old_start - result.moved[0].new_start == len("at a cafe ")


def test_reanchor_edited_span_is_dropped_with_reason() -> None:
    new = "Defector Son Jong-hoon met Kim Mi-ra in Seoul last May."
    result = reanchor_spans(OLD, new, _spans())
    _assert_anchored(new, result)
    assert result.dropped == [DroppedSpan("person-01", "Son Jong-hun", 9, "its text was edited")]
    assert result.kept_ids == {"person-02", "place-01"}


def test_reanchor_deleted_span_is_dropped() -> None:
    new = "Defector Son Jong-hun met in Seoul last May."
    result = reanchor_spans(OLD, new, _spans())
    _assert_anchored(new, result)
    assert [(d.span_id, d.reason) for d in result.dropped] == [
        ("person-02", "its text was deleted")
    ]
    assert [m.span_id for m in result.moved] == ["place-01"]


def test_reanchor_unchanged_text_has_no_moves() -> None:
    spans = _spans()
    result = reanchor_spans(OLD, OLD, spans)
    assert result.spans == spans
    assert result.moved == [] and result.dropped == []
    assert result.kept_ids == {"person-01", "person-02", "place-01"}


def test_reanchor_non_bmp_and_crlf_before_span_count_code_points() -> None:
    new = "🇰🇵😀\r\nDefector Son Jong-hun met Kim Mi-ra in Seoul last May."
    result = reanchor_spans(OLD, new, _spans())
    _assert_anchored(new, result)
    assert result.dropped == []
    assert {m.new_start - m.old_start for m in result.moved} == {len("🇰🇵😀\r\n")} == {5}


def test_reanchor_span_after_emoji_in_old_text() -> None:
    old = "😀 Son Jong-hun\r\nspoke."
    new = "😀 Mr. Son Jong-hun\r\nspoke."
    result = reanchor_spans(old, new, [_span(old, "p1", "Son Jong-hun")])
    _assert_anchored(new, result)
    assert result.moved == [MovedSpan("p1", 2, 14, 6, 18)]


def test_reanchor_does_not_mutate_input() -> None:
    spans = [{**s, "role": "defector", "extra": {"confidence": 0.9}} for s in _spans()]
    before = copy.deepcopy(spans)
    result = reanchor_spans(OLD, "Breaking: " + OLD, spans)
    assert spans == before
    assert result.spans[0] is not spans[0]
    assert result.spans[0]["role"] == "defector"
    assert result.spans[0]["extra"] == {"confidence": 0.9}
    assert result.spans[0]["start"] == spans[0]["start"] + len("Breaking: ")


def test_reanchor_relations_to_dropped_spans_reported() -> None:
    new = "Defector Son Jong-hoon met Kim Mi-ra in Seoul last May."
    result = reanchor_spans(OLD, new, _spans())
    relations = [
        {"head": "person-01", "tail": "person-02", "type": "met"},
        {"head": "person-02", "tail": "place-01", "type": "located_in"},
    ]
    kept, dropped = relations_after_reanchor(relations, result.kept_ids)
    assert kept == [relations[1]]
    assert dropped == [relations[0]]


def test_reanchor_edited_span_not_moved_to_other_occurrence() -> None:
    old = "Kim Jong-un spoke first. Later, reporters asked Kim Jong-un again."
    new = "Kim Jong-eun spoke first. Later, reporters asked Kim Jong-un again."
    spans = [_span(old, "first", "Kim Jong-un"), _span(old, "second", "Kim Jong-un", nth=1)]
    result = reanchor_spans(old, new, spans)
    _assert_anchored(new, result)
    assert [d.span_id for d in result.dropped] == ["first"]
    assert result.dropped[0].reason == "its text was edited"
    assert result.kept_ids == {"second"}
    assert result.spans[0]["start"] == spans[1]["start"] + 1


def test_reanchor_deleted_span_not_moved_to_other_occurrence() -> None:
    old = "Seoul police said the family left Seoul in May."
    new = "Seoul police said the family left in May."
    result = reanchor_spans(old, new, [_span(old, "l2", "Seoul", "LOCATION", nth=1)])
    assert result.spans == []
    assert result.dropped == [DroppedSpan("l2", "Seoul", 34, "its text was deleted")]


def test_reanchor_offsets_not_matching_old_text_are_dropped() -> None:
    bad = {"id": "p9", "start": 0, "end": 3, "label": "PERSON", "text": "Kim"}
    result = reanchor_spans(OLD, OLD, [bad])
    assert result.spans == [] and result.dropped[0].reason.startswith("its offsets")


def _long_text(size: int) -> str:
    rng = random.Random(7)
    words = ["the", "of", "and", "to", "in", "North", "Korean", "defector", "said", "Kim"]
    words += ["Seoul", "China", "border", "family", "탈북민"]
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(words) + rng.choice([" ", " ", " ", ", ", ". ", "\n\n"]))
    return "".join(parts)[:size]


def test_reanchor_long_text_with_small_insertion() -> None:
    old = _long_text(30_000)
    spans = [
        {"id": f"s{k}", "start": i, "end": i + 7, "label": "X", "text": old[i : i + 7]}
        for k, i in enumerate(range(0, 29_990, 300))
    ]
    new = old[:15_001] + "INSERTED, " + old[15_001:]
    result = reanchor_spans(old, new, spans)
    _assert_anchored(new, result)
    assert len(result.spans) + len(result.dropped) == len(spans)
    assert len(result.dropped) <= 1
    assert all(m.new_start - m.old_start == len("INSERTED, ") for m in result.moved)
    assert len(result.moved) >= len(spans) // 2 - 1


def test_reanchor_random_edits_keep_text_at_new_offsets() -> None:
    rng = random.Random(3)
    for _ in range(50):
        old = _long_text(rng.randint(100, 2_000))
        starts = [rng.randrange(len(old) - 10) for _ in range(15)]
        spans = [
            {"id": f"s{i}", "start": s, "end": s + 8, "text": old[s : s + 8]}
            for i, s in enumerate(starts)
        ]
        new = old
        for _ in range(3):
            at = rng.randrange(len(new))
            new = new[:at] + rng.choice(["", "Kim ", "😀\r\n"]) + new[at + rng.randint(0, 5) :]
        result = reanchor_spans(old, new, spans)
        _assert_anchored(new, result)
        assert len(result.spans) + len(result.dropped) == len(spans)


def test_reanchor_doctests_pass() -> None:
    assert doctest.testmod(reanchor).failed == 0
