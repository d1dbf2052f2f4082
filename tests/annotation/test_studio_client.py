"""Network faults as coded errors: a local fault server stands in for Label Studio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.client import api_call, connect, find_project
from nkcorpus.annotation.studio.retry import RetryPolicy
from nkcorpus.errors import StudioError
from tests.annotation.conftest import FaultServer, Rule, free_port, make_task

KEY = "k" * 40


def test_client_401_is_A111_and_not_retried(
    fault_server: FaultServer, fast_retries: RetryPolicy
) -> None:
    fault_server.rules = [Rule("GET", ".", 401)]
    with pytest.raises(StudioError, match=rf"\[A111\] Label Studio at {fault_server.url} refused"):
        connect(fault_server.url, KEY)
    assert fault_server.requests == [("GET", "/api/current-user/whoami")]


def test_client_500_after_n_requests_is_A115_after_retries(
    fault_server: FaultServer, fast_retries: RetryPolicy
) -> None:
    fault_server.rules = [Rule("GET", ".", 500, after=2)]
    client = connect(fault_server.url, KEY)
    assert find_project(client, fault_server.url) is None  # request 2: still fine
    with pytest.raises(
        StudioError,
        match=rf"\[A115\] Label Studio at {fault_server.url} answered HTTP 500 while "
        r"looking for project 'nk-defector-corpus', tried 4 times.*server log",
    ):
        find_project(client, fault_server.url)
    assert fault_server.count("GET") == 2 + 4


def test_client_import_answered_500_is_A117_and_sent_once(
    fault_server: FaultServer, fast_retries: RetryPolicy
) -> None:
    fault_server.rules = [Rule("POST", "/import", 500)]
    client = connect(fault_server.url, KEY)
    with (
        pytest.raises(
            StudioError,
            match=r"(?s)\[A117\] .*HTTP 500 while importing tasks 1-1.*not re-sent.*"
            r"imports only the tasks whose doc_id and text_sha256 are not in the project yet",
        ),
        api_call(fault_server.url, "importing tasks 1-1"),
    ):
        client.projects.import_tasks(7, request=[make_task("d1", "text")])
    assert fault_server.count("POST", "/import") == 1


def test_client_import_whose_answer_is_lost_is_A117_and_sent_once(
    fault_server: FaultServer, fast_retries: RetryPolicy
) -> None:
    fault_server.rules = [Rule("POST", "/import", "drop")]
    client = connect(fault_server.url, KEY)
    with (
        pytest.raises(StudioError, match=r"\[A117\] the connection to Label Studio at .* broke"),
        api_call(fault_server.url, "importing tasks 1-1"),
    ):
        client.projects.import_tasks(7, request=[make_task("d1", "text")])
    assert fault_server.count("POST", "/import") == 1


def test_client_read_that_keeps_breaking_off_is_A114(
    fault_server: FaultServer, fast_retries: RetryPolicy
) -> None:
    fault_server.rules = [Rule("GET", "/api/projects/", "drop")]
    client = connect(fault_server.url, KEY)
    with pytest.raises(
        StudioError,
        match=rf"\[A114\] the connection to Label Studio at {fault_server.url} broke while "
        r"looking for project .*tried 4 times.*RemoteProtocolError",
    ):
        find_project(client, fault_server.url)
    assert fault_server.count("GET", "/api/projects/") == 4


def test_client_server_down_is_A110_after_retries(fast_retries: RetryPolicy) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(
        StudioError, match=rf"\[A110\] cannot reach Label Studio at {url} while connecting, tried 4"
    ):
        connect(url, KEY)


def test_cli_sync_and_pull_fail_with_a_code_and_no_traceback(
    fault_server: FaultServer, fast_retries: RetryPolicy, tmp_path: Path
) -> None:
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([make_task("d1", "text")]))
    env = {"LABEL_STUDIO_API_KEY": KEY, "NKCORPUS_LOCK_DIR": str(tmp_path)}
    runner = CliRunner()
    fault_server.rules = [Rule("GET", "/api/projects/", 503)]
    synced = runner.invoke(app, ["sync", "--url", fault_server.url, "--tasks", str(tasks)], env=env)
    out = tmp_path / "exports"
    pulled = runner.invoke(app, ["pull", "--url", fault_server.url, "--out", str(out)], env=env)
    for result in (synced, pulled):
        assert result.exit_code == 1, result.output
        assert "[A115]" in result.output and "HTTP 503" in result.output
        assert "Traceback" not in result.output and result.exception is not None
        assert isinstance(result.exception, SystemExit)
    assert not out.exists() or not list(out.glob("*.json"))
