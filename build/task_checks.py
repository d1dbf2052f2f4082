"""Validation of one task as a pure function over a batch, so that
`nkcorpus.build.validate.validate_exports` can run it on several processes.

`check_tasks` checks each task of a batch against the schema alone: its
`data` (B150), its annotations' shape, gold selection and every region and
relation of a kept annotation (`check_annotations`).
What needs the corpus or the other tasks (an unknown doc id, a stale text, a
doc id given twice, moving a stale task's spans) is left to the caller, which
gets what it needs for that: the doc id, the task's `text_sha256` field and the
sha256 of its text. A task is read in the worker from its place in its export
(`nkcorpus.build.task_places`), so a batch is small to send.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nkcorpus.annotation.agreement.inputs import TaskAgreement, task_to_agreement
from nkcorpus.annotation.score import PrelabelTask, task_to_prelabel
from nkcorpus.build.annotation_checks import annotations_well_formed
from nkcorpus.build.baseline_predictions import PredictedTask, task_to_prediction
from nkcorpus.build.checks import Checker
from nkcorpus.build.exports import ExportTask
from nkcorpus.build.gold import ACCEPTED, annotator_id, split_annotations
from nkcorpus.build.guideline_checks import guideline_problems
from nkcorpus.build.layout import layout_problems
from nkcorpus.build.reanchor import reanchor_spans, relations_after_reanchor
from nkcorpus.build.regions import result_to_spans
from nkcorpus.build.report import GoldDocument, Problem, Unreviewed
from nkcorpus.build.result_checks import result_to_problems
from nkcorpus.build.task_memo import TaskMemo, memo_key
from nkcorpus.corpus.documents import text_sha256
from nkcorpus.errors import NkError
from nkcorpus.schema.model import LabelSchema


@dataclass
class TaskFindings:
    """What checking one task's annotations found (`check_annotations`)."""

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
    extras: TaskExtras | None = None  # with `extras`: the later readers' parts

    @property
    def where(self) -> dict[str, Any]:
        shown = self.doc_id if isinstance(self.doc_id, str) else None
        return {"file": self.file, "task_id": self.task_id, "doc_id": shown}


@dataclass(frozen=True)
class TaskExtras:
    """What the build's later readers take from one task, made with its checks
    so that it is read and parsed once: the baseline's prediction on its own
    text (`task_to_prediction`), its agreement part (`task_to_agreement`, None
    without a string doc id and text) and its pre-annotation scores
    (`task_to_prelabel`)."""

    prediction: PredictedTask | None
    agreement: TaskAgreement | None
    prelabel: PrelabelTask


Batch = tuple[Sequence[ExportTask], LabelSchema, frozenset[int], bool, "TaskMemo | None"]


def check_tasks(batch: Batch) -> list[CheckedTask]:
    """`check_task` of every task of `(tasks, schema, reviewers, extras, memo)`,
    in order; with a memo (`nkcorpus.build.task_memo`), each result of a task
    read from its place in an export is stored there."""
    tasks, schema, reviewers, extras, memo = batch
    out = []
    for item in tasks:
        checked = check_task(item, schema, reviewers, extras)
        if memo is not None and item.place is not None:
            memo.store(memo_key(item.place, schema, reviewers, extras), checked, item.source)
        out.append(checked)
    return out


def check_task(
    item: ExportTask, schema: LabelSchema, reviewers: frozenset[int], extras: bool = False
) -> CheckedTask:
    """The schema's checks of one task, as if its text were current; with
    `extras`, also its `TaskExtras`."""
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
        extras=_extras(item, schema, reviewers, usable) if extras else None,
    )


def _extras(
    item: ExportTask, schema: LabelSchema, reviewers: frozenset[int], usable: bool
) -> TaskExtras | None:
    """None when making them raises: each reader then makes its part itself,
    after validation, and raises there as it always did."""
    try:
        return TaskExtras(
            prediction=task_to_prediction(item, schema),
            agreement=task_to_agreement(item, schema, reviewers, counted=True) if usable else None,
            prelabel=task_to_prelabel(item.task, reviewers),
        )
    except Exception:  # deferred to the reader, see above
        return None


