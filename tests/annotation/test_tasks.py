"""The Label Studio import file (annotation/tasks.py) and `nkcorpus tasks`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from nkcorpus.annotation import cli
from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.studio.tasks_file import read_tasks
from nkcorpus.annotation.tasks import (
    TASK_FIELDS,
    tasks_to_json,
    write_atomically,
    write_seed_tasks,
    write_tasks,
)
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import load_manifest, save_manifest
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


def _small_project(root: Path, seeds_dir: Path, doc_ids: list[str]) -> Path:
    """A project under `root` whose seeds are `doc_ids` of the repository's seeds."""
    manifest = load_manifest(seeds_dir)
    entries = tuple(e for e in manifest.documents if e.doc_id in doc_ids)
    (root / "seeds").mkdir(parents=True)
    for entry in entries:
        shutil.copy(seeds_dir / entry.file, root / "seeds" / entry.file)
    save_manifest(root / "seeds", manifest.model_copy(update={"documents": entries}))
    return root


def test_tasks_cli_writes_the_default_file_under_the_repository(tmp_path, monkeypatch, seeds_dir):
    ids = sorted(e.doc_id for e in load_manifest(seeds_dir).documents)[:2]
    monkeypatch.setenv("NKCORPUS_ROOT", str(_small_project(tmp_path, seeds_dir, ids)))
    result = CliRunner().invoke(cli.app, ["tasks", "--no-progress", "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert "2 task(s)" in result.output
    tasks = json.loads(Path(tmp_path / "annotation" / "tasks.json").read_text())
    assert [t["data"]["doc_id"] for t in tasks] == ids


def test_tasks_cli_writes_to_out_and_reports_errors_with_status_1(tmp_path, monkeypatch, seeds_dir):
    ids = sorted(e.doc_id for e in load_manifest(seeds_dir).documents)[:2]
    root = _small_project(tmp_path / "project", seeds_dir, ids)
    monkeypatch.setenv("NKCORPUS_ROOT", str(root))
    out = tmp_path / "elsewhere.json"
    result = CliRunner().invoke(cli.app, ["tasks", "--out", str(out), "--no-progress"])
    assert result.exit_code == 0 and out.is_file(), result.output
    seed = root / "seeds" / load_manifest(root / "seeds").documents[0].file
    seed.write_text(seed.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    before = out.read_bytes()
    result = CliRunner().invoke(cli.app, ["tasks", "--out", str(out), "--no-progress"])
    assert result.exit_code == 1
    assert "D039" in result.output and "D031" in result.output and seed.name in result.output
    assert out.read_bytes() == before  # nothing written when a seed is wrong


def test_tasks_cli_refuses_zero_processes(tmp_path, monkeypatch):
    monkeypatch.setenv("NKCORPUS_ROOT", str(tmp_path))
    result = CliRunner().invoke(cli.app, ["tasks", "--processes", "0", "--no-progress"])
    assert result.exit_code == 2  # typer's usage error: --processes has min=1
    assert not (tmp_path / "annotation" / "tasks.json").exists()


def test_tasks_committed_file_is_up_to_date(tmp_path, seeds_dir, repo_root):
    """annotation/tasks.json is what `nkcorpus tasks` writes now: commit it after a
    change to the seeds, the cleaning or the pre-annotation rules."""
    write_tasks(load_documents(seeds_dir), tmp_path / "tasks.json", progress=False)
    committed = repo_root / "annotation" / "tasks.json"
    assert committed.read_bytes() == (tmp_path / "tasks.json").read_bytes(), (
        "annotation/tasks.json is stale: run `nkcorpus tasks` and commit it"
    )


def test_tasks_write_tasks_is_byte_identical_for_one_and_two_processes(tmp_path, seeds_dir):
    documents = load_documents(seeds_dir)
    one = write_tasks(documents, tmp_path / "one.json", 4, progress=False, processes=1)
    two = write_tasks(documents, tmp_path / "two.json", 4, progress=False, processes=2)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert one == two.model_copy(update={"out_path": one.out_path})
    assert two.tasks == len(documents)


def test_tasks_write_seed_tasks_equals_write_tasks_of_the_loaded_documents(tmp_path, seeds_dir):
    streamed = write_seed_tasks(tmp_path / "s.json", seeds_dir, 8, progress=False, processes=2)
    loaded = write_tasks(load_documents(seeds_dir), tmp_path / "l.json", progress=False)
    assert (tmp_path / "s.json").read_bytes() == (tmp_path / "l.json").read_bytes()
    assert streamed.sha256 == loaded.sha256 and streamed.regions == loaded.regions


def test_tasks_write_tasks_of_no_documents_is_an_empty_list(tmp_path):
    summary = write_tasks([], tmp_path / "tasks.json", progress=False, processes=2)
    assert (tmp_path / "tasks.json").read_text(encoding="utf-8") == "[]\n" == tasks_to_json([])
    assert summary.tasks == 0 and set(summary.regions.values()) == {0}


def test_tasks_write_tasks_refuses_zero_processes(tmp_path):
    with pytest.raises(AnnotationError, match=r"A213.*got 0"):
        write_tasks(DOCS, tmp_path / "tasks.json", progress=False, processes=0)
    assert not (tmp_path / "tasks.json").exists()
