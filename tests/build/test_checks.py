"""Region checks of one schema (build/checks.py): B146, a required attribute unset."""

from __future__ import annotations

from typing import Any

import pytest

from nkcorpus.build.checks import Checker
from nkcorpus.build.report import Problem
from nkcorpus.schema.model import LabelSchema, load_schema

TEXT = "A man crossed the DMZ."
WHERE = {"file": "export.json", "task_id": 7, "doc_id": "000_x", "annotation_id": 70}


def _schema(optional: tuple[str, ...] = ()) -> LabelSchema:
    raw = load_schema().model_dump(mode="json")
    for label in raw["labels"]:
        for attribute in label["attributes"]:
            if attribute["name"] in optional:
                attribute["required"] = False
    return LabelSchema.model_validate(raw)


def _person(**attributes: Any) -> dict[str, Any]:
    return {"id": "p1", "start": 0, "end": 5, "label": "PERSON", "text": "A man", **attributes}


def _crossing(**attributes: Any) -> dict[str, Any]:
    span = {"id": "c1", "start": 6, "end": 21, "label": "CROSSING", "text": "crossed the DMZ"}
    return {**span, **attributes}


CROSSING_SET = {"direction": "north_to_south", "route": "land_border_dmz", "status": "completed"}


def _check(spans: list[dict[str, Any]], schema: LabelSchema | None = None) -> list[Problem]:
    problems: list[Problem] = []
    Checker(schema or _schema(), problems).spans(spans, TEXT, **WHERE)
    return problems


def test_checks_every_attribute_set_is_no_problem() -> None:
    assert _check([_person(roles=["defector"]), _crossing(**CROSSING_SET)]) == []


@pytest.mark.parametrize("unset", ["missing", None, [], ""])
def test_checks_an_unset_required_attribute_is_b146(unset: object) -> None:
    crossing = _crossing(direction="north_to_south", status="completed")
    person = _person() if unset == "missing" else _person(roles=unset)
    if unset != "missing":
        crossing["route"] = unset
    problems = _check([person, crossing])
    assert [(p.code, p.region_id) for p in problems] == [("B146", "p1"), ("B146", "c1")]
    assert all(p.model_dump(include=set(WHERE)) == WHERE for p in problems)
    roles, route = (p.message for p in problems)
    assert roles.startswith("PERSON region 'A man' has no roles (one of ['defector',")
    assert route.startswith("CROSSING region 'crossed the DMZ' has no route (one of [")
    assert "select the region in Label Studio, choose a route and update" in route
    assert "GUIDELINES gives the rule" in route


def test_checks_names_each_unset_attribute_of_a_region() -> None:
    problems = _check([_crossing()])
    assert [p.code for p in problems] == ["B146"] * 3
    assert [p.message.split(" (")[0] for p in problems] == [
        "CROSSING region 'crossed the DMZ' has no direction",
        "CROSSING region 'crossed the DMZ' has no route",
        "CROSSING region 'crossed the DMZ' has no status",
    ]


@pytest.mark.parametrize("unset", ["missing", None, [], ""])
def test_checks_an_unset_optional_attribute_is_no_problem(unset: object) -> None:
    crossing = _crossing(direction="north_to_south", status="completed")
    if unset != "missing":
        crossing["route"] = unset
    assert [p.code for p in _check([crossing])] == ["B146"]  # required by labels.yaml
    problems: list[Problem] = []
    kept = Checker(_schema(optional=("route",)), problems).spans([crossing], TEXT)
    assert problems == [] and kept[0]["route"] is None  # the row model's default


def test_checks_a_region_without_a_known_label_is_not_asked_for_attributes() -> None:
    problems = _check([_person(label="VICTIM"), _person(id="p2", label=["PERSON", "MOTIVE"])])
    assert [p.code for p in problems] == ["B131", "B131"]  # the label is the problem


def test_checks_a_region_with_an_unset_attribute_is_not_kept() -> None:
    problems: list[Problem] = []
    kept = Checker(_schema(), problems).spans([_person(), _crossing(**CROSSING_SET)], TEXT)
    assert [s["id"] for s in kept] == ["c1"] and [p.code for p in problems] == ["B146"]
