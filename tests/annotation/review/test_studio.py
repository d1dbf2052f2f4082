"""The review queue on a real Label Studio: two annotators who signed up by invite
annotate one task through the API, `pull_project` exports it, the queue lists it
with a URL that opens in a logged-in session, and, in Chromium, with the versions
side by side once Compare All is on."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from nkcorpus.annotation.review.inputs import review_exports
from nkcorpus.annotation.review.queue import QueueItem
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.sync import sync_project
from tests.annotation.conftest import Annotator, Studio, csrf_headers, make_task, span
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, is_loopback

pytestmark = pytest.mark.studio

TITLE = "nk-review-queue"
TEXT = "Kim crossed the DMZ in 2019 and Lee followed him."


def _submit(studio: Studio, who: Annotator, task_id: int, project_id: int, body: Any) -> int:
    """Submit an annotation as `who`, as the editor's Submit button does; its id."""
    response = who.browser.post(
        f"/api/tasks/{task_id}/annotations/?project={project_id}",
        json={"lead_time": 2.0, **body},
        headers=csrf_headers(who.browser, studio.url),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _user_id(who: Annotator) -> int:
    response = who.browser.get("/api/current-user/whoami")
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


@dataclass(frozen=True)
class Queued:
    """A pulled task of two annotators and its entry in the queue."""

    item: QueueItem
    first: Annotator
    second: Annotator
    kept: int  # the first's annotation: the prediction unchanged
    changed: int  # the second's: the prediction plus Lee


def _queue_one_task(
    studio: Studio, sign_up: Callable[[str], Annotator], out: Path, title: str
) -> Queued:
    client = connect(studio.url, studio.api_key)
    predicted = {"model_version": "rules-v1", "result": [span(TEXT, "Kim", "PERSON", "pk")]}
    report = sync_project(
        client, studio.url, [make_task("rq1", TEXT, [predicted])], title=title, withheld={}
    )
    project_id = report.project_id
    [task] = client.tasks.list(project=project_id)
    task_id = int(task.id)
    [prediction] = client.predictions.list(task=task_id)
    first, second = sign_up("rq-a"), sign_up("rq-b")
    kept = _submit(studio, first, task_id, project_id, {
        "result": [span(TEXT, "Kim", "PERSON", "a1")], "parent_prediction": prediction.id,
    })  # fmt: skip
    changed = _submit(studio, second, task_id, project_id, {
        "result": [span(TEXT, "Kim", "PERSON", "b1"), span(TEXT, "Lee", "PERSON", "b2")],
        "parent_prediction": prediction.id,
    })  # fmt: skip
    pulled = pull_project(client, studio.url, out, title=title, reviewers=frozenset())
    nobody = out / "reviewers.yaml"  # the session server's ids are not the committed list's
    nobody.write_text("reviewers: []\n", encoding="utf-8")
    queue = review_exports(
        [pulled.path], url=studio.url, api_key=studio.api_key, reviewers_file=nobody
    )
    # annotators per task read from the server: sync gave the new project 2
    assert queue.annotators.per_project == {project_id: 2}
    [item] = queue.items
    assert (item.task_id, item.project, item.doc_id) == (task_id, project_id, "rq1")
    assert item.url == f"{studio.url}/projects/{project_id}/data?task={task_id}"
    return Queued(item, first, second, kept, changed)


def test_two_annotators_on_a_real_server_are_queued_with_a_working_url(
    studio: Studio, sign_up: Callable[[str], Annotator], tmp_path: Path
) -> None:
    queued = _queue_one_task(studio, sign_up, tmp_path, "nk-review-queue")
    item, kept, changed = queued.item, queued.kept, queued.changed
    # F1 = 2 * 1 / (1 + 2) = 0.67 < 0.8; the first kept the prediction, the second changed it
    assert item.reasons == ("ready", "disagreement", "anchoring")
    assert [(v.annotation_id, v.annotator) for v in item.versions] == [
        (kept, _user_id(queued.first)),
        (changed, _user_id(queued.second)),
    ]
    assert item.anchored == (kept,)
    [difference] = item.differences
    start = TEXT.index("Lee")
    assert (difference.label, difference.start, difference.end, difference.text) == (
        "PERSON", start, start + 3, "Lee",
    )  # fmt: skip
    assert (difference.marked_by, difference.missing_in) == ((changed,), (kept,))
    assert item.url is not None
    page = queued.first.browser.get(item.url)  # a logged-in session; the page is no API view
    assert page.status_code == 200, page.status_code
    assert "text/html" in page.headers["content-type"]


@pytest.mark.browser
def test_the_queue_url_opens_the_versions_side_by_side_once_compare_all_is_on(
    studio: Studio, sign_up: Callable[[str], Annotator], tmp_path: Path
) -> None:
    """What the queue's text tells reviewers: press Compare All once, and every
    task URL then opens with all versions side by side (Label Studio 1.23.2
    keeps the toggle in the browser's local storage)."""
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is missing: run `make browser-env`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    queued = _queue_one_task(studio, sign_up, tmp_path, "nk-review-queue-browser")
    assert queued.item.url is not None
    headers = [f"ID {queued.kept}", f"ID {queued.changed}"]  # above each version in Compare All
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route(lambda url: not is_loopback(url), lambda route: route.abort())
            context.add_cookies(
                [
                    {"name": c.name, "value": c.value or "", "url": studio.url}
                    for c in queued.first.browser.cookies.jar
                ]
            )
            page = context.new_page()
            page.goto(queued.item.url)
            compare = page.get_by_text("Compare All", exact=True)
            expect(compare).to_be_visible(timeout=60_000)
            expect(page.get_by_text(headers[0], exact=True)).to_have_count(0)  # one version
            compare.click()
            page.goto(queued.item.url)  # the next URL of the queue, in the same browser
            for header in headers:
                expect(page.get_by_text(header, exact=True)).to_be_visible(timeout=60_000)
        finally:
            browser.close()
