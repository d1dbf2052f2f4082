"""Against the session's real Label Studio: concurrent syncs, and faults injected
by a proxy in front of it (answers lost after the server did the work,
downloads that break off, 500s mid-way)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import connect, find_project
from nkcorpus.annotation.studio.locks import exports_lock
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.retry import RetryPolicy
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.errors import StudioError
from nkcorpus.lock import LockError
from tests.annotation.conftest import FaultServer, Rule, Studio, Task, make_task

pytestmark = pytest.mark.studio
QUICK = RetryPolicy(base_delay=0.05, max_delay=0.2)


@pytest.fixture(autouse=True)
def _own_lock_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NKCORPUS_LOCK_DIR", str(tmp_path))


@pytest.fixture
def proxy(studio: Studio) -> Iterator[FaultServer]:
    server = FaultServer(upstream=studio.url)
    yield server
    server.close()


def _doc_ids(client: LabelStudio, url: str, title: str) -> Counter[str]:
    project_id = find_project(client, url, title)
    assert project_id is not None
    return Counter(t.data["doc_id"] for t in client.tasks.list(project=project_id, page_size=500))


def _tasks(prefix: str, count: int) -> list[Task]:
    return [make_task(f"{prefix}{i:04d}", f"Text {i} of {prefix}.") for i in range(count)]


SYNC = """
import sys, time
from pathlib import Path
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.annotation.studio.tasks_file import read_tasks
from nkcorpus.errors import NkError
url, key, tasks, go, title, ready = sys.argv[1:]
tasks, client = read_tasks(Path(tasks)), connect(url, key)
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.005)
try:
    print(sync_project(client, url, tasks, title=title, batch_size=50).summary())
except NkError as exc:
    sys.exit(f"error: {exc}")
"""


def test_faults_two_concurrent_syncs_import_each_task_once(
    studio: Studio, write_tasks: Callable[[list[Task]], Path], tmp_path: Path
) -> None:
    tasks, title, go = _tasks("c", 300), "nk-concurrent", tmp_path / "go"
    args = [studio.url, studio.api_key, str(write_tasks(tasks)), str(go), title]
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(SYNC), *args, str(flag)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 120
    while not all(f.exists() for f in ready) and time.monotonic() < deadline:
        assert all(run.poll() is None for run in runs), [run.communicate() for run in runs]
        time.sleep(0.05)
    go.touch()  # both have connected: they start syncing at the same moment
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [0, 1], results
    [(_, won, _)] = [r for r in results if r[0] == 0]
    [(_, _, refused)] = [r for r in results if r[0] == 1]
    assert "imported 300, already present 0" in won
    winner = next(run.pid for run, result in zip(runs, results, strict=True) if result[0] == 0)
    assert f"[L001] project {title!r} on {studio.url} is being synced by PID {winner}" in refused
    assert "Traceback" not in refused
    counts = _doc_ids(connect(studio.url, studio.api_key), studio.url, title)
    assert len(counts) == 300 and set(counts.values()) == {1}


def test_faults_killed_sync_resumes_without_duplicates(
    studio: Studio, write_tasks: Callable[[list[Task]], Path], tmp_path: Path
) -> None:
    tasks, title, go = _tasks("s", 600), "nk-killed-sync", tmp_path / "go"
    go.touch()
    args = [studio.url, studio.api_key, str(write_tasks(tasks)), str(go), title, str(go)]
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SYNC), *args])
    direct = connect(studio.url, studio.api_key)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        project_id = find_project(direct, studio.url, title)
        if project_id is not None and (direct.projects.get(project_id).task_number or 0) >= 50:
            break
        time.sleep(0.05)
    run.kill()  # SIGKILL: it holds the project's lock and is importing
    assert run.wait() == -9, "the sync ended before it could be killed"
    before = sum(_doc_ids(direct, studio.url, title).values())
    assert 0 < before < 600
    report = sync_project(direct, studio.url, tasks, title=title)
    assert (report.imported, report.present) == (600 - before, before)
    assert f"an earlier sync (PID {run.pid}" in report.summary()
    counts = _doc_ids(direct, studio.url, title)
    assert len(counts) == 600 and set(counts.values()) == {1}


def test_faults_lost_import_answer_then_resync_imports_nothing_twice(
    studio: Studio, proxy: FaultServer
) -> None:
    title, tasks = "nk-lost-answer", _tasks("l", 120)
    proxy.rules = [Rule("POST", r"/import", "drop_after_forward", times=1)]
    through_proxy = connect(proxy.url, studio.api_key, QUICK)
    with pytest.raises(
        StudioError,
        match=rf"(?s)\[A117\] the connection to Label Studio at {proxy.url} broke while "
        r"importing tasks 1-100.*not re-sent.*`studio sync` imports only",
    ):
        sync_project(through_proxy, proxy.url, tasks, title=title)
    assert proxy.count("POST", "/import") == 1  # the SDK alone would have sent it 3 times
    direct = connect(studio.url, studio.api_key)
    assert sum(_doc_ids(direct, studio.url, title).values()) == 100  # the server did the work

    proxy.rules = [Rule("GET", r"/api/tasks", 500, after=len(proxy.requests) + 2)]
    with pytest.raises(StudioError, match=r"\[A115\] .*HTTP 500 while listing the project's tasks"):
        sync_project(through_proxy, proxy.url, tasks, title=title)

    proxy.rules = []
    again = sync_project(through_proxy, proxy.url, tasks, title=title)
    assert (again.imported, again.present) == (20, 100)
    counts = _doc_ids(direct, studio.url, title)
    assert len(counts) == 120 and set(counts.values()) == {1}


def _exports(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".nkcorpus.lock")


def test_faults_pull_whose_download_breaks_off_leaves_no_file(
    studio: Studio, proxy: FaultServer, tmp_path: Path
) -> None:
    title, out = "nk-pull-faults", tmp_path / "exports"
    direct = connect(studio.url, studio.api_key)
    sync_project(direct, studio.url, _tasks("p", 3), title=title)
    through_proxy = connect(proxy.url, studio.api_key, QUICK)

    with exports_lock(out), pytest.raises(LockError, match=rf"\[L001\] {out} is being written"):
        pull_project(through_proxy, proxy.url, out, title=title)
    assert _exports(out) == []

    proxy.rules = [Rule("GET", r"/exports/\d+/download", "drop")]
    with pytest.raises(
        StudioError,
        match=rf"\[A114\] the connection to Label Studio at {proxy.url} broke while exporting "
        r"project \d+, tried 4 times",
    ):
        pull_project(through_proxy, proxy.url, out, title=title)
    assert _exports(out) == []
    assert proxy.count("GET", "/download") == 4
    assert proxy.count("DELETE", r"/exports/\d+") >= 1  # the snapshot is cleaned up

    debris = out / ".export-20260101T000000Z-0123456789ab.json.k1ll3d.tmp"
    debris.write_text('[{"id": 1, "da')  # what a pull killed while writing leaves
    proxy.rules = [Rule("GET", r"/exports/\d+/download", "drop", times=1)]
    report = pull_project(through_proxy, proxy.url, out, title=title)
    assert _exports(out) == [report.path.name] and report.tasks == 3
    assert report.removed == (debris.name,) and f"removed {debris.name}" in report.summary()
    assert len(json.loads(report.path.read_text(encoding="utf-8"))) == 3
    assert os.stat(report.path).st_size > 0
