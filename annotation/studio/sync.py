"""`nkcorpus studio sync`: bring the Label Studio project up to date.

Creates the project if missing, updates its labeling config when the schema
changed (unless that would orphan existing annotations), sets the number of
annotators per task and the instructions shown on the labeling screen
(`queue`, `instructions`), shows the imported predictions to annotators,
imports the tasks not imported yet (in batches, `import_batches`), except
documents the release withholds
(an imported one is taken out of the project while nobody worked on it), and
keeps the Data Manager tab "Review queue" (`review_tab`).

One sync per project at a time (`locks.project_lock`): without it, two syncs
would both find a task missing and both import it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import (
    PROJECT_TITLE,
    api_call,
    connect,
    find_project,
    resolve_url,
)
from nkcorpus.annotation.studio.credentials import resolve_api_key
from nkcorpus.annotation.studio.import_batches import DEFAULT_LIMITS, import_tasks
from nkcorpus.annotation.studio.instructions import (
    project_instructions,
    read_guidelines,
    update_instructions,
)
from nkcorpus.annotation.studio.locks import project_lock
from nkcorpus.annotation.studio.orphans import find_orphans, orphans_message
from nkcorpus.annotation.studio.queue import (
    DEFAULT_ANNOTATORS,
    FULL_COHORT,
    Overlap,
    apply_overlap,
    check_annotators,
    split_withheld,
    take_out_withheld,
    withheld_documents,
)
from nkcorpus.annotation.studio.review_tab import ensure_review_tab
from nkcorpus.annotation.studio.snapshot import export_to_file
from nkcorpus.annotation.studio.sync_report import SyncReport
from nkcorpus.annotation.studio.tasks_file import (
    dominant_model_version,
    plan_import,
)
from nkcorpus.annotation.studio.tasks_stream import StreamedTasks, scan_tasks
from nkcorpus.build.export_reader import iter_export
from nkcorpus.errors import StudioError
from nkcorpus.schema.label_config import schema_to_label_config
from nkcorpus.schema.model import LabelSchema, load_schema

BATCH_SIZE = DEFAULT_LIMITS.tasks  # tasks per import request (`import_batches`)
_IDENTITY = frozenset({"doc_id", "text_sha256"})


@dataclass(frozen=True)
class _Target:
    """What the project should be like."""

    schema: LabelSchema
    config: str  # the labeling config generated from the schema
    instructions: str
    annotators: int | None  # None: keep the project's
    withheld: Mapping[str, str]  # withheld doc_id -> the doc_id released instead


def _update_config(
    client: LabelStudio, url: str, project_id: int, config: str, schema: LabelSchema
) -> bool:
    """Set the project's labeling config to `config`; False if it already is."""
    with api_call(url, "reading the project"):
        project = client.projects.get(project_id)
        current = (project.label_config or "").strip()
        has_tasks = bool(project.task_number)
    if current == config.strip():
        return False
    if has_tasks:
        with tempfile.TemporaryDirectory(prefix="nkcorpus-sync-") as folder:
            path = Path(folder) / "export.json"
            with path.open("wb") as handle:
                export_to_file(client, url, project_id, handle, drafts=True)
            orphans = find_orphans(iter_export(path), schema)  # one task in memory at a time
        if orphans:
            raise StudioError("A121", f"project {project_id} on {url}: {orphans_message(orphans)}")
    with api_call(url, "updating the labeling config"):
        client.projects.update(project_id, label_config=config)
    return True


def _show_predictions(
    client: LabelStudio, url: str, project_id: int, version: str | None
) -> str | None:
    """Let annotators see the predictions, preferably those of `version`;
    the model_version the project shows afterwards."""
    with api_call(url, "reading the project"):
        project = client.projects.get(project_id)
        if not project.show_collab_predictions:
            project = client.projects.update(project_id, show_collab_predictions=True)
    if version is None or project.model_version == version:
        return project.model_version or None
    try:
        with api_call(url, f"showing predictions of model_version {version!r}"):
            client.projects.update(project_id, model_version=version)
    except StudioError:  # no prediction of that version in the project yet
        return project.model_version or None
    return version


