"""`nkcorpus studio` commands, without Label Studio (a fake server stands in)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.retry import RetryPolicy
from tests.annotation.conftest import free_port, make_task

RUN_APP = "from nkcorpus.annotation.studio.cli import app; app()"


def _wait_for(path: Path, text: str, process: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text() if path.exists() else ""
        if text in content or process.poll() is not None:
            return content
        time.sleep(0.1)
    return path.read_text()


def test_cli_up_serves_until_sigterm_and_never_prints_secrets(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    data_dir, out, err = tmp_path / "data", tmp_path / "out.txt", tmp_path / "err.txt"
    port = free_port()
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", RUN_APP, "up", "--port", str(port), "--data-dir", str(data_dir)],
            stdout=stdout,
            stderr=stderr,
        )
        try:
            printed = _wait_for(out, "Press Ctrl-C", process, timeout=60)
            assert f"Label Studio is running at http://127.0.0.1:{port}" in printed, printed
            assert f"http://127.0.0.1:{port}/organization/" in printed  # where the invite is
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
    printed, warned = out.read_text(), err.read_text()
    assert "Label Studio stopped." in printed
    assert "warning: sync failed, the server keeps running" in warned  # the fake has no API
    secrets = json.loads((data_dir / "nkcorpus-credentials.json").read_text())
    assert str(data_dir / "nkcorpus-credentials.json") in printed
    for secret in (secrets["password"], secrets["api_key"]):
        assert secret not in printed + warned
        assert secret not in (data_dir / "label-studio.log").read_text()
    fake_pid = int((tmp_path / "fake.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(fake_pid, 0)


def test_cli_up_on_busy_port_fails(fake_binary: Path, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["up", "--port", str(port), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "[A101]" in result.output and "--port" in result.output
    assert not (tmp_path / "nkcorpus-credentials.json").exists()


def test_cli_up_reports_a_server_that_dies(
    fake_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_STUDIO_MODE", "crash")
    args = ["up", "--port", str(free_port()), "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "[A103]" in result.output and "boom: cannot start" in result.output


def test_cli_up_without_server_installed_says_make_studio_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NKCORPUS_STUDIO_BIN", str(tmp_path / "missing"))
    result = CliRunner().invoke(app, ["up", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "make studio-env" in result.output


def test_cli_sync_unreachable_server_fails(tmp_path: Path, fast_retries: RetryPolicy) -> None:
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([make_task("d1", "text")]))
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app, ["sync", "--url", url, "--tasks", str(tasks)], env={"LABEL_STUDIO_API_KEY": "x" * 40}
    )
    assert result.exit_code == 1
    assert f"[A110] cannot reach Label Studio at {url}" in result.output


def test_cli_pull_without_api_key_fails(tmp_path: Path) -> None:
    env = {"LABEL_STUDIO_API_KEY": "", "XDG_DATA_HOME": str(tmp_path)}
    result = CliRunner().invoke(app, ["pull", "--out", str(tmp_path / "exports")], env=env)
    assert result.exit_code == 1
    assert "[A106] no Label Studio API key" in result.output
    assert not (tmp_path / "exports").exists()
