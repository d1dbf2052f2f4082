"""nkcorpus.lock: one writer at a time, holders named, dead holders reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nkcorpus.lock import LockError, folder_lock, resource_lock

HOLD = """
import sys, time
from pathlib import Path
from nkcorpus.lock import folder_lock
lock = folder_lock(Path(sys.argv[1]), "holder for the test").acquire()
print("held", flush=True)
time.sleep(60)
"""


def _holder(folder: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_lock_second_writer_is_refused_naming_the_holder(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    try:
        with pytest.raises(LockError, match=rf"L001.*in use by PID {holder.pid} on .*holder for"):
            folder_lock(tmp_path, "second").acquire()
    finally:
        holder.kill()
        holder.wait()


def test_lock_a_killed_holder_frees_it_and_is_reported_as_stale(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 10
    while True:  # the kernel drops the flock with the process
        try:
            lock = folder_lock(tmp_path, "next").acquire()
            break
        except LockError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    try:
        assert lock.stale is not None and lock.stale["pid"] == holder.pid
    finally:
        lock.release()
    with folder_lock(tmp_path, "after a clean release") as again:
        assert again.stale is None


def test_lock_resource_lock_names_the_resource(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NKCORPUS_LOCK_DIR", str(tmp_path))
    with resource_lock("sync-127.0.0.1:8080-project", "first"):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        queue = context.Queue()

        def second() -> None:
            try:
                resource_lock("sync-127.0.0.1:8080-project", "second").acquire()
                queue.put("acquired")
            except LockError as exc:
                queue.put(str(exc))

        child = context.Process(target=second)
        child.start()
        child.join(30)
        message = queue.get(timeout=5)
    assert message.startswith("[L001] 'sync-127.0.0.1:8080-project' is in use by PID"), message


def test_lock_unwritable_place_is_l002(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(LockError, match=r"L002.*cannot create the lock file"):
        folder_lock(blocker / "sub").acquire()
