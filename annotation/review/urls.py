"""Label Studio URLs of the review queue, and the annotators per task.

`task_url` opens a task in the project's Data Manager labeling view
(`/projects/{project}/data?task={task}`, the `project` field of an exported
task). What Label Studio 1.23.2 Community reads from that URL (its Data
Manager, `History.getParams` in `AppStore.setTask`): `task`, `annotation`
(select that annotation's tab, `annotation_url`) and `region` (show and
select one region). No URL parameter opens the side-by-side view: that is
the *Compare All* button left of the annotation tabs (also *Compare All
Annotations* in a Data Manager row's right-click menu), and Label Studio
keeps it switched on in the browser's local storage
(`annotation-store-viewing-all`), so once a reviewer has pressed it, every
task URL of the queue opens with all versions side by side, `annotation=`
included (checked in a browser against 1.23.2). A page URL needs the login
session; the API token opens only `/api/` (the page answers 302 to login).

`project_annotators` reads each project's annotators per task
(`maximum_annotations`, set by `nkcorpus studio sync`) from the server when
it answers; otherwise the queue works offline with a default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nkcorpus.errors import StudioError


def task_url(base: str, project: int | None, task_id: int) -> str | None:
    """The labeling view of one task; None without a project id.

    >>> task_url("http://127.0.0.1:8080", 3, 17)
    'http://127.0.0.1:8080/projects/3/data?task=17'
    """
    if project is None:
        return None
    return f"{base.rstrip('/')}/projects/{project}/data?task={task_id}"


def annotation_url(base: str, project: int | None, task_id: int, annotation_id: int) -> str | None:
    """The labeling view of one task with one annotation's tab selected.

    >>> annotation_url("http://127.0.0.1:8080", 3, 17, 40)
    'http://127.0.0.1:8080/projects/3/data?task=17&annotation=40'
    """
    url = task_url(base, project, task_id)
    return None if url is None else f"{url}&annotation={annotation_id}"


_WHY = {
    "A106": "no API key",
    "A110": "not reachable",
    "A111": "the API key was refused",
    "A112": "the project is not there",
}


@dataclass(frozen=True)
class AnnotatorsPerTask:
    """Annotators per task by project id, `default` for any other; `source` says
    where the numbers come from (printed by the queue)."""

    default: int
    per_project: dict[int, int] = field(default_factory=dict)
    source: str = "default"

    def of(self, project: int | None) -> int:
        return self.per_project.get(project, self.default) if project is not None else self.default


def project_annotators(
    url: str,
    projects: Iterable[int],
    *,
    default: int,
    api_key: str | None = None,
    data_dir: Path | None = None,
) -> AnnotatorsPerTask:
    """Each project's `maximum_annotations` from Label Studio at `url`, tried once
    (no retries: the queue must not stall offline). When the server cannot be
    asked (no API key, unreachable, key refused, no such project), every task
    needs `default` and `source` says why."""
    from nkcorpus.annotation.studio.client import api_call, connect
    from nkcorpus.annotation.studio.credentials import resolve_api_key
    from nkcorpus.annotation.studio.retry import RetryPolicy

    wanted = sorted(set(projects))
    if not wanted:
        return AnnotatorsPerTask(default, source=f"default {default}: the exports name no project")
    try:
        key, _ = resolve_api_key(api_key, data_dir)
        client = connect(url, key, RetryPolicy(attempts=1))
        per_project = {}
        for project in wanted:
            with api_call(url, f"reading project {project}"):
                found = client.projects.get(project).maximum_annotations
            if isinstance(found, int) and found >= 1:
                per_project[project] = found
    except StudioError as exc:
        why = _WHY.get(exc.code, "it did not answer")
        source = f"default {default}: Label Studio at {url} not asked, {why} [{exc.code}]"
        return AnnotatorsPerTask(default, source=source)
    shown = ", ".join(f"project {p}: {n}" for p, n in sorted(per_project.items()))
    return AnnotatorsPerTask(default, per_project, f"from Label Studio at {url} ({shown})")
