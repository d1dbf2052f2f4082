from __future__ import annotations

import numpy as np

from nkcorpus.annotation.agreement.tokens import (
    krippendorff_alpha,
    pair_table,
    token_offsets,
    token_tags,
    value_counts,
)
from nkcorpus.build.tables import doc_to_sentence_rows, sentence_nlp, spans_to_doc
from tests.annotation.agreement import TEXT

LABELS = ["PERSON", "CROSSING", "MOTIVE", "STATISTIC"]


def _span(span_id: str, start: int, end: int, label: str) -> dict[str, object]:
    return {"id": span_id, "start": start, "end": end, "label": label}


def test_tokens_and_tags_are_the_tokens_table_s() -> None:
    # gold-like spans (no overlap): the same tokens and tags as the released table
    spans = [_span("p", 0, 8, "PERSON"), _span("c", 9, 35, "CROSSING")]
    rows = list(doc_to_sentence_rows(spans_to_doc(sentence_nlp(), TEXT, spans, "d"), "d"))
    starts = [s for r in rows for s in r["token_starts"]]
    table_tokens = list(zip(starts, [e for r in rows for e in r["token_ends"]], strict=True))
    assert token_offsets(TEXT) == table_tokens and len(table_tokens) == 13
    assert token_tags(table_tokens, spans, LABELS) == [t for r in rows for t in r["ner_tags"]]


def test_nested_spans_the_outer_span_takes_every_token() -> None:
    tokens = token_offsets(TEXT)
    # CROSSING t2-t6 holds PERSON "river" (t4); the CROSSING starts first
    spans = [_span("p", 21, 26, "PERSON"), _span("c", 9, 35, "CROSSING")]
    tags = token_tags(tokens, spans, LABELS)
    assert tags[2:7] == ["B-CROSSING"] + ["I-CROSSING"] * 4


def test_partly_overlapping_spans_the_later_one_keeps_the_rest() -> None:
    tokens = token_offsets(TEXT)
    # PERSON "Kim Jong crossed" (t0-t2) and CROSSING "crossed the river" (t2-t4):
    # t2 goes to the PERSON (starts first), the CROSSING starts its run at t3
    spans = [_span("c", 9, 26, "CROSSING"), _span("p", 0, 16, "PERSON")]
    tags = token_tags(tokens, spans, LABELS)
    assert tags[:6] == ["B-PERSON", "I-PERSON", "I-PERSON", "B-CROSSING", "I-CROSSING", "O"]


def test_same_start_the_longest_wins_then_the_label_order() -> None:
    tokens = token_offsets(TEXT)
    # both start at 0: "Kim Jong" (longer) beats "Kim"
    longer = [_span("a", 0, 3, "CROSSING"), _span("b", 0, 8, "PERSON")]
    assert token_tags(tokens, longer, LABELS)[:3] == ["B-PERSON", "I-PERSON", "O"]
    # same extent: PERSON comes before CROSSING in the schema
    same = [_span("a", 0, 8, "CROSSING"), _span("b", 0, 8, "PERSON")]
    assert token_tags(tokens, same, LABELS)[:2] == ["B-PERSON", "I-PERSON"]


def test_a_span_that_cuts_a_token_tags_the_whole_token() -> None:
    tokens = token_offsets(TEXT)
    # "ong cro" (5..12) touches t1 "Jong" and t2 "crossed"
    tags = token_tags(tokens, [_span("x", 5, 12, "PERSON")], LABELS)
    assert tags[:4] == ["O", "B-PERSON", "I-PERSON", "O"]


def test_two_adjacent_spans_of_one_label_are_two_runs() -> None:
    tokens = token_offsets(TEXT)
    spans = [_span("a", 0, 3, "PERSON"), _span("b", 4, 8, "PERSON")]
    assert token_tags(tokens, spans, LABELS)[:2] == ["B-PERSON", "B-PERSON"]


def test_pair_table_and_value_counts() -> None:
    first, second = np.array([0, 1, 2, 0]), np.array([0, 2, 2, 0])
    # rows first, columns second: (0,0) twice, (1,2) once, (2,2) once
    assert pair_table(first, second, 3).tolist() == [[2, 0, 0], [0, 0, 1], [0, 0, 1]]
    # units x values: t1 got value 1 once and value 2 once
    assert value_counts([first, second], 3).tolist() == [[2, 0, 0], [0, 1, 1], [0, 0, 2], [2, 0, 0]]


def test_krippendorff_alpha_undefined_cases() -> None:
    assert krippendorff_alpha(np.array([[2, 0], [2, 0]])) is None  # one tag used
    assert krippendorff_alpha(np.array([[1, 0], [0, 1]])) is None  # no unit has 2 coders
    # the one pairable unit holds one tag: coincidences [[2, 0], [0, 0]], D_e = 0 (NaN)
    assert krippendorff_alpha(np.array([[2, 0], [0, 1]])) is None
