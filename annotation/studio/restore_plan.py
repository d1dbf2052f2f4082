"""What `studio restore` sends: the committed annotations matched to the
server's tasks, the ones already there, and the request that restores each
(their predictions: `restore_predictions`).

Pure functions over export dicts (no server): `restore` fetches and posts.

- **Tasks** are matched as `studio sync` matches them: `data.doc_id` plus
  `data.text_sha256`. An exported task with annotations whose document is
  withheld (not imported by sync on purpose) is noted; one whose document is
  missing, or in the project with another text, is a problem. An exported
  task with predictions but no annotation is matched too (its predictions
  are restored); when it cannot be placed, that is a note.
- **Marker:** a restored annotation keeps its origin in Label Studio's own
  `import_id` field ("original annotation id at the import step"): the
  exported annotation's `import_id` when it has one (it was restored before),
  else its `id`. An exported annotation is *already present* on a task that
  holds an annotation with that `import_id`, or (the server the export came
  from) an annotation never imported whose `id`, author and result are the
  exported ones. So restoring twice, or after a partial failure, imports
  nothing twice, and an annotation corrected in the browser after the restore
  is not restored again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nkcorpus.build.gold import annotator_id


def origin_id(annotation: Mapping[str, Any]) -> int | None:
    """The id an annotation had where it was first made: its `import_id` if
    set, else its `id`.

    >>> origin_id({"id": 9, "import_id": 2}), origin_id({"id": 9, "import_id": None})
    (2, 9)
    """
    for key in ("import_id", "id"):
        value = annotation.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def find_restored(
    exported: Mapping[str, Any], on_server: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The annotation among the server task's `on_server` that holds
    `exported` (see the module doc for the rule), or None.

    >>> made = {"id": 4, "import_id": None, "completed_by": 1, "result": []}
    >>> find_restored(made, [{"id": 30, "import_id": 4}]), find_restored(made, [{"id": 4}])
    ({'id': 30, 'import_id': 4}, None)
    >>> find_restored(made, [dict(made)])["id"]  # the server it was exported from
    4
    """
    origin = origin_id(exported)
    if origin is None:
        return None
    for annotation in on_server:
        if annotation.get("import_id") is not None:
            if annotation["import_id"] == origin:
                return annotation
        elif (
            annotation.get("id") == origin
            and annotator_id(annotation.get("completed_by"))
            == annotator_id(exported.get("completed_by"))
            and annotation.get("result") == exported.get("result")
        ):
            return annotation
    return None


@dataclass(frozen=True)
class TaskMatch:
    """An exported task with annotations, and its task on the server."""

    exported: Mapping[str, Any]
    server: Mapping[str, Any]

    @property
    def doc_id(self) -> str:
        return str(self.exported["data"]["doc_id"])


@dataclass(frozen=True)
class Matching:
    """How the exported tasks relate to the server's."""

    matched: tuple[TaskMatch, ...] = ()  # with annotations or predictions
    empty: int = 0  # exported tasks without annotations: no annotation to restore
    notes: tuple[str, ...] = field(default=())
    problems: tuple[str, ...] = field(default=())


def _key(task: Mapping[str, Any]) -> tuple[str, str] | None:
    data = task.get("data")
    if not isinstance(data, Mapping):
        return None
    doc_id, sha = data.get("doc_id"), data.get("text_sha256")
    return (doc_id, sha) if isinstance(doc_id, str) and isinstance(sha, str) else None


def _unplaced(
    key: tuple[str, str] | None, withheld: Mapping[str, str], texts: Mapping[str, list[str]]
) -> tuple[bool, str]:
    """Why an exported task has no task on the server: (a problem?, the reason)."""
    doc_id = key[0] if key else None
    if doc_id in withheld:
        return False, (
            f"the release withholds this near-duplicate of {withheld[doc_id]}, so `studio "
            "sync` keeps it out of the project"
        )
    if key is not None and doc_id in texts:
        return True, (
            f"the project holds this document with another text (text_sha256 "
            f"{', '.join(texts[doc_id])}, the export {key[1][:12]}); restore the seed the "
            "export was made from, or reanchor the annotations"
        )
    return True, (
        "the document is not in the project; add it to annotation/tasks.json "
        "(`nkcorpus tasks`), `nkcorpus studio sync`, then restore"
    )


def exports_to_matching(
    exported: Sequence[tuple[str, Mapping[str, Any]]],
    server: Sequence[Mapping[str, Any]],
    withheld: Mapping[str, str],
) -> Matching:
    """Match `exported` ((source file, task) pairs, merged) to the `server`'s
    tasks (from its export) by doc_id + text_sha256. A task with annotations
    that cannot be placed is a problem (a note when withheld); one with
    predictions only is a note.

    >>> task = {"id": 1, "data": {"doc_id": "a", "text_sha256": "s"}, "annotations": [{"id": 1}]}
    >>> there = [{"id": 7, "data": {"doc_id": "a", "text_sha256": "s"}}]
    >>> [m.server["id"] for m in exports_to_matching([("e.json", task)], there, {}).matched]
    [7]
    >>> exports_to_matching([("e.json", task)], [], {"a": "b"}).notes[0][:40]
    'doc a (task 1 of e.json): 1 annotation(s'
    """
    by_key: dict[tuple[str, str], Mapping[str, Any]] = {}
    texts: dict[str, list[str]] = {}
    for task in server:
        key = _key(task)
        if key is not None:
            by_key.setdefault(key, task)
            texts.setdefault(key[0], []).append(key[1][:12])
    matched, notes, problems, empty = [], [], [], 0
    for source, task in exported:
        annotations = task.get("annotations") or []
        predictions = task.get("predictions") or []
        empty += not annotations
        if not annotations and not predictions:
            continue
        key = _key(task)
        if key in by_key:
            matched.append(TaskMatch(task, by_key[key]))
            continue
        what = (
            f"{len(annotations)} annotation(s)"
            if annotations
            else f"{len(predictions)} prediction(s) (no annotation)"
        )
        where = f"doc {key[0] if key else None} (task {task.get('id')} of {source}): {what}"
        problem, why = _unplaced(key, withheld, texts)
        (problems if problem and annotations else notes).append(f"{where} not restored: {why}")
    return Matching(tuple(matched), empty, tuple(notes), tuple(problems))


def annotation_to_request(
    annotation: Mapping[str, Any],
    *,
    author: int,
    parent_annotation: int | None = None,
    parent_prediction: int | None = None,
) -> dict[str, Any]:
    """The fields of Label Studio's "create annotation" request that restore
    `annotation` on a task, by the account `author`.

    >>> made = {"id": 5, "import_id": None, "result": [], "ground_truth": True,
    ...         "was_cancelled": False, "lead_time": 2.5, "completed_by": 1}
    >>> request = annotation_to_request(made, author=12)
    >>> request["completed_by"], request["import_id"], request["ground_truth"], request["lead_time"]
    (12, 5, True, 2.5)
    """
    request: dict[str, Any] = {
        "result": list(annotation.get("result") or []),
        "completed_by": author,
        "import_id": origin_id(annotation),
        "ground_truth": annotation.get("ground_truth") is True,
        "was_cancelled": annotation.get("was_cancelled") is True,
    }
    lead_time = annotation.get("lead_time")
    if isinstance(lead_time, int | float) and not isinstance(lead_time, bool):
        request["lead_time"] = float(lead_time)
    if parent_annotation is not None:
        request["parent_annotation"] = parent_annotation
    if parent_prediction is not None:
        request["parent_prediction"] = parent_prediction
    return request
