"""The import file, streamed: checked like `read_tasks`, re-read for what is new."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.tasks_file import plan_import, read_tasks
from nkcorpus.annotation.studio.tasks_stream import POSITION, scan_tasks
from nkcorpus.errors import StudioError
from tests.annotation.conftest import Task, make_task

PREDICTION = {"model_version": "rules-1", "score": 0.5, "result": []}


def test_scan_keeps_identity_and_model_versions_and_load_rereads(
    write_tasks: Callable[[list[Task]], Path],
) -> None:
    tasks = [make_task(f"d{i}", f"Text {i}.", [PREDICTION]) for i in range(5)]
    path = write_tasks(tasks)
    scanned = scan_tasks(path)
    assert [t[POSITION] for t in scanned.slim] == [0, 1, 2, 3, 4]
    assert scanned.slim[2]["data"] == {
        "doc_id": "d2",
        "text_sha256": tasks[2]["data"]["text_sha256"],
    }
    assert scanned.slim[2]["predictions"] == [{"model_version": "rules-1"}]
    existing = [(7, tasks[1]["data"]), (8, tasks[3]["data"])]  # d1 and d3 are in the project
    plan = plan_import(scanned.slim, existing)
    assert plan.present == 2
    assert list(scanned.load(plan.new)) == [tasks[0], tasks[2], tasks[4]]  # whole, score a float
    assert list(scanned.load([])) == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"data": {}}', "must hold a JSON list of tasks"),
        ('[{"data": {"text": "x"', "cannot read the tasks file"),
        ('[{"id": 1}, {"data": {"text": "x"}}]', "task 0: no 'data' object; task 1: data lacks"),
    ],
)
def test_scan_refuses_what_read_tasks_refuses(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StudioError, match=r"\[A120\]"):
        read_tasks(path)
    with pytest.raises(StudioError, match=rf"\[A120\] .*{problem}"):
        scan_tasks(path)


def test_scan_refuses_a_repeated_doc_id_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([make_task("a", "One."), make_task("a", "Two.")]), "utf-8")
    with pytest.raises(StudioError, match=r"\[A120\] .*task 1: doc_id 'a' repeats task 0"):
        scan_tasks(path)
    with pytest.raises(StudioError, match=r"\[A120\] .*no tasks file; make it with"):
        scan_tasks(tmp_path / "missing.json")


def test_load_refuses_a_file_changed_since_the_scan(
    write_tasks: Callable[[list[Task]], Path],
) -> None:
    tasks = [make_task(f"d{i}", f"Text {i}.") for i in range(3)]
    path = write_tasks(tasks)
    scanned = scan_tasks(path)
    write_tasks([tasks[0], make_task("other", "Another text."), tasks[2]])  # d1 replaced
    with pytest.raises(StudioError, match=r"\[A120\] .*changed while sync read it"):
        list(scanned.load(scanned.slim))
