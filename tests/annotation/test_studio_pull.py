"""Export files: deterministic, new every time, never partial."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import nkcorpus.atomic
from nkcorpus.annotation.studio.pull import (
    PullReport,
    canonical_json,
    export_filename,
    write_export,
)
from nkcorpus.errors import StudioError

NOW = datetime(2026, 11, 23, 14, 5, 1, tzinfo=UTC)
TASKS = [
    {
        "id": 1,
        "data": {"text": "Kim 😀 fled", "doc_id": "d1", "created_ago": "kept in data"},
        "annotations": [{"id": 4, "ground_truth": True, "result": []}],
        "predictions": [{"id": 2, "created_ago": "3 minutes", "model_version": "rules-v1"}],
    }
]


def test_pull_json_is_deterministic_and_drops_relative_times() -> None:
    content = canonical_json(TASKS)
    assert content.endswith(b"}\n]\n")
    assert "Kim 😀 fled" in content.decode("utf-8")  # not \\u-escaped
    loaded = json.loads(content)
    assert "created_ago" not in loaded[0]["predictions"][0]
    assert loaded[0]["data"]["created_ago"] == "kept in data"
    assert content == canonical_json([dict(reversed(list(TASKS[0].items())))])
    assert list(loaded[0]) == sorted(loaded[0])


def test_pull_filename_has_utc_time_and_content_hash() -> None:
    content = canonical_json(TASKS)
    digest = hashlib.sha256(content).hexdigest()[:12]
    assert export_filename(content, NOW) == f"export-20261123T140501Z-{digest}.json"


def test_pull_writes_a_new_readable_file(tmp_path: Path) -> None:
    path = write_export(TASKS, tmp_path / "exports", NOW)
    assert path.parent == tmp_path / "exports"
    assert path.read_bytes() == canonical_json(TASKS)
    assert os.stat(path).st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_pull_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / export_filename(canonical_json(TASKS), NOW)
    target.write_text("earlier export")
    with pytest.raises(StudioError, match=r"\[A131\] .*exists already"):
        write_export(TASKS, tmp_path, NOW)
    assert target.read_text() == "earlier export"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_pull_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nkcorpus.atomic.os, "fsync", disk_full)
    with pytest.raises(StudioError, match=r"\[A132\] cannot write .*No space left"):
        write_export(TASKS, tmp_path, NOW)
    assert list(tmp_path.iterdir()) == []


def test_pull_orders_tasks_annotations_and_predictions_by_id() -> None:
    shuffled = [
        {"id": 9, "data": {}, "annotations": [{"id": 3}, {"id": 1}], "drafts": [8, 2]},
        {"id": 2, "data": {}, "predictions": [{"id": 5}, {"id": 4}]},
    ]
    loaded = json.loads(canonical_json(shuffled))
    assert [t["id"] for t in loaded] == [2, 9]
    assert [a["id"] for a in loaded[1]["annotations"]] == [1, 3]
    assert loaded[1]["drafts"] == [2, 8]
    assert [p["id"] for p in loaded[0]["predictions"]] == [4, 5]


def test_pull_summary_warns_about_several_ground_truths(tmp_path: Path) -> None:
    report = PullReport(tmp_path / "x.json", 2, 3, 2, 2, several_ground_truths=(7,))
    assert "tasks #7 have more than one ground-truth annotation" in report.summary()
    assert "warning" not in PullReport(tmp_path / "x.json", 1, 1, 1, 1, ()).summary()
