"""The review queue as text (one block per task) and as JSON (the same data)."""

from __future__ import annotations

from typing import Any

from nkcorpus.annotation.review.queue import QueueItem, ReviewQueue, Version
from nkcorpus.annotation.review.urls import annotation_url

SIDE_BY_SIDE = (
    "Side by side: in Label Studio's labeling view, press 'Compare All' (left of the annotation "
    "tabs) once; the browser remembers it, so every link below then opens with all versions "
    "side by side (pressing it again goes back to one version)."
)


def _who(version: Version) -> str:
    user = f"user {version.annotator}" if version.annotator is not None else "no user id"
    return f"annotation {version.annotation_id} ({user})"


def _reason(item: QueueItem, reason: str, threshold: float) -> str:
    if reason == "rule":
        return "its review breaks the rule"
    if reason == "ready":
        return f"ready for review: {len(item.versions)} of {item.needed} annotators, no gold yet"
    if reason == "disagreement":
        lowest = item.lowest
        assert lowest is not None
        return (
            f"annotators disagree: overlap span F1 {lowest.f1:.2f} < {threshold:.2f} "
            f"(annotations {lowest.first} and {lowest.second})"
        )
    kept = ", ".join(
        _who(v) + (f" = prediction {v.unchanged_from}" if v.unchanged_from is not None else "")
        for v in item.versions
        if v.unchanged
    )
    changed = ", ".join(_who(v) for v in item.versions if not v.unchanged)
    return f"prediction submitted unchanged by {kept}; changed by {changed}"


def item_to_text(item: QueueItem, threshold: float) -> list[str]:
    doc = item.doc_id or "no doc_id"
    lines = [f"#{item.rank} {', '.join(item.reasons)}: doc {doc}, task {item.task_id}"]
    lines.append(f"   open: {item.url or '(the export gives no project id)'}")
    if item.problem:
        lines.append(f"   problem: {item.problem}")
    lines.extend(f"   - {_reason(item, reason, threshold)}" for reason in item.reasons)
    versions = ", ".join(_who(v) for v in item.versions) or "none"
    lines.append(f"   versions: {versions}")
    if item.differences:
        lines.append('   disagreeing regions (label start-end "text": in / not in annotations):')
        for d in item.differences:
            marked = ", ".join(map(str, d.marked_by))
            missing = ", ".join(map(str, d.missing_in))
            lines.append(
                f'     {d.label} {d.start}-{d.end} "{d.text}": in {marked} / not in {missing}'
            )
    elif len(item.versions) > 1:
        lines.append("   every region is marked by every annotator")
    return lines


def queue_to_text(queue: ReviewQueue) -> str:
    lines = [
        f"Review queue: {len(queue.items)} task(s) to open, most urgent first.",
        f"annotators per task: {queue.annotators.source}; disagreement: overlap span F1 "
        f"below {queue.threshold:.2f}",
    ]
    if queue.items:
        lines.append(SIDE_BY_SIDE)
    for item in queue.items:
        lines.append("")
        lines.extend(item_to_text(item, queue.threshold))
    lines.append("")
    lines.append(
        f"{queue.tasks} task(s) read: {queue.reviewed} reviewed, {queue.waiting} waiting for "
        f"annotators, {len(queue.items)} to open."
    )
    return "\n".join(lines)


def _version(item: QueueItem, version: Version, base: str) -> dict[str, Any]:
    return {
        "annotation_id": version.annotation_id,
        "annotator": version.annotator,
        "regions": len(version.regions),
        "unchanged_prediction": version.unchanged,
        "prediction_id": version.unchanged_from,
        "url": annotation_url(base, item.project, item.task_id, version.annotation_id),
    }


def item_to_dict(item: QueueItem, base: str) -> dict[str, Any]:
    lowest = item.lowest
    return {
        "rank": item.rank,
        "task_id": item.task_id,
        "project": item.project,
        "doc_id": item.doc_id,
        "reasons": list(item.reasons),
        "problem": item.problem,
        "url": item.url,
        "annotators": len(item.versions),
        "annotators_needed": item.needed,
        "lowest_f1": lowest.f1 if lowest is not None else None,
        "pairs": [{"annotations": [p.first, p.second], "f1": p.f1} for p in item.pairs],
        "versions": [_version(item, v, base) for v in item.versions],
        "anchored": list(item.anchored),
        "differences": [d.as_dict() for d in item.differences],
    }


def queue_to_dict(queue: ReviewQueue) -> dict[str, Any]:
    return {
        "url": queue.url,
        "threshold": queue.threshold,
        "annotators_per_task": {
            "default": queue.annotators.default,
            "per_project": {str(k): v for k, v in sorted(queue.annotators.per_project.items())},
            "source": queue.annotators.source,
        },
        "tasks": queue.tasks,
        "reviewed": queue.reviewed,
        "waiting": queue.waiting,
        "queue": [item_to_dict(item, queue.url) for item in queue.items],
    }
