from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.build.validate import validate_exports
from nkcorpus.cli import app
from nkcorpus.errors import ValidationFailed
from tests.build import (
    annotation,
    documents,
    good_result,
    mixed_tasks,
    region,
    relation,
    task,
    write_export,
)


def _validate(tmp_path: Path, tasks: list[dict]) -> tuple[Path, object]:
    path = write_export(tmp_path / "export.json", tasks)
    return path, validate_exports([path], documents=documents())


def _messages(report: object) -> list[str]:
    return [str(p) for p in report.problems]  # type: ignore[attr-defined]


def test_validate_good_export_gives_gold_and_annotations(tmp_path: Path) -> None:
    doc0, doc1 = documents()[:2]
    text = doc0.text
    tasks = [
        task(
            1,
            doc0,
            [
                annotation(11, good_result(text), gold=True, completed_by={"id": 3}),
                annotation(
                    12, region(text, "A man", "PERSON", "p9", roles="other"), completed_by=4
                ),
                annotation(13, [], cancelled=True),
            ],
        ),
        task(2, doc1, [annotation(21, [])]),
    ]
    _, report = _validate(tmp_path, tasks)
    assert report.valid, _messages(report)
    gold = report.gold[doc0.doc_id]
    assert len(gold.spans) == 4 and len(gold.relations) == 3
    for span in gold.spans:
        assert text[span["start"] : span["end"]] == span["text"]
    assert {"head": "s1", "tail": "c1", "type": "quantifies"} in gold.relations
    assert [(u.doc_id, u.task_id) for u in report.unreviewed] == [(doc1.doc_id, 2)]
    rows = {(a["annotation_id"], a["annotator_id"], a["is_gold"]) for a in report.annotations}
    assert rows == {(11, 3, True), (12, 4, False)}
    report.raise_for_problems()  # no problems: no error


def test_validate_collects_every_region_problem(tmp_path: Path) -> None:
    doc = documents()[0]
    text = doc.text
    bad_offsets = region(text, "A man", "PERSON", "r3", roles="other")
    for item in bad_offsets:
        item["value"].update(start=len(text) - 2, end=len(text) + 5)
    wrong_text = region(text, "A man", "PERSON", "r4", roles="other")
    wrong_text[0]["value"]["text"] = "A woman"
    result = [
        *region(text, "A man", "VICTIM", "r1"),
        *region(
            text,
            "reenter the North",
            "CROSSING",
            "r2",
            direction="sideways",
            roles="other",
            route="unknown",
            status="completed",
        ),
        *bad_offsets,
        *wrong_text,
        *region(text, "struggling to make ends meet", "MOTIVE", "r5", category=["a", "b"]),
        *region(text, "Seoul", "PERSON", "r6", colour="red", roles="other"),
    ]
    _, report = _validate(tmp_path, [task(1, doc, [annotation(11, result, gold=True)])])
    found = "\n".join(_messages(report))
    where = f"export.json, task 1 (doc {doc.doc_id}), annotation 11, region"
    assert f"{where} r1: label 'VICTIM' is not in the schema" in found
    assert "r2: direction = 'sideways' is not one of" in found
    assert "r2: attribute 'roles' belongs to PERSON, not to CROSSING" in found
    assert "r3: offsets" in found and "fall outside the text" in found
    assert "r4: text[0:5] is 'A man', but the region says 'A woman'" in found
    assert "r5: category takes one choice, got ['a', 'b']" in found
    assert "r6: attribute 'colour' is not in the schema" in found
    assert not report.valid and report.gold[doc.doc_id].spans == []
    with pytest.raises(ValidationFailed, match=r"B100.*\(7 problem\(s\)\)"):
        report.raise_for_problems()


