"""The whole annotation job in a real browser, against a real Label Studio.

Two annotators sign up through the invite link and label the task *Label All
Tasks* serves them (the same one: two annotators per task), with label
hotkeys, mouse selections, every attribute of each region and relations, and
submit; the submit of a region with an unset required attribute is refused
(when the config requires attributes); on `002`, the longest document, the
distance between a selected region far down the text and its attribute
controls is measured; a reviewer accepts one annotation in the browser (when
the config has the review control; else it is starred through the API, the
older way); `studio pull` and `validate` then find both annotators' spans at
exact offsets and the accepted one as the gold. Every request the pages make
is recorded; any to a host outside the loopback fails the test.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from playwright.sync_api import Page

from nkcorpus.annotation.studio.client import PROJECT_TITLE, connect
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.build.release import build_release
from nkcorpus.build.validate import validate_exports
from tests.browser.conftest import LabelingServer, Users
from tests.browser.pages import Editor, sign_up
from tests.browser.screen import HIGHLIGHT, Gap, Region

pytestmark = [pytest.mark.browser, pytest.mark.studio]

PASSWORD = "a-long-test-password-42"
LONGEST_DOC = "002"


@dataclass(frozen=True)
class Span:
    label: str
    fragment: str
    attributes: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Plan:
    """What one annotator does on a document: spans, then relations between them
    (indices into `spans`)."""

    spans: tuple[Span, ...]
    relations: tuple[tuple[int, int, str], ...]


def _plan(roles: tuple[str, ...], route: str) -> Plan:
    return Plan(
        spans=(
            Span("PERSON", "A man", {"roles": roles}),
            Span(
                "CROSSING",
                "reenter the North",
                {"direction": ("south_to_north",), "route": (route,), "status": ("completed",)},
            ),
            Span("MOTIVE", "struggling to make ends meet", {"category": ("economic_hardship",)}),
        ),
        relations=((0, 1, "agent"), (1, 2, "motivated_by")),
    )


# By the document *Label All Tasks* serves first (doc_id prefix).
PLANS = {"000": {"ann1": _plan(("defector", "returnee"), "land_border_dmz"),
                 "ann2": _plan(("returnee",), "unknown")}}  # fmt: skip
# A region the guard step leaves without its attributes.
UNSET = Span("CROSSING", "scaled a barbed-wire fence", {})


def whoami(page: Page, url: str) -> int:
    return int(page.request.get(f"{url}/api/current-user/whoami").json()["id"])


def start_labeling(page: Page, server: LabelingServer) -> tuple[Editor, dict[str, Any]]:
    """Projects -> the project -> *Label All Tasks* -> close the instructions,
    which show the guidelines of every label; the editor and the task served."""
    editor = Editor(page, server.config)
    editor.open_project(server.url, PROJECT_TITLE)
    task = editor.label_all_tasks()
    instructions = editor.read_instructions()
    for label in server.config.hotkeys:
        assert label in instructions, f"the instructions do not mention {label}"
    return editor, task


def label(editor: Editor, text: str, plan: Plan) -> list[Region]:
    """Draw every span of `plan`, set every attribute, draw the relations."""
    regions = [editor.label_span(s.label, s.fragment, text.index(s.fragment)) for s in plan.spans]
    for span, region in zip(plan.spans, regions, strict=True):
        declared = {a.name for a in editor.config.attributes_of(span.label)}
        assert set(span.attributes) == declared, f"plan for {span.label} must set {declared}"
        editor.unselect()
        editor.select(region)
        for attribute in editor.config.attributes_of(span.label):
            editor.set_attribute(attribute, span.attributes[attribute.name])
    for head, tail, relation in plan.relations:
        editor.draw_relation(regions[head], regions[tail], relation)
    return regions


def submit_blocked_by_required_attribute(editor: Editor, text: str) -> None:
    """A region with its required attributes unset: the submit is refused with
    the config's message, and nothing is sent. The region is then deleted."""
    region = editor.label_span(UNSET.label, UNSET.fragment, text.index(UNSET.fragment))
    first = next(a for a in editor.config.attributes_of(UNSET.label) if a.required)
    editor.submit_refused(first.required_message or f'Checkbox "{first.name}" is required.')
    editor.delete(region)


