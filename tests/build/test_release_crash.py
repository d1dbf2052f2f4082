"""Crash safety: `build` killed with SIGKILL at seeded random moments.

Each build runs in its own process, forked from a server that imported the
build code once (so a build's duration is its own work, not imports), on a
one-document corpus. It is killed after a delay drawn uniformly from
[0, the duration of the last whole build in that folder]. After every kill:
each version folder verifies against its manifest (none is partial), `verify`
reports the debris, and the next build (every third time `nkcorpus repair`
first) removes it, says so, brings CHANGELOG.md and README.md up to date and
succeeds; no released version is ever missing from the changelog. Every
`KILLS_PER_FOLDER` kills the test starts over from a one-release folder, so
that the growing changelog does not dominate the build time.
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

from nkcorpus.build.bookkeeping import find_debris, repair, verify_dataset
from nkcorpus.build.release import released_versions
from tests.build.test_release import tiny_build, tiny_export

CTX = multiprocessing.get_context("forkserver")
CTX.set_forkserver_preload(["tests.build.test_release"])
KILLS = 24
KILLS_PER_FOLDER = 6
SEED = 20261130
WAIT = 120


def _build(version: str, export: Path, dataset: Path, notes: Any) -> None:
    said: list[str] = []
    tiny_build(dataset, version, export, echo=said.append)
    notes.send(said)


def _run(version: str, export: Path, dataset: Path, kill_after: float | None) -> list[str]:
    """Build in a child process, SIGKILLed after `kill_after` seconds. What the
    build echoed, when it finished (it must then succeed)."""
    receive, send = CTX.Pipe(duplex=False)
    child = CTX.Process(target=_build, args=(version, export, dataset, send))
    child.start()
    send.close()
    if kill_after is not None:
        time.sleep(kill_after)
        child.kill()
    child.join(WAIT)
    assert child.exitcode is not None, "the build hung"
    try:
        said = receive.recv() if receive.poll() else []
    except EOFError:  # killed before it could say anything
        said = []
    receive.close()
    assert kill_after is not None or child.exitcode == 0, "the next build failed"
    return said


def _timed(version: str, export: Path, dataset: Path) -> tuple[list[str], float]:
    start = time.monotonic()
    said = _run(version, export, dataset, None)
    return said, time.monotonic() - start


def _landed(dataset: Path, version: str, reported: set[str]) -> str:
    """Where the kill landed, seen from the folder (for the report)."""
    codes = {p[1:5] for p in reported}
    if (dataset / f"v{version}").exists():
        return "after the rename, bookkeeping stale" if "B404" in codes else "complete"
    return "while writing, debris left" if "B405" in codes else "before writing"


def test_release_crash_sigkill_at_random_moments_never_leaves_a_partial_release(
    tmp_path: Path,
) -> None:
    export, base = tiny_export(tmp_path), tmp_path / "base"
    warm = CTX.Process(target=print, args=("fork server up",))
    warm.start()
    warm.join(WAIT)
    _, duration = _timed("0.0.1", export, base)
    rng = random.Random(SEED)
    landed: Counter[str] = Counter()
    for kill in range(KILLS):
        if kill % KILLS_PER_FOLDER == 0:
            dataset, minor = tmp_path / f"dataset-{kill}", 1
            shutil.copytree(base, dataset)
        version = f"0.{minor}.0"
        _run(version, export, dataset, rng.uniform(0, duration))
        check = verify_dataset(dataset)  # none partial, every earlier one intact
        assert not any(check.releases.values()), (kill, check)
        debris = find_debris(dataset)
        reported = {p.split(":")[0] for p in check.folder}
        assert {f"[B405] {path}" for path in debris} <= reported
        landed[_landed(dataset, version, reported)] += 1
        if (dataset / f"v{version}").exists():
            minor += 1
        said: list[str] = []
        if kill % 3 == 2:
            repair(dataset, said.append)
            assert verify_dataset(dataset).ok, (kill, verify_dataset(dataset))
        built, duration = _timed(f"0.{minor}.0", export, dataset)
        minor += 1
        for path in debris:
            assert f"removed {path.name}: left by a build that died" in said + built
        check = verify_dataset(dataset)
        assert check.ok, (kill, check)
        changelog = (dataset / "CHANGELOG.md").read_text(encoding="utf-8")
        for folder in released_versions(dataset):
            assert f"\n## {folder.name}\n" in changelog, (kill, folder)
    print(f"\n{KILLS} kills, delays in [0, ~{duration:.2f} s]: {dict(landed)}")
