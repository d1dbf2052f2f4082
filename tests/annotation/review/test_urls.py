"""Label Studio URLs of the queue and the annotators-per-task lookup (offline cases;
the server case is in test_studio.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.annotation.review.inputs import DEFAULT_ANNOTATORS
from nkcorpus.annotation.review.urls import (
    AnnotatorsPerTask,
    annotation_url,
    project_annotators,
    task_url,
)
from nkcorpus.annotation.studio import queue as studio_queue
from tests.annotation.conftest import free_port


def test_urls_open_the_task_and_one_annotation() -> None:
    assert task_url("http://h:8080/", 3, 17) == "http://h:8080/projects/3/data?task=17"
    assert annotation_url("http://h:8080", 3, 17, 40) == (
        "http://h:8080/projects/3/data?task=17&annotation=40"
    )
    assert task_url("http://h:8080", None, 17) is None


def test_the_default_is_what_sync_gives_a_new_project() -> None:
    assert DEFAULT_ANNOTATORS == studio_queue.DEFAULT_ANNOTATORS == 2


def test_per_project_numbers_fall_back_to_the_default() -> None:
    per_task = AnnotatorsPerTask(2, {5: 3})
    assert (per_task.of(5), per_task.of(6), per_task.of(None)) == (3, 2, 2)


def test_without_an_api_key_the_server_is_not_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    found = project_annotators("http://127.0.0.1:1", [1], default=2, data_dir=tmp_path)
    assert (found.default, found.per_project) == (2, {})
    assert (
        found.source == "default 2: Label Studio at http://127.0.0.1:1 not asked, no API key [A106]"
    )


def test_an_unreachable_server_is_tried_once_and_the_default_used() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens
    found = project_annotators(url, [1, 1, 2], default=4, api_key="any-key")
    assert (found.of(1), found.per_project) == (4, {})
    assert found.source == f"default 4: Label Studio at {url} not asked, not reachable [A110]"


def test_exports_without_project_ids_need_no_server() -> None:
    found = project_annotators("http://127.0.0.1:1", [], default=2, api_key="k")
    assert found.source == "default 2: the exports name no project"
