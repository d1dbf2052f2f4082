"""How good the pre-annotation is: precision, recall and F1 per label between
predicted and gold regions, by exact match (same label, start and end) and by
overlap (same label, at least one shared character).

Gold is, in each task of a Label Studio full-JSON export, the annotation
marked `ground_truth` and not cancelled; tasks without one are skipped. The
scoring functions are pure; `prelabel_report` reads the export (through
`nkcorpus.build.exports.iter_export`, the one export reader).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.pipeline import build_nlp
from nkcorpus.annotation.prelabel.resolve import RESOLVED_KEY
from nkcorpus.build.exports import iter_export
from nkcorpus.build.gold import split_annotations
from nkcorpus.build.result_checks import result_to_problems
from nkcorpus.errors import NkError
from nkcorpus.schema.model import load_schema

ALL = "ALL"


class Region(NamedTuple):
    label: str
    start: int
    end: int


class PRF(BaseModel):
    """Precision, recall and F1 (0.0 where a denominator is 0) and their counts."""

    model_config = ConfigDict(frozen=True)

    precision: float
    recall: float
    f1: float
    matched_predicted: int
    matched_gold: int


class LabelScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    gold: int
    predicted: int
    exact: PRF
    overlap: PRF


class PrelabelReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    export: str
    tasks_scored: int
    tasks_skipped: int
    predictions: str  # "export" or "recomputed"
    scores: list[LabelScore]


_SHAPE_CODES = {"B136", "B139"}  # `nkcorpus.build.result_checks`: types and offsets


def result_to_regions(result: Iterable[Mapping[str, Any]]) -> list[Region]:
    """The labelled regions of a Label Studio result list (choices and
    relations are ignored), sorted and without repeats.

    >>> region = {"type": "labels", "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}
    >>> result_to_regions([region, {"type": "relation", "from_id": "a", "to_id": "b"}])
    [Region(label='PERSON', start=0, end=3)]
    """
    # Scoring compares (label, start, end): region ids do not matter, types do.
    problems = [p for p in result_to_problems(result) if p.code in _SHAPE_CODES]
    if problems:
        listed = "; ".join(f"[{p.code}] region {p.region_id}: {p.message}" for p in problems[:5])
        raise AnnotationError("A224", f"malformed result ({listed})")
    regions = set()
    for item in result:
        value = item.get("value") or {}
        if item.get("type") == "labels":
            labels = value.get("labels")
            for label in labels if isinstance(labels, list) else [labels]:
                regions.add(Region(str(label), value["start"], value["end"]))
    return sorted(regions, key=lambda r: (r.start, r.end, r.label))


def counts_to_prf(matched_predicted: int, predicted: int, matched_gold: int, gold: int) -> PRF:
    """Precision = matched predicted / predicted, recall = matched gold / gold.

    >>> counts_to_prf(1, 2, 1, 1).f1
    0.6667
    """
    precision = matched_predicted / predicted if predicted else 0.0
    recall = matched_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        matched_predicted=matched_predicted,
        matched_gold=matched_gold,
    )


def _overlapping(regions: Sequence[Region], others: Sequence[Region]) -> int:
    """How many of `regions` overlap at least one of `others` (all of one
    label): r overlaps o when `o.start < r.end and r.start < o.end`. Among the
    others that start before r ends (sorted by start, found by bisection), one
    reaches past r's start exactly when the largest end among them does."""
    if not regions or not others:
        return 0
    ordered = sorted(others, key=lambda o: o.start)
    starts = [o.start for o in ordered]
    reach = list(accumulate((o.end for o in ordered), max))
    count = 0
    for r in regions:
        before = bisect_left(starts, r.end)
        count += bool(before) and reach[before - 1] > r.start
    return count


def score_regions(
    gold: Sequence[Sequence[Region]],
    predicted: Sequence[Sequence[Region]],
    labels: Sequence[str],
) -> list[LabelScore]:
    """Scores per label and for ALL labels (micro), summed over tasks;
    `gold[i]` and `predicted[i]` are the regions of task i. Regions overlap
    only within a label, so ALL is the sum over every label found."""
    if len(gold) != len(predicted):
        raise AnnotationError("A223", f"{len(gold)} gold tasks but {len(predicted)} predicted")
    tally = {
        name: [0, 0, 0, 0, 0, 0] for name in [*labels, ALL]
    }  # n_g, n_p, ex_p, ex_g, ov_p, ov_g
    for gold_regions, predicted_regions in zip(gold, predicted, strict=True):
        by_label: dict[str, tuple[set[Region], set[Region]]] = {}
        for index, regions in enumerate((gold_regions, predicted_regions)):
            for region in regions:
                by_label.setdefault(region.label, (set(), set()))[index].add(region)
        for label, (g, p) in by_label.items():
            exact = len(g & p)
            counts = (len(g), len(p), exact, exact, _overlapping(p, g), _overlapping(g, p))
            for name in (label, ALL) if label in tally and label != ALL else (ALL,):
                row = tally[name]
                for i, n in enumerate(counts):
                    row[i] += n
    return [
        LabelScore(
            label=name,
            gold=n_g,
            predicted=n_p,
            exact=counts_to_prf(ex_p, n_p, ex_g, n_g),
            overlap=counts_to_prf(ov_p, n_p, ov_g, n_g),
        )
        for name, (n_g, n_p, ex_p, ex_g, ov_p, ov_g) in tally.items()
    ]


def task_to_gold(
    task: Mapping[str, Any], reviewers: frozenset[int] = frozenset()
) -> list[Region] | None:
    """The regions of the task's gold annotation, chosen exactly as the build
    chooses it (`nkcorpus.build.gold.split_annotations`: accepted by a reviewer,
    else starred; not cancelled); None when the task has none.

    >>> region = {"type": "labels", "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}
    >>> task_to_gold({"annotations": [{"ground_truth": True, "was_cancelled": False,
    ...                                "result": [region]}]})
    [Region(label='PERSON', start=0, end=3)]
    """
    gold = split_annotations(task, reviewers=reviewers).gold
    return result_to_regions(gold.get("result") or []) if gold is not None else None


def task_to_predicted(task: Mapping[str, Any]) -> list[Region]:
    """The regions of the task's last prediction in the export (none if absent).

    >>> task_to_predicted({"predictions": []})
    []
    """
    given = task.get("predictions") or []
    if not isinstance(given, list) or not all(isinstance(p, Mapping) for p in given):
        raise AnnotationError("A224", "`predictions` is not a list of prediction objects")
    predictions = list(given)
    return result_to_regions(predictions[-1].get("result") or []) if predictions else []


class PrelabelTask(NamedTuple):
    """What one task gives the pre-annotation report (`task_to_prelabel`)."""

    task_id: object
    gold: list[Region] | None  # None: no gold, the task is skipped
    predicted: list[Region]
    text: str  # with `recompute` only ("" otherwise)
    error: tuple[str, str] | None  # (code, message) of a malformed task


def task_to_prelabel(
    task: Mapping[str, Any], reviewers: frozenset[int], recompute: bool = False
) -> PrelabelTask:
    """The task's gold regions and its predicted ones (with `recompute`, its
    text instead, for the current rules). A pure function of the task: the
    build's validation makes it on its workers."""
    try:
        regions = task_to_gold(task, reviewers)
        if regions is None or recompute:
            text = str((task.get("data") or {}).get("text", "")) if recompute else ""
            return PrelabelTask(task["id"], regions, [], text, None)
        return PrelabelTask(task["id"], regions, task_to_predicted(task), "", None)
    except NkError as exc:
        return PrelabelTask(task["id"], None, [], "", (exc.code, exc.message))


def prelabel_report(
    export_path: Path,
    *,
    recompute: bool = False,
    reviewers: frozenset[int] | None = None,
    tasks: Iterable[Mapping[str, Any]] | None = None,
    scored: Iterable[PrelabelTask] | None = None,
) -> PrelabelReport:
    """Score the predictions in an export (or, with `recompute`, fresh ones
    from the current rules) against its gold annotations (`reviewers`: default
    `annotation/reviewers.yaml`, as the build). The export is read,
    streamed and bounded, by `nkcorpus.build.exports.iter_export` (errors
    B101-B103, B111-B118); only each scored task's regions (and, with
    `recompute`, its text) are kept. `tasks`: the export's tasks already read,
    or `scored`: their `task_to_prelabel` already made (the build passes them;
    the figures do not depend on their order)."""
    if reviewers is None:
        from nkcorpus.annotation.reviewers import load_reviewers

        reviewers = load_reviewers().ids
    gold: list[list[Region]] = []
    predicted: list[list[Region]] = []
    texts: list[str] = []
    skipped = 0
    if scored is None:
        given = iter_export(Path(export_path)) if tasks is None else tasks
        scored = (task_to_prelabel(task, reviewers, recompute) for task in given)
    for one in scored:
        if one.error is not None:
            raise AnnotationError(
                one.error[0],
                f"{export_path}: task {one.task_id}: {one.error[1]}; fix it in Label Studio and "
                "pull again (`nkcorpus validate` lists every problem)",
            )
        if one.gold is None:
            skipped += 1
            continue
        gold.append(one.gold)
        if recompute:
            texts.append(one.text)
        else:
            predicted.append(one.predicted)
    if recompute:
        nlp = build_nlp()
        predicted = [
            [Region(s.label_, s.start_char, s.end_char) for s in doc.spans[RESOLVED_KEY]]
            for doc in nlp.pipe(texts)
        ]
    return PrelabelReport(
        export=str(export_path),
        tasks_scored=len(gold),
        tasks_skipped=skipped,
        predictions="recomputed" if recompute else "export",
        scores=score_regions(gold, predicted, load_schema().label_names),
    )


def report_to_text(report: PrelabelReport) -> str:
    """The report as an aligned plain-text table.

    >>> scores = score_regions([[Region("PERSON", 0, 3)]], [[Region("PERSON", 0, 3)]], ["PERSON"])
    >>> report = PrelabelReport(export="x.json", tasks_scored=1, tasks_skipped=0,
    ...                         predictions="export", scores=scores)
    >>> report_to_text(report).splitlines()[2]
    'PERSON         1     1 |   1.000  1.000  1.000 |     1.000  1.000  1.000'
    """
    lines = [
        f"{report.export}: {report.tasks_scored} task(s) with gold, "
        f"{report.tasks_skipped} skipped; predictions: {report.predictions}",
        f"{'label':<10} {'gold':>5} {'pred':>5} | {'exact P':>7} {'R':>6} {'F1':>6} "
        f"| {'overlap P':>9} {'R':>6} {'F1':>6}",
    ]
    for s in report.scores:
        lines.append(
            f"{s.label:<10} {s.gold:>5} {s.predicted:>5} | {s.exact.precision:>7.3f} "
            f"{s.exact.recall:>6.3f} {s.exact.f1:>6.3f} | {s.overlap.precision:>9.3f} "
            f"{s.overlap.recall:>6.3f} {s.overlap.f1:>6.3f}"
        )
    return "\n".join(lines) + "\n"
