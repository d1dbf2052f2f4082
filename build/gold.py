"""Which annotation of a task is gold.

Gold is the one annotation marked `ground_truth` (starred in Label Studio)
and not cancelled. A task without one is unreviewed: left out of the release,
counted and listed. Two gold annotations are an error (un-star one). Every
other annotation that is not cancelled is kept as an annotator annotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nkcorpus.build.errors import BuildError


@dataclass(frozen=True)
class TaskAnnotations:
    """A task's gold annotation (None when unreviewed) and its other annotations."""

    gold: dict[str, Any] | None
    others: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reviewed(self) -> bool:
        return self.gold is not None


def annotator_id(completed_by: object) -> int | None:
    """The user id of `completed_by`, which an export gives as an id or an object.

    >>> annotator_id(7), annotator_id({"id": 7, "email": "x@y"}), annotator_id(None)
    (7, 7, None)
    """
    if isinstance(completed_by, Mapping):
        completed_by = completed_by.get("id")
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return completed_by
    if isinstance(completed_by, str) and completed_by.isascii() and completed_by.isdecimal():
        return int(completed_by)
    return None


def split_annotations(task: Mapping[str, Any], *, source: Path | str = "export") -> TaskAnnotations:
    """Split the task's non-cancelled annotations into gold and the others.

    Raises B120 when more than one is gold.

    >>> task = {"id": 1, "annotations": [
    ...     {"id": 10, "ground_truth": True, "was_cancelled": False, "result": []},
    ...     {"id": 11, "ground_truth": False, "was_cancelled": False, "result": []},
    ...     {"id": 12, "ground_truth": True, "was_cancelled": True, "result": []}]}
    >>> split = split_annotations(task)
    >>> split.gold["id"], [a["id"] for a in split.others]
    (10, [11])
    """
    given = task.get("annotations") or []
    if not isinstance(given, list) or not all(isinstance(a, Mapping) for a in given):
        raise BuildError(
            "B135",
            f"{source}: task {task.get('id')}: `annotations` is not a list of annotation "
            "objects; pull a fresh export with `nkcorpus studio pull`",
        )
    kept = [dict(a) for a in given if not a.get("was_cancelled")]
    gold = [a for a in kept if a.get("ground_truth") is True]
    if len(gold) > 1:
        doc_id = (task.get("data") or {}).get("doc_id")
        ids = ", ".join(str(a.get("id")) for a in gold)
        raise BuildError(
            "B120",
            f"{source}: task {task.get('id')} (doc {doc_id}) has {len(gold)} gold annotations "
            f"({ids}); un-star all but one in Label Studio and pull again",
        )
    others = [a for a in kept if a.get("ground_truth") is not True]
    return TaskAnnotations(gold[0] if gold else None, others)
