"""Predictions submitted unchanged."""

from __future__ import annotations

from nkcorpus.annotation.review.anchoring import content, unchanged_prediction
from nkcorpus.schema.model import load_schema
from tests.annotation.review import ACCEPT, doc_text, person, prediction
from tests.build import region, relation

TEXT = doc_text(0)


def _predicted(prefix: str) -> list[dict]:
    """A PERSON and a CROSSING with an `agent` relation, region ids prefixed."""
    return [
        *person(TEXT, "A man", f"{prefix}p", "defector"),
        *region(
            TEXT,
            "reenter the North",
            "CROSSING",
            f"{prefix}c",
            direction="south_to_north",
        ),
        relation(f"{prefix}p", f"{prefix}c", "agent"),
    ]


def test_same_content_under_other_region_ids_and_the_review_mark_is_unchanged() -> None:
    schema = load_schema()
    mine = {"parent_prediction": 7, "result": [ACCEPT, *reversed(_predicted("ann-"))]}
    found = unchanged_prediction(mine, [prediction(7, _predicted("pred-"))], TEXT, schema)
    assert found is not None and found["id"] == 7


def test_a_changed_attribute_or_relation_is_a_change() -> None:
    schema, predictions = load_schema(), [prediction(7, _predicted("pred-"))]
    other_role = [*person(TEXT, "A man", "xp", "returnee"), *_predicted("x")[2:]]  # role only
    assert (
        unchanged_prediction(
            {"parent_prediction": 7, "result": other_role}, predictions, TEXT, schema
        )
        is None
    )
    no_relation = _predicted("y")[:-1]
    assert (
        unchanged_prediction(
            {"parent_prediction": 7, "result": no_relation}, predictions, TEXT, schema
        )
        is None
    )


def test_the_parent_prediction_is_the_reference_when_named() -> None:
    schema = load_schema()
    predictions = [prediction(7, _predicted("a")), prediction(8, person(TEXT, "A man", "q"))]
    # equal to prediction 7, but started from prediction 8: changed
    assert (
        unchanged_prediction(
            {"parent_prediction": 8, "result": _predicted("b")}, predictions, TEXT, schema
        )
        is None
    )
    # no parent named: any of the task's predictions
    found = unchanged_prediction({"result": _predicted("b")}, predictions, TEXT, schema)
    assert found is not None and found["id"] == 7
    # the parent only as Label Studio's embedded `prediction` object
    embedded = {
        "parent_prediction": 9,
        "prediction": prediction(9, _predicted("c")),
        "result": _predicted("d"),
    }
    found = unchanged_prediction(embedded, [], TEXT, schema)
    assert found is not None and found["id"] == 9


def test_an_empty_prediction_is_nothing_to_anchor_to() -> None:
    assert unchanged_prediction({"result": []}, [prediction(1, [])], TEXT, load_schema()) is None
    assert content([], TEXT, load_schema()) == ()
