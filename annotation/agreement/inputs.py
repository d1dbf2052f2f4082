"""The annotations agreement measures, read from exports the build's way.

Exports are read by the build's streaming reader and merged by task id, as
`validate` does (`nkcorpus.build.copies.read_merged`: B10x/B11x), gold is
told apart by the build's rule (`nkcorpus.build.gold.split_annotations`,
B12x), and every annotation that is measured is checked by the build's
region and relation checks
(`result_to_problems`, `result_to_spans`, `Checker`: B13x/B14x). Any problem
refuses the whole input with B100, listing each problem located like
`nkcorpus validate` does.

Not `validate_exports`: it returns the annotations of reviewed tasks only,
while agreement matters most before review; and it needs the cleaned corpus,
while agreement is measured on the text each task carries.

An annotation is an annotator's when it is submitted (not cancelled) and its
author (`completed_by`) is known and is not a reviewer
(`annotation/reviewers.yaml`): a reviewer's accepted gold copy, and any other
reviewer's annotation, never counts; a gold that is only starred and whose
author is no reviewer (how v1.0.0 was marked) is that author's annotation.
Predictions are never read. An annotator
with several annotations of one task counts once, by the newest
(`updated_at`, then the larger id). A task is measured when two or more
annotators remain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nkcorpus.build.annotation_checks import annotations_well_formed
from nkcorpus.build.checks import Checker
from nkcorpus.build.copies import MergedExports, read_merged_once
from nkcorpus.build.exports import ExportTask, parse_timestamp
from nkcorpus.build.gold import annotator_id, split_annotations
from nkcorpus.build.regions import result_to_spans
from nkcorpus.build.report import Problem, ValidationReport
from nkcorpus.build.result_checks import result_to_problems
from nkcorpus.errors import NkError
from nkcorpus.schema.model import LabelSchema

if TYPE_CHECKING:
    from nkcorpus.annotation.agreement.figures import DocumentCounts


@dataclass(frozen=True)
class Coded:
    """One annotator's validated spans and relations of one task."""

    annotation_id: int
    annotator_id: int
    spans: tuple[dict[str, Any], ...]
    relations: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class AgreementTask:
    """A task with two or more annotators, their annotations by user id."""

    doc_id: str
    task_id: int
    file: str
    text: str
    annotations: tuple[Coded, ...]

    @property
    def annotators(self) -> tuple[int, ...]:
        return tuple(a.annotator_id for a in self.annotations)


@dataclass
class AgreementInput:
    """The measured tasks (sorted by doc_id) and what was left out, counted."""

    files: list[str]
    tasks: int
    measured: list[AgreementTask] = field(default_factory=list)
    fewer_than_two: int = 0  # tasks with 0 or 1 annotator left
    reviewer_annotations: int = 0  # excluded: authored by a reviewer (the gold copy among them)
    without_author: int = 0  # excluded: no readable `completed_by`
    superseded: int = 0  # excluded: an older annotation of the same annotator and task
    reviewers: list[int] = field(default_factory=list)
    # (doc_id, task_id) -> a measured task's counts, where validation's workers made them
    counted: dict[tuple[str, int], DocumentCounts] = field(default_factory=dict)


def read_agreement_input(
    paths: Iterable[Path | str],
    schema: LabelSchema,
    reviewers: frozenset[int],
    doc_ids: frozenset[str] | None = None,
    merged: MergedExports | None = None,
) -> AgreementInput:
    """The tasks with two or more annotators (of `doc_ids` only, when given);
    raises ValidationFailed (B100) listing every problem of the exports' tasks
    or of a measured annotation. Each task's part is `task_to_agreement`,
    taken from `merged.checked` when validation made it there."""
    files = [Path(p) for p in paths]
    if merged is None:
        merged = read_merged_once(files)
    problems, tasks = list(merged.problems), merged.tasks
    found = AgreementInput(files=[str(f) for f in files], tasks=len(tasks))
    found.reviewers = sorted(reviewers)
    seen: dict[str, int] = {}
    for item, checked in zip(tasks, merged.checked_or_none(), strict=True):
        if checked is not None:
            doc_id, usable = checked.doc_id, checked.text_hash is not None
        else:
            doc_id, usable = item.data.get("doc_id"), isinstance(item.data.get("text"), str)
        if doc_ids is not None and doc_id not in doc_ids:
            continue
        where = {"file": str(item.source), "task_id": item.task_id}
        if not isinstance(doc_id, str) or not usable:
            message = (
                f"data.doc_id ({str(doc_id)[:60]!r}) or data.text is missing or not a string; "
                "import tasks with `nkcorpus studio sync`"
            )
            problems.append(Problem(code="B150", message=message, **where))
            continue
        if doc_id in seen:
            message = f"doc_id {doc_id!r} is also task {seen[doc_id]}; delete one task"
            problems.append(Problem(code="B152", message=message, **where, doc_id=doc_id))
            continue
        seen[doc_id] = item.task_id
        extras = checked.extras if checked is not None else None
        part = extras.agreement if extras is not None else None
        if part is None:
            part = task_to_agreement(item, schema, reviewers)
        problems += part.problems
        found.fewer_than_two += part.fewer_than_two
        found.reviewer_annotations += part.reviewer_annotations
        found.without_author += part.without_author
        found.superseded += part.superseded
        if part.measured is not None:
            found.measured.append(part.measured)
            if part.counts is not None:
                found.counted[(doc_id, item.task_id)] = part.counts
    ValidationReport(
        files=found.files, tasks=len(tasks), problems=problems, gold={}, unreviewed=[],
        annotations=[],
    ).raise_for_problems()  # fmt: skip
    found.measured.sort(key=lambda t: (t.doc_id, t.task_id))
    return found