def test_validate_relation_problems(tmp_path: Path) -> None:
    doc = documents()[0]
    text = doc.text
    result = [
        *region(text, "A man", "PERSON", "p1", roles="defector"),
        *region(
            text,
            "reenter the North",
            "CROSSING",
            "c1",
            direction="south_to_north",
            route="unknown",
            status="completed",
        ),
        relation("c1", "p1", "agent"),  # reversed pair
        relation("p1", "gone", "agent"),
        relation("p1", "c1", "befriends"),
    ]
    _, report = _validate(tmp_path, [task(1, doc, [annotation(11, result, gold=True)])])
    found = "\n".join(_messages(report))
    assert "region c1->p1: agent links CROSSING -> PERSON, but the schema allows PERSON" in found
    assert "region p1->gone: agent relation points to missing region(s) ['gone']" in found
    assert "relation type 'befriends' is not one of ['agent'," in found
    assert len(report.problems) == 3


def test_validate_task_problems(tmp_path: Path) -> None:
    doc0, doc1, doc2 = documents()[:3]
    stale = task(3, doc1, [], text=doc1.text + " Edited.", text_sha256="0" * 64)
    unknown = task(4, doc2, [], doc_id="999_unknown")
    twice = [annotation(51, [], gold=True), annotation(52, [], gold=True)]
    tasks = [task(1, doc0, []), task(2, doc0, []), stale, unknown, task(5, doc2, twice)]
    _, report = _validate(tmp_path, tasks)
    codes = sorted(p.code for p in report.problems)
    assert codes == ["B120", "B151", "B152", "B153"], _messages(report)
    found = "\n".join(_messages(report))
    assert f"task 2 (doc {doc0.doc_id}): doc_id '{doc0.doc_id}' is also task 1" in found
    assert "task 3" in found and "stale task: its text (sha256 000000000000…)" in found
    assert "task 4 (doc 999_unknown): doc_id '999_unknown' is not in the cleaned corpus" in found
    assert "task 5" in found and "2 gold annotations (51, 52)" in found


