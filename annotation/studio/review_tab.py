"""The Data Manager tab "Review queue": the review queue in the browser.

`studio sync` keeps one tab (a Label Studio *view*) named `TAB_TITLE` in the
project whose filters show exactly the tasks a reviewer should open: tasks
with at least the project's annotators per task (`maximum_annotations`) and
no accepted gold yet, the oldest-finished first (`tasks:completed_at`).

"No accepted gold" is "no annotation whose result holds the review choice
`accept`" (`nkcorpus.schema.review`), the decision `studio pull` mirrors into
Label Studio's ground-truth star. The star itself cannot be filtered on:
Label Studio Community 1.23.2 has no `ground_truth` task column, and a view
filtering on `filter:tasks:ground_truth` answers its task list with HTTP 500
("Cannot resolve keyword 'ground_truth'"). Filtering on the choice also lets
a task leave the tab as soon as the reviewer submits, before any pull. A task
whose `accept` breaks the review rule (B120-B123) leaves the tab too;
`nkcorpus review` lists it first.

Filter names and operators are those of Label Studio's
`data_manager/prepare_params.py` (`Column`, `Operator`); a String filter on
`annotations_results` matches the annotation's result JSON as text, which
Django stores with `json.dumps`' default separators.

Only the tab titled `TAB_TITLE` is touched (the one with the lowest id when
there are several); other tabs, and keys of the tab's data a user changed
(hidden columns, widths), are left as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import api_call
from nkcorpus.schema.review import ACCEPT

TAB_TITLE = "Review queue"
ORDERING = ["tasks:completed_at"]  # oldest-finished first
ACCEPTED = json.dumps({"choices": [ACCEPT]})[1:-1]  # '"choices": ["accept"]'
_PAGE = 500


@dataclass(frozen=True)
class ReviewTab:
    """What sync did with the tab, and how many tasks it shows."""

    view_id: int
    action: str  # "created", "updated" or "unchanged"
    tasks: int
    link: str  # the tab in the browser

    def describe(self) -> str:
        noun = "task" if self.tasks == 1 else "tasks"
        return f"review queue tab: {self.action} ({self.tasks} {noun}) {self.link}"


def review_filters(annotators: int) -> dict[str, Any]:
    """The tab's filters: `annotators` or more annotations, none accepted.

    >>> [item["filter"] for item in review_filters(2)["items"]]
    ['filter:tasks:total_annotations', 'filter:tasks:annotations_results']
    >>> review_filters(2)["items"][1]["value"]
    '"choices": ["accept"]'
    """
    return {
        "conjunction": "and",
        "items": [
            {
                "filter": "filter:tasks:total_annotations",
                "operator": "greater_or_equal",
                "type": "Number",
                "value": annotators,
            },
            {
                "filter": "filter:tasks:annotations_results",
                "operator": "not_contains",
                "type": "String",
                "value": ACCEPTED,
            },
        ],
    }


def _normal(filters: Any) -> tuple[Any, ...]:
    """Filters as Label Studio returns them, reduced to what they select."""
    if not isinstance(filters, dict):
        return ()
    items = filters.get("items") or []
    keys = ("filter", "operator", "type", "value")
    return (
        filters.get("conjunction"),
        tuple(tuple(item.get(k) for k in keys) for item in items if isinstance(item, dict)),
    )


def _is_current(data: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return (
        _normal(data.get("filters")) == _normal(wanted["filters"])
        and list(data.get("ordering") or []) == wanted["ordering"]
        and all(data.get(k) == wanted[k] for k in ("title", "type", "target"))
    )


def _count(client: LabelStudio, url: str, project_id: int, view_id: int) -> int:
    with api_call(url, f"listing the tasks of the {TAB_TITLE!r} tab"):
        tasks = client.tasks.list(
            project=project_id, view=view_id, fields="task_only", page_size=_PAGE
        )
        return sum(1 for _ in tasks)


def ensure_review_tab(client: LabelStudio, url: str, project_id: int, annotators: int) -> ReviewTab:
    """Create or update the project's "Review queue" tab for `annotators` per task."""
    wanted: dict[str, Any] = {
        "title": TAB_TITLE,
        "type": "list",
        "target": "tasks",
        "filters": review_filters(annotators),
        "ordering": list(ORDERING),
    }
    with api_call(url, "listing the project's Data Manager tabs"):
        views = client.views.list(project=project_id)
    ours = sorted(
        (v for v in views if isinstance(v.data, dict) and v.data.get("title") == TAB_TITLE),
        key=lambda v: int(v.id or 0),
    )
    if not ours:
        with api_call(url, f"creating the {TAB_TITLE!r} tab"):
            view = client.views.create(project=project_id, data=wanted)  # type: ignore[arg-type]
        view_id, action = int(view.id or 0), "created"
    else:
        view_id, data = int(ours[0].id or 0), dict(ours[0].data)
        action = "unchanged"
        if not _is_current(data, wanted):
            with api_call(url, f"updating the {TAB_TITLE!r} tab"):
                client.views.update(
                    str(view_id),
                    project=project_id,
                    data={**data, **wanted},  # type: ignore[arg-type]
                )
            action = "updated"
    link = f"{url}/projects/{project_id}/data?tab={view_id}"
    return ReviewTab(view_id, action, _count(client, url, project_id, view_id), link)
