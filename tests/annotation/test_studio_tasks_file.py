"""Reading the tasks file and deciding what to import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.tasks_file import dominant_model_version, plan_import, read_tasks
from nkcorpus.errors import StudioError
from tests.annotation.conftest import Task, make_task


def test_tasks_file_missing_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(
        StudioError, match=r"\[A120\] .*no tasks file; make it with `nkcorpus tasks`"
    ):
        read_tasks(tmp_path / "tasks.json")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "cannot read the tasks file"),
        ('{"data": {}}', "must hold a JSON list"),
        ('[{"predictions": []}]', "task 0: no 'data' object"),
        ('[{"data": {"text": "x", "doc_id": "d"}}]', "task 0: data lacks text_sha256"),
    ],
)
def test_tasks_file_invalid_is_refused(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(content)
    with pytest.raises(StudioError, match=rf"\[A120\] .*{problem}"):
        read_tasks(path)


def test_tasks_file_repeated_doc_id_is_refused(
    write_tasks: Callable[[list[Task]], Path],
) -> None:
    path = write_tasks([make_task("d1", "one"), make_task("d1", "two")])
    with pytest.raises(StudioError, match=r"task 1: doc_id 'd1' repeats task 0"):
        read_tasks(path)


def test_tasks_file_roundtrip(write_tasks: Callable[[list[Task]], Path]) -> None:
    tasks = [make_task("d1", "Kim 😀 fled.")]
    assert read_tasks(write_tasks(tasks)) == json.loads(json.dumps(tasks))


def test_tasks_file_plan_splits_new_present_changed() -> None:
    d1, d2, d3 = make_task("d1", "one"), make_task("d2", "two"), make_task("d3", "three")
    existing = [(11, d1["data"]), (12, make_task("d2", "old two")["data"]), (13, {"x": 1})]
    plan = plan_import([d1, d2, d3], existing)
    assert [t["data"]["doc_id"] for t in plan.new] == ["d3"]
    assert plan.present == 1
    [changed] = plan.changed
    assert (changed.doc_id, changed.task_ids) == ("d2", (12,))
    assert changed.new_sha256 == d2["data"]["text_sha256"]
    assert "not imported" in changed.describe() and "task #12" in changed.describe()


def test_tasks_file_plan_is_empty_the_second_time() -> None:
    tasks = [make_task("d1", "one"), make_task("d2", "two")]
    existing = [(i, t["data"]) for i, t in enumerate(tasks)]
    plan = plan_import(tasks, existing)
    assert (len(plan.new), plan.present, plan.changed) == (0, 2, ())


def test_tasks_file_dominant_model_version() -> None:
    def predicted(doc_id: str, version: str) -> Task:
        return make_task(doc_id, doc_id, [{"model_version": version, "score": 1, "result": []}])

    tasks = [predicted("a", "rules-v1"), predicted("b", "rules-v2"), predicted("c", "rules-v2")]
    assert dominant_model_version(tasks) == "rules-v2"
    assert dominant_model_version([make_task("d", "no predictions")]) is None