def test_validate_unreadable_file_is_a_problem_others_still_read(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    good = write_export(tmp_path / "good.json", [task(1, documents()[0], [])])
    report = validate_exports([broken, good], documents=documents())
    assert [p.code for p in report.problems] == ["B101"]
    assert report.tasks == 1 and len(report.unreviewed) == 1


def test_validate_cli_exit_codes_and_json(tmp_path: Path) -> None:
    doc = documents()[0]
    good = write_export(
        tmp_path / "good.json", [task(1, doc, [annotation(1, good_result(doc.text), gold=True)])]
    )
    bad = write_export(
        tmp_path / "bad.json",
        [task(1, doc, [annotation(1, region(doc.text, "A man", "NOPE", "r"), gold=True)])],
    )
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "1 gold, 0 unreviewed" in ok.output and "0 problem(s)" in ok.output
    failed = runner.invoke(app, ["validate", str(bad), "--json"])
    assert failed.exit_code == 1, failed.output
    payload = json.loads(failed.output)
    assert payload["valid"] is False and payload["gold"] == [doc.doc_id]
    [problem] = payload["problems"]
    assert problem["code"] == "B131" and problem["region_id"] == "r"
    assert "label 'NOPE' is not in the schema" in problem["message"]


# --- issue 11: what the merge or the region reader would lose or coerce silently ---


def _gold_task(task_id: int, doc, result, **kw) -> dict:
    return task(task_id, doc, [annotation(task_id * 10, result, gold=True)], **kw)


def test_validate_refuses_a_task_id_given_twice_in_one_export(tmp_path: Path) -> None:
    doc = documents()[0]
    starred = _gold_task(1, doc, good_result(doc.text))
    empty_copy = task(1, doc, [])  # same id, later in the file: the merge would keep it
    _, report = _validate(tmp_path, [starred, empty_copy])
    assert [p.code for p in report.problems] == ["B106"], _messages(report)
    assert "task id 1 is given twice in this export (tasks at positions 0 and 1)" in str(
        report.problems[0]
    )


def test_validate_refuses_a_newer_copy_that_loses_the_gold(tmp_path: Path) -> None:
    doc = documents()[0]
    old = write_export(tmp_path / "old.json", [_gold_task(1, doc, good_result(doc.text))])
    newer = task(1, doc, [], updated_at="2026-02-01T00:00:00Z")
    new = write_export(tmp_path / "new.json", [newer])
    report = validate_exports([old, new], documents=documents())
    assert [p.code for p in report.problems] == ["B107"], _messages(report)
    message = str(report.problems[0])
    assert "new.json, task 1" in message and "annotation(s) 10 in" in message
    assert "old.json" in message and "git rm" in message
    # the same two exports where the newer copy keeps a gold: valid
    regold = _gold_task(1, doc, good_result(doc.text), updated_at="2026-02-01T00:00:00Z")
    write_export(new, [regold])
    assert validate_exports([old, new], documents=documents()).valid


def test_validate_refuses_two_regions_with_one_id(tmp_path: Path) -> None:
    doc = documents()[0]
    text = doc.text
    result = [
        *region(text, "A man", "PERSON", "p1", roles="defector"),
        *region(text, "reenter the North", "PERSON", "p1", roles="other"),
    ]
    _, report = _validate(tmp_path, [_gold_task(1, doc, result)])
    codes = sorted(p.code for p in report.problems)
    assert codes == ["B138", "B138"], _messages(report)  # the labels and the roles choice
    assert all(p.region_id == "p1" for p in report.problems)
    assert "would be merged into one" in "\n".join(_messages(report))
    assert report.gold == {}  # nothing half-read is kept


@pytest.mark.parametrize("missing", [None, "", "   ", 7])
def test_validate_refuses_a_region_without_an_id(tmp_path: Path, missing: object) -> None:
    doc = documents()[0]
    result = region(doc.text, "A man", "PERSON", "p1", roles="defector")
    for item in result:
        item["id"] = missing
    _, report = _validate(tmp_path, [_gold_task(1, doc, result)])
    assert [p.code for p in report.problems] == ["B137", "B137"], _messages(report)
    assert "has no region id" in str(report.problems[0])


@pytest.mark.parametrize("bad", ["12", 12.0, True, -1, 2**60, None])
def test_validate_refuses_offsets_that_are_not_integers(tmp_path: Path, bad: object) -> None:
    doc = documents()[0]
    result = region(doc.text, "A man", "PERSON", "p1", roles="defector")
    for item in result:
        item["value"]["start"] = bad
    _, report = _validate(tmp_path, [_gold_task(1, doc, result)])
    codes = {p.code for p in report.problems}
    assert "B139" in codes, _messages(report)
    assert f"`start` is {bad!r}" in "\n".join(_messages(report))


def test_validate_refuses_an_attribute_without_its_region(tmp_path: Path) -> None:
    doc = documents()[0]
    person = region(doc.text, "A man", "PERSON", "p1", roles="defector")
    person[1]["value"] = {**person[1]["value"], "start": 1}  # attribute set on other offsets
    orphan = region(doc.text, "reenter the North", "CROSSING", "c1", route="unknown")[1:]
    _, report = _validate(tmp_path, [_gold_task(1, doc, [*person, *orphan])])
    found = "\n".join(_messages(report))
    assert [p.code for p in report.problems] == ["B143", "B143"], found
    assert "region p1: attribute 'roles' is set on (1, 5) but its region is at (0, 5)" in found
    assert "region c1: attribute 'route' (result item 2) belongs to no labelled region" in found


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ground_truth", "true"),
        ("was_cancelled", "no"),
        ("id", "11"),
        ("id", 2**60),
        ("completed_by", 10**17),
        ("completed_by", {"id": -4}),
    ],
)
def test_validate_refuses_annotation_fields_of_the_wrong_type(
    tmp_path: Path, field: str, value: object
) -> None:
    doc = documents()[0]
    starred = _gold_task(1, doc, good_result(doc.text))
    starred["annotations"][0][field] = value
    _, report = _validate(tmp_path, [starred])
    assert [p.code for p in report.problems] == ["B135"], _messages(report)
    assert report.gold == {} and report.unreviewed == []  # neither kept nor called unreviewed


