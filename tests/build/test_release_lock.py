"""One writer at a time: builds and repairs of one dataset folder in several
real processes. A first build is paused inside its lock (through its `echo`
callback) so that the second one meets it deterministically; a free race
then checks that no CHANGELOG entry is ever lost."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nkcorpus.build.bookkeeping import repair, verify_dataset
from nkcorpus.build.errors import BuildError
from nkcorpus.build.release import released_versions
from nkcorpus.errors import NkError
from nkcorpus.lock import LockError, folder_lock
from tests.build.test_release import tiny_build, tiny_export

# Children are forked from a server that imported the build code once (fast,
# and no fork of this multi-threaded test process).
CTX = multiprocessing.get_context("forkserver")
CTX.set_forkserver_preload(["tests.build.test_release"])
WAIT = 120  # seconds: a generous bound for a sub-second build on a busy machine


def _report(results: Any, version: str, run: Callable[[], object]) -> None:
    try:
        run()
        results.put((version, "ok", ""))
    except NkError as exc:
        results.put((version, exc.code, exc.message))
    except BaseException as exc:  # a traceback in the CLI: the test shows it
        results.put((version, type(exc).__name__, str(exc)))


def _build(version: str, export: Path, dataset: Path, start: Any, results: Any) -> None:
    if start is not None:
        start.wait(WAIT)
    _report(results, version, lambda: tiny_build(dataset, version, export))


def _paused_build(
    version: str, export: Path, dataset: Path, inside: Any, go: Any, results: Any
) -> None:
    def echo(line: str) -> None:
        if line.startswith("building v"):  # said under the lock, before writing
            inside.set()
            go.wait(WAIT)

    _report(results, version, lambda: tiny_build(dataset, version, export, echo=echo))


def _headings(dataset: Path) -> list[str]:
    text = (dataset / "CHANGELOG.md").read_text(encoding="utf-8")
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("second_version", ["1.1.0", "1.0.0"])
def test_release_lock_refuses_a_second_build_naming_the_holder(
    second_version: str, tmp_path: Path
) -> None:
    export, dataset = tiny_export(tmp_path), tmp_path / "dataset"
    tiny_build(dataset, "0.9.0", export)
    inside, go, results = CTX.Event(), CTX.Event(), CTX.Queue()
    holder = CTX.Process(target=_paused_build, args=("1.0.0", export, dataset, inside, go, results))
    holder.start()
    try:
        assert inside.wait(WAIT), "the first build never reached its lock"
        second = CTX.Process(target=_build, args=(second_version, export, dataset, None, results))
        second.start()
        second.join(WAIT)
        version, code, message = results.get(timeout=WAIT)
        assert (version, code) == (second_version, "L001"), message
        assert f"{dataset} is in use by PID {holder.pid} on " in message
        with pytest.raises(LockError, match=rf"L001.*PID {holder.pid}"):
            repair(dataset, lambda _: None)
        assert f"in use by PID {holder.pid}" in verify_dataset(dataset).note
    finally:
        go.set()
        holder.join(WAIT)
    assert results.get(timeout=WAIT) == ("1.0.0", "ok", "")
    if second_version == "1.0.0":
        with pytest.raises(BuildError, match="B302"):
            tiny_build(dataset, second_version, export)
    else:
        tiny_build(dataset, second_version, export)
    expected = sorted({"0.9.0", "1.0.0", second_version}, reverse=True)
    assert _headings(dataset) == [f"v{v}" for v in expected]
    assert verify_dataset(dataset).ok


def test_release_lock_free_race_loses_no_changelog_entry(tmp_path: Path) -> None:
    """Pairs of builds of different versions started together: each either
    succeeds or is refused with a code; the changelog lists every release."""
    export, dataset = tiny_export(tmp_path), tmp_path / "dataset"
    outcomes: list[tuple[str, str, str]] = []
    for round_ in range(1, 6):
        start, results = CTX.Event(), CTX.Queue()
        versions = [f"{round_}.0.1", f"{round_}.0.2"]
        racers = [
            CTX.Process(target=_build, args=(v, export, dataset, start, results)) for v in versions
        ]
        for racer in racers:
            racer.start()
        start.set()
        outcomes += [results.get(timeout=WAIT) for _ in racers]
        for racer in racers:
            racer.join(WAIT)
    codes = [code for _, code, _ in outcomes]
    assert set(codes) <= {"ok", "L001", "B303"}, outcomes
    released = [f"v{v}" for v, code, _ in outcomes if code == "ok"]
    assert sorted(p.name for p in released_versions(dataset)) == sorted(released)
    assert sorted(_headings(dataset)) == sorted(released)
    assert verify_dataset(dataset).ok
    print(f"free race: {codes.count('ok')} built, {codes.count('L001')} refused (L001), "
          f"{codes.count('B303')} older than a finished one (B303)")  # fmt: skip


def test_release_lock_cli_build_and_repair_are_refused_while_held(tmp_path: Path) -> None:
    export, dataset = tiny_export(tmp_path), tmp_path / "dataset"
    tiny_build(dataset, "1.0.0", export)
    with folder_lock(dataset, "test holder"):
        for args in (
            ["build", "--version", "1.1.0", "--export", str(export), "--no-progress"],
            ["repair"],
        ):
            result = subprocess.run(
                [sys.executable, "-m", "nkcorpus", *args, "--dataset-dir", str(dataset)],
                capture_output=True, text=True, timeout=WAIT,
            )  # fmt: skip
            assert result.returncode == 1, result.stderr
            assert "[L001]" in result.stderr and f"PID {os.getpid()}" in result.stderr
            assert "(test holder, since" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in released_versions(dataset)] == ["v1.0.0"]
