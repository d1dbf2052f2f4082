"""The Label Studio import file (annotation/tasks.py) and `nkcorpus tasks`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from nkcorpus.annotation import cli
from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.studio.tasks_file import read_tasks
from nkcorpus.annotation.tasks import TASK_FIELDS, tasks_to_json, write_atomically, write_tasks
from nkcorpus.corpus.documents import load_documents
from nkcorpus.schema.model import load_schema


class Doc(BaseModel):
    doc_id: str
    text: str
    text_sha256: str = "0" * 64
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None


DOCS = [
    Doc(doc_id="b", text="A man fled to the South to avoid criminal charges.", title="B"),
    Doc(doc_id="a", text="At least 11 defectors have returned to the North.", url="http://a"),
]


def test_tasks_write_tasks_is_byte_identical_across_runs(tmp_path, seeds_dir):
    documents = load_documents(seeds_dir)
    first = write_tasks(documents, tmp_path / "one.json", progress=False)
    second = write_tasks(documents, tmp_path / "two.json", batch_size=1, progress=False)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert first.sha256 == second.sha256
    assert first.tasks == len(documents)


def test_tasks_write_tasks_sorts_by_doc_id_and_copies_the_document_fields(tmp_path):
    write_tasks(DOCS, tmp_path / "tasks.json", progress=False)
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert [t["data"]["doc_id"] for t in tasks] == ["a", "b"]
    assert set(tasks[0]["data"]) == set(TASK_FIELDS)
    assert tasks[1]["data"]["title"] == "B"
    assert tasks[0]["data"]["url"] == "http://a"
    assert [len(t["predictions"]) for t in tasks] == [1, 1]


def test_tasks_file_is_canonical_json_with_a_final_newline(tmp_path):
    path = tmp_path / "tasks.json"
    write_tasks(DOCS, path, progress=False)
    text = path.read_text(encoding="utf-8")
    assert text == tasks_to_json(json.loads(text))
    assert text.endswith("]\n")


def test_tasks_summary_counts_what_the_file_holds(tmp_path):
    path = tmp_path / "tasks.json"
    summary = write_tasks(DOCS, path, progress=False)
    results = [i for t in json.loads(path.read_text()) for i in t["predictions"][0]["result"]]
    for label in load_schema().label_names:
        expected = sum(
            1 for i in results if i["type"] == "labels" and i["value"]["labels"] == [label]
        )
        assert summary.regions[label] == expected
    assert summary.relations["agent"] == sum(
        1 for i in results if i["type"] == "relation" and i["labels"] == ["agent"]
    )
    assert summary.regions["STATISTIC"] == 1


def test_tasks_file_is_accepted_by_the_studio_reader(tmp_path, seeds_dir):
    path = tmp_path / "tasks.json"
    write_tasks(load_documents(seeds_dir), path, progress=False)
    assert len(read_tasks(path)) == len(load_documents(seeds_dir))


def test_tasks_write_tasks_refuses_repeated_doc_ids(tmp_path):
    with pytest.raises(AnnotationError, match=r"A210.*'a'"):
        write_tasks([*DOCS, DOCS[1]], tmp_path / "tasks.json", progress=False)
    assert not (tmp_path / "tasks.json").exists()


def test_tasks_write_tasks_refuses_a_batch_size_below_one(tmp_path):
    with pytest.raises(AnnotationError, match="A212"):
        write_tasks(DOCS, tmp_path / "tasks.json", batch_size=0, progress=False)


def test_tasks_write_atomically_replaces_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "sub" / "tasks.json"
    write_atomically(path, "old\n")
    write_atomically(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in path.parent.iterdir()] == ["tasks.json"]


def test_tasks_write_atomically_reports_an_unwritable_path(tmp_path):
    (tmp_path / "tasks.json").mkdir()
    with pytest.raises(AnnotationError, match=r"A211.*tasks.json"):
        write_atomically(tmp_path / "tasks.json", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["tasks.json"]


def test_tasks_cli_writes_the_default_file_under_the_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("NKCORPUS_ROOT", str(tmp_path))
    monkeypatch.setattr(cli, "_load_documents", lambda: DOCS)
    result = CliRunner().invoke(cli.app, ["tasks", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "2 task(s)" in result.output
    assert json.loads(Path(tmp_path / "annotation" / "tasks.json").read_text())


def test_tasks_cli_writes_to_out_and_reports_errors_with_status_1(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_load_documents", lambda: DOCS)
    out = tmp_path / "elsewhere.json"
    result = CliRunner().invoke(cli.app, ["tasks", "--out", str(out), "--no-progress"])
    assert result.exit_code == 0 and out.is_file()
    monkeypatch.setattr(cli, "_load_documents", lambda: [*DOCS, DOCS[0]])
    result = CliRunner().invoke(cli.app, ["tasks", "--out", str(out), "--no-progress"])
    assert result.exit_code == 1
    assert "A210" in result.output


def test_tasks_committed_file_is_up_to_date(tmp_path, seeds_dir, repo_root):
    """annotation/tasks.json is what `nkcorpus tasks` writes now: commit it after a
    change to the seeds, the cleaning or the pre-annotation rules."""
    write_tasks(load_documents(seeds_dir), tmp_path / "tasks.json", progress=False)
    committed = repo_root / "annotation" / "tasks.json"
    assert committed.read_bytes() == (tmp_path / "tasks.json").read_bytes(), (
        "annotation/tasks.json is stale: run `nkcorpus tasks` and commit it"
    )