@pytest.mark.parametrize("annotations", ["x", [1], [None]])
def test_validate_refuses_annotations_that_are_not_objects(
    tmp_path: Path, annotations: object
) -> None:
    doc = documents()[0]
    broken = task(1, doc, [])
    broken["annotations"] = annotations
    _, report = _validate(tmp_path, [broken])
    assert [p.code for p in report.problems] == ["B135"], _messages(report)


def test_validate_refuses_overlapping_gold_spans(tmp_path: Path) -> None:
    doc = documents()[0]
    text = doc.text
    result = [
        *good_result(text),
        *region(
            text,
            "reenter",
            "CROSSING",
            "c2",
            direction="unknown",
            route="unknown",
            status="completed",
        ),
        *region(text, "A man", "MOTIVE", "m2", category="other"),
    ]
    _, report = _validate(tmp_path, [_gold_task(1, doc, result)])
    assert sorted(p.code for p in report.problems) == ["B144", "B144"], _messages(report)
    found = "\n".join(_messages(report))
    assert "gold spans overlap: CROSSING c2 [88, 95) 'reenter' and CROSSING c1 [88, 105)" in found
    assert "MOTIVE m2" in found and "PERSON p1" in found


def test_validate_allows_overlaps_in_an_annotation_that_is_not_gold(tmp_path: Path) -> None:
    doc = documents()[0]
    text = doc.text
    overlapping = [*region(text, "A man", "PERSON", "p1", roles="other"),
                   *region(text, "A man", "MOTIVE", "m1", category="other")]  # fmt: skip
    tasks = [
        task(1, doc, [annotation(10, good_result(text), gold=True), annotation(11, overlapping)])
    ]
    _, report = _validate(tmp_path, tasks)
    assert report.valid, _messages(report)
    [other] = [a for a in report.annotations if a["annotation_id"] == 11]
    assert [(s["id"], s["start"], s["end"]) for s in other["spans"]] == [
        ("m1", 0, 5),
        ("p1", 0, 5),
    ]


def test_validate_refuses_a_gold_span_that_cuts_a_token(tmp_path: Path) -> None:
    doc = documents()[0]
    text = doc.text
    result = [*good_result(text), *region(text, "enter the N", "CROSSING", "c9",
              direction="unknown", route="unknown", status="completed")]  # fmt: skip
    _, report = _validate(tmp_path, [_gold_task(1, doc, result)])
    codes = sorted(p.code for p in report.problems)
    assert "B145" in codes, _messages(report)
    found = "\n".join(_messages(report))
    assert "cuts the token(s) 'reenter', 'North'" in found


def _unset_attributes(text: str) -> list[dict]:
    """A PERSON whose roles are an empty choice, a CROSSING without route."""
    return [
        *region(text, "A man", "PERSON", "p1", roles=[]),
        *region(
            text,
            "reenter the North",
            "CROSSING",
            "c1",
            direction="south_to_north",
            status="completed",
        ),
    ]


def test_validate_reports_every_unset_required_attribute(tmp_path: Path) -> None:
    doc = documents()[0]
    other = region(doc.text, "struggling to make ends meet", "MOTIVE", "m1")
    tasks = [task(4, doc, [annotation(41, _unset_attributes(doc.text), gold=True),
                           annotation(42, other)])]  # fmt: skip
    path, report = _validate(tmp_path, tasks)
    assert [(p.code, p.annotation_id, p.region_id) for p in report.problems] == [
        ("B146", 41, "p1"),
        ("B146", 41, "c1"),
        ("B146", 42, "m1"),
    ], _messages(report)
    roles, route, category = _messages(report)
    where = f"[B146] {path}, task 4 (doc {doc.doc_id}), annotation 41, region"
    assert roles.startswith(f"{where} p1: PERSON region 'A man' has no roles (one of [")
    assert route.startswith(f"{where} c1: CROSSING region 'reenter the North' has no route")
    assert "select the region in Label Studio, choose a route and update" in route
    assert "GUIDELINES gives the rule" in route
    assert "annotation 42, region m1: MOTIVE region" in category and "no category" in category
    with pytest.raises(ValidationFailed, match=r"B100.*\(3 problem\(s\)\)"):
        report.raise_for_problems()


