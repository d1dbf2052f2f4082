"""One writer at a time: an advisory lock on a folder or a named resource.

The lock is an `fcntl.flock` on a small file. The kernel drops it when its
holder exits, however it exits (SIGKILL included), so a lock never outlives
its process on this host. The file also records the holder (PID, host,
command, start time) so that a refused writer can be told who holds it; a
record left by a holder that is gone is reported as stale and taken over.

Codes: L001 held by another process, L002 the lock file cannot be created.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     with FolderLock(Path(folder) / ".nkcorpus.lock", "example") as lock:
...         lock.holder["command"]
'example'
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nkcorpus.errors import NkError

LOCK_NAME = ".nkcorpus.lock"


class LockError(NkError):
    """Another process holds the lock, or the lock file cannot be made."""


def _holder(command: str) -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _read_record(handle: Any) -> dict[str, Any]:
    handle.seek(0)
    try:
        record = json.loads(handle.read() or "{}")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


class FolderLock:
    """An exclusive, non-blocking lock on `path` (a lock file), as a context manager.

    `stale` holds the record a dead holder left behind, if any, so the caller
    can report that it was taken over.
    """

    def __init__(self, path: Path, command: str, what: str | None = None) -> None:
        self.path = Path(path)
        self.command = command
        self.what = what or str(self.path.parent)  # what the lock guards, for messages
        self.holder: dict[str, Any] = {}
        self.stale: dict[str, Any] | None = None
        self._handle: Any = None

    def acquire(self) -> FolderLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        except OSError as exc:
            raise LockError(
                "L002",
                f"cannot create the lock file {self.path}: {exc.strerror or exc}; "
                "make its folder writable",
            ) from exc
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            record = _read_record(handle)
            handle.close()
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockError("L002", f"cannot lock {self.path}: {exc}") from exc
            who = (
                f"PID {record.get('pid', '?')} on {record.get('host', '?')} "
                f"({record.get('command', 'unknown command')}, since {record.get('since', '?')})"
            )
            raise LockError(
                "L001",
                f"{self.what} is in use by {who}; wait for it to finish, or stop it "
                "(the lock is released as soon as that process exits)",
            ) from None
        previous = _read_record(handle)
        if previous:  # a holder that released would have cleared it: it died holding the lock
            self.stale = previous
        self.holder = _holder(self.command)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(self.holder, sort_keys=True) + "\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        """Clear the holder record and drop the lock (the file stays: see the module doc)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.flush()
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def folder_lock(folder: Path, command: str | None = None) -> FolderLock:
    """The lock of `folder` (its file `folder/.nkcorpus.lock`), not yet acquired."""
    return FolderLock(Path(folder) / LOCK_NAME, command or _command())


def resource_lock(name: str, command: str | None = None) -> FolderLock:
    """The lock of a resource that has no folder of ours (e.g. a Label Studio
    project): a file under `$XDG_RUNTIME_DIR` or the user's cache folder."""
    base = os.environ.get("NKCORPUS_LOCK_DIR") or os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(base) if base else Path.home() / ".cache" / "nkcorpus"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return FolderLock(folder / "locks" / f"{safe}.lock", command or _command(), what=repr(name))


def _command() -> str:
    return " ".join([Path(sys.argv[0]).name, *sys.argv[1:2]]) if sys.argv else "python"
