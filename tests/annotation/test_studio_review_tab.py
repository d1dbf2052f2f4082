"""The Data Manager tab "Review queue" that sync keeps, against a real Label
Studio (one per session, see conftest `studio`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import connect, find_project
from nkcorpus.annotation.studio.mirror import star_annotations
from nkcorpus.annotation.studio.review_tab import TAB_TITLE, review_filters
from nkcorpus.annotation.studio.sync import sync_project
from tests.annotation.conftest import Annotator, Studio, make_task, span

TEXTS = {
    "r01": "Kim crossed the river in 2019.",
    "r02": "Lee fled by boat in 2020.",
    "r03": "Park returned to the North in 2021.",
}
ACCEPT = {"type": "choices", "from_name": "review", "to_name": "text"}


def _result(doc_id: str, *, accept: bool = False) -> list[dict[str, Any]]:
    text = TEXTS[doc_id]
    result = [span(text, text.split()[0], "PERSON", f"p-{doc_id}")]
    if accept:
        result.append({**ACCEPT, "value": {"choices": ["accept"]}})
    return result


def _sync(client: LabelStudio, url: str, title: str, annotators: int | None = 2) -> Any:
    tasks = [make_task(doc_id, text) for doc_id, text in sorted(TEXTS.items())]
    return sync_project(client, url, tasks, title=title, annotators=annotators, withheld={})


def _tabs(client: LabelStudio, project_id: int, title: str = TAB_TITLE) -> list[Any]:
    return [
        v
        for v in client.views.list(project=project_id)
        if isinstance(v.data, dict) and v.data.get("title") == title
    ]


def _queue(client: LabelStudio, project_id: int, view_id: int) -> list[str]:
    """The doc_ids the tab shows, in its order."""
    tasks = client.tasks.list(project=project_id, view=view_id, page_size=100)
    return [t.data["doc_id"] for t in tasks]


def _task_ids(client: LabelStudio, project_id: int) -> dict[str, int]:
    tasks = client.tasks.list(project=project_id, fields="task_only", page_size=100)
    return {t.data["doc_id"]: int(t.id) for t in tasks}


def _annotate(
    client: LabelStudio, task_id: int, result: list[dict[str, Any]], user: int | None = None
) -> int:
    """An annotation by `user` (None: the admin of the API key)."""
    if user is None:
        return int(client.annotations.create(id=task_id, result=result).id)
    return int(client.annotations.create(id=task_id, result=result, completed_by=user).id)


def _user_ids(client: LabelStudio, *annotators: Annotator) -> list[int]:
    ids = {u.email: int(u.id) for u in client.users.list()}
    return [ids[a.email] for a in annotators]


@pytest.mark.studio
def test_sync_creates_the_tab_with_its_filters(studio: Studio) -> None:
    client, title = connect(studio.url, studio.api_key), "nk-review-tab-filters"
    report = _sync(client, studio.url, title)
    project_id = find_project(client, studio.url, title)
    assert project_id is not None
    tabs = _tabs(client, project_id)
    assert len(tabs) == 1
    data = tabs[0].data
    items = [(i["filter"], i["operator"], i["type"], i["value"]) for i in data["filters"]["items"]]
    assert data["filters"]["conjunction"] == "and"
    assert items == [
        ("filter:tasks:total_annotations", "greater_or_equal", "Number", 2),
        ("filter:tasks:annotations_results", "not_contains", "String", '"choices": ["accept"]'),
    ]
    assert data["ordering"] == ["tasks:completed_at"]
    link = f"{studio.url}/projects/{project_id}/data?tab={tabs[0].id}"
    assert f"review queue tab: created (0 tasks) {link}" in report.summary()  # nobody annotated


@pytest.mark.studio
def test_tab_shows_finished_tasks_without_accepted_gold(
    studio: Studio, sign_up: Callable[[str], Annotator]
) -> None:
    client, title = connect(studio.url, studio.api_key), "nk-review-tab-queue"
    _sync(client, studio.url, title)
    project_id = find_project(client, studio.url, title)
    assert project_id is not None
    view_id = int(_tabs(client, project_id)[0].id)
    ids = _task_ids(client, project_id)
    first, second = _user_ids(client, sign_up("ann1"), sign_up("ann2"))
    # r03 gets its two annotators first, then r01; r02 has one of its 2.
    for doc_id, user in (("r03", first), ("r03", second), ("r01", first), ("r01", second)):
        _annotate(client, ids[doc_id], _result(doc_id), user)
    _annotate(client, ids["r02"], _result("r02"), first)
    # Oldest-finished first: r03 (finished before r01) although its id is higher.
    assert _queue(client, project_id, view_id) == ["r03", "r01"]
    again = _sync(client, studio.url, title)
    assert "review queue tab: unchanged (2 tasks)" in again.summary()

    # A reviewer's accepted copy of r03, starred as `studio pull` does: r03 leaves.
    gold = _annotate(client, ids["r03"], _result("r03", accept=True))
    assert star_annotations(client, studio.url, [gold]) == 1
    assert _queue(client, project_id, view_id) == ["r01"]

    # A third annotation without the accept choice keeps r01 in the queue (3 >= 2).
    _annotate(client, ids["r01"], _result("r01"))
    assert _queue(client, project_id, view_id) == ["r01"]


@pytest.mark.studio
def test_sync_twice_keeps_one_tab_and_leaves_other_tabs(studio: Studio) -> None:
    client, title = connect(studio.url, studio.api_key), "nk-review-tab-idempotent"
    first = _sync(client, studio.url, title)
    project_id = find_project(client, studio.url, title)
    assert project_id is not None
    [tab] = _tabs(client, project_id)
    other_filters = {
        "conjunction": "and",
        "items": [
            {
                "filter": "filter:tasks:total_annotations",
                "operator": "equal",
                "type": "Number",
                "value": 0,
            }
        ],
    }
    other = client.views.create(
        project=project_id,
        data={"title": "Mine", "filters": other_filters},  # type: ignore[arg-type]
    )
    # A reviewer hides a column of the tab (as the browser stores it); sync must keep it.
    hidden = {"explore": ["tasks:data.url"], "labeling": ["tasks:data.url"]}
    client.views.update(
        str(tab.id),
        project=project_id,
        data={**tab.data, "hiddenColumns": hidden},  # type: ignore[arg-type]
    )

    second = _sync(client, studio.url, title)
    assert "review queue tab: created" in first.summary()
    assert "review queue tab: unchanged (0 tasks)" in second.summary()

    third = _sync(client, studio.url, title, annotators=3)
    assert "review queue tab: updated (0 tasks)" in third.summary()
    [after] = _tabs(client, project_id)
    assert int(after.id) == int(tab.id)
    assert after.data["filters"]["items"][0]["value"] == 3
    assert after.data["hiddenColumns"] == hidden
    [mine] = _tabs(client, project_id, "Mine")
    assert int(mine.id) == int(other.id)
    assert mine.data["filters"]["items"][0]["value"] == 0
    assert review_filters(3)["items"][0]["value"] == 3
