"""`nkcorpus studio up` with a real Label Studio: killed mid-sync with SIGKILL, it
leaves no server behind, a second `up` on its data folder is refused while it
runs, and a sync against the restarted server imports nothing twice.

Two server starts (the first one migrates a new database): about a minute."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nkcorpus.annotation.studio import pidfile
from nkcorpus.annotation.studio.client import connect, find_project
from nkcorpus.annotation.studio.credentials import read_credentials
from nkcorpus.annotation.studio.server import ensure_port_free, running_studio
from nkcorpus.annotation.studio.sync import sync_project
from tests.annotation.conftest import (
    Task,
    free_port,
    label_studio_binary,
    make_task,
    wait_until_gone,
)

pytestmark = pytest.mark.studio
RUN_APP = "from nkcorpus.annotation.studio.cli import app; app()"
TASKS = 800  # enough batches that the kill lands in the middle of the import


def _group(pgid: int) -> list[int]:
    """PIDs of process group `pgid`, as `ps -g` would list them."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _wait_for_text(path: Path, text: str, process: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if text in path.read_text():
            break
        time.sleep(0.2)
    content = path.read_text()
    assert text in content, f"`studio up` never printed {text!r}:\n{content}"
    return content


def _task_count(url: str, key: str) -> int:
    response = httpx.get(
        f"{url}/api/projects/", headers={"Authorization": f"Token {key}"}, timeout=30
    )
    return sum(p["task_number"] or 0 for p in response.json()["results"])


def test_up_killed_mid_sync_leaves_no_server_and_a_resync_imports_nothing_twice(
    tmp_path: Path, write_tasks: Callable[[list[Task]], Path]
) -> None:
    label_studio_binary()
    data_dir, port = (tmp_path / "ls").resolve(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env["NKCORPUS_LOCK_DIR"] = str(tmp_path)
    tasks = [make_task(f"k{i:05d}", f"Text number {i}.") for i in range(TASKS)]
    tasks_file, no_tasks = write_tasks(tasks), write_tasks([], name="none.json")
    up_args = ["up", "--port", str(port), "--data-dir", str(data_dir), "--tasks", str(no_tasks)]
    up_args += ["--annotators", "3"]
    printed = tmp_path / "up.txt"
    sync: subprocess.Popen[str] | None = None
    with open(printed, "wb") as output:
        up = subprocess.Popen(
            [sys.executable, "-c", RUN_APP, *up_args], stdout=output, stderr=output, env=env
        )
    try:
        said = _wait_for_text(printed, "Press Ctrl-C", up, timeout=400)
        record = pidfile.running_server(data_dir)
        assert record is not None and record.url == f"http://127.0.0.1:{port}"
        assert "annotators per task set to 3" in said, said
        assert f"project (annotators: Label All Tasks): {record.url}/projects/" in said
        assert (
            f"invite annotators (Add People, copy the invite link): {record.url}/organization/"
            in said
        )
        tree = _group(record.pid)
        assert len(tree) >= 2, tree  # the supervisor and Label Studio

        again = ["up", "--port", str(free_port()), "--data-dir", str(data_dir)]
        second = subprocess.run(
            [sys.executable, "-c", RUN_APP, *again],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert second.returncode == 1, second.stdout + second.stderr
        assert (
            f"[A108] Label Studio of `nkcorpus studio up` is already running on data dir "
            f"{data_dir}: PID {record.pid}" in second.stderr
        )
        assert record.url in second.stderr and _group(record.pid) == tree

        key = json.loads((data_dir / "nkcorpus-credentials.json").read_text())["api_key"]
        sync_args = ["sync", "--url", record.url, "--tasks", str(tasks_file)]
        sync = subprocess.Popen(
            [sys.executable, "-c", RUN_APP, *sync_args, "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 300
        while _task_count(record.url, key) < 100 and time.monotonic() < deadline:
            assert sync.poll() is None, sync.communicate()
            time.sleep(0.1)
        up.kill()  # SIGKILL, in the middle of the import
        up.wait()
        assert wait_until_gone(tree) == [], f"still running: {tree}"
        ensure_port_free("127.0.0.1", port)
        out, err = sync.communicate(timeout=300)
    finally:
        for process in (up, sync):
            if process is not None and process.poll() is None:
                process.kill()
    assert sync is not None and sync.returncode == 1, out + err
    assert any(f"[{code}]" in err for code in ("A110", "A114", "A117")), err
    assert "Traceback" not in err and record.url in err
    assert pidfile.running_server(data_dir) is None

    credentials = read_credentials(data_dir)
    assert credentials is not None
    with running_studio("127.0.0.1", port, data_dir, credentials) as server:
        client = connect(server.url, credentials.api_key)
        report = sync_project(client, server.url, tasks)
        project_id = find_project(client, server.url)
        assert project_id is not None
        listed = client.tasks.list(project=project_id, page_size=1000, fields="task_only")
        counts = Counter(t.data["doc_id"] for t in listed)
    assert 0 < report.present < TASKS and report.imported == TASKS - report.present
    assert len(counts) == TASKS and set(counts.values()) == {1}
