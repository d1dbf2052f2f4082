"""What annotators are served: overlap (N distinct annotators per task) and no
withheld near-duplicates. Unit tests, then tests against the session's real
Label Studio (marked `studio`) with annotators who signed up by invite."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from label_studio_sdk.client import LabelStudio
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.queue import (
    DEFAULT_ANNOTATORS,
    WithheldDoc,
    check_annotators,
    split_withheld,
    withheld_documents,
)
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.annotation.studio.tasks_file import default_tasks_path
from nkcorpus.errors import StudioError
from tests.annotation.conftest import Annotator, Studio, csrf_headers, make_task, span

NO_WITHHELD: dict[str, str] = {}


def test_the_seeds_withhold_001_for_002() -> None:
    assert withheld_documents() == {"001_01116437e2deb97c": "002_f4fac74a6db6b90a"}


def test_split_withheld_keeps_the_order_of_the_rest() -> None:
    tasks = [make_task(d, f"text {d}") for d in ("a", "b", "c")]
    kept, withheld = split_withheld(tasks, {"b": "a", "z": "a"})
    assert [t["data"]["doc_id"] for t in kept] == ["a", "c"]
    assert withheld == {"b"}


@pytest.mark.parametrize("bad", [0, -2, True])
def test_annotators_below_one_are_refused(bad: int) -> None:
    with pytest.raises(
        StudioError, match=rf"\[A125\] annotators per task must be at least 1, got {bad!r}"
    ):
        check_annotators(bad)


def test_a_withheld_task_with_work_is_reported_with_what_to_do() -> None:
    doc = WithheldDoc("d9", "d1", in_tasks_file=True, deleted=(4,), kept=((7, "2 annotation(s)"),))
    assert doc.describe() == (
        "withheld d9: a near-duplicate of d1, the longest copy of its group, which is released "
        "instead; not imported, so not served to annotators; task #4 deleted (nobody had "
        "worked on it); task #7 still in the project: it holds 2 annotation(s) (see the warning)"
    )
    [warning] = doc.warnings()
    assert "task #7 in the project with 2 annotation(s), so it was not deleted" in warning
    assert "`nkcorpus studio pull`" in warning and "delete task #7 in Label Studio" in warning
    assert WithheldDoc("d9", "d1", in_tasks_file=True).warnings() == []


# Against the real server ------------------------------------------------------------------


def _next(annotator: Annotator, project_id: int) -> int | None:
    """The task `/api/projects/{id}/next` (what Label All Tasks opens) serves, or None."""
    response = annotator.browser.get(f"/api/projects/{project_id}/next")
    if response.status_code == 404:  # no task left for this user
        return None
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def _submit(studio: Studio, annotator: Annotator, task_id: int, project_id: int) -> None:
    """Submit an annotation as `annotator`, as the editor's Submit button does."""
    text = "Kim crossed."
    response = annotator.browser.post(
        f"/api/tasks/{task_id}/annotations/?project={project_id}",
        json={"result": [span(text, "Kim", "PERSON", "r1")], "lead_time": 2.0},
        headers=csrf_headers(annotator.browser, studio.url),
    )
    assert response.status_code == 201, response.text


