from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.exports import iter_export, read_exports, task_updated_at
from tests.build import annotation, documents, task, write_export


def test_exports_streams_tasks_in_file_order(tmp_path: Path) -> None:
    doc0, doc1 = documents()[:2]
    path = write_export(tmp_path / "a.json", [task(2, doc1, []), task(1, doc0, [])])
    assert [t["id"] for t in iter_export(path)] == [2, 1]
    [first] = [t for t in iter_export(path) if t["id"] == 1]
    assert first["data"]["text"] == doc0.text  # non-ASCII text intact


def test_exports_merge_newest_task_wins(tmp_path: Path) -> None:
    doc = documents()[0]
    new = task(1, doc, [annotation(9, [])], updated_at="2026-03-01T00:00:00Z")
    old = task(1, doc, [annotation(8, [])], updated_at="2026-02-01T00:00:00Z")
    a = write_export(tmp_path / "a.json", [new])
    b = write_export(tmp_path / "b.json", [old])
    [merged] = read_exports([a, b])
    assert merged.source == a and merged.task["annotations"][0]["id"] == 9


def test_exports_merge_newest_annotation_counts(tmp_path: Path) -> None:
    doc = documents()[0]
    edited = annotation(9, [], updated_at="2026-05-01T00:00:00+00:00")
    a = write_export(tmp_path / "a.json", [task(1, doc, [edited], updated_at="2026-01-01")])
    b = write_export(tmp_path / "b.json", [task(1, doc, [], updated_at="2026-02-01T00:00:00Z")])
    [merged] = read_exports([a, b])
    assert merged.source == a
    assert task_updated_at(merged.task).isoformat() == "2026-05-01T00:00:00+00:00"


def test_exports_merge_tie_goes_to_later_file(tmp_path: Path) -> None:
    doc0, doc1 = documents()[:2]
    a = write_export(tmp_path / "a.json", [task(1, doc0, []), task(2, doc1, [])])
    b = write_export(tmp_path / "b.json", [task(1, doc0, [])])
    merged = read_exports([a, b])
    assert [(t.task_id, t.source.name) for t in merged] == [(1, "b.json"), (2, "a.json")]


def test_exports_not_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"id": 1, "data": ', encoding="utf-8")
    with pytest.raises(BuildError, match=r"B101.*broken\.json: not valid JSON"):
        list(iter_export(path))


def test_exports_not_a_list_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "obj.json"
    path.write_text('{"id": 1}', encoding="utf-8")
    with pytest.raises(BuildError, match=r"B102.*obj\.json: not a Label Studio JSON export"):
        list(iter_export(path))


def test_exports_task_without_id_is_an_error(tmp_path: Path) -> None:
    path = write_export(tmp_path / "x.json", [{"data": {}}])
    with pytest.raises(BuildError, match=r"B103.*position 0 has no integer `id`"):
        list(iter_export(path))


def test_exports_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"B101.*cannot read the export"):
        list(iter_export(tmp_path / "nope.json"))


def test_exports_bad_timestamp_is_an_error(tmp_path: Path) -> None:
    path = write_export(tmp_path / "x.json", [task(1, documents()[0], [], updated_at="soon")])
    with pytest.raises(BuildError, match=r"B104.*'soon' is not an ISO 8601"):
        read_exports([path])
