"""One sync per project and one pull per exports folder (no Label Studio needed:
the lock is taken before the first request)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from label_studio_sdk.client import LabelStudio
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.locks import exports_lock, lock_name, project_lock
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.lock import LockError, resource_lock
from tests.annotation.conftest import FaultServer, make_task


@pytest.fixture(autouse=True)
def _own_lock_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NKCORPUS_LOCK_DIR", str(tmp_path))


def test_locks_name_a_project_by_host_port_and_title() -> None:
    assert lock_name("http://127.0.0.1:8080", "nk") == "sync-127.0.0.1:8080-nk"
    assert lock_name("http://LOCALHOST:8080/", "nk") == "sync-127.0.0.1:8080-nk"
    assert lock_name("https://ls.example.org", "nk") == "sync-ls.example.org:443-nk"
    assert lock_name("http://127.0.0.1:8080", "a") != lock_name("http://127.0.0.1:8081", "a")


def test_locks_second_sync_of_a_project_is_refused_naming_the_holder(
    fault_server: FaultServer,
) -> None:
    client = LabelStudio(base_url=fault_server.url, api_key="k" * 40)
    with (
        project_lock(fault_server.url, "nk-x"),
        pytest.raises(
            LockError,
            match=rf"\[L001\] project 'nk-x' on {fault_server.url} is being synced by "
            rf"PID {os.getpid()} on .*nkcorpus studio sync.*wait for it to finish",
        ),
    ):
        sync_project(client, fault_server.url, [make_task("d1", "t")], title="nk-x")
    assert fault_server.requests == []  # refused before talking to the server


def test_locks_other_projects_and_servers_are_not_blocked() -> None:
    with project_lock("http://127.0.0.1:8080", "a"):
        with project_lock("http://127.0.0.1:8080", "b"):
            pass
        with project_lock("http://127.0.0.1:9090", "a"):
            pass


def test_locks_a_sync_that_died_holding_the_lock_is_reported_once() -> None:
    lock = resource_lock(lock_name("http://127.0.0.1:8080", "nk"))
    lock.path.parent.mkdir(parents=True)
    dead = {"pid": 999999999, "host": "h", "command": "nkcorpus studio sync", "since": "then"}
    lock.path.write_text(json.dumps(dead))  # what a SIGKILLed holder leaves
    with project_lock("http://127.0.0.1:8080", "nk") as note:
        assert note is not None and "PID 999999999" in note and "stopped before it finished" in note
    with project_lock("http://127.0.0.1:8080", "nk") as note:
        assert note is None


def test_locks_second_pull_into_a_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    with (
        exports_lock(out),
        pytest.raises(LockError, match=rf"\[L001\] {out} is being written by PID {os.getpid()}"),
        exports_lock(out),
    ):
        pass


def test_cli_sync_while_another_sync_runs_fails_with_L001(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([make_task("d1", "text")]))
    args = ["sync", "--url", fault_server.url, "--tasks", str(tasks)]
    env = {"LABEL_STUDIO_API_KEY": "k" * 40, "NKCORPUS_LOCK_DIR": str(tmp_path)}
    with project_lock(fault_server.url, "nk-defector-corpus"):
        result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "[L001] project 'nk-defector-corpus'" in result.output
    assert fault_server.count("POST") == 0
