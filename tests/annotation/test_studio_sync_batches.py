"""`studio sync` imports in batches: several requests, none repeated, resumable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import connect, find_project
from nkcorpus.annotation.studio.import_batches import BatchLimits, tasks_to_batches
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.errors import StudioError
from tests.annotation.conftest import FaultServer, Studio, Task, make_task


@pytest.fixture
def proxy(studio: Studio) -> Iterator[FaultServer]:
    server = FaultServer(upstream=studio.url)
    yield server
    server.close()


def _tasks(prefix: str, count: int) -> list[Task]:
    return [make_task(f"{prefix}{i:04d}", f"Text {i} of {prefix}.") for i in range(count)]


def _doc_ids(client: LabelStudio, url: str, title: str) -> Counter[str]:
    project_id = find_project(client, url, title)
    assert project_id is not None
    return Counter(t.data["doc_id"] for t in client.tasks.list(project=project_id, page_size=500))


def _sizes(tasks: list[dict], limits: BatchLimits) -> list[int]:
    return [len(batch) for batch in tasks_to_batches(tasks, lambda: limits)]


def test_batches_are_cut_by_task_count() -> None:
    tasks = [{"t": "xxxxx"}] * 7  # each '{"t": "xxxxx"}': 14 bytes
    assert _sizes(tasks, BatchLimits(tasks=3)) == [3, 3, 1]  # 7 = 3 + 3 + 1
    assert _sizes(tasks, BatchLimits(tasks=7)) == [7]
    assert _sizes([], BatchLimits(tasks=3)) == []


def test_batches_are_cut_by_bytes_and_a_large_task_goes_alone() -> None:
    tasks = [{"t": "xxxxx"}] * 5  # 14 bytes each: 14 + 14 = 28 <= 30 < 42
    assert _sizes(tasks, BatchLimits(tasks=10, bytes=30)) == [2, 2, 1]
    assert _sizes(tasks, BatchLimits(tasks=10, bytes=10)) == [1, 1, 1, 1, 1]
    wide = [{"t": "é"}] * 2  # '{"t": "é"}' is 10 characters, 11 bytes in UTF-8
    assert _sizes(wide, BatchLimits(tasks=10, bytes=21)) == [1, 1]  # 22 > 21
    assert _sizes(wide, BatchLimits(tasks=10, bytes=22)) == [2]


def test_batches_follow_limits_that_change_between_batches() -> None:
    limits = [BatchLimits(tasks=4), BatchLimits(tasks=2)]  # the last one stays
    batches = tasks_to_batches(
        [{"i": i} for i in range(7)], lambda: limits.pop(0) if len(limits) > 1 else limits[0]
    )
    assert [[t["i"] for t in b] for b in batches] == [[0, 1, 2, 3], [4, 5], [6]]


@pytest.mark.studio
def test_sync_imports_300_tasks_in_batches_and_resync_imports_none(
    studio: Studio, proxy: FaultServer
) -> None:
    title, tasks = "nk-batches", _tasks("b", 300)
    client = connect(proxy.url, studio.api_key)
    report = sync_project(client, proxy.url, tasks, title=title, batch_size=40)
    assert (report.imported, report.present) == (300, 0)
    assert proxy.count("POST", r"/import") == 8  # 300 / 40 = 7.5: seven of 40, one of 20

    again = sync_project(client, proxy.url, tasks, title=title, batch_size=40)
    assert (again.imported, again.present) == (0, 300)
    assert proxy.count("POST", r"/import") == 8  # nothing sent
    counts = _doc_ids(connect(studio.url, studio.api_key), studio.url, title)
    assert len(counts) == 300 and set(counts.values()) == {1}


@pytest.mark.studio
def test_sync_stopped_by_a_refused_batch_names_it_and_resumes(studio: Studio) -> None:
    title, tasks = "nk-batch-refused", _tasks("r", 200)
    broken = make_task("r0100", "Text 100 of r.")
    del broken["data"]["text"]  # the labeling config reads $text: Label Studio refuses it
    tasks[100] = broken  # task 101: in batch 3 of 40-task batches (tasks 81-120)
    client = connect(studio.url, studio.api_key)
    with pytest.raises(StudioError) as refused:
        sync_project(client, studio.url, tasks, title=title, batch_size=40)
    message = str(refused.value)
    assert message.startswith("[A112] ")
    assert "import batch 3 (tasks 81-120 of 200)" in message
    assert "doc_id r0080 to r0119" in message
    assert "80 of the 200 new task(s) were imported before it and stay" in message
    assert "run `nkcorpus studio sync` again" in message
    assert sum(_doc_ids(client, studio.url, title).values()) == 80  # batches 1 and 2, whole

    tasks[100] = make_task("r0100", "Text 100 of r.")  # fixed
    report = sync_project(client, studio.url, tasks, title=title, batch_size=40)
    assert (report.imported, report.present) == (120, 80)
    counts = _doc_ids(client, studio.url, title)
    assert len(counts) == 200 and set(counts.values()) == {1}