def measure_controls(editor: Editor) -> tuple[Region, Gap]:
    """Select the region furthest down the text (the pre-annotation's last) and
    measure how far its attribute controls are from it."""
    last = max(
        editor.page.locator(HIGHLIGHT).all(),
        key=lambda h: int(h.get_attribute("data-start") or 0),
    )
    index, label = (last.get_attribute("data-label") or ":").split(":", 1)
    start, end = (int(last.get_attribute(f"data-{edge}") or 0) for edge in ("start", "end"))
    region = Region(label, last.inner_text(), start, end, index)
    editor.unselect()
    last.scroll_into_view_if_needed()
    editor.select(region)
    return region, editor.gap_to_controls(region)


def accept_in_review(
    editor: Editor, server: LabelingServer, doc_id: str, annotation_id: int
) -> None:
    """Open the project, then count the clicks from its Data Manager: open the
    task, duplicate `annotation_id` into an annotation of one's own and tick
    the review choice; submitting is the last click."""
    editor.open_project(server.url, PROJECT_TITLE)
    editor.actions = 0
    editor.open_task(doc_id)
    editor.duplicate_annotation(annotation_id)
    editor.accept()


def describe(region: Region, gap: Gap) -> str:
    return (
        f"{region.label} region {region.text!r} [{region.start}, {region.end}) at y "
        f"{gap.region_top:.0f}-{gap.region_bottom:.0f}, its controls at y "
        f"{gap.controls_top:.0f}-{gap.controls_bottom:.0f}: {gap.pixels:.0f} px apart"
    )


def expected_rows(text: str, plan: Plan) -> tuple[list[tuple[Any, ...]], list[tuple[str, ...]]]:
    spans = []
    for span in plan.spans:
        start = text.index(span.fragment)
        attributes = tuple(sorted((k, tuple(sorted(v))) for k, v in span.attributes.items()))
        spans.append((span.label, start, start + len(span.fragment), span.fragment, attributes))
    relations = [(plan.spans[h].label, plan.spans[t].label, kind) for h, t, kind in plan.relations]
    return sorted(spans), sorted(relations)


def rows_of(annotation: dict[str, Any], text: str, attributes: set[str]) -> Any:
    """(spans, relations) of a validated annotation row, as `expected_rows` gives them."""
    spans, labels = [], {}
    for span in annotation["spans"]:
        assert text[span["start"] : span["end"]] == span["text"], span
        labels[span["id"]] = span["label"]
        values = {
            k: tuple(sorted(v if isinstance(v, list) else [v]))
            for k, v in span.items()
            if k in attributes and v not in (None, [])
        }
        spans.append(
            (span["label"], span["start"], span["end"], span["text"], tuple(sorted(values.items())))
        )
    relations = [(labels[r["head"]], labels[r["tail"]], r["type"]) for r in annotation["relations"]]
    return sorted(spans), sorted(relations)


