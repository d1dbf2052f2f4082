"""Whether a started server answers, waiting for it, watching it: a real HTTP server on a
loopback port, and the fake `label-studio` of the conftest (no Label Studio)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.health import is_healthy, wait_for_exit, wait_until_healthy
from nkcorpus.annotation.studio.server import StudioServer, start_server, stop_server
from nkcorpus.errors import StudioError
from tests.annotation.conftest import free_port

CREDENTIALS = Credentials("admin@example.org", "pw-not-printed", "tok-not-printed-123")


class _Health(BaseHTTPRequestHandler):
    """200 on /health, 503 on /sick/health, 404 elsewhere."""

    def do_GET(self) -> None:  # the name http.server calls
        status = {"/health": 200, "/sick/health": 503}.get(self.path, 404)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_health_is_an_answer_200_on_slash_health(http_url: str) -> None:
    assert is_healthy(http_url)
    assert not is_healthy(f"{http_url}/sick")  # 503
    assert not is_healthy(f"{http_url}/elsewhere")  # 404
    assert not is_healthy(f"http://127.0.0.1:{free_port()}")  # nothing listens
    assert not is_healthy("not a url")


def _exited_server(tmp_path: Path, status: int, log_text: str) -> StudioServer:
    """A StudioServer whose process has already exited with `status`."""
    log_path = tmp_path / "label-studio.log"
    log_path.write_text("before the start\n")
    offset = log_path.stat().st_size
    with open(log_path, "a") as log:
        log.write(log_text)
    process = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({status})"])
    process.wait()
    log_file = open(log_path, "rb")  # noqa: SIM115 - closed below, as stop_server would
    return StudioServer(process, f"http://127.0.0.1:{free_port()}", log_path, offset, log_file)


def test_health_wait_for_exit_says_the_server_stopped_with_its_log(tmp_path: Path) -> None:
    server = _exited_server(tmp_path, 5, "line one\nout of memory\n")
    try:
        with pytest.raises(StudioError, match=r"(?s)\[A107\] .*status 5\..*out of memory") as info:
            wait_for_exit(server, poll=0.01)
    finally:
        server.log_file.close()
    assert "before the start" not in str(info.value)  # only what this server wrote


def test_health_death_while_starting_shows_log_tail(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_STUDIO_MODE", "crash")
    server = start_server("127.0.0.1", free_port(), tmp_path, CREDENTIALS, fake_binary)
    try:
        with pytest.raises(StudioError, match=r"(?s)\[A103\] .*exited with status 3.*boom"):
            wait_until_healthy(server, timeout=30)
    finally:
        stop_server(server)


def test_health_start_timeout_shows_log_tail(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_STUDIO_MODE", "silent")
    server = start_server("127.0.0.1", free_port(), tmp_path, CREDENTIALS, fake_binary)
    ticks: list[float] = []
    try:
        with pytest.raises(StudioError, match=r"(?s)\[A104\] .*within 1 s.*fake label-studio"):
            wait_until_healthy(server, timeout=1, on_tick=ticks.append)
    finally:
        stop_server(server)
    assert ticks, "the progress callback was never called"
