"""Which Label Studio of ours runs on a data folder: `<data dir>/nkcorpus-studio.pid`.

`studio up` writes the file (JSON: PID of the supervisor, which leads the
server's process group, its start time, host, port, URL, data dir and the
label-studio executable) when the
server starts and removes it when it stops. A record counts only while its
process is alive, is the same process (same start time, where /proc tells),
and runs label-studio; anything else is a stale record of a server that is
gone, which the next start replaces. The starter also holds the folder's
lock (`claim_data_dir`) while its server runs.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from nkcorpus.atomic import atomic_write_bytes
from nkcorpus.errors import StudioError
from nkcorpus.lock import FolderLock, LockError, folder_lock

PID_FILE = "nkcorpus-studio.pid"


@dataclass(frozen=True)
class ServerRecord:
    """One running server, as `studio up` recorded it."""

    pid: int
    started_ticks: int | None  # /proc/<pid>/stat start time, against PID reuse
    since: str  # UTC, for people
    host: str
    port: int
    url: str
    data_dir: str
    binary: str  # the label-studio executable, which is on the supervisor's command line

    def describe(self) -> str:
        return (
            f"PID {self.pid} (process group of Label Studio), URL {self.url}, "
            f"data dir {self.data_dir}, since {self.since}"
        )


def pid_path(data_dir: Path) -> Path:
    return Path(data_dir) / PID_FILE


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def start_ticks(pid: int) -> int | None:
    """The start time of `pid` in clock ticks since boot (Linux), or None."""
    fields = _proc_stat(pid)
    try:
        return int(fields[19]) if fields else None
    except (IndexError, ValueError):
        return None


def _cmdline(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace")


def is_running(record: ServerRecord) -> bool:
    """Whether `record` describes a live process of ours that runs its label-studio."""
    try:
        os.kill(record.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: not our server
        return False
    if not Path("/proc").is_dir():  # no way to check more: alive is enough
        return True
    fields = _proc_stat(record.pid)
    if fields is None or fields[0] == "Z":
        return False
    if record.started_ticks is not None and start_ticks(record.pid) != record.started_ticks:
        return False  # the PID was reused by another process
    return record.binary in (_cmdline(record.pid) or "")


def read_record(data_dir: Path) -> ServerRecord | None:
    """The record in `data_dir`, or None if there is none or it is unreadable."""
    try:
        raw = json.loads(pid_path(data_dir).read_text(encoding="utf-8"))
        return ServerRecord(**raw)
    except (OSError, ValueError, TypeError):
        return None


def running_server(data_dir: Path) -> ServerRecord | None:
    """The record of our server running on `data_dir`, or None."""
    record = read_record(data_dir)
    return record if record is not None and is_running(record) else None


def already_running(record: ServerRecord, data_dir: Path) -> StudioError:
    return StudioError(
        "A108",
        f"Label Studio of `nkcorpus studio up` is already running on data dir {data_dir}: "
        f"{record.describe()}. Open {record.url} (the projects are there), or stop that "
        f"server first (Ctrl-C where `studio up` runs, or `kill {record.pid}`); two servers "
        "must never share one database.",
    )


def ensure_not_running(data_dir: Path) -> None:
    """Raise StudioError A108 if our server runs on `data_dir`."""
    record = running_server(data_dir)
    if record is not None:
        raise already_running(record, data_dir)


def write_record(data_dir: Path, record: ServerRecord) -> Path:
    """Write `record` as the pid file of `data_dir` (atomically, replacing a stale one)."""
    data = (json.dumps(asdict(record), indent=2, sort_keys=True) + "\n").encode("utf-8")
    try:
        return atomic_write_bytes(pid_path(data_dir), data, mode=0o600)
    except OSError as exc:
        raise StudioError(
            "A109", f"cannot write {pid_path(data_dir)}: {exc}; make the data dir writable."
        ) from exc


def remove_record(data_dir: Path, pid: int) -> None:
    """Remove the pid file if it still records `pid` (a later server's stays)."""
    record = read_record(data_dir)
    if record is not None and record.pid == pid:
        pid_path(data_dir).unlink(missing_ok=True)


def claim_data_dir(data_dir: Path) -> FolderLock:
    """Lock `data_dir` for one server; StudioError A108 if our server runs on it
    (or another `studio up` is starting it). The caller releases the lock."""
    lock = folder_lock(data_dir, command="nkcorpus studio up")
    try:
        lock.acquire()
    except LockError as exc:
        if exc.code != "L001":
            raise
        record = running_server(data_dir)
        if record is not None:
            raise already_running(record, data_dir) from None
        raise StudioError(
            "A108",
            f"another `nkcorpus studio up` is starting Label Studio on data dir {data_dir} "
            f"({exc.message}); use its server, or wait for it to stop.",
        ) from None
    try:  # the lock was free, but the server of an `up` that was killed may still be stopping
        ensure_not_running(data_dir)
    except StudioError:
        lock.release()
        raise
    return lock
