from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def fed_fifo(path: Path, content: bytes = b"[]") -> Iterator[Path]:
    """A named pipe whose writer waits in a thread: a reader that opens it gets
    `content` (a valid empty export) instead of hanging. At exit the pipe is
    opened here, so the writer never waits forever."""
    os.mkfifo(path)

    def feed() -> None:
        with path.open("wb") as writer:
            writer.write(content)

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        thread.join()
        os.close(fd)


def test_exports_fifo_is_refused_before_opening(tmp_path: Path) -> None:
    refused = r"B101.*pipe\.json: is a named pipe \(FIFO\), not a regular file"
    with fed_fifo(tmp_path / "pipe.json") as pipe, pytest.raises(BuildError, match=refused):
        list(iter_export(pipe))


def test_exports_directory_and_device_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"B101.*: is a directory, not a regular file"):
        list(iter_export(tmp_path))
    with pytest.raises(BuildError, match=r"B101.*/dev/null: is a character device"):
        list(iter_export(Path("/dev/null")))


def _raw(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "escaped",
    [r"\ud800", r"x\udc00y", r"\ud800\u0041", r"\udfff\ud800"],
    ids=["lone-high", "lone-low", "high-then-letter", "reversed-pair"],
)
def test_exports_lone_surrogate_is_refused_naming_the_field(tmp_path: Path, escaped: str) -> None:
    path = _raw(
        tmp_path / "s.json", '[{"id": 1, "data": {"text": "ok", "title": "' + escaped + '"}}]'
    )
    with pytest.raises(
        BuildError, match=r"B112.*s\.json: task at position 0, field data\.title: has a lone surr"
    ):
        list(iter_export(path))


def test_exports_lone_surrogate_in_a_key_is_refused(tmp_path: Path) -> None:
    path = _raw(tmp_path / "k.json", r'[{"id": 1, "data": {"\ud800": 1}}]')
    with pytest.raises(BuildError, match=r"B112.*field data\['\\ud800'\].*in the key"):
        list(iter_export(path))


def test_exports_surrogate_pair_is_one_character(tmp_path: Path) -> None:
    path = _raw(tmp_path / "ok.json", r'[{"id": 1, "data": {"title": "\ud83d\ude00"}}]')
    [read] = iter_export(path)
    assert read["data"]["title"] == "\U0001f600"


def test_exports_invalid_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cesu.json"
    path.write_bytes(b'[{"id": 1, "data": {"title": "\xed\xa0\x80"}}]')
    with pytest.raises(BuildError, match=r"B101.*cesu\.json: not valid UTF-8"):
        list(iter_export(path))


@pytest.mark.parametrize("number", ["1" + "0" * 30, "-" + "9" * 400, str(2**63), str(-(2**63))])
def test_exports_huge_integer_is_refused_naming_the_field(tmp_path: Path, number: str) -> None:
    doc = documents()[0]
    path = write_export(tmp_path / "n.json", [task(1, doc, [annotation(9, [])])])
    path.write_text(path.read_text().replace('"completed_by": 1', f'"completed_by": {number}'))
    with pytest.raises(
        BuildError, match=r"B113.*task at position 0, field annotations\[0\]\.completed_by: has"
    ):
        list(iter_export(path))


def test_exports_integer_at_the_limit_is_read(tmp_path: Path) -> None:
    path = _raw(tmp_path / "n.json", f'[{{"id": 1, "x": [{2**63 - 1}, {1 - 2**63}]}}]')
    assert [t["x"] for t in iter_export(path)] == [[2**63 - 1, 1 - 2**63]]


def test_exports_deep_nesting_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = _raw(tmp_path / "d.json", '[{"id": 1, "data": {"x": ' + "[" * 100 + "]" * 100 + "}}]")
    with pytest.raises(
        BuildError, match=r"B111.*task at position 0, field data\.x\[0\].*max_depth"
    ):
        list(iter_export(path))


def test_exports_repeated_key_is_refused(tmp_path: Path) -> None:
    path = _raw(tmp_path / "r.json", '[{"id": 1, "annotations": [{"result": [], "result": []}]}]')
    with pytest.raises(BuildError, match=r"B118.*field annotations\[0\]\.result: repeats the key"):
        list(iter_export(path))


def test_exports_data_after_the_list_is_an_error(tmp_path: Path) -> None:
    path = _raw(tmp_path / "t.json", '[{"id": 1}] [')
    with pytest.raises(BuildError, match=r"B101.*not valid JSON \(after the list of tasks"):
        list(iter_export(path))


def test_exports_item_that_is_not_a_task_is_an_error(tmp_path: Path) -> None:
    path = _raw(tmp_path / "i.json", '[{"id": 1}, 2]')
    with pytest.raises(BuildError, match=r"B102.*item 1 is not a task object"):
        list(iter_export(path))
