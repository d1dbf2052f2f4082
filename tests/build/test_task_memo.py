"""The task memo: a task checked before, read again from another export file,
gives the report a fresh check gives, naming the new file."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from nkcorpus.build import task_memo
from nkcorpus.build.copies import read_merged_once
from nkcorpus.build.task_memo import TaskMemo, dumps_for, loads_for, memo_key
from nkcorpus.build.task_places import TaskPlace
from nkcorpus.build.validate import validate_exports
from nkcorpus.schema.model import load_schema
from tests.build import documents, mixed_tasks, write_export

SCHEMA = load_schema()


def _mixed(path: Path) -> Path:
    return write_export(path, mixed_tasks())


def _validate(path: Path, memo: TaskMemo | None, reviewers=None, extras: bool = True):
    merged = read_merged_once([path])
    report = validate_exports(
        [path], documents=documents(), merged=merged, extras=extras, memo=memo,
        reviewers=reviewers, processes=1,
    )  # fmt: skip
    return report, merged


def test_memo_gives_a_fresh_report_for_a_new_export_file(tmp_path: Path) -> None:
    memo = TaskMemo(tmp_path / "memo")
    first, _ = _validate(_mixed(tmp_path / "export-1.json"), memo)
    stored = len(list(memo.folder.rglob("*.task")))
    assert memo.reused == 0 and stored == 5  # B120 quotes its file: checked each time
    moved = tmp_path / "pulled" / "export-2.json"
    moved.parent.mkdir()
    shutil.copy(tmp_path / "export-1.json", moved)
    again, merged = _validate(moved, memo)
    assert memo.reused == stored
    fresh, fresh_merged = _validate(moved, None)
    assert again.model_dump() == fresh.model_dump()
    assert first.problems and {p.file for p in again.problems} == {str(moved)}
    assert {g.file for g in again.gold.values()} == {str(moved)}
    assert [c.extras for c in merged.checked] == [c.extras for c in fresh_merged.checked]


def test_memo_key_follows_every_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place = TaskPlace.of(tmp_path / "e.json", 0, b'{"id": 1}')
    key = memo_key(place, SCHEMA, frozenset({3}), True)
    assert memo_key(TaskPlace.of(tmp_path / "other.json", 9, b'{"id": 1}'), SCHEMA,
                    frozenset({3}), True) == key  # fmt: skip
    assert memo_key(TaskPlace.of(place.path, 0, b'{"id": 2}'), SCHEMA, frozenset({3}), True) != key
    assert memo_key(place, SCHEMA, frozenset({4}), True) != key
    assert memo_key(place, SCHEMA, frozenset({3}), False) != key
    monkeypatch.setattr(task_memo, "code_fingerprint", lambda *_: "edited code")
    assert memo_key(place, SCHEMA, frozenset({3}), True) != key


def test_memo_other_reviewers_check_again(tmp_path: Path) -> None:
    memo = TaskMemo(tmp_path / "memo")
    path = _mixed(tmp_path / "export.json")
    _validate(path, memo, reviewers=frozenset({3}))
    report, _ = _validate(path, memo, reviewers=frozenset({7}))
    assert memo.reused == 0
    assert report.model_dump() == _validate(path, None, reviewers=frozenset({7}))[0].model_dump()


def test_path_is_a_reference_and_a_quoted_path_is_not_kept(tmp_path: Path) -> None:
    old, new = tmp_path / "a" / "export-1.json", tmp_path / "b" / "export-2.json"
    value = {"file": str(old), "path": old, "kept": [str(old), "other"]}
    data = dumps_for(value, old)
    assert data is not None and b"export-1" not in data
    assert loads_for(data, new) == {"file": str(new), "path": new, "kept": [str(new), "other"]}
    assert dumps_for({"message": f"{old}: broken"}, old) is None


def test_memo_refuses_damaged_and_foreign_entries(tmp_path: Path) -> None:
    memo = TaskMemo(tmp_path / "memo")
    source = tmp_path / "export.json"
    assert memo.store("ab" * 32, {"file": str(source)}, source)
    entry = memo.folder / "ab" / f"{'ab' * 32}.task"
    assert memo.load("ab" * 32, source) == {"file": str(source)}
    data = bytearray(entry.read_bytes())
    data[-3] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert memo.load("ab" * 32, source) is None  # the digest no longer matches
    from nkcorpus.build.cache_files import write_entry

    for foreign in (shutil.rmtree, write_entry):  # callables, well framed, one of this package
        payload = pickle.dumps(foreign, protocol=5)
        entry.write_bytes(task_memo.MAGIC + hashlib.sha256(payload).digest() + payload)
        assert memo.load("ab" * 32, source) is None
    assert memo.load("cd" * 32, source) is None  # absent
