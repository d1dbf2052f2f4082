"""The annotation objects of one task, checked before gold selection
(`nkcorpus.build.gold.split_annotations`), which would otherwise skip or
misread them without a word: B135 for an `annotations` list, annotation, id,
`ground_truth`/`was_cancelled` flag or `completed_by` of the wrong type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nkcorpus.build.report import Problem
from nkcorpus.build.result_checks import MAX_OFFSET

_FLAGS = ("ground_truth", "was_cancelled")
_RE_PULL = "pull a fresh export with `nkcorpus studio pull`"


def annotations_well_formed(
    task: Mapping[str, Any], where: Mapping[str, Any], problems: list[Problem]
) -> bool:
    """B135 for an `annotations` list, annotation, id or flag of the wrong type,
    which gold selection would otherwise skip or misread without a word."""
    count = len(problems)
    annotations = task.get("annotations")
    if annotations is None:
        return True
    if not isinstance(annotations, list):
        message = f"`annotations` is {type(annotations).__name__}, not a list; {_RE_PULL}"
        problems.append(Problem(code="B135", message=message, **where))
        return False
    for index, annotation in enumerate(annotations):
        if not isinstance(annotation, Mapping):
            message = (
                f"annotation {index} is {type(annotation).__name__}, not an object; {_RE_PULL}"
            )
            problems.append(Problem(code="B135", message=message, **where))
            continue
        annotation_id = annotation.get("id")
        if not _small_int(annotation_id):
            message = (
                f"annotation {index} has id {str(annotation_id)[:40]!r}, not an integer "
                f"0..{MAX_OFFSET}; {_RE_PULL}"
            )
            problems.append(Problem(code="B135", message=message, **where))
            continue
        at = {**where, "annotation_id": annotation_id}
        for flag in _FLAGS:
            if annotation.get(flag) not in (None, True, False):
                message = (
                    f"`{flag}` is {str(annotation.get(flag))[:40]!r}, not true or false; "
                    "it decides which annotation is gold: " + _RE_PULL
                )
                problems.append(Problem(code="B135", message=message, **at))
        completed_by = annotation.get("completed_by")
        if isinstance(completed_by, Mapping):
            completed_by = completed_by.get("id")
        if completed_by is not None and not _small_int(completed_by):
            message = (
                f"`completed_by` is {str(completed_by)[:40]!r}, not a user id "
                f"(an integer 0..{MAX_OFFSET}); " + _RE_PULL
            )
            problems.append(Problem(code="B135", message=message, **at))
    return len(problems) == count


def _small_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_OFFSET