@pytest.mark.studio
def test_queue_serves_each_task_to_n_distinct_annotators(
    studio: Studio, sign_up: Callable[[str], Annotator]
) -> None:
    client = connect(studio.url, studio.api_key)
    tasks = [make_task("ov1", "Kim crossed."), make_task("ov2", "Kim crossed.")]
    report = sync_project(client, studio.url, tasks, title="nk-overlap", withheld=NO_WITHHELD)
    assert report.overlap is not None and report.overlap.annotators == DEFAULT_ANNOTATORS == 2
    assert "annotators per task set to 2" in report.summary()
    project = client.projects.get(report.project_id)
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (2, 100)
    pid = report.project_id
    a, b, c = sign_up("ann-a"), sign_up("ann-b"), sign_up("ann-c")

    first = _next(a, pid)
    assert first is not None
    _submit(studio, a, first, pid)
    assert _next(b, pid) == first  # A's task goes to a second annotator
    _submit(studio, b, first, pid)
    second = _next(c, pid)
    assert second is not None and second != first  # two annotations: done
    assert _next(a, pid) == second  # never a task A annotated

    again = sync_project(client, studio.url, tasks, title="nk-overlap", withheld=NO_WITHHELD)
    assert again.overlap is not None and (again.overlap.annotators, again.overlap.changed) == (
        2,
        False,
    )
    more = sync_project(
        client, studio.url, tasks, title="nk-overlap", withheld=NO_WITHHELD, annotators=3
    )
    assert more.overlap is not None and (more.overlap.annotators, more.overlap.changed) == (3, True)
    assert client.projects.get(pid).maximum_annotations == 3
    assert _next(sign_up("ann-d"), pid) == first  # 2 of 3 annotations: served again


def _doc_ids(client: LabelStudio, project_id: int) -> dict[str, int]:
    return {t.data["doc_id"]: int(t.id) for t in client.tasks.list(project=project_id)}


def _draft(studio: Studio, task_id: int) -> None:
    response = httpx.post(
        f"{studio.url}/api/tasks/{task_id}/drafts",
        json={"result": [], "lead_time": 1.0},
        headers={"Authorization": f"Token {studio.api_key}"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.studio
def test_withheld_documents_are_not_imported_and_taken_out(studio: Studio) -> None:
    client, title = connect(studio.url, studio.api_key), "nk-withheld"
    tasks = [make_task(d, f"Text of {d}.") for d in ("w1", "w2", "w3", "w4")]
    old = sync_project(client, studio.url, tasks, title=title, withheld=NO_WITHHELD)
    assert old.imported == 4  # as a sync before the rule did
    pid = old.project_id
    before = _doc_ids(client, pid)
    client.annotations.create(before["w3"], result=[], project=pid)  # work on withheld copies
    _draft(studio, before["w4"])

    withheld = {"w2": "w1", "w3": "w1", "w4": "w1"}
    report = sync_project(client, studio.url, tasks, title=title, withheld=withheld)
    assert _doc_ids(client, pid) == {k: before[k] for k in ("w1", "w3", "w4")}
    assert (report.imported, report.present) == (0, 1)
    summary = report.summary()
    assert "imported 0, already present 1, changed 0, withheld 3" in summary
    assert (
        f"withheld w2: a near-duplicate of w1, the longest copy of its group, which is released "
        f"instead; not imported, so not served to annotators; task #{before['w2']} deleted"
    ) in summary
    assert "warning: withheld w3 (a near-duplicate of w1" in summary
    assert f"is task #{before['w3']} in the project with 1 annotation(s)" in summary
    assert f"is task #{before['w4']} in the project with draft(s)" in summary

    again = sync_project(client, studio.url, tasks, title=title, withheld=withheld)
    assert [d.deleted for d in again.withheld] == [(), (), ()]
    assert "withheld w2: " in again.summary() and _doc_ids(client, pid).keys() == {"w1", "w3", "w4"}


@pytest.mark.studio
def test_the_seeds_withheld_copy_001_is_never_imported(studio: Studio) -> None:
    """The default: withheld documents come from the repository's seeds."""
    tasks: list[dict[str, Any]] = json.loads(default_tasks_path().read_text(encoding="utf-8"))
    pair = [t for t in tasks if t["data"]["doc_id"][:3] in ("001", "002")]
    client = connect(studio.url, studio.api_key)
    report = sync_project(client, studio.url, pair, title="nk-seeds-withheld")
    assert _doc_ids(client, report.project_id).keys() == {"002_f4fac74a6db6b90a"}
    assert (
        "withheld 001_01116437e2deb97c: a near-duplicate of 002_f4fac74a6db6b90a"
        in report.summary()
    )


@pytest.mark.parametrize("command", ["sync", "up"])
def test_cli_refuses_annotators_below_one(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--annotators", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--annotators'" in result.output
