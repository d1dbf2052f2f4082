from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.build.validate import validate_exports
from nkcorpus.cli import app
from nkcorpus.errors import ValidationFailed
from tests.build import annotation, documents, good_result, region, relation, task, write_export


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
                annotation(12, region(text, "A man", "PERSON", "p9"), completed_by=4),
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
    bad_offsets = region(text, "A man", "PERSON", "r3")
    bad_offsets[0]["value"].update(start=len(text) - 2, end=len(text) + 5)
    wrong_text = region(text, "A man", "PERSON", "r4")
    wrong_text[0]["value"]["text"] = "A woman"
    result = [
        *region(text, "A man", "VICTIM", "r1"),
        *region(text, "reenter the North", "CROSSING", "r2", direction="sideways", roles="other"),
        *bad_offsets,
        *wrong_text,
        *region(text, "struggling to make ends meet", "MOTIVE", "r5", category=["a", "b"]),
        *region(text, "Seoul", "PERSON", "r6", colour="red"),
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
        *region(text, "A man", "PERSON", "p1"),
        *region(text, "reenter the North", "CROSSING", "c1"),
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
