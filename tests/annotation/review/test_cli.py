"""`nkcorpus review`: text and JSON output over a hand-made export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.cli import app
from tests.annotation.conftest import free_port
from tests.annotation.review.test_queue import _tasks
from tests.build import write_export

URL = "http://ls.example:8080"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """Tasks 103 (disagreement), 104 (anchoring), 105 (waiting) and 107 (nothing in
    common) of test_queue; none accepted, so the repository's reviewers list will do."""
    tasks = [t for t in _tasks() if t["id"] in (103, 104, 105, 107)]
    return write_export(tmp_path / "export.json", tasks)


def _review(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["review", *args])
    return result.exit_code, result.output


EXPECTED_TEXT = f"""\
Review queue: 3 task(s) to open, most urgent first.
annotators per task: 2 (--annotators); disagreement: overlap span F1 below 0.80
Side by side: in Label Studio's labeling view, press 'Compare All' (left of the annotation \
tabs) once; the browser remembers it, so every link below then opens with all versions side \
by side (pressing it again goes back to one version).

#1 ready, disagreement: doc 001_01116437e2deb97c, task 107
   open: {URL}/projects/2/data?task=107
   - ready for review: 2 of 2 annotators, no gold yet
   - annotators disagree: overlap span F1 0.00 < 0.80 (annotations 1071 and 1072)
   versions: annotation 1071 (user 1), annotation 1072 (user 2)
   disagreeing regions (label start-end "text": in / not in annotations):
     PERSON 23-46 "a North Korean defector": in 1071 / not in 1072

#2 ready, disagreement: doc 000_610f827a1a73c6d9, task 103
   open: {URL}/projects/1/data?task=103
   - ready for review: 2 of 2 annotators, no gold yet
   - annotators disagree: overlap span F1 0.50 < 0.80 (annotations 1031 and 1032)
   versions: annotation 1031 (user 1), annotation 1032 (user 2)
   disagreeing regions (label start-end "text": in / not in annotations):
     PERSON 0-5 "A man": in 1031 / not in 1032
     PERSON 2-5 "man": in 1032 / not in 1031
     CROSSING 21-46 "defected from North Korea": in 1031 / not in 1032
     MOTIVE 47-84 "avoided South Korea’s border controls": in 1032 / not in 1031

#3 ready, anchoring: doc 003_8619a8974c0e0bd4, task 104
   open: {URL}/projects/1/data?task=104
   - ready for review: 2 of 2 annotators, no gold yet
   - prediction submitted unchanged by annotation 1041 (user 1) = prediction 40; changed by \
annotation 1042 (user 2)
   versions: annotation 1041 (user 1), annotation 1042 (user 2)
   disagreeing regions (label start-end "text": in / not in annotations):
     CROSSING 50-87 "crossing the heavily fortified border": in 1042 / not in 1041

4 task(s) read: 0 reviewed, 1 waiting for annotators, 3 to open.
"""


def test_text_one_block_per_task(export: Path) -> None:
    # 107: F1 = 2 * 0 / (1 + 0) = 0.00; 103: 2 * 1 / (2 + 2) = 0.50; 104: 2 * 2 / (2 + 3) = 0.80
    code, output = _review(str(export), "--annotators", "2", "--url", URL + "/")
    assert code == 0, output
    assert output == EXPECTED_TEXT


def test_json_is_the_same_data(export: Path) -> None:
    code, output = _review(str(export), "--annotators", "2", "--url", URL, "--json")
    assert code == 0, output
    data = json.loads(output)
    assert (data["tasks"], data["reviewed"], data["waiting"]) == (4, 0, 1)
    assert data["annotators_per_task"] == {
        "default": 2,
        "per_project": {},
        "source": "2 (--annotators)",
    }
    assert [(q["rank"], q["task_id"], q["reasons"]) for q in data["queue"]] == [
        (1, 107, ["ready", "disagreement"]),
        (2, 103, ["ready", "disagreement"]),
        (3, 104, ["ready", "anchoring"]),
    ]
    anchoring = data["queue"][2]
    assert anchoring["lowest_f1"] == 0.8 and anchoring["anchored"] == [1041]
    assert anchoring["versions"][0] == {
        "annotation_id": 1041,
        "annotator": 1,
        "regions": 2,
        "unchanged_prediction": True,
        "prediction_id": 40,
        "url": f"{URL}/projects/1/data?task=104&annotation=1041",
    }
    assert data["queue"][1]["differences"][3] == {
        "label": "MOTIVE",
        "start": 47,
        "end": 84,
        "text": "avoided South Korea’s border controls",
        "marked_by": [1032],
        "missing_in": [1031],
    }


def test_threshold_moves_the_disagreement_line(export: Path) -> None:
    # at 0.5, task 103's F1 of 0.5 is no longer below: it keeps only `ready`
    code, output = _review(str(export), "--annotators", "2", "--threshold", "0.5", "--json")
    assert code == 0, output
    reasons = {q["task_id"]: q["reasons"] for q in json.loads(output)["queue"]}
    assert reasons == {107: ["ready", "disagreement"], 104: ["ready", "anchoring"], 103: ["ready"]}
    code, _ = _review(str(export), "--threshold", "1.5")
    assert code == 2  # a usage error: 0 to 1


def test_offline_without_annotators_uses_the_default(
    export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "some-key")
    down = f"http://127.0.0.1:{free_port()}"
    code, output = _review(str(export), "--url", down)
    assert code == 0, output
    assert (
        f"annotators per task: default 2: Label Studio at {down} not asked, not reachable" in output
    )


def test_exports_are_read_by_the_one_reader_with_its_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, output = _review(str(bad), "--annotators", "2")
    assert (code, output.startswith("error: [B102]")) == (1, True), output
    code, output = _review(str(tmp_path / "missing.json"), "--annotators", "2")
    assert (code, output.startswith("error: [B101]")) == (1, True), output
