from __future__ import annotations

from nkcorpus.build.regions import result_to_spans
from nkcorpus.schema.model import load_schema
from tests.build import documents, good_result, region, relation

SCHEMA = load_schema()


def test_regions_merge_labels_and_choices_by_region_id() -> None:
    text = documents()[0].text
    spans, relations = result_to_spans(good_result(text), text, SCHEMA)
    by_id = {s["id"]: s for s in spans}
    assert by_id["p1"]["label"] == "PERSON"
    assert by_id["p1"]["roles"] == ["defector", "returnee"]
    assert by_id["c1"]["direction"] == "south_to_north"
    assert by_id["c1"]["route"] == "land_border_dmz"
    assert by_id["s1"]["qualifier"] == "at_least"
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
    assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)
    assert {"head": "p1", "tail": "c1", "type": "agent"} in relations


def test_regions_left_relation_is_reversed_and_repeats_dropped() -> None:
    text = documents()[0].text
    result = [
        *region(text, "A man", "PERSON", "p1"),
        *region(text, "reenter the North", "CROSSING", "c1"),
        relation("c1", "p1", "agent", direction="left"),
        relation("p1", "c1", "agent"),
    ]
    _, relations = result_to_spans(result, text, SCHEMA)
    assert relations == [{"head": "p1", "tail": "c1", "type": "agent"}]


def test_regions_lenient_on_invalid_input() -> None:
    text = documents()[0].text
    choices_only = region(text, "A man", "PERSON", "x1", roles="defector")[1:]
    result = [
        *choices_only,
        *region(text, "reenter the North", "CROSSING", "c1", direction=["a", "b"], colour="red"),
        {"type": "textarea", "id": "t", "value": {"text": ["note"]}},
    ]
    spans, _ = result_to_spans(result, text, SCHEMA)
    by_id = {s["id"]: s for s in spans}
    assert by_id["x1"]["label"] is None and by_id["x1"]["text"] == "A man"
    assert by_id["c1"]["direction"] == ["a", "b"]  # several choices for a single attribute
    assert by_id["c1"]["colour"] == ["red"]  # unknown attribute kept for validation
    assert "t" not in by_id


def test_regions_missing_text_taken_from_document() -> None:
    text = documents()[1].text
    [item] = region(text, "North Korean defector", "PERSON", "p1")
    del item["value"]["text"]
    [span], _ = result_to_spans([item], text, SCHEMA)
    assert span["text"] == "North Korean defector" == text[span["start"] : span["end"]]
