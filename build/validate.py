"""Validate Label Studio exports against the schema and the cleaned corpus.

`validate_exports` reads and merges the exports, picks each task's gold
annotation and checks, collecting every problem rather than stopping at the
first: file and task shape, doc ids (unknown, repeated, stale text), and, for
every kept annotation of a reviewed task, each region and relation. Spans and
relations are checked with the pydantic row models of the release
(`schema_to_record_models`), plus what a model cannot see: offsets against the
text, an attribute set on another label's region, relation endpoints and the
(head label, tail label) pair a relation type allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nkcorpus.build.annotation_checks import annotations_well_formed
from nkcorpus.build.checks import Checker
from nkcorpus.build.copies import MergedExports, read_merged_once
from nkcorpus.build.exports import ExportTask
from nkcorpus.build.gold import ACCEPTED, annotator_id, split_annotations
from nkcorpus.build.guideline_checks import guideline_problems
from nkcorpus.build.layout import layout_problems
from nkcorpus.build.reanchor import reanchor_spans, relations_after_reanchor
from nkcorpus.build.regions import result_to_spans
from nkcorpus.build.report import GoldDocument, Problem, Unreviewed, ValidationReport
from nkcorpus.build.result_checks import result_to_problems
from nkcorpus.build.task_checks import CheckedTask, TaskFindings, check_tasks
from nkcorpus.corpus.documents import CleanDocument, text_sha256
from nkcorpus.errors import NkError
from nkcorpus.ordered_pool import MapInOrder, map_in_order
from nkcorpus.schema.model import LabelSchema, load_schema

BATCH_TASKS = 32  # tasks per batch sent to a worker (each read there from its export)


def _corpus_problem(
    checked: CheckedTask, corpus: Mapping[str, CleanDocument], reanchor: bool
) -> Problem | None:
    """What the task's `data` gets wrong against the corpus: no usable doc id
    or text (B150), an unknown doc id (B151), a stale text (B153, unless
    `reanchor`: its spans are then moved onto the current text)."""
    where, doc_id = checked.where, checked.doc_id
    if checked.found is None:
        return Problem(
            code="B150",
            message=f"data.doc_id ({str(doc_id)[:60]!r}) or data.text is missing or not "
            "a string; import tasks with `nkcorpus studio sync`",
            **where,
        )
    document = corpus.get(doc_id)  # type: ignore[arg-type]
    if document is None:
        return Problem(
            code="B151",
            message=f"doc_id {doc_id!r} is not in the "
            "cleaned corpus; delete the task or restore its seed",
            **where,
        )
    if reanchor or (checked.text_sha256 == document.text_sha256 and not _stale(checked, document)):
        return None
    return Problem(
        code="B153",
        message=f"stale task: its text (sha256 "
        f"{str(checked.text_sha256)[:12]}…) differs from the current cleaned document "
        f"(sha256 {document.text_sha256[:12]}…); re-annotate the current text, or "
        "build with --reanchor to move its spans onto it",
        **where,
    )


def _stale(checked: CheckedTask, document: CleanDocument) -> bool:
    """Whether the task's text differs from the document's (hashed here: a
    document's `text_sha256` is not trusted to be its text's)."""
    return checked.text_hash != text_sha256(document.text)


def validate_exports(
    paths: Iterable[Path | str],
    documents: Sequence[CleanDocument] | None = None,
    schema: LabelSchema | None = None,
    reanchor: bool = False,
    reviewers: frozenset[int] | None = None,
    merged: MergedExports | None = None,
    *,
    processes: int = 1,
    runner: MapInOrder = map_in_order,
) -> ValidationReport:
    """Read, merge and check the exports; never raises for what it can report.

    `documents` defaults to the cleaned seeds (`load_documents()`), `schema`
    to `schema/labels.yaml`, `reviewers` (user ids whose acceptance makes an
    annotation gold, `nkcorpus.build.gold`) to `annotation/reviewers.yaml`.
    With `reanchor`, a stale task's spans are moved onto the current text
    (`nkcorpus.build.reanchor`) instead of being an error, and every moved or
    dropped span is listed in `report.reanchored`. `merged`: the exports at
    `paths` already read (`nkcorpus.build.copies.read_merged_once`).
    `processes`: how many processes check the tasks (`runner` maps the batches,
    `nkcorpus.ordered_pool.MapInOrder`); the report is the same whatever the number.
    """
    if documents is None:
        from nkcorpus.corpus.documents import load_documents

        documents = load_documents()
    schema = load_schema() if schema is None else schema
    if reviewers is None:
        from nkcorpus.annotation.reviewers import load_reviewers

        reviewers = load_reviewers().ids
    files = [Path(p) for p in paths]
    if merged is None:
        merged = read_merged_once(files)
    problems, tasks = list(merged.problems), merged.tasks
    corpus = {d.doc_id: d for d in documents}
    seen: dict[str, CheckedTask] = {}
    report = TaskFindings()
    gold: dict[str, GoldDocument] = {}
    unreviewed: list[Unreviewed] = []
    batches = (
        (tasks[i : i + BATCH_TASKS], schema, reviewers) for i in range(0, len(tasks), BATCH_TASKS)
    )
    results = chain.from_iterable(runner(check_tasks, batches, processes))
    for item, checked in zip(tasks, results, strict=True):
        problem = _corpus_problem(checked, corpus, reanchor)
        if problem is not None:
            problems.append(problem)
        found, doc_id = checked.found, checked.doc_id
        if found is None or not isinstance(doc_id, str):
            continue
        if doc_id in seen:
            first = seen[doc_id]
            problems.append(
                Problem(
                    code="B152",
                    message=f"doc_id {doc_id!r} is also task "
                    f"{first.task_id} of {first.file}; delete one task",
                    **checked.where,
                )
            )
            continue
        seen[doc_id] = checked
        current = corpus.get(doc_id)
        if reanchor and current is not None and _stale(checked, current):
            found = TaskFindings()  # a stale task: checked again, its spans moved
            checker = Checker(schema, found.problems)
            check_annotations(item, checked.where, checker, found, reviewers, current.text)
        problems += found.problems
        if found.gold is not None:
            gold[doc_id] = found.gold
        if found.unreviewed is not None:
            unreviewed.append(found.unreviewed)
        report.annotations += found.annotations
        report.reanchored += found.reanchored
        report.warnings += found.warnings
    return ValidationReport(
        files=[str(f) for f in files],
        tasks=len(tasks),
        problems=problems,
        reviewers=sorted(reviewers),
        gold=gold,
        unreviewed=unreviewed,
        annotations=report.annotations,
        reanchored=report.reanchored,
        warnings=report.warnings,
    )


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
        found.annotations.append(model.model_dump(mode="json"))


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
