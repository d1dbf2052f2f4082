"""`nkcorpus studio restore`: bring the committed annotations back into a
Label Studio project, so a fresh server shows what the exports hold.

The exports (default: every file in `annotation/exports/`) are read and
merged as `validate` and `build` merge them (`build.copies.read_merged`, the
newest copy of a task wins); a problem there stops the restore (A170) before
anything is sent. A missing project is created by `studio sync` first. Then,
holding the project's sync lock, the predictions of each exported task that
the matching task of the project lacks are created (`restore_predictions`:
sync imports the current tasks file, whose model_version may be newer than
the exports'), then every annotation of every exported task (gold or not,
skipped ones too) with its result (regions, attributes, relations, the
review choice), ground-truth flag, skip flag, lead time, the prediction or
annotation it started from, and its author mapped to an account of this
server (`restore_users`). Each restored annotation carries its origin in
`import_id`, which makes a second restore, or one after a failure, import
nothing twice (`restore_plan`); a prediction is there when one with its
model_version and result is. Annotations that cannot be placed (their
document is missing or has another text) are listed (A172) after the rest
is restored.

Not restored: drafts (an export holds their ids only), comments (not
exported), and the timestamps and ids Label Studio sets itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio
from tqdm import tqdm

from nkcorpus.annotation.reviewers import ReviewerList, load_reviewers, reviewers_path
from nkcorpus.annotation.studio.client import (
    PROJECT_TITLE,
    api_call,
    connect,
    fetch_export,
    find_project,
    resolve_url,
)
from nkcorpus.annotation.studio.credentials import resolve_api_key
from nkcorpus.annotation.studio.locks import project_lock
from nkcorpus.annotation.studio.restore_plan import (
    TaskMatch,
    annotation_to_request,
    exports_to_matching,
    find_restored,
)
from nkcorpus.annotation.studio.restore_predictions import (
    missing_predictions,
    parent_prediction_of,
    prediction_to_request,
)
from nkcorpus.annotation.studio.restore_report import RestoreReport, read_exports
from nkcorpus.annotation.studio.restore_users import (
    MappedAccount,
    annotations_to_authors,
    map_accounts,
    reviewers_on_server,
    server_accounts,
    write_reviewers,
)
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.build.gold import annotator_id
from nkcorpus.errors import StudioError


def _by_id(annotation: Mapping[str, Any]) -> tuple[int, int]:
    given = annotation.get("id")
    return (0, given) if isinstance(given, int) else (1, 0)


@dataclass
class _Counts:
    """What a restore did so far."""

    restored: int = 0
    present: int = 0
    predictions_restored: int = 0
    predictions_present: int = 0


def _restore_predictions(
    client: LabelStudio, url: str, match: TaskMatch, counts: _Counts
) -> list[Mapping[str, Any]]:
    """Create the exported predictions the server's task lacks; the task's
    predictions afterwards."""
    task_id = int(match.server["id"])
    on_server = list(match.server.get("predictions") or [])
    exported = list(match.exported.get("predictions") or [])
    missing = missing_predictions(exported, on_server)
    for prediction in missing:
        request = prediction_to_request(prediction, task_id)
        action = f"restoring prediction {prediction.get('id')} of doc {match.doc_id}"
        with api_call(url, f"{action} (task {task_id})"):
            made = client.predictions.create(**request)
        on_server.append({**request, "id": int(made.id)})
    counts.predictions_restored += len(missing)
    counts.predictions_present += len(exported) - len(missing)
    return on_server


def _restore_task(
    client: LabelStudio,
    url: str,
    project_id: int,
    match: TaskMatch,
    authors: Mapping[int | None, MappedAccount],
    counts: _Counts,
) -> None:
    """Restore the predictions of one exported task, then its annotations,
    oldest first (a duplicate after the annotation it copies)."""
    task_id = int(match.server["id"])
    predictions = _restore_predictions(client, url, match, counts)
    on_server = list(match.server.get("annotations") or [])
    server_ids: dict[Any, int] = {}  # exported annotation id -> its annotation here
    for annotation in sorted(match.exported.get("annotations") or [], key=_by_id):
        found = find_restored(annotation, on_server)
        if found is None:
            request = annotation_to_request(
                annotation,
                author=authors[annotator_id(annotation.get("completed_by"))].new_id,
                parent_annotation=server_ids.get(annotation.get("parent_annotation")),
                parent_prediction=parent_prediction_of(
                    annotation, match.exported.get("predictions") or [], predictions
                ),
            )
            action = f"restoring annotation {annotation.get('id')} of doc {match.doc_id}"
            with api_call(url, f"{action} (task {task_id})"):
                made = client.annotations.create(task_id, project=project_id, **request)
            found = {"id": int(made.id), "import_id": request["import_id"]}
            on_server.append(found)
            counts.restored += 1
        else:
            counts.present += 1
        server_ids[annotation.get("id")] = int(found["id"])


def restore_project(
    client: LabelStudio,
    url: str,
    exports: Sequence[Path],
    *,
    title: str = PROJECT_TITLE,
    tasks: Sequence[Mapping[str, Any]] | None = None,
    reviewers: ReviewerList | None = None,
    withheld: Mapping[str, str] | None = None,
    progress: bool = False,
) -> RestoreReport:
    """Restore every annotation of `exports` into project `title` on `url`.

    `tasks`: what `studio sync` imports when the project is missing (None:
    `annotation/tasks.json`); `reviewers`: the reviewers of the server the
    exports came from (None: `annotation/reviewers.yaml`); `withheld`: withheld
    doc_id -> the doc_id released instead (None: from the seeds). Raises A170/
    A171 (see `read_exports`) before anything is sent, LockError L001 while a
    sync or restore of the project runs; unplaceable annotations are the
    report's `problems`."""
    from nkcorpus.annotation.studio.queue import withheld_documents
    from nkcorpus.annotation.studio.tasks_file import default_tasks_path, read_tasks

    exported = read_exports(exports)
    reviewers = load_reviewers() if reviewers is None else reviewers
    withheld = withheld_documents() if withheld is None else withheld
    project_id, synced = find_project(client, url, title), None
    if project_id is None:
        tasks = read_tasks(default_tasks_path()) if tasks is None else tasks
        synced = sync_project(client, url, tasks, title=title, progress=progress, withheld=withheld)
        project_id = synced.project_id
    with project_lock(url, title):
        matching = exports_to_matching(exported, fetch_export(client, url, project_id), withheld)
        annotations = [a for m in matching.matched for a in m.exported.get("annotations") or []]
        server = server_accounts(client, url)
        accounts = map_accounts(client, url, annotations_to_authors(annotations), reviewers, server)
        counts = _Counts()
        ordered = sorted(matching.matched, key=lambda m: m.doc_id)
        for match in tqdm(ordered, unit="task", desc="restoring", disable=not progress):
            _restore_task(client, url, project_id, match, accounts, counts)
    here, notes = reviewers_on_server(reviewers, accounts, server)
    return RestoreReport(
        url=url,
        title=title,
        project_id=project_id,
        synced=synced,
        tasks=sum(1 for m in matching.matched if m.exported.get("annotations")),
        empty=matching.empty,
        restored=counts.restored,
        present=counts.present,
        predictions_restored=counts.predictions_restored,
        predictions_present=counts.predictions_present,
        accounts=tuple(accounts.values()),
        listed=reviewers,
        reviewers=here,
        notes=matching.notes + notes,
        problems=matching.problems,
    )


def restore(
    exports: Sequence[Path] | None = None,
    url: str | None = None,
    api_key: str | None = None,
    data_dir: Path | None = None,
    *,
    progress: bool = True,
    update_reviewers: bool = False,
) -> RestoreReport:
    """Connect (see `sync.sync` for where URL and key come from) and restore
    `exports` (None: every committed export); with `update_reviewers`, rewrite
    annotation/reviewers.yaml with the reviewers' ids on this server."""
    from nkcorpus.paths import default_exports

    if exports is None:
        try:
            exports = default_exports()
        except FileNotFoundError as exc:
            raise StudioError("A171", f"{exc}; pass --export PATH") from exc
    url = resolve_url(url)
    key, _ = resolve_api_key(api_key, data_dir)
    report = restore_project(connect(url, key), url, exports, progress=progress)
    if not update_reviewers:
        return report
    path = reviewers_path()
    write_reviewers(path, report.reviewers)
    return replace(report, reviewers_written=path)
