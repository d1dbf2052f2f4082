from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nkcorpus.annotation.reviewers import load_reviewers
from nkcorpus.cli import app
from tests.annotation.agreement import TEXT, full, person, short_document
from tests.build import annotation, region, task, write_export

runner = CliRunner()


REVIEWER = 4  # the reviewer of annotation/reviewers.yaml, which the command reads


def _export(tmp_path: Path) -> Path:
    # annotators 2 and 3 (not reviewers); doc 900_a: identical annotations plus the
    # reviewer's copy, which never counts; doc 901_b: disjoint ones
    assert load_reviewers().ids == {REVIEWER}
    tasks = [
        task(1, short_document("900_a"), [annotation(11, full(), completed_by=2),
                                          annotation(12, full("b"), completed_by=3),
                                          annotation(13, full("r"), completed_by=REVIEWER)]),
        task(2, short_document("901_b"), [annotation(21, person("Kim Jong", "p"), completed_by=2),
                                          annotation(22, person("Lee", "q"), completed_by=3)]),
        task(3, short_document("902_c"), [annotation(31, full(), completed_by=2)]),
    ]  # fmt: skip
    return write_export(tmp_path / "export.json", tasks)


def test_agreement_text(tmp_path: Path) -> None:
    result = runner.invoke(app, ["agreement", str(_export(tmp_path)), "--resamples", "100"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("agreement: 2 document(s) with 2+ annotators (annotators 2, 3)")
    assert lines[1].startswith("left out: 1 task(s) with fewer than 2 annotators, 1 reviewer")
    assert "100 resamples, seed 0" in lines[2]
    # exact F1 (2 * 3 + 0) / (6 + 2) = 0.75; resamples range from 0 (disjoint twice) to 1
    assert "ALL                 0.750 [0.000, 1.000]    0.750 [0.000, 1.000]    3/8" in lines
    rows = [line.split() for line in lines if line.startswith(("900_a", "901_b"))]
    assert rows[0][4:6] == ["1.000", "1.000"] and rows[1][4:6] == ["0.000", "0.000"]
    assert "annotator pairs, overlap F1" in lines
    assert lines[lines.index("annotator pairs, overlap F1") + 2].split() == ["2", "0.750"]


def test_agreement_json_is_everything(tmp_path: Path) -> None:
    result = runner.invoke(app, ["agreement", str(_export(tmp_path)), "--json", "--seed", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 2 and data["bootstrap"] == {
        "resamples": 1000, "seed": 1, "level": 0.95
    }  # fmt: skip
    assert data["figures"]["spans.exact.ALL"]["value"] == 0.75
    assert data["figures"]["spans.exact.ALL"]["interval"]["resamples"] == 1000
    assert data["pairs"] == [
        {"first": 2, "second": 3, "documents": 2, "overlap_f1": 0.75, "exact_f1": 0.75,
         "token_kappa": data["figures"]["tokens.kappa"]["value"]}
    ]  # fmt: skip
    assert [d["doc_id"] for d in data["per_document"]] == ["900_a", "901_b"]
    assert data["reviewers"] == [REVIEWER] and data["left_out"]["reviewer_annotations"] == 1
    assert data["support"]["spans.overlap.PERSON.matched"] == 2  # both of 900_a


def test_agreement_without_two_annotators_says_so_and_exits_0(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "e.json", [task(1, short_document(), [annotation(1, full(), completed_by=2)])]
    )
    result = runner.invoke(app, ["agreement", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("agreement: no document has two or more annotators")
    assert "0." not in result.output  # no figure


def test_agreement_refuses_invalid_exports(tmp_path: Path) -> None:
    bad = region(TEXT, "Kim", "PERSON", "w", roles="captain")
    path = write_export(
        tmp_path / "e.json",
        [task(1, short_document(), [annotation(1, full(), completed_by=2),
                                    annotation(2, bad, completed_by=3)])],
    )  # fmt: skip
    result = runner.invoke(app, ["agreement", str(path)])
    assert result.exit_code == 1
    assert "error: [B100]" in result.output and "[B131]" in result.output
    assert "Traceback" not in result.output
