"""No orphaned server, one server per data folder (a fake `label-studio` stands in)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.studio import pidfile
from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.server import (
    ensure_port_free,
    start_server,
    stop_server,
    wait_until_healthy,
)
from nkcorpus.errors import StudioError
from tests.annotation.conftest import free_port, gone, wait_until_gone

CREDENTIALS = Credentials("admin@example.org", "pw-not-printed", "tok-not-printed-123")


STARTER = """
import sys, time
from pathlib import Path
from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.server import start_server, wait_until_healthy
server = start_server("127.0.0.1", int(sys.argv[1]), Path(sys.argv[2]),
                      Credentials("a@b.c", "pw", "token-123"))
wait_until_healthy(server, timeout=60)
print("ready", server.process.pid, flush=True)
time.sleep(600)
"""


def test_supervise_sigkilled_starter_takes_the_server_and_its_children_along(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_STUDIO_MODE", "family")
    port, data_dir = free_port(), tmp_path / "data"
    starter = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(STARTER), str(port), str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert starter.stdout is not None
        line = starter.stdout.readline()
        assert line.startswith("ready"), line
        supervisor = int(line.split()[1])
        fake = int((tmp_path / "fake.pid").read_text())
        child = int((tmp_path / "fake.pid.child").read_text())
        assert not any(gone(p) for p in (supervisor, fake, child))
        assert pidfile.running_server(data_dir) is not None
        starter.kill()  # SIGKILL: no handler, no finally
        starter.wait()
    finally:
        if starter.poll() is None:
            starter.kill()
    assert wait_until_gone([supervisor, fake, child]) == []
    ensure_port_free("127.0.0.1", port)
    assert pidfile.running_server(data_dir) is None  # its record is stale now
    log = (data_dir / "label-studio.log").read_text()
    assert f"SIGTERM (parent {starter.pid} is gone): stopping" in log


def test_supervise_stop_ends_a_child_that_ignores_sigterm_too(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_STUDIO_MODE", "family")
    server = start_server("127.0.0.1", free_port(), tmp_path / "data", CREDENTIALS, fake_binary)
    try:
        wait_until_healthy(server, timeout=30)
        child = int((tmp_path / "fake.pid.child").read_text())
    finally:
        stop_server(server)
    assert server.process.returncode == -signal.SIGTERM
    assert wait_until_gone([child]) == []
    assert not pidfile.pid_path(tmp_path / "data").exists()


def test_supervise_second_start_on_a_data_dir_is_refused(fake_binary: Path, tmp_path: Path) -> None:
    data_dir = (tmp_path / "data").resolve()
    first = start_server("127.0.0.1", free_port(), data_dir, CREDENTIALS, fake_binary)
    try:
        wait_until_healthy(first, timeout=30)
        with pytest.raises(
            StudioError,
            match=rf"\[A108\] .*already running on data dir {data_dir}: PID {first.process.pid} "
            rf".*URL {first.url}.*kill {first.process.pid}",
        ):
            start_server("127.0.0.1", free_port(), data_dir, CREDENTIALS, fake_binary)
        first.lock.release()  # as if its `studio up` had been killed: the server still runs
        with pytest.raises(StudioError, match=rf"\[A108\] .*PID {first.process.pid}"):
            start_server("127.0.0.1", free_port(), data_dir, CREDENTIALS, fake_binary)
    finally:
        stop_server(first)
    second = start_server("127.0.0.1", free_port(), data_dir, CREDENTIALS, fake_binary)
    stop_server(second)


def test_cli_up_on_a_data_dir_in_use_names_pid_url_and_folder(
    fake_binary: Path, tmp_path: Path
) -> None:
    data_dir = (tmp_path / "data").resolve()
    server = start_server("127.0.0.1", free_port(), data_dir, CREDENTIALS, fake_binary)
    try:
        wait_until_healthy(server, timeout=30)
        result = CliRunner().invoke(app, ["up", "--port", str(free_port()), "--data-dir", data_dir])
    finally:
        stop_server(server)
    assert result.exit_code == 1
    assert "[A108]" in result.output and f"PID {server.process.pid}" in result.output
    assert server.url in result.output and str(data_dir) in result.output


def _record(pid: int, ticks: int | None, binary: str) -> pidfile.ServerRecord:
    url = "http://127.0.0.1:1"
    return pidfile.ServerRecord(pid, ticks, "then", "127.0.0.1", 1, url, "/d", binary)


def test_pidfile_records_of_processes_that_are_not_our_server_are_stale(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], stdout=-1)
    dead, me, ticks = int(done.stdout), os.getpid(), pidfile.start_ticks(os.getpid())
    assert pidfile.is_running(_record(me, ticks, "pytest"))  # the checks can say yes
    for record in (
        _record(dead, None, "pytest"),  # gone
        _record(me, ticks, "label-studio"),  # alive, but runs something else
        _record(me, ticks + 1, "pytest"),  # its PID, reused by another process
    ):
        pidfile.write_record(tmp_path, record)
        assert pidfile.read_record(tmp_path) == record
        assert pidfile.running_server(tmp_path) is None, record
    pidfile.pid_path(tmp_path).write_text("{not json")
    assert pidfile.read_record(tmp_path) is None
    pidfile.claim_data_dir(tmp_path).release()  # a stale or broken record blocks nothing
