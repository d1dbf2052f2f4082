"""Start and stop a local Label Studio server (`health.py` waits until it answers and
watches it while it serves).

The server runs from its own virtualenv (`make studio-env`), with its SQLite
database in the data folder or on PostgreSQL (`database.py`: the same start,
other settings in its environment), and logs to `<data dir>/label-studio.log`.
It runs under `supervise.py`, which leads its own session and process group:
stopping means signalling that group, and however the starting process dies
(SIGKILL included) the supervisor takes the server's whole process tree down
with it. One server per data folder: the starter holds the folder's lock
(`nkcorpus.lock.folder_lock`) and records the server in `pidfile`; a second
start on the folder is refused (A108) with the first one's PID and URL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from nkcorpus.annotation.studio import pidfile
from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.database import Database, database_env, ensure_database_reachable
from nkcorpus.annotation.studio.exposure import exposure_env
from nkcorpus.annotation.studio.health import (
    START_TIMEOUT,
    is_healthy,
    wait_for_exit,
    wait_until_healthy,
)
from nkcorpus.annotation.studio.preflight import (
    ensure_port_free,
    local_url,
    server_env,
    studio_binary,
)
from nkcorpus.errors import StudioError
from nkcorpus.lock import FolderLock

__all__ = [
    "LOG_FILE",
    "START_TIMEOUT",
    "StudioServer",
    "ensure_port_free",
    "is_healthy",
    "running_studio",
    "start_server",
    "stop_server",
    "studio_binary",
    "wait_for_exit",
    "wait_until_healthy",
]

LOG_FILE = "label-studio.log"
SUPERVISOR = Path(__file__).with_name("supervise.py")


@dataclass
class StudioServer:
    """A Label Studio process started by `start_server`."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    log_offset: int
    log_file: IO[bytes] = field(repr=False)
    data_dir: Path | None = None
    lock: FolderLock | None = field(default=None, repr=False)
    public_url: str | None = None  # what people open (a TLS proxy's address); else `url`

    @property
    def shown_url(self) -> str:
        """The URL to print for people: the public one, else the local one."""
        return self.public_url or self.url

    def log_tail(self, lines: int = 25) -> str:
        """The last `lines` lines this server wrote to its log."""
        try:
            with open(self.log_path, "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(self.log_offset, size - 64 * 1024))
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def start_server(
    host: str,
    port: int,
    data_dir: Path,
    credentials: Credentials,
    binary: Path | None = None,
    *,
    database: Database | None = None,
    public_url: str | None = None,
) -> StudioServer:
    """Start Label Studio on `host:port` with its data in `data_dir`; do not wait.

    `database`: PostgreSQL (None: SQLite in `data_dir`, which keeps the log,
    pid file, credentials and media either way). `public_url`: the origin people
    open (`exposure.public_url_to_origin`). On the first start of a database the
    server creates the admin account and the legacy API token of `credentials`.
    Raises StudioError A108 if our server already runs on `data_dir`, A101 if
    the port is taken, A151 if the PostgreSQL server cannot be reached.

    Call it from a thread that lives as long as the server, such as the main
    thread: the kernel stops the server when the thread that started it ends.
    """
    binary = studio_binary() if binary is None else binary
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = pidfile.claim_data_dir(data_dir)
    try:
        ensure_port_free(host, port)
        ensure_database_reachable(database)
        env = server_env(data_dir, credentials) | database_env(database) | exposure_env(public_url)
        where = database.describe() if database else "SQLite in the data dir"
        server = _launch(host, port, data_dir, env, binary, f"database {where}")
        server.public_url = public_url
    except BaseException:
        lock.release()
        raise
    server.lock = lock
    record = pidfile.ServerRecord(
        pid=server.process.pid,
        started_ticks=pidfile.start_ticks(server.process.pid),
        since=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        host=host,
        port=port,
        url=server.url,
        data_dir=str(data_dir),
        binary=str(binary),
    )
    try:
        pidfile.write_record(data_dir, record)
    except StudioError:
        stop_server(server)
        raise
    return server


def _launch(
    host: str, port: int, data_dir: Path, env: dict[str, str], binary: Path, note: str
) -> StudioServer:
    log_path = data_dir / LOG_FILE
    log = open(log_path, "ab")  # noqa: SIM115 - closed by stop_server
    log.write(f"\n--- nkcorpus studio: starting on {host}:{port}, {note} ---\n".encode())
    log.flush()
    offset = log.tell()
    argv = [
        str(binary), "start", "--no-browser",
        "--internal-host", host, "--port", str(port),
        "--data-dir", str(data_dir), "--enable-legacy-api-token",
    ]  # fmt: skip
    supervised = [sys.executable, "-I", str(SUPERVISOR), str(os.getpid()), "--", *argv]
    try:
        process = subprocess.Popen(
            supervised,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,  # secrets go here, never on the command line
            cwd=data_dir,
            start_new_session=True,  # own process group: we alone decide when it stops
        )
    except OSError as exc:
        log.close()
        raise StudioError("A103", f"cannot run {binary}: {exc}") from exc
    return StudioServer(process, local_url(host, port), log_path, offset, log, data_dir)


def _signal_group(server: StudioServer, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.process.pid, signum)


def stop_server(server: StudioServer, timeout: float = 15.0) -> None:
    """Stop the server's whole process group: SIGTERM, wait, then SIGKILL."""
    try:
        if server.process.poll() is None:
            _signal_group(server, signal.SIGTERM)
            try:
                server.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(server, signal.SIGKILL)
                server.process.wait(timeout)
    except KeyboardInterrupt:  # impatient second Ctrl-C: do not leave it running
        _signal_group(server, signal.SIGKILL)
        server.process.wait()
        raise
    finally:
        server.log_file.close()
        if server.data_dir is not None and server.process.returncode is not None:
            pidfile.remove_record(server.data_dir, server.process.pid)
        if server.lock is not None:
            server.lock.release()


@contextlib.contextmanager
def running_studio(
    host: str,
    port: int,
    data_dir: Path,
    credentials: Credentials,
    *,
    binary: Path | None = None,
    timeout: float = START_TIMEOUT,
    on_tick: Callable[[float], None] | None = None,
    database: Database | None = None,
    public_url: str | None = None,
) -> Iterator[StudioServer]:
    """Start Label Studio (see `start_server`), wait until it is healthy, yield it,
    and always stop it."""
    server = start_server(
        host, port, data_dir, credentials, binary, database=database, public_url=public_url
    )
    try:
        wait_until_healthy(server, timeout, on_tick)
        yield server
    finally:
        stop_server(server)
