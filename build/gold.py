"""Which annotation of a task is gold: the review rule.

An annotation is *accepted* when its result holds the task-level review
choice `accept` (`nkcorpus.schema.review`), set by a reviewer in the browser
on an annotation of their own (a duplicate of the annotation they accept,
corrected if need be). Its acceptor is its author, `completed_by`: not
`updated_by`, which Label Studio also sets when anyone, the maintainers'
API key included, changes the annotation. The gold of a task is:

1. the one accepted, not-cancelled annotation whose author is a reviewer
   (`annotation/reviewers.yaml`); else
2. the one annotation marked `ground_truth` (the star, set through the API;
   how v1.0.0 was reviewed) and not cancelled; else none: the task is
   unreviewed, left out of the release, counted and listed.

Which of the two steps chose the gold is recorded (`TaskAnnotations.rule`,
then `GoldDocument.rule`): the card says it per document, exactly, also for a
reviewer's own annotation that is starred but not accepted (step 2).

Refused, naming the task and the annotations: B120 two starred annotations;
B121 an acceptance by an account that is not a reviewer; B122 two accepted
annotations, or an acceptance and a star on different annotations; B123 an
accepted annotation that is cancelled (skipped). Every other annotation that
is not cancelled is kept as an annotator annotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nkcorpus.build.errors import BuildError
from nkcorpus.schema.review import accepts

GoldRule = Literal["accepted", "starred"]  # the step of the review rule that chose a gold
ACCEPTED: GoldRule = "accepted"
STARRED: GoldRule = "starred"


@dataclass(frozen=True)
class TaskAnnotations:
    """A task's gold annotation (None when unreviewed), its other annotations, and
    which step of the review rule chose the gold (None exactly when there is none)."""

    gold: dict[str, Any] | None
    others: list[dict[str, Any]] = field(default_factory=list)
    rule: GoldRule | None = None

    def __post_init__(self) -> None:
        if (self.gold is None) != (self.rule is None):
            raise ValueError(f"a gold needs its rule and only a gold has one: rule {self.rule!r}")

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


def acceptor_id(annotation: Mapping[str, Any]) -> int | None:
    """Who accepted an annotation: its author (see the module doc).

    >>> acceptor_id({"completed_by": 4, "updated_by": 9})
    4
    """
    return annotator_id(annotation.get("completed_by"))


def split_annotations(
    task: Mapping[str, Any],
    *,
    source: Path | str = "export",
    reviewers: frozenset[int] = frozenset(),
) -> TaskAnnotations:
    """Split the task's non-cancelled annotations into gold and the others,
    by the review rule of this module (`reviewers`: the reviewers' user ids).

    >>> accept = [{"type": "choices", "from_name": "review", "value": {"choices": ["accept"]}}]
    >>> task = {"id": 1, "annotations": [
    ...     {"id": 10, "ground_truth": True, "was_cancelled": False, "result": []},
    ...     {"id": 11, "ground_truth": False, "was_cancelled": False, "result": []},
    ...     {"id": 12, "ground_truth": True, "was_cancelled": True, "result": []}]}
    >>> split = split_annotations(task)
    >>> split.gold["id"], [a["id"] for a in split.others], split.rule
    (10, [11], 'starred')
    >>> task["annotations"][0]["ground_truth"] = False
    >>> task["annotations"][1].update(result=accept, completed_by=7)
    >>> split = split_annotations(task, reviewers=frozenset({7}))
    >>> split.gold["id"], split.rule
    (11, 'accepted')
    """
    given = task.get("annotations") or []
    if not isinstance(given, list) or not all(isinstance(a, Mapping) for a in given):
        raise BuildError(
            "B135",
            f"{source}: task {task.get('id')}: `annotations` is not a list of annotation "
            "objects; pull a fresh export with `nkcorpus studio pull`",
        )
    doc_id = (
        (task.get("data") or {}).get("doc_id") if isinstance(task.get("data"), Mapping) else None
    )
    where = f"{source}: task {task.get('id')} (doc {doc_id})"
    cancelled = [a for a in given if a.get("was_cancelled") and accepts(a.get("result"))]
    if cancelled:
        raise BuildError(
            "B123",
            f"{where}: annotation {cancelled[0].get('id')} is accepted as gold but was skipped "
            "(cancelled); open it in Label Studio and submit it, or clear its review choice",
        )
    kept = [dict(a) for a in given if not a.get("was_cancelled")]
    accepted = [a for a in kept if accepts(a.get("result"))]
    strangers = [a for a in accepted if acceptor_id(a) not in reviewers]
    if strangers:
        who = ", ".join(f"annotation {a.get('id')} by user {acceptor_id(a)}" for a in strangers)
        raise BuildError(
            "B121",
            f"{where}: {who} is accepted, but its author is not a reviewer; clear the review "
            "choice on it. A reviewer accepts by duplicating the annotation and accepting "
            "their own copy, or the maintainers add the account to annotation/reviewers.yaml",
        )
    starred = [a for a in kept if a.get("ground_truth") is True]
    if len(accepted) > 1:
        ids = ", ".join(str(a.get("id")) for a in accepted)
        raise BuildError(
            "B122",
            f"{where}: {len(accepted)} annotations are accepted ({ids}); clear the review "
            "choice of all but one in Label Studio and pull again",
        )
    rule: GoldRule | None = None
    if accepted:
        gold, rule = accepted[0], ACCEPTED
        others_starred = [a for a in starred if a.get("id") != gold.get("id")]
        if others_starred:
            raise BuildError(
                "B122",
                f"{where}: annotation {gold.get('id')} is accepted but annotation "
                f"{others_starred[0].get('id')} is starred; un-star it (or clear the "
                "acceptance) so that one decision stands, and pull again",
            )
    elif len(starred) > 1:
        ids = ", ".join(str(a.get("id")) for a in starred)
        raise BuildError(
            "B120",
            f"{where} has {len(starred)} gold annotations "
            f"({ids}); un-star all but one in Label Studio and pull again",
        )
    else:
        gold = starred[0] if starred else None
        rule = STARRED if starred else None
    others = [a for a in kept if gold is None or a.get("id") != gold.get("id")]
    return TaskAnnotations(gold, others, rule)
