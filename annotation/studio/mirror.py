"""Mirror review decisions into Label Studio's ground-truth flag.

A reviewer accepts an annotation in the browser with the task-level review
choice (`nkcorpus.build.gold`); Label Studio's own "ground truth" flag knows
nothing of it. `studio pull` therefore stars every annotation the review rule
makes gold and that is not starred yet, then exports, so that the server's
API, its exports and the build agree. (Community 1.23's Data Manager has no
ground-truth column to show or filter; the *Review queue* tab,
`review_tab`, filters on the accept choice instead.)
Tasks that break the rule (B120-B123) are left as they are and reported:
`nkcorpus validate` names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import api_call
from nkcorpus.build.gold import split_annotations
from nkcorpus.errors import NkError
from nkcorpus.schema.review import accepts


@dataclass(frozen=True)
class ReviewDecisions:
    """What the export says: annotations to star, tasks whose review is broken."""

    to_star: tuple[int, ...] = ()
    broken: tuple[str, ...] = field(default=())


def export_to_decisions(
    tasks: Iterable[Mapping[str, Any]], reviewers: frozenset[int]
) -> ReviewDecisions:
    """The accepted gold annotations not starred yet, and the broken reviews.

    >>> accept = [{"type": "choices", "from_name": "review", "value": {"choices": ["accept"]}}]
    >>> tasks = [{"id": 1, "annotations": [
    ...     {"id": 5, "completed_by": 7, "ground_truth": False, "result": accept},
    ...     {"id": 6, "completed_by": 3, "ground_truth": False, "result": []}]}]
    >>> export_to_decisions(tasks, frozenset({7})).to_star
    (5,)
    >>> export_to_decisions(tasks, frozenset()).broken[0][:6]
    '[B121]'
    """
    to_star: list[int] = []
    broken: list[str] = []
    for task in tasks:
        try:
            gold = split_annotations(task, source="export", reviewers=reviewers).gold
        except NkError as exc:
            broken.append(str(exc))
            continue
        if gold is None or gold.get("ground_truth") is True or not accepts(gold.get("result")):
            continue
        if isinstance(gold.get("id"), int):
            to_star.append(gold["id"])
    return ReviewDecisions(tuple(sorted(to_star)), tuple(broken))


def star_annotations(client: LabelStudio, url: str, annotation_ids: Iterable[int]) -> int:
    """Set `ground_truth` on each annotation; returns how many were starred."""
    count = 0
    for annotation_id in annotation_ids:
        with api_call(url, f"starring the accepted annotation {annotation_id}"):
            client.annotations.update(id=annotation_id, ground_truth=True)
        count += 1
    return count
