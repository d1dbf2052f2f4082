"""A task read by the fast path is kept as its place in the export and read again on use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.exports import iter_export, read_exports
from nkcorpus.build.task_places import TaskPlace, load_task
from tests.build import annotation, documents, good_result, task, write_export


def _export(tmp_path: Path) -> tuple[Path, list[dict]]:
    doc0, doc1 = documents()[:2]
    tasks = [
        task(1, doc0, [annotation(11, good_result(doc0.text), gold=True)]),
        task(2, doc1, []),
    ]
    return write_export(tmp_path / "export.json", tasks), tasks


def test_merged_tasks_are_read_again_from_their_place(tmp_path: Path) -> None:
    path, tasks = _export(tmp_path)
    merged = read_exports([path])
    assert [item.held for item in merged] == [None, None]  # not kept in memory
    assert [item.task for item in merged] == list(iter_export(path)) == tasks
    data = path.read_bytes()
    for item in merged:
        place = item.place
        assert place is not None
        assert json.loads(data[place.offset : place.offset + place.length]) == item.task


def test_a_task_the_exact_reader_gave_is_held(tmp_path: Path) -> None:
    _, tasks = _export(tmp_path)
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(tasks), encoding="utf-8")  # one line: the exact reader's
    merged = read_exports([compact])
    assert [item.place for item in merged] == [None, None]
    assert [item.task for item in merged] == tasks


@pytest.mark.parametrize("change", ["edited", "truncated", "removed"])
def test_an_export_changed_under_a_reader_is_b108(tmp_path: Path, change: str) -> None:
    path, _ = _export(tmp_path)
    merged = read_exports([path])
    load_task.cache_clear()
    if change == "edited":
        path.write_bytes(path.read_bytes().replace(b'"doc_id"', b'"doc_ID"'))
    elif change == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    else:
        path.unlink()
    with pytest.raises(BuildError, match=r"B108.*changed while the exports were being read"):
        _ = merged[1].task


def test_task_place_of_names_its_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b'{"id": 1}'
    monkeypatch.chdir(tmp_path)
    place = TaskPlace.of(Path("export.json"), 7, raw)
    assert (place.path, place.offset, place.length) == (tmp_path / "export.json", 7, len(raw))
    assert place != TaskPlace.of(Path("export.json"), 7, b'{"id": 2}')


def test_a_task_is_read_again_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Places are absolute: a worker whose directory differs still finds the export."""
    monkeypatch.chdir(tmp_path)
    path, tasks = _export(Path("."))
    merged = read_exports([path])  # a relative path, as `--export x.json` gives
    load_task.cache_clear()
    monkeypatch.chdir("/")
    assert [item.task for item in merged] == tasks
