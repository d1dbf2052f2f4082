"""`studio pull` streams the export to disk and writes the committed format."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.client import connect, fetch_export, find_project
from nkcorpus.annotation.studio.export_json import ExportWriter, tasks_to_json
from nkcorpus.annotation.studio.pull import canonical_json, pull_project
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.build.export_reader import iter_export
from nkcorpus.build.limits import ReadLimits
from nkcorpus.errors import StudioError
from nkcorpus.paths import exports_dir
from tests.annotation.conftest import Studio, make_task, span

TASKS = [
    {"id": 3, "data": {"text": "b", "created_ago": "kept"}, "annotations": [{"id": 9}, {"id": 2}]},
    {"id": 1, "data": {"text": "a"}, "predictions": [{"id": 5, "created_ago": "1 minute"}]},
]


def _folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.name != ".nkcorpus.lock")


def test_export_json_is_the_indented_dump_of_the_sorted_tasks() -> None:
    # what pull wrote before it streamed: json.dumps of the list, tasks and
    # annotations in id order, created_ago gone except inside data
    expected = [
        {"id": 1, "data": {"text": "a"}, "predictions": [{"id": 5}]},
        {"id": 3, "data": {"text": "b", "created_ago": "kept"},
         "annotations": [{"id": 2}, {"id": 9}]},
    ]  # fmt: skip
    dumped = json.dumps(expected, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert tasks_to_json(TASKS) == dumped.encode("utf-8")
    assert canonical_json(TASKS) == dumped.encode("utf-8")


def test_export_writer_matches_the_in_memory_dump_in_any_order(tmp_path: Path) -> None:
    tasks = [dict(TASKS[0], id=i) for i in (4, 2, 2, 7)] + TASKS
    for order in (tasks, list(reversed(tasks))):
        writer, out = ExportWriter(tmp_path), io.BytesIO()
        for task in order:
            writer.add(task)
        writer.finish(out)
        writer.close()
        assert out.getvalue() == tasks_to_json(order)
    assert list(tmp_path.iterdir()) == []  # the spool is removed
    empty = ExportWriter(tmp_path)
    out = io.BytesIO()
    empty.finish(out)
    empty.close()
    assert out.getvalue() == b"[]\n"


def test_committed_export_is_rewritten_byte_for_byte(tmp_path: Path) -> None:
    committed = sorted(exports_dir().glob("export-*.json"))
    assert committed, "no committed export"
    for path in committed:
        tasks = list(iter_export(path))
        random.Random(0).shuffle(tasks)
        writer, out = ExportWriter(tmp_path), io.BytesIO()
        for task in tasks:
            writer.add(task)
        writer.finish(out)
        writer.close()
        assert out.getvalue() == path.read_bytes(), path.name


@pytest.mark.studio
def test_pull_streams_300_tasks_to_the_same_bytes_as_an_export_in_memory(
    studio: Studio, tmp_path: Path
) -> None:
    title, out = "nk-pull-stream", tmp_path / "exports"
    text = "Kim fled to Seoul in 2019."
    prediction = {
        "model_version": "v1",
        "score": 1.0,
        "result": [span(text, "Kim", "PERSON", "r1")],
    }
    tasks = [make_task(f"p{i:04d}", f"{text} ({i})", [prediction]) for i in range(300)]
    client = connect(studio.url, studio.api_key)
    sync_project(client, studio.url, tasks, title=title)
    report = pull_project(client, studio.url, out, title=title, reviewers=frozenset())
    assert (report.tasks, report.annotations, report.predictions) == (300, 0, 300)
    assert _folder(out) == [report.path.name]  # no download, spool or pending file left
    project_id = find_project(client, studio.url, title)
    assert project_id is not None
    in_memory = canonical_json(fetch_export(client, studio.url, project_id))
    assert report.path.read_bytes() == in_memory  # what pull wrote when it held everything
    read = list(iter_export(report.path))
    assert [t["data"]["doc_id"] for t in read] == [f"p{i:04d}" for i in range(300)]
    assert report.path.stat().st_mode & 0o777 == 0o644


@pytest.mark.studio
def test_pull_refused_by_the_build_reader_leaves_no_file(studio: Studio, tmp_path: Path) -> None:
    title, out = "nk-pull-refused", tmp_path / "exports"
    client = connect(studio.url, studio.api_key)
    sync_project(client, studio.url, [make_task("q1", "A text of 24 characters.")], title=title)
    with pytest.raises(StudioError, match=r"\[A134\] .*refused by the build's reader: \[B11\d\]"):
        pull_project(
            client, studio.url, out, title=title, reviewers=frozenset(),
            limits=ReadLimits(max_text_chars=10),
        )  # fmt: skip
    assert _folder(out) == []
