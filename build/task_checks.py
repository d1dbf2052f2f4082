"""Validation of one task as a pure function over a batch, so that
`nkcorpus.build.validate.validate_exports` can run it on several processes.

`check_tasks` checks each task of a batch against the schema alone: its
`data` (B150), its annotations' shape, gold selection and every region and
relation of a kept annotation (`nkcorpus.build.validate.check_annotations`).
What needs the corpus or the other tasks (an unknown doc id, a stale text, a
doc id given twice, moving a stale task's spans) is left to the caller, which
gets what it needs for that: the doc id, the task's `text_sha256` field and the
sha256 of its text. A task is read in the worker from its place in its export
(`nkcorpus.build.task_places`), so a batch is small to send.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nkcorpus.build.checks import Checker
from nkcorpus.build.exports import ExportTask
from nkcorpus.build.report import GoldDocument, Problem, Unreviewed
from nkcorpus.corpus.documents import text_sha256
from nkcorpus.schema.model import LabelSchema


@dataclass
class TaskFindings:
    """What checking one task's annotations found (`validate.check_annotations`)."""

    problems: list[Problem] = field(default_factory=list)
    gold: GoldDocument | None = None
    unreviewed: Unreviewed | None = None
    annotations: list[dict[str, Any]] = field(default_factory=list)
    reanchored: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedTask:
    """One task after `check_tasks`: where it is, what the caller's corpus
    checks need, and its findings (None when `data.doc_id` or `data.text` is
    not a string: B150, nothing more is checked)."""

    task_id: int
    file: str
    doc_id: object  # data.doc_id as given
    text_sha256: object  # data.text_sha256 as given
    text_hash: str | None  # sha256 of data.text, when a string
    found: TaskFindings | None

    @property
    def where(self) -> dict[str, Any]:
        shown = self.doc_id if isinstance(self.doc_id, str) else None
        return {"file": self.file, "task_id": self.task_id, "doc_id": shown}


Batch = tuple[Sequence[ExportTask], LabelSchema, frozenset[int]]


def check_tasks(batch: Batch) -> list[CheckedTask]:
    """`check_task` of every task of `(tasks, schema, reviewers)`, in order."""
    tasks, schema, reviewers = batch
    return [check_task(item, schema, reviewers) for item in tasks]


def check_task(item: ExportTask, schema: LabelSchema, reviewers: frozenset[int]) -> CheckedTask:
    """The schema's checks of one task, as if its text were current."""
    from nkcorpus.build.validate import check_annotations

    data = item.data
    doc_id, text = data.get("doc_id"), data.get("text")
    usable = isinstance(doc_id, str) and isinstance(text, str)
    found = None
    if usable:
        found = TaskFindings()
        where = {"file": str(item.source), "task_id": item.task_id, "doc_id": doc_id}
        check_annotations(item, where, Checker(schema, found.problems), found, reviewers)
    return CheckedTask(
        task_id=item.task_id,
        file=str(item.source),
        doc_id=doc_id,
        text_sha256=data.get("text_sha256"),
        text_hash=text_sha256(text) if isinstance(text, str) else None,
        found=found,
    )
