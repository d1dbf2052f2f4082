"""The review queue: which tasks a reviewer should open, most urgent first.

Each task of the exports (merged by `read_exports`, newest copy winning) is
compared across its annotators' *versions*: its non-cancelled annotations
other than the gold, one per annotator (`completed_by`; the newest by
`updated_at`, then id, when one annotator has several), leaving out copies
of another annotation (`parent_annotation` set) and annotations by reviewers
(`annotation/reviewers.yaml`): a reviewer's duplicate is not an annotator's
version (as in `nkcorpus agreement`). A task with an accepted gold (the review rule of
`nkcorpus.build.gold.split_annotations`) is done and not listed. The others
get their reasons, most urgent first:

1. `rule`: its review breaks the rule (B120-B123); the problem is shown and
   its versions are the annotations that are neither starred nor accepted.
2. `ready`: as many annotators as the project's annotators per task, and no
   gold yet.
3. `disagreement`: two annotators' overlap span F1 (`disagreement.overlap_f1`)
   is below the threshold (default 0.8).
4. `anchoring`: one annotator submitted a prediction unchanged
   (`anchoring.unchanged_prediction`) while another changed it.

A task with no reason (fewer annotators than needed, who agree) is waiting
and only counted. Order: by the most urgent reason; then the lowest pair F1
first (no pair counts as 1.0); then more reasons first; then task id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import combinations
from typing import Any

from nkcorpus.annotation.review.anchoring import unchanged_prediction
from nkcorpus.annotation.review.disagreement import (
    Region,
    RegionDifference,
    overlap_f1,
    region_differences,
    regions_of,
)
from nkcorpus.annotation.review.urls import AnnotatorsPerTask, task_url
from nkcorpus.build.errors import BuildError
from nkcorpus.build.exports import ExportTask, parse_timestamp
from nkcorpus.build.gold import annotator_id, split_annotations
from nkcorpus.schema.model import LabelSchema, load_schema
from nkcorpus.schema.review import accepts

REASONS = ("rule", "ready", "disagreement", "anchoring")  # most urgent first
RULE_CODES = frozenset({"B120", "B121", "B122", "B123"})
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True)
class Version:
    """One annotator's annotation of a task."""

    annotation_id: int
    annotator: int | None
    regions: tuple[Region, ...]
    unchanged_from: int | None = None  # the prediction id, when submitted unchanged
    unchanged: bool = False


@dataclass(frozen=True)
class PairF1:
    first: int  # annotation ids
    second: int
    f1: float


@dataclass(frozen=True)
class QueueItem:
    task_id: int
    project: int | None
    doc_id: str | None
    reasons: tuple[str, ...]
    needed: int
    versions: tuple[Version, ...]
    pairs: tuple[PairF1, ...]
    differences: tuple[RegionDifference, ...]
    url: str | None
    problem: str | None = None
    rank: int = 0

    @property
    def lowest(self) -> PairF1 | None:
        return min(self.pairs, key=lambda p: (p.f1, p.first, p.second), default=None)

    @property
    def anchored(self) -> tuple[int, ...]:
        return tuple(v.annotation_id for v in self.versions if v.unchanged)


@dataclass(frozen=True)
class ReviewQueue:
    items: tuple[QueueItem, ...]
    tasks: int
    reviewed: int
    waiting: int
    threshold: float
    annotators: AnnotatorsPerTask
    url: str


def _candidates(
    export: ExportTask, reviewers: frozenset[int]
) -> tuple[list[Any] | None, str | None]:
    """The annotations that may be versions (None when the task has its gold),
    and the review-rule problem if any."""
    task = export.task
    try:
        split = split_annotations(task, source=export.source, reviewers=reviewers)
    except BuildError as exc:
        if exc.code not in RULE_CODES:
            raise
        kept = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        undecided = [
            a for a in kept if a.get("ground_truth") is not True and not accepts(a.get("result"))
        ]
        return _not_by(reviewers, undecided), str(exc)
    if split.gold is not None:
        return None, None
    return _not_by(reviewers, split.others), None


def _not_by(reviewers: frozenset[int], annotations: list[Any]) -> list[Any]:
    return [a for a in annotations if annotator_id(a.get("completed_by")) not in reviewers]