def test_validate_cli_fails_on_an_unset_required_attribute(tmp_path: Path) -> None:
    doc = documents()[0]
    path = write_export(
        tmp_path / "unset.json",
        [task(1, doc, [annotation(1, _unset_attributes(doc.text), gold=True)])],
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert result.output.count("[B146]") == 2 and "has no route" in result.output


def test_validate_an_optional_attribute_may_stay_unset(tmp_path: Path) -> None:
    from nkcorpus.schema.model import LabelSchema, load_schema

    raw = load_schema().model_dump(mode="json")
    for label in raw["labels"]:
        for attribute in label["attributes"]:
            attribute["required"] = attribute["name"] not in {"roles", "route"}
    schema = LabelSchema.model_validate(raw)
    doc = documents()[0]
    path = write_export(
        tmp_path / "export.json",
        [task(1, doc, [annotation(1, _unset_attributes(doc.text), gold=True)])],
    )
    report = validate_exports([path], documents=documents(), schema=schema)
    assert report.valid, _messages(report)
    spans = {s["id"]: s for s in report.gold[doc.doc_id].spans}
    assert spans["p1"]["roles"] == [] and spans["c1"]["route"] is None


@pytest.mark.parametrize("doc_id", [["000", "000"], 7, None, {"id": "x"}])
def test_validate_a_doc_id_that_is_not_a_string_is_a_located_problem(
    tmp_path: Path, doc_id: object
) -> None:
    doc = documents()[0]
    broken = task(1, doc, [])
    broken["data"]["doc_id"] = doc_id
    _, report = _validate(tmp_path, [broken])  # found by the property tests: it raised
    assert [p.code for p in report.problems] == ["B150"], _messages(report)
    assert report.problems[0].task_id == 1 and report.problems[0].doc_id is None


@pytest.mark.parametrize("kind", ["labels", "choices"])
def test_validate_reports_labels_or_choices_that_are_not_a_list(tmp_path: Path, kind: str) -> None:
    """Found by the property tests: `"labels": 1` raised a TypeError instead of a B136."""
    from nkcorpus.build.regions import result_to_spans
    from nkcorpus.build.result_checks import result_to_problems
    from nkcorpus.schema.model import load_schema

    value = {"start": 0, "end": 3, "labels": ["PERSON"]}
    result = [{"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
               "value": dict(value)},
              {"id": "a", "type": "choices", "from_name": "roles", "to_name": "text",
               "value": {"start": 0, "end": 3, "choices": ["defector"]}}]  # fmt: skip
    item = result[0] if kind == "labels" else result[1]
    item["value"][kind] = 1
    problems = result_to_problems(result)
    assert [p.code for p in problems] == ["B136"]
    assert f"`{kind}` of a {kind} item is 1, not a list" in problems[0].message
    result_to_spans(result, "Kim fled", load_schema())  # no TypeError


def test_validate_on_two_processes_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tasks are checked in batches on worker processes (`nkcorpus.build.task_checks`);
    problems, gold, annotations and warnings come back in the same order as on one."""
    from nkcorpus.build import validate

    monkeypatch.setattr(validate, "BATCH_TASKS", 2)  # several batches in flight
    path = write_export(tmp_path / "export.json", mixed_tasks())
    one = validate_exports([path], documents=documents(), processes=1)
    two = validate_exports([path], documents=documents(), processes=2)
    assert one.problems and one.gold and one.annotations
    assert two.model_dump() == one.model_dump()
