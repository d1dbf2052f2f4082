"""The freeze record of the pre-annotation rules matches the commit that added it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.frozen import (
    FROZEN_FILE,
    PRELABEL_DIR,
    FrozenRules,
    files_sha256,
    load_frozen,
    read_frozen,
    rules_sha256,
)
from nkcorpus.annotation.prelabel.pipeline import patterns_sha256

ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout


def _freeze_commit() -> str:
    """The commit that added frozen.json (skips outside git or before it is committed)."""
    relative = FROZEN_FILE.relative_to(ROOT).as_posix()
    try:
        added = _git("log", "--diff-filter=A", "--format=%H", "--", relative).split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    if not added:
        pytest.skip("frozen.json is not committed yet")
    return added[-1].decode()


def test_frozen_record_matches_the_rules_of_the_commit_that_froze_them() -> None:
    record = read_frozen()
    commit = _freeze_commit()
    folder = PRELABEL_DIR.relative_to(ROOT).as_posix()
    listed = _git("ls-tree", "-r", "--name-only", commit, "--", folder).decode().split()
    names = sorted(
        name.removeprefix(folder + "/")
        for name in listed
        if (name.endswith(".py") and "/" not in name.removeprefix(folder + "/"))
        or (name.startswith(folder + "/patterns/") and name.endswith(".jsonl"))
    )
    names = [n for n in names if n != "frozen.py"]
    assert names == record["files"]
    frozen = rules_sha256(lambda name: _git("show", f"{commit}:{folder}/{name}"), names)
    assert frozen == record["sha256"]


def test_rules_hash_changes_with_any_rule_file() -> None:
    base = {"pipeline.py": b"x", "patterns/person.jsonl": b"{}"}
    assert files_sha256(base) != files_sha256({**base, "pipeline.py": b"y"})
    assert files_sha256(base) != files_sha256({"pipeline.py": b"x"})


def test_frozen_documents_seen_are_the_seed_manifest_of_the_freeze_commit() -> None:
    commit = _freeze_commit()
    manifest = yaml.safe_load(_git("show", f"{commit}:seeds/manifest.yaml"))
    at_freeze = sorted(entry["doc_id"] for entry in manifest["documents"])
    assert read_frozen()["documents_seen"] == at_freeze
    assert load_frozen().documents_seen == frozenset(at_freeze)
    assert len(at_freeze) == 5  # 000-004: the v1.0.0 seeds, 001 a withheld copy of 002


def test_frozen_patterns_hash_is_the_one_the_freeze_commit_s_model_version_embeds(
    tmp_path: Path,
) -> None:
    commit = _freeze_commit()
    folder = PRELABEL_DIR.relative_to(ROOT).as_posix() + "/patterns"
    for name in _git("ls-tree", "--name-only", commit, "--", folder + "/").decode().split():
        (tmp_path / Path(name).name).write_bytes(_git("show", f"{commit}:{name}"))
    frozen = load_frozen()
    assert patterns_sha256(tmp_path) == frozen.patterns_sha256 == read_frozen()["patterns_sha256"]
    # the tasks of the committed exports were pre-annotated with these patterns
    assert frozen.is_frozen_model("nkcorpus-prelabel-0.1.0-patterns-c261a659633b")


def test_frozen_rules_tell_frozen_predictions_and_held_out_documents() -> None:
    rules = FrozenRules("a" * 64, "c261a659633b" + "0" * 52, frozenset({"000", "002"}))
    assert rules.is_frozen_model("nkcorpus-prelabel-0.3.0-patterns-c261a659633b")
    assert not rules.is_frozen_model("nkcorpus-prelabel-0.3.0-patterns-c261a659633c")
    assert not rules.is_frozen_model("")
    assert rules.held_out(["002", "010", "005", "000"]) == ["005", "010"]
    assert rules.held_out(["000"]) == []


def test_frozen_record_missing_or_malformed_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "frozen.json"
    with pytest.raises(AnnotationError, match=r"A207.*frozen\.json: cannot read"):
        load_frozen(path)
    record = {**read_frozen(), "patterns_sha256": "c261", "documents_seen": "000"}
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"A207.*patterns_sha256.*documents_seen"):
        load_frozen(path)