def sync_project(
    client: LabelStudio,
    url: str,
    tasks: Sequence[Mapping[str, Any]] | StreamedTasks | None,
    *,
    schema: LabelSchema | None = None,
    title: str = PROJECT_TITLE,
    batch_size: int = BATCH_SIZE,
    progress: bool = False,
    annotators: int | None = None,
    withheld: Mapping[str, str] | None = None,
    guidelines: str | None = None,
) -> SyncReport:
    """Bring project `title` on `url` up to date with `schema` (default: the
    packaged one) and `tasks` (from `read_tasks`, or `tasks_stream.scan_tasks`,
    which reads the file again for the tasks to import instead of holding it;
    None: project and config only).

    `annotators`: distinct annotators per task (None: keep the project's; a new
    project gets `queue.DEFAULT_ANNOTATORS`). `withheld`: withheld doc_id ->
    the doc_id released instead (None: from the repository's seeds). `guidelines`:
    the Markdown shown as instructions (None: `annotation/GUIDELINES.md`).

    Raises StudioError A121 instead of a config change that would orphan
    existing annotations, A125 for `annotators` below 1, and LockError L001
    while another sync of the project runs."""
    check_annotators(annotators)
    schema = load_schema() if schema is None else schema
    guidelines = read_guidelines() if guidelines is None else guidelines
    target = _Target(
        schema,
        schema_to_label_config(schema),
        project_instructions(schema, guidelines),
        annotators,
        withheld_documents() if withheld is None else withheld,
    )
    with project_lock(url, title) as interrupted:
        report = _sync_locked(client, url, tasks, title, target, batch_size, progress)
    if interrupted is None:
        return report
    return replace(report, interrupted=f"{interrupted}; this one completed it")


def _sync_locked(
    client: LabelStudio,
    url: str,
    tasks: Sequence[Mapping[str, Any]] | StreamedTasks | None,
    title: str,
    target: _Target,
    batch_size: int,
    progress: bool,
) -> SyncReport:
    project_id = find_project(client, url, title)
    created = project_id is None
    if project_id is None:
        with api_call(url, f"creating project {title!r}"):
            project = client.projects.create(
                title=title,
                label_config=target.config,
                show_collab_predictions=True,
                description="News articles about North Korean defectors and returnees.",
                maximum_annotations=target.annotators or DEFAULT_ANNOTATORS,
                overlap_cohort_percentage=FULL_COHORT,
                expert_instruction=target.instructions,
                show_instruction=True,
            )
        project_id = int(project.id)
        config_updated, instructions_updated = False, True
        overlap = Overlap(target.annotators or DEFAULT_ANNOTATORS, changed=True)
    else:
        config_updated = _update_config(client, url, project_id, target.config, target.schema)
        overlap = apply_overlap(client, url, project_id, target.annotators)
        instructions_updated = update_instructions(client, url, project_id, target.instructions)
    load = tasks.load if isinstance(tasks, StreamedTasks) else None
    listed = list(tasks.slim if isinstance(tasks, StreamedTasks) else tasks or [])
    to_import, withheld_in_file = split_withheld(listed, target.withheld)
    # include="id,data": 3x faster than fields="task_only" (10,000 tasks: ~25 s, not ~75 s)
    with api_call(url, "listing the project's tasks"):
        existing = [  # the identity of each task, not its text: memory stays small
            (int(t.id), {k: v for k, v in (t.data or {}).items() if k in _IDENTITY})
            for t in client.tasks.list(project=project_id, include="id,data", page_size=1000)
        ]
    taken_out = take_out_withheld(
        client, url, project_id, existing, target.withheld, withheld_in_file
    )
    plan = plan_import(to_import, existing)
    new = load(plan.new) if load is not None else plan.new
    limits = replace(DEFAULT_LIMITS, tasks=batch_size)
    imported = import_tasks(client, url, project_id, new, len(plan.new), limits, progress)
    version = _show_predictions(client, url, project_id, dominant_model_version(to_import))
    review_tab = ensure_review_tab(client, url, project_id, overlap.annotators)
    return SyncReport(
        url,
        title,
        project_id,
        created,
        config_updated,
        imported,
        plan.present,
        plan.changed,
        version,
        overlap=overlap,
        instructions_updated=instructions_updated,
        withheld=taken_out,
        review_tab=review_tab,
    )


def sync(
    tasks_path: Path | None,
    url: str | None = None,
    api_key: str | None = None,
    data_dir: Path | None = None,
    progress: bool = True,
    annotators: int | None = None,
) -> SyncReport:
    """Connect (URL from `url`/`$LABEL_STUDIO_URL`, key from `api_key`/
    `$LABEL_STUDIO_API_KEY`/the credentials of `data_dir`) and sync the tasks of
    `tasks_path` (None: project and config only), with `annotators` per task
    (None: keep the project's)."""
    check_annotators(annotators)
    tasks = None if tasks_path is None else scan_tasks(tasks_path)  # streamed: never whole
    url = resolve_url(url)
    key, _ = resolve_api_key(api_key, data_dir)
    return sync_project(connect(url, key), url, tasks, progress=progress, annotators=annotators)