def check_annotations(
    item: ExportTask,
    where: dict[str, Any],
    checker: Checker,
    found: TaskFindings,
    reviewers: frozenset[int],
    new_text: str | None = None,
) -> None:
    """Gold selection and region checks of one task, filling `found` (its
    problems are `checker`'s); with `new_text` (a stale task, --reanchor) its
    spans are first moved onto it."""
    if not annotations_well_formed(item.task, where, checker.problems):
        return
    try:
        split = split_annotations(item.task, source=item.source, reviewers=reviewers)
    except NkError as exc:
        checker.problems.append(Problem(code=exc.code, message=exc.message, **where))
        return
    if split.gold is None:
        found.unreviewed = Unreviewed(
            doc_id=where["doc_id"], task_id=item.task_id, file=str(item.source)
        )
        return
    text = item.data["text"]
    for annotation in [split.gold, *split.others]:
        at = {**where, "annotation_id": annotation.get("id")}
        shape = result_to_problems(annotation.get("result"))
        for problem in shape:
            checker.problems.append(
                Problem(
                    code=problem.code, message=problem.message, **at, region_id=problem.region_id
                )
            )
        if shape:
            continue  # its spans would be merged, renamed or coerced: nothing more to check
        raw_spans, raw_relations = result_to_spans(
            annotation.get("result") or [], text, checker.schema
        )
        if new_text is not None:
            raw_spans, raw_relations, notes = _reanchor(
                text, new_text, raw_spans, raw_relations, at
            )
            found.reanchored += notes
        spans = checker.spans(raw_spans, text if new_text is None else new_text, **at)
        labels = {s["id"]: s["label"] for s in raw_spans}
        relations = checker.relations(raw_relations, labels, **at)
        is_gold = annotation is split.gold
        if is_gold:
            current = text if new_text is None else new_text
            layout_problems(spans, current, at, checker.problems)
            guideline_problems(
                spans, relations, current, at, checker.problems, found.warnings,
                accepted=split.rule == ACCEPTED,
            )  # fmt: skip
            found.gold = GoldDocument(
                doc_id=where["doc_id"],
                task_id=item.task_id,
                file=str(item.source),
                spans=spans,
                relations=relations,
                rule=split.rule,
            )
        row = {
            "doc_id": where["doc_id"],
            "task_id": item.task_id,
            "annotation_id": at["annotation_id"],
            "annotator_id": annotator_id(annotation.get("completed_by")),
            "is_gold": is_gold,
            "updated_at": annotation.get("updated_at"),
            "spans": spans,
            "relations": relations,
        }
        try:
            model = checker.models.annotation.model_validate(row)
        except ValidationError as exc:
            problem = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
            message = f"malformed annotation ({problem}); re-pull with `nkcorpus studio pull`"
            checker.problems.append(Problem(code="B135", message=message, **where))
            continue
        dumped = model.model_dump(mode="json")
        gold = found.gold if is_gold else None
        if gold is not None and (dumped["spans"], dumped["relations"]) == (
            gold.spans,
            gold.relations,
        ):  # one copy of the gold's spans, shared by the report's gold and its row
            found.gold = gold.model_copy(
                update={"spans": dumped["spans"], "relations": dumped["relations"]}
            )
        found.annotations.append(dumped)


def _reanchor(
    old_text: str,
    new_text: str,
    spans: list[dict[str, Any]],
    relations: list[dict[str, Any]],
    at: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Move one stale annotation's spans onto the current text; notes name every change."""
    moved = reanchor_spans(old_text, new_text, spans)
    kept_relations, lost_relations = relations_after_reanchor(relations, moved.kept_ids)
    prefix = (
        f"{at['file']}, task {at['task_id']} (doc {at['doc_id']}), annotation {at['annotation_id']}"
    )
    notes = [
        f"{prefix}, region {m.span_id}: moved [{m.old_start}, {m.old_end}) -> "
        f"[{m.new_start}, {m.new_end})"
        for m in moved.moved
    ]
    notes += [
        f"{prefix}, region {d.span_id}: dropped {d.text!r} at {d.old_start} ({d.reason})"
        for d in moved.dropped
    ]
    notes += [
        f"{prefix}: dropped relation {r['type']} {r['head']} -> {r['tail']} (an end was dropped)"
        for r in lost_relations
    ]
    return moved.spans, kept_relations, notes
