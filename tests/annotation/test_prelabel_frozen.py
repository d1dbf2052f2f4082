"""The freeze record of the pre-annotation rules matches the commit that added it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nkcorpus.annotation.prelabel.frozen import (
    FROZEN_FILE,
    PRELABEL_DIR,
    files_sha256,
    read_frozen,
    rules_sha256,
)

ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout


def test_frozen_record_matches_the_rules_of_the_commit_that_froze_them() -> None:
    record = read_frozen()
    relative = FROZEN_FILE.relative_to(ROOT).as_posix()
    try:
        added = _git("log", "--diff-filter=A", "--format=%H", "--", relative).split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    if not added:
        pytest.skip("frozen.json is not committed yet")
    commit = added[-1].decode()
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