def _recency(annotation: Mapping[str, Any]) -> tuple[datetime, int]:
    return (parse_timestamp(annotation.get("updated_at"), where="annotation"), annotation["id"])


def _versions(
    annotations: Iterable[Mapping[str, Any]],
    task: Mapping[str, Any],
    text: str,
    schema: LabelSchema,
) -> list[Version]:
    newest: dict[object, Mapping[str, Any]] = {}
    for annotation in annotations:
        identifier = annotation.get("id")
        if type(identifier) is not int or annotation.get("parent_annotation") is not None:
            continue
        who = annotator_id(annotation.get("completed_by"))
        key = who if who is not None else ("annotation", identifier)
        if key not in newest or _recency(annotation) > _recency(newest[key]):
            newest[key] = annotation
    predictions = task.get("predictions") if isinstance(task.get("predictions"), list) else []
    versions = []
    for annotation in sorted(newest.values(), key=lambda a: a["id"]):
        source = unchanged_prediction(annotation, predictions, text, schema)
        source_id = source.get("id") if source is not None else None
        versions.append(
            Version(
                annotation["id"],
                annotator_id(annotation.get("completed_by")),
                tuple(regions_of(annotation.get("result"), text, schema)),
                source_id if type(source_id) is int else None,
                source is not None,
            )
        )
    return versions


def _item(
    export: ExportTask,
    annotations: list[Any],
    problem: str | None,
    *,
    needed: int,
    threshold: float,
    url: str,
    schema: LabelSchema,
) -> QueueItem:
    data = export.data
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    doc_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
    project = _project(export)
    versions = _versions(annotations, export.task, text, schema)
    pairs = tuple(
        PairF1(a.annotation_id, b.annotation_id, overlap_f1(a.regions, b.regions))
        for a, b in combinations(versions, 2)
    )
    reasons = []
    if problem is not None:
        reasons.append("rule")
    elif len(versions) >= needed:
        reasons.append("ready")
    if any(pair.f1 < threshold for pair in pairs):
        reasons.append("disagreement")
    if any(v.unchanged for v in versions) and not all(v.unchanged for v in versions):
        reasons.append("anchoring")
    differences = region_differences({v.annotation_id: v.regions for v in versions}, text)
    return QueueItem(
        task_id=export.task_id,
        project=project,
        doc_id=doc_id,
        reasons=tuple(reasons),
        needed=needed,
        versions=tuple(versions),
        pairs=pairs,
        differences=tuple(differences) if len(versions) > 1 else (),
        url=task_url(url, project, export.task_id),
        problem=problem,
    )


def _project(export: ExportTask) -> int | None:
    project = export.task.get("project")
    return project if type(project) is int else None


def _urgency(item: QueueItem) -> tuple[int, float, int, int]:
    lowest = item.lowest
    return (
        REASONS.index(item.reasons[0]),
        lowest.f1 if lowest is not None else 1.0,
        -len(item.reasons),
        item.task_id,
    )


def review_queue(
    tasks: Iterable[ExportTask],
    *,
    annotators: AnnotatorsPerTask,
    url: str,
    reviewers: frozenset[int] = frozenset(),
    threshold: float = DEFAULT_THRESHOLD,
    schema: LabelSchema | None = None,
) -> ReviewQueue:
    """The queue over merged export tasks (see the module doc); `url` is the
    Label Studio base URL of the links, `reviewers` the reviewers' user ids."""
    schema = load_schema() if schema is None else schema
    items, reviewed, waiting, seen = [], 0, 0, 0
    for export in tasks:
        seen += 1
        annotations, problem = _candidates(export, reviewers)
        if annotations is None:
            reviewed += 1
            continue
        item = _item(
            export,
            annotations,
            problem,
            needed=annotators.of(_project(export)),
            threshold=threshold,
            url=url,
            schema=schema,
        )
        if item.reasons:
            items.append(item)
        else:
            waiting += 1
    items.sort(key=_urgency)
    ranked = tuple(replace(item, rank=rank) for rank, item in enumerate(items, 1))
    return ReviewQueue(ranked, seen, reviewed, waiting, threshold, annotators, url)
