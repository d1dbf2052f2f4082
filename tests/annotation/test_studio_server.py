"""Server process handling, without Label Studio (a fake executable stands in)."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.health import is_healthy, wait_until_healthy
from nkcorpus.annotation.studio.preflight import local_url
from nkcorpus.annotation.studio.server import (
    ensure_port_free,
    start_server,
    stop_server,
    studio_binary,
)
from nkcorpus.errors import StudioError
from tests.annotation.conftest import free_port

CREDENTIALS = Credentials("admin@example.org", "pw-not-printed", "tok-not-printed-123")


def test_server_busy_port_is_an_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(
            StudioError, match=rf"\[A101\] port {port} on 127.0.0.1 is already in use"
        ):
            ensure_port_free("127.0.0.1", port)


def test_server_free_port_passes() -> None:
    ensure_port_free("127.0.0.1", free_port())


def test_server_missing_binary_says_make_studio_env(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match=r"\[A102\].*make studio-env"):
        studio_binary({"NKCORPUS_STUDIO_BIN": str(tmp_path / "nope" / "label-studio")})


def test_server_default_binary_is_in_venv_studio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NKCORPUS_STUDIO_BIN", raising=False)
    try:
        binary = studio_binary()
    except StudioError as exc:
        assert ".venv-studio/bin/label-studio" in str(exc)
    else:
        assert binary.parts[-3:] == (".venv-studio", "bin", "label-studio")


def test_server_local_url_for_wildcard_hosts() -> None:
    assert local_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert local_url("::1", 8080) == "http://[::1]:8080"


def test_server_starts_answers_and_stops(fake_binary: Path, tmp_path: Path) -> None:
    server = start_server("127.0.0.1", free_port(), tmp_path / "data", CREDENTIALS, fake_binary)
    try:
        wait_until_healthy(server, timeout=30)
        assert is_healthy(server.url)
        argv = (tmp_path / "data" / "label-studio.log").read_text()
        assert "--internal-host 127.0.0.1" in argv and "--enable-legacy-api-token" in argv
        assert CREDENTIALS.password not in argv and CREDENTIALS.api_key not in argv
    finally:
        stop_server(server)
    assert server.process.returncode == -signal.SIGTERM
    assert not is_healthy(server.url)


def test_server_refuses_to_start_on_busy_port(fake_binary: Path, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(StudioError, match=r"\[A101\]"):
            start_server("127.0.0.1", busy.getsockname()[1], tmp_path, CREDENTIALS, fake_binary)


def test_server_stubborn_process_is_killed(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_STUDIO_MODE", "stubborn")
    server = start_server("127.0.0.1", free_port(), tmp_path, CREDENTIALS, fake_binary)
    wait_until_healthy(server, timeout=30)
    stop_server(server, timeout=1)
    assert server.process.returncode == -signal.SIGKILL
