"""The read memo: exports merged from skeletons give what merging the parsed
tasks gives (the same tasks, places, order, times and problems)."""

from __future__ import annotations

from pathlib import Path

from nkcorpus.build.copies import read_merged_once
from nkcorpus.build.read_memo import ReadMemo, task_to_skeleton
from nkcorpus.build.task_places import load_task
from tests.build import annotation, documents, good_result, task, write_export


def _exports(folder: Path) -> list[Path]:
    """Two exports: B106 (an id twice), B104 (a bad time), B107 (the newest
    copy lost the older copy's gold), a task whose annotations are not a list,
    and tasks in both files (the newest wins)."""
    doc0, doc1, doc2 = documents()[:3]
    gold = annotation(11, good_result(doc0.text), gold=True)
    older = [
        task(1, doc0, [gold]),
        task(2, doc1, [annotation(21, [])]),
        task(3, doc2, [annotation(31, [], gold=True)]),
    ]
    newer = [
        task(1, doc0, [annotation(12, [])], updated_at="2026-03-01T09:00:00.000000Z"),  # B107
        task(2, doc1, [annotation(22, [], gold=True)], updated_at="2026-03-01T09:00:00Z"),
        task(4, doc2, []),
        task(4, doc2, []),  # B106
        task(5, doc2, [], updated_at="yesterday"),  # B104
        {**task(6, doc1, []), "annotations": {"not": "a list"}},
    ]
    return [write_export(folder / "a.json", older), write_export(folder / "b.json", newer)]


def _merged(files: list[Path], memo: ReadMemo | None):
    merged = read_merged_once(files, memo)
    tasks = [(t.task_id, t.source, t.order, t.updated, t.place) for t in merged.tasks]
    return tasks, [p.model_dump() for p in merged.problems], merged


def test_skeletons_merge_as_the_parsed_tasks(tmp_path: Path) -> None:
    files = _exports(tmp_path)
    plain = _merged(files, None)
    assert {p["code"] for p in plain[1]} >= {"B104", "B106", "B107"}
    memo = ReadMemo(tmp_path / "memo")
    filled = _merged(files, memo)
    assert memo.reused == 1  # task 4's second copy: the same bytes as its first
    stored = len(list(memo.folder.rglob("*.read")))
    assert stored == 7  # every task's bytes, but those whose annotations are not a list
    memo.reused = 0
    again = _merged(files, memo)
    assert memo.reused == 8
    assert filled[:2] == plain[:2] and again[:2] == plain[:2]
    for item in again[2].tasks:  # later readers still get the whole task
        assert item.held is None and item.place is not None
        assert "text" in load_task(item.place)["data"]


def test_a_damaged_or_foreign_entry_is_read_again(tmp_path: Path) -> None:
    files = _exports(tmp_path)
    memo = ReadMemo(tmp_path / "memo")
    _merged(files, memo)
    entries = sorted(memo.folder.rglob("*.read"))
    data = bytearray(entries[0].read_bytes())
    data[-2] ^= 0x01
    entries[0].write_bytes(bytes(data))
    entries[1].write_bytes(b"\0" * 32 + b'{"id": 1}')  # a digest that does not match
    memo.reused = 0
    assert _merged(files, memo)[:2] == _merged(files, None)[:2]
    assert memo.reused == 8 - 2  # the two entries' tasks were parsed again
    assert all(memo.load(entry.stem) is not None for entry in entries)  # and rewritten


def test_skeleton_keeps_only_what_the_merge_reads() -> None:
    doc = documents()[0]
    full = task(9, doc, [annotation(91, good_result(doc.text), gold=True), "odd"])
    skeleton = task_to_skeleton(full)
    assert skeleton == {
        "id": 9,
        "updated_at": full["updated_at"],
        "data": {"doc_id": doc.doc_id},
        "annotations": [
            {"id": 91, "updated_at": "2026-01-01T10:00:00.000000Z", "ground_truth": True,
             "was_cancelled": False},
            "odd",
        ],
    }  # fmt: skip
    assert task_to_skeleton({"id": 1, "annotations": "x"}) is None
    assert task_to_skeleton({"id": 1}) == {"id": 1}
