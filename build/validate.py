"""Validate Label Studio exports against the schema and the cleaned corpus.

`validate_exports` reads and merges the exports, picks each task's gold
annotation and checks, collecting every problem rather than stopping at the
first: file and task shape, doc ids (unknown, repeated, stale text), and, for
every kept annotation of a reviewed task, each region and relation. Spans and
relations are checked with the pydantic row models of the release
(`schema_to_record_models`), plus what a model cannot see: offsets against the
text, an attribute set on another label's region, relation endpoints and the
(head label, tail label) pair a relation type allows.

Each task is checked against the schema by `nkcorpus.build.task_checks`, in
batches on worker processes; here its results are put together in task order
with what needs the corpus or the other tasks (B150-B153, and a stale task's
spans moved onto the current text with --reanchor).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path

from nkcorpus.build.checks import Checker
from nkcorpus.build.copies import MergedExports, read_merged_once
from nkcorpus.build.exports import ExportTask
from nkcorpus.build.report import GoldDocument, Problem, Unreviewed, ValidationReport
from nkcorpus.build.spill import SpillDict, SpillList
from nkcorpus.build.task_checks import CheckedTask, TaskFindings, check_annotations, check_tasks
from nkcorpus.build.task_memo import TaskMemo, memo_key
from nkcorpus.corpus.documents import CleanDocument, text_sha256
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


def _remembered(
    tasks: Sequence[ExportTask],
    memo: TaskMemo | None,
    schema: LabelSchema,
    reviewers: frozenset[int],
    extras: bool,
) -> list[str | None]:
    """Each task's memo key when `memo` has an entry for it, else None: checked
    by the workers. The entries are loaded one at a time as the tasks are put
    together (`_recall`), not here: held together they would grow with the corpus."""
    if memo is None:
        return [None] * len(tasks)
    keys: list[str | None] = []
    for item in tasks:
        key = None if item.place is None else memo_key(item.place, schema, reviewers, extras)
        keys.append(key if key is not None and memo.has(key) else None)
    return keys


def _recall(
    item: ExportTask,
    key: str,
    memo: TaskMemo,
    schema: LabelSchema,
    reviewers: frozenset[int],
    extras: bool,
) -> CheckedTask:
    """The task's remembered `CheckedTask`; an entry that cannot be loaded
    (damaged, foreign) is checked here instead, and written again."""
    found = memo.load(key, item.source)
    if isinstance(found, CheckedTask):
        memo.reused += 1
        return found
    return check_tasks(([item], schema, reviewers, extras, memo))[0]


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
    extras: bool = False,
    memo: TaskMemo | None = None,
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
    With `extras` (and `merged`), each task's `task_checks.TaskExtras` is made
    too and kept in `merged.checked`, for the baseline, agreement and the
    pre-annotation report. With `memo` (`nkcorpus.build.task_memo`), a task
    whose bytes were checked before under the same inputs and code is not
    checked again (`memo.reused` counts them), and each task checked is stored.
    """
    if documents is None:
        from nkcorpus.corpus.documents import load_documents

        documents = load_documents(processes=processes)
    schema = load_schema() if schema is None else schema
    if reviewers is None:
        from nkcorpus.annotation.reviewers import load_reviewers

        reviewers = load_reviewers().ids
    files = [Path(p) for p in paths]
    keep = merged is not None  # the caller reads `merged` again
    if merged is None:
        merged = read_merged_once(files)
    problems, tasks = list(merged.problems), merged.tasks
    if extras and keep:
        merged.checked.clear()
    corpus = {d.doc_id: d for d in documents}
    seen: dict[str, tuple[int, str]] = {}  # doc_id -> its first task's id and file
    report = TaskFindings()
    gold: SpillDict[str, GoldDocument] = SpillDict()  # on disk: `nkcorpus.build.spill`
    annotations: SpillList[dict] = SpillList()
    unreviewed: list[Unreviewed] = []
    keys = _remembered(tasks, memo, schema, reviewers, extras and keep)
    missing = [item for item, key in zip(tasks, keys, strict=True) if key is None]
    batches = (
        (missing[i : i + BATCH_TASKS], schema, reviewers, extras and keep, memo)
        for i in range(0, len(missing), BATCH_TASKS)
    )
    made = chain.from_iterable(runner(check_tasks, batches, processes))
    results = (
        next(made)
        if key is None or memo is None
        else _recall(item, key, memo, schema, reviewers, extras and keep)
        for item, key in zip(tasks, keys, strict=True)
    )
    for item, checked in zip(tasks, results, strict=True):
        if extras and keep:
            merged.checked.append(checked)
        problem = _corpus_problem(checked, corpus, reanchor)
        if problem is not None:
            problems.append(problem)
        found, doc_id = checked.found, checked.doc_id
        if found is None or not isinstance(doc_id, str):
            continue
        if doc_id in seen:
            first_id, first_file = seen[doc_id]
            problems.append(
                Problem(
                    code="B152",
                    message=f"doc_id {doc_id!r} is also task "
                    f"{first_id} of {first_file}; delete one task",
                    **checked.where,
                )
            )
            continue
        seen[doc_id] = (checked.task_id, checked.file)  # not the whole check: its memory
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
        annotations.extend(found.annotations)
        report.reanchored += found.reanchored
        report.warnings += found.warnings
    return ValidationReport.model_construct(  # built here: nothing to check
        files=[str(f) for f in files],
        tasks=len(tasks),
        problems=problems,
        reviewers=sorted(reviewers),
        gold=gold,
        unreviewed=unreviewed,
        annotations=annotations,
        reanchored=report.reanchored,
        warnings=report.warnings,
    )
