"""The check that refuses a labeling-config change orphaning annotations."""

from __future__ import annotations

from typing import Any

import pytest

from nkcorpus.annotation.studio.orphans import find_orphans, orphans_message
from nkcorpus.schema.model import LabelSchema, load_schema


def _schema_without(label: str | None = None, value: str | None = None) -> LabelSchema:
    """The packaged schema minus a label (and relations naming it) or a choice value."""
    raw: dict[str, Any] = load_schema().model_dump(mode="json")
    if label:
        raw["labels"] = [lab for lab in raw["labels"] if lab["name"] != label]
        raw["relations"] = [r for r in raw["relations"] if label not in (r["head"], r["tail"])]
    if value:
        for lab in raw["labels"]:
            for attribute in lab["attributes"]:
                attribute["values"] = [v for v in attribute["values"] if v != value]
    return LabelSchema.model_validate(raw)


RESULT = [
    {"id": "p1", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PERSON"]}},
    {"id": "c1", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 4, "end": 11, "text": "crossed", "labels": ["CROSSING"]}},
    {"id": "c1", "from_name": "route", "to_name": "text", "type": "choices",
     "value": {"start": 4, "end": 11, "text": "crossed", "choices": ["sea"]}},
    {"id": "m1", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 12, "end": 20, "text": "to flee", "labels": ["MOTIVE"]}},
    {"type": "relation", "from_id": "p1", "to_id": "c1", "direction": "right", "labels": ["agent"]},
    {"type": "relation", "from_id": "c1", "to_id": "m1", "direction": "right",
     "labels": ["motivated_by"]},
]  # fmt: skip
TASKS = [
    {"id": 7, "annotations": [{"id": 1, "result": RESULT}], "drafts": []},
    {"id": 9, "annotations": [], "drafts": [{"id": 5, "result": RESULT[3:4]}]},
]


def test_orphans_none_when_schema_keeps_everything() -> None:
    assert find_orphans(TASKS, load_schema()) == []


def test_orphans_removed_label_and_its_relation_are_found() -> None:
    orphans = {(o.kind, o.name): o for o in find_orphans(TASKS, _schema_without(label="MOTIVE"))}
    assert set(orphans) == {("label", "MOTIVE"), ("relation", "motivated_by")}
    assert orphans[("label", "MOTIVE")].task_ids == (7, 9)  # the draft counts too
    assert orphans[("label", "MOTIVE")].annotations == 2
    assert orphans[("relation", "motivated_by")].task_ids == (7,)


def test_orphans_removed_choice_value_is_found() -> None:
    orphans = find_orphans(TASKS, _schema_without(value="sea"))
    assert [(o.kind, o.name) for o in orphans] == [("choice", "route=sea")]


def test_orphans_removed_attribute_is_reported_once() -> None:
    raw = load_schema().model_dump(mode="json")
    crossing = next(lab for lab in raw["labels"] if lab["name"] == "CROSSING")
    crossing["attributes"] = [a for a in crossing["attributes"] if a["name"] != "route"]
    orphans = find_orphans(TASKS, LabelSchema.model_validate(raw))
    assert [(o.kind, o.name) for o in orphans] == [("attribute", "route")]


def test_orphans_unknown_control_is_found() -> None:
    tasks = [{"id": 3, "annotations": [{"result": [
        {"id": "x", "from_name": "notes", "to_name": "text", "type": "textarea",
         "value": {"text": ["hello"]}},
    ]}]}]  # fmt: skip
    orphans = find_orphans(tasks, load_schema())
    assert [(o.kind, o.name) for o in orphans] == [("control", "notes (textarea)")]


def test_orphans_message_names_what_and_where() -> None:
    message = orphans_message(find_orphans(TASKS, _schema_without(label="MOTIVE")))
    assert "label 'MOTIVE': 2 annotation(s)/draft(s), tasks #7, #9" in message
    assert "relation 'motivated_by'" in message
    assert "was NOT changed" in message


@pytest.mark.parametrize("label", ["PERSON", "CROSSING", "STATISTIC"])
def test_orphans_unused_removal_is_allowed(label: str) -> None:
    only_motive = [{"id": 1, "annotations": [{"result": RESULT[3:4]}]}]
    assert find_orphans(only_motive, _schema_without(label=label)) == []


def test_orphans_the_review_mark_is_no_orphan():
    from nkcorpus.annotation.studio.orphans import find_orphans
    from nkcorpus.schema.model import load_schema

    accept = {"id": "rv", "type": "choices", "from_name": "review", "to_name": "text",
              "value": {"choices": ["accept"]}}  # fmt: skip
    tasks = [{"id": 1, "annotations": [{"result": [accept]}]}]
    assert find_orphans(tasks, load_schema()) == []
