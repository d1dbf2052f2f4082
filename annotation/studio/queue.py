"""What Label Studio serves annotators: overlap, and no withheld documents.

- **Overlap.** *Label All Tasks* serves a task to `maximum_annotations`
  distinct annotators before the task counts as done (Label Studio marks it
  `is_labeled` then, and its queue skips tasks a user annotated already).
  That holds for the share `overlap_cohort_percentage` of the tasks, the rest
  getting one annotator, so sync keeps it at 100: every task is overlapped.
  A new project gets `DEFAULT_ANNOTATORS`; an existing one keeps its number
  unless sync is told another.
- **Withheld documents.** Of each near-duplicate group only the longest copy
  is released (`nkcorpus.corpus.release`); the others need no annotation, so
  sync never imports them and takes an imported one out of the project while
  nobody has worked on it (no annotation, skip or draft). A withheld task
  that holds work is kept and reported: deleting it would lose that work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import api_call
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.release import select_released
from nkcorpus.errors import StudioError

DEFAULT_ANNOTATORS = 2
FULL_COHORT = 100  # percent of the tasks that get `maximum_annotations` annotators


@dataclass(frozen=True)
class Overlap:
    """The project's number of annotators per task after sync."""

    annotators: int
    changed: bool

    def describe(self) -> str:
        verb = "set to" if self.changed else "unchanged:"
        return (
            f"annotators per task {verb} {self.annotators} (Label All Tasks serves each task "
            f"to {self.annotators} distinct annotator(s) before it counts as done)"
        )


@dataclass(frozen=True)
class WithheldDoc:
    """A document the release withholds, and what sync did with it."""

    doc_id: str
    released: str  # the doc_id released instead
    in_tasks_file: bool
    deleted: tuple[int, ...] = ()  # tasks taken out of the project
    kept: tuple[tuple[int, str], ...] = ()  # (task id, the work it holds)

    @property
    def why(self) -> str:
        return (
            f"a near-duplicate of {self.released}, the longest copy of its group, which is "
            "released instead"
        )

    def describe(self) -> str:
        done = ["not imported, so not served to annotators"] if self.in_tasks_file else []
        done += [f"task #{t} deleted (nobody had worked on it)" for t in self.deleted]
        done += [
            f"task #{t} still in the project: it holds {w} (see the warning)" for t, w in self.kept
        ]
        return f"withheld {self.doc_id}: {self.why}; {'; '.join(done)}"

    def warnings(self) -> list[str]:
        return [
            f"withheld {self.doc_id} ({self.why}) is task #{task} in the project with {work}, "
            "so it was not deleted and annotators may still be served it. Its annotations are "
            "never released. To take it out of the queue: `nkcorpus studio pull` (the export "
            f"keeps that work), then delete task #{task} in Label Studio (Data Manager: tick "
            "it, Actions > Delete tasks) and run `nkcorpus studio sync` again."
            for task, work in self.kept
        ]


def check_annotators(annotators: int | None) -> None:
    """A125 unless `annotators` is None (keep) or at least 1."""
    if annotators is not None and (isinstance(annotators, bool) or annotators < 1):
        raise StudioError(
            "A125",
            f"annotators per task must be at least 1, got {annotators!r}; pass "
            f"--annotators 1 or more (default for a new project: {DEFAULT_ANNOTATORS}).",
        )


def apply_overlap(
    client: LabelStudio, url: str, project_id: int, annotators: int | None
) -> Overlap:
    """Set the project's annotators per task to `annotators` (None: keep its
    number) over the whole cohort."""
    check_annotators(annotators)
    with api_call(url, "reading the project's overlap"):
        project = client.projects.get(project_id)
    current = int(project.maximum_annotations or 1)
    wanted = current if annotators is None else annotators
    if current == wanted and project.overlap_cohort_percentage == FULL_COHORT:
        return Overlap(current, changed=False)
    with api_call(url, f"setting {wanted} annotators per task"):
        client.projects.update(
            project_id, maximum_annotations=wanted, overlap_cohort_percentage=FULL_COHORT
        )
    return Overlap(wanted, changed=True)


def withheld_documents(seeds_dir: Path | None = None) -> dict[str, str]:
    """Withheld doc_id -> the doc_id released instead, from the cleaned seeds."""
    return select_released(load_documents(seeds_dir)).withheld


def split_withheld(
    tasks: Sequence[Mapping[str, Any]], withheld: Mapping[str, str]
) -> tuple[list[Mapping[str, Any]], set[str]]:
    """The tasks to import, and the withheld doc_ids among `tasks`."""
    kept = [t for t in tasks if t["data"]["doc_id"] not in withheld]
    return kept, {t["data"]["doc_id"] for t in tasks if t["data"]["doc_id"] in withheld}


def _work(task: Any) -> str | None:
    """What work a task holds, or None."""
    parts = []
    if task.total_annotations:
        parts.append(f"{task.total_annotations} annotation(s)")
    if task.cancelled_annotations:
        parts.append(f"{task.cancelled_annotations} skip(s)")
    if task.draft_exists:
        parts.append("draft(s)")
    return " and ".join(parts) or None


def take_out_withheld(
    client: LabelStudio,
    url: str,
    project_id: int,
    existing: Iterable[tuple[int, Mapping[str, Any]]],
    withheld: Mapping[str, str],
    in_tasks_file: set[str],
) -> tuple[WithheldDoc, ...]:
    """Delete the project's withheld tasks that hold no work; every withheld
    document in the tasks file or the project, with what was done."""
    tasks_of: dict[str, list[int]] = {}
    for task_id, data in existing:
        if data.get("doc_id") in withheld:
            tasks_of.setdefault(str(data["doc_id"]), []).append(task_id)
    work: dict[int, str | None] = {}
    ids = sorted(t for ts in tasks_of.values() for t in ts)
    if ids:  # read just before deleting, so that work done since the listing counts
        query = json.dumps({"selectedItems": {"all": False, "included": ids}})
        fields = "id,total_annotations,cancelled_annotations,draft_exists"
        with api_call(url, f"reading withheld tasks {ids}"):
            work = {
                int(t.id): _work(t)
                for t in client.tasks.list(
                    project=project_id, query=query, include=fields, page_size=100
                )
            }
    report = []
    for doc_id in sorted(in_tasks_file | set(tasks_of)):
        deleted, kept = [], []
        for task_id in sorted(tasks_of.get(doc_id, [])):
            held = work.get(task_id, "an unknown amount of work (it could not be read)")
            if held:
                kept.append((task_id, held))
                continue
            with api_call(url, f"deleting task #{task_id} of withheld document {doc_id}"):
                client.tasks.delete(str(task_id))
            deleted.append(task_id)
        report.append(
            WithheldDoc(
                doc_id, withheld[doc_id], doc_id in in_tasks_file, tuple(deleted), tuple(kept)
            )
        )
    return tuple(report)