@dataclass
class TaskAgreement:
    """What one task gives agreement (`task_to_agreement`): its problems, what
    it leaves out, counted, and the task measured, if any."""

    problems: list[Problem] = field(default_factory=list)
    measured: AgreementTask | None = None
    fewer_than_two: int = 0
    reviewer_annotations: int = 0
    without_author: int = 0
    superseded: int = 0
    counts: DocumentCounts | None = None  # of `measured`, when asked for


def task_to_agreement(
    item: ExportTask, schema: LabelSchema, reviewers: frozenset[int], counted: bool = False
) -> TaskAgreement:
    """One task's annotators' annotations, checked (its `data.doc_id` and
    `data.text` are strings; the doc id checks against other tasks are the
    caller's), and with `counted` the measured task's counts (`figures.
    document_counts`). A pure function of the task: validation makes it on its
    workers."""
    out = TaskAgreement()
    doc_id, text = item.data["doc_id"], item.data["text"]
    where = {"file": str(item.source), "task_id": item.task_id, "doc_id": doc_id}
    if not annotations_well_formed(item.task, where, out.problems):
        return out
    try:
        split = split_annotations(item.task, source=item.source, reviewers=reviewers)
    except NkError as exc:
        out.problems.append(Problem(code=exc.code, message=exc.message, **where))
        return out
    kept = _annotator_annotations([a for a in (split.gold, *split.others) if a], reviewers, out)
    if len(kept) < 2:
        out.fewer_than_two += 1
        return out
    checker = Checker(schema, out.problems)
    coded = [_coded(a, text, checker, where) for a in kept]
    if any(c is None for c in coded):
        return out
    out.measured = AgreementTask(doc_id, item.task_id, str(item.source), text, tuple(coded))  # type: ignore[arg-type]
    if counted:
        from nkcorpus.annotation.agreement.figures import document_counts

        out.counts = document_counts(out.measured, schema)
    return out


def _annotator_annotations(
    annotations: list[dict[str, Any]], reviewers: frozenset[int], found: TaskAgreement
) -> list[dict[str, Any]]:
    """One annotation per annotator (the newest), reviewers' and authorless ones left out."""
    newest: dict[int, dict[str, Any]] = {}
    for annotation in annotations:
        author = annotator_id(annotation.get("completed_by"))
        if author is None:
            found.without_author += 1
            continue
        if author in reviewers:
            found.reviewer_annotations += 1
            continue
        if author in newest:
            found.superseded += 1
            if _recency(annotation) < _recency(newest[author]):
                continue
        newest[author] = annotation
    return [newest[author] for author in sorted(newest)]


def _recency(annotation: Mapping[str, Any]) -> tuple[Any, int]:
    where = f"annotation {annotation.get('id')}"
    return parse_timestamp(annotation.get("updated_at"), where=where), int(annotation["id"])


def _coded(
    annotation: Mapping[str, Any], text: str, checker: Checker, where: Mapping[str, Any]
) -> Coded | None:
    """The validated spans and relations of one annotation; None after a problem."""
    count = len(checker.problems)
    at = {**where, "annotation_id": annotation.get("id")}
    for problem in result_to_problems(annotation.get("result")):
        checker.problems.append(
            Problem(code=problem.code, message=problem.message, region_id=problem.region_id, **at)
        )
    if len(checker.problems) > count:
        return None
    raw_spans, raw_relations = result_to_spans(annotation.get("result") or [], text, checker.schema)
    spans = checker.spans(raw_spans, text, **at)
    relations = checker.relations(raw_relations, {s["id"]: s["label"] for s in raw_spans}, **at)
    if len(checker.problems) > count:
        return None
    author = annotator_id(annotation.get("completed_by"))
    return Coded(int(annotation["id"]), int(author or 0), tuple(spans), tuple(relations))
