"""CROSSING spans -> the `events` table."""

from __future__ import annotations

import pytest

from nkcorpus.build.events import event_id, gold_to_event_rows
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.release import select_released
from nkcorpus.schema.model import LabelSchema, load_schema
from nkcorpus.schema.records import schema_to_record_models
from tests.fixtures import v1_documents, v1_exports

TEXT = "At least 30 men fled south by boat to escape hunger."


def _span(span_id: str, label: str, fragment: str, **attributes) -> dict:
    start = TEXT.index(fragment)
    return {"id": span_id, "start": start, "end": start + len(fragment), "label": label,
            "text": fragment, **attributes}  # fmt: skip


SPANS = [
    _span("s1", "STATISTIC", "At least 30", qualifier="at_least", subject="other"),
    _span("p1", "PERSON", "men", roles=["defector"]),
    _span(
        "c1",
        "CROSSING",
        "fled south by boat",
        direction="north_to_south",
        route="sea",
        status="completed",
    ),
    _span("m1", "MOTIVE", "escape hunger", category="economic_hardship"),
]
RELATIONS = [
    {"head": "c1", "tail": "m1", "type": "motivated_by"},
    {"head": "p1", "tail": "c1", "type": "agent"},
    {"head": "s1", "tail": "c1", "type": "quantifies"},
]


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema()


def test_events_one_row_per_crossing_with_trigger_attributes_and_arguments(schema) -> None:
    (row,) = gold_to_event_rows("d1", SPANS, RELATIONS, schema)
    assert row["event_id"] == "d1_event_c1" and row["doc_id"] == "d1"
    # "fled south by boat" starts after "At least 30 men " (16 characters)
    assert row["trigger"] == {"span_id": "c1", "start": 16, "end": 34, "text": "fled south by boat"}
    assert (row["direction"], row["route"], row["status"]) == ("north_to_south", "sea", "completed")
    # roles in the schema's relation order (agent, motivated_by, quantifies), not text order
    assert [(a["role"], a["span_id"], a["label"]) for a in row["arguments"]] == [
        ("agent", "p1", "PERSON"),
        ("motive", "m1", "MOTIVE"),
        ("statistic", "s1", "STATISTIC"),
    ]
    for argument in row["arguments"]:
        assert TEXT[argument["start"] : argument["end"]] == argument["text"]
    schema_to_record_models(schema).event.model_validate(row)  # the released shape


def test_events_arguments_of_one_role_are_in_text_order_and_only_their_crossing(schema) -> None:
    second = _span("c2", "CROSSING", "boat", direction="unknown", route="sea", status="generic")
    spans = [*SPANS[:2], _span("p0", "PERSON", "At least 30 men"), SPANS[2], second, SPANS[3]]
    relations = [
        {"head": "p1", "tail": "c1", "type": "agent"},
        {"head": "p0", "tail": "c1", "type": "agent"},
        {"head": "p1", "tail": "c2", "type": "agent"},
    ]
    first, other = gold_to_event_rows("d1", spans, relations, schema)
    assert [a["span_id"] for a in first["arguments"]] == ["p0", "p1"]  # start 0 before 12
    assert [a["span_id"] for a in other["arguments"]] == ["p1"]
    assert other["event_id"] == event_id("d1", "c2") == "d1_event_c2"


def test_events_id_is_stable_when_spans_are_added_or_moved(schema) -> None:
    (before,) = gold_to_event_rows("d1", SPANS, RELATIONS, schema)
    moved = [{**s, "start": s["start"] + 4, "end": s["end"] + 4} for s in SPANS]
    spans = [{"id": "p9", "start": 0, "end": 3, "label": "PERSON", "text": "Two"}, *moved]
    (after,) = gold_to_event_rows("d1", spans, RELATIONS, schema)
    assert after["event_id"] == before["event_id"] == "d1_event_c1"


def test_events_roles_and_directions_come_from_the_schema(schema) -> None:
    """A schema whose agent relation points CROSSING -> PERSON and whose column
    is `actors`: the argument is found from the other end and named `actor`."""
    raw = schema.model_dump(mode="json")
    raw["relations"][0].update(head="CROSSING", tail="PERSON", crossings_column="actors")
    variant = LabelSchema.model_validate(raw)
    relations = [{"head": "c1", "tail": "p1", "type": "agent"}]
    (row,) = gold_to_event_rows("d1", SPANS, relations, variant)
    assert [(a["role"], a["span_id"]) for a in row["arguments"]] == [("actor", "p1")]
    (none,) = gold_to_event_rows("d1", SPANS, [{"head": "p1", "tail": "c1", "type": "agent"}],
                                 variant)  # fmt: skip
    assert none["arguments"] == []  # the old direction no longer links


def test_events_of_the_v1_gold_match_its_crossings_and_relations(schema) -> None:
    documents = v1_documents()  # v1.0.0's gold (the fixture), whose counts the README gave
    report = validate_exports(v1_exports(), documents=documents)
    released = [d.doc_id for d in select_released(documents).released if d.doc_id in report.gold]
    rows = [
        row
        for doc_id in released
        for row in gold_to_event_rows(
            doc_id, report.gold[doc_id].spans, report.gold[doc_id].relations, schema
        )
    ]
    arguments = sum(len(row["arguments"]) for row in rows)
    assert len(rows) == 75  # README: 75 CROSSING spans in v1.0.0
    assert arguments == 84  # README: 84 relations, every one touches a CROSSING
    assert len({row["event_id"] for row in rows}) == 75