def test_annotators_label_reviewer_accepts_pull_validates(
    labeling_server: LabelingServer,
    users: Users,
    docs_screenshot: Callable[[Page, str], None],
    tmp_path: Path,
) -> None:
    server, began = labeling_server, time.monotonic()
    invite = server.api("GET", "/api/invite")["invite_url"]
    editors, tasks, annotations, user_ids = {}, {}, {}, {}
    for name in ("ann1", "ann2"):
        page = users.page(name)
        sign_up(page, server.url, invite, f"{name}@example.org", PASSWORD)
        user_ids[name] = whoami(page, server.url)
        editors[name], tasks[name] = start_labeling(page, server)
    doc_id, text = tasks["ann1"]["data"]["doc_id"], tasks["ann1"]["data"]["text"]
    assert tasks["ann2"]["data"]["doc_id"] == doc_id, "Label All Tasks served them different tasks"
    plans = PLANS[doc_id[:3]]

    ann1 = editors["ann1"]
    ann1.delete_all_regions()
    label(ann1, text, plans["ann1"])
    ann1.click(ann1.panel_tab("Relations"))
    docs_screenshot(ann1.page, "labeling-relations")
    if server.config.required:
        submit_blocked_by_required_attribute(ann1, text)
    annotations["ann1"], following = ann1.submit_in_stream()
    next_doc = following["data"]["doc_id"]
    assert next_doc.startswith(LONGEST_DOC), f"after {doc_id} the stream served {next_doc}"
    region, gap = measure_controls(ann1.wait_ready())
    print(f"\n{next_doc} at 1400x900: {describe(region, gap)}")
    docs_screenshot(ann1.page, "labeling-selected-region")

    ann2 = editors["ann2"]
    ann2.delete_all_regions()
    label(ann2, text, plans["ann2"])
    annotations["ann2"], _ = ann2.submit_in_stream()
    print(f"annotators done after {time.monotonic() - began:.0f} s")

    reviewers: frozenset[int] = frozenset()
    if server.config.review is not None:
        reviewer = Editor(users.page("reviewer"), server.config)
        sign_up(reviewer.page, server.url, invite, "reviewer@example.org", PASSWORD)
        accept_in_review(reviewer, server, doc_id, annotations["ann1"])
        docs_screenshot(reviewer.page, "review-accept")
        reviewer.submit()
        reviewers = frozenset({whoami(reviewer.page, server.url)})
        print(f"a reviewer accepts with {reviewer.actions} clicks from the Data Manager")
    else:  # the older way: the maintainers star it through the API
        server.api("PATCH", f"/api/annotations/{annotations['ann1']}", json={"ground_truth": True})

    out = tmp_path / "exports"
    out.mkdir()
    client = connect(server.url, server.api_key)
    pulled = pull_project(client, server.url, out, reviewers=reviewers)
    report = validate_exports([pulled.path], reviewers=reviewers)
    assert report.valid, "\n".join(str(p) for p in report.problems)
    if reviewers:  # the pull mirrored the acceptance into Label Studio's star
        assert pulled.starred_now == 1
        gold_row = next(r for r in report.annotations if r["doc_id"] == doc_id and r["is_gold"])
        assert gold_row["annotator_id"] in reviewers
    attributes = {a.name for a in server.config.attributes}
    gold = report.gold[doc_id].model_dump()
    assert rows_of(gold, text, attributes) == expected_rows(text, plans["ann1"])
    rows = {r["annotator_id"]: r for r in report.annotations if r["doc_id"] == doc_id}
    for name, user_id in user_ids.items():
        assert user_id in rows, f"no annotation of {name} (user {user_id}) in {pulled.path}"
        assert rows_of(rows[user_id], text, attributes) == expected_rows(text, plans[name]), name
    # a scratch build holds the accepted spans at exact offsets
    built = build_release(
        "0.0.1", [pulled.path], tmp_path / "dataset", reviewers=reviewers, progress=False
    )
    [row] = [
        r
        for table in (built.folder / "data" / "documents").glob("*.parquet")
        for r in pq.read_table(table).to_pylist()
        if r["doc_id"] == doc_id
    ]
    released = sorted((s["start"], s["end"], s["text"]) for s in row["spans"])
    assert released == sorted((s[1], s[2], s[3]) for s in expected_rows(text, plans["ann1"])[0])
    assert all(row["text"][a:b] == t for a, b, t in released)
    print(f"browser test: {time.monotonic() - began:.0f} s after the server was up")

    outside = sorted(set(users.requests.outside))
    assert not outside, "the pages tried to reach outside hosts:\n" + "\n".join(outside)
    assert gap.both_on_screen, f"controls not on screen beside the region: {describe(region, gap)}"
