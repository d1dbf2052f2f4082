"""The Label Studio import file (`annotation/tasks.json`) and what of it is new.

A task is identified by `data.doc_id` plus `data.text_sha256`: the same
document with the same text is imported once; the same document with another
text is a changed document, which is reported and never imported twice.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from nkcorpus.errors import StudioError
from nkcorpus.paths import annotation_dir

REQUIRED_DATA = ("text", "doc_id", "text_sha256")


@dataclass(frozen=True)
class ChangedDoc:
    """A document whose text differs from the one already in Label Studio."""

    doc_id: str
    task_ids: tuple[int, ...]  # its task(s) in the project
    old_sha256: tuple[str, ...]
    new_sha256: str

    def describe(self) -> str:
        tasks = ", ".join(f"#{t}" for t in self.task_ids)
        old = ", ".join(s[:12] for s in self.old_sha256)
        return (
            f"{self.doc_id}: text changed since import (task {tasks} has text_sha256 {old}, "
            f"the tasks file {self.new_sha256[:12]}); not imported. Annotations on task "
            f"{tasks} refer to the old text: restore it, or `nkcorpus studio pull`, delete "
            "the task in Label Studio and sync again to annotate the new text."
        )


@dataclass(frozen=True)
class ImportPlan:
    """How the tasks of a file relate to what the project already holds."""

    new: tuple[dict[str, Any], ...]
    present: int
    changed: tuple[ChangedDoc, ...]


def default_tasks_path() -> Path:
    """`<repo>/annotation/tasks.json`, written by `nkcorpus tasks`."""
    try:
        return annotation_dir() / "tasks.json"
    except FileNotFoundError as exc:
        raise StudioError("A120", f"{exc}; or pass --tasks.") from exc


def dominant_model_version(tasks: Sequence[Mapping[str, Any]]) -> str | None:
    """The model_version most predictions in `tasks` carry."""
    versions = Counter(
        str(p["model_version"])
        for task in tasks
        for p in task.get("predictions") or []
        if isinstance(p, Mapping) and p.get("model_version")
    )
    return versions.most_common(1)[0][0] if versions else None


def read_tasks(path: Path) -> list[dict[str, Any]]:
    """Load and check a Label Studio import file: a JSON list of tasks, each with
    `data.text`, `data.doc_id` and `data.text_sha256`, one task per doc_id."""
    path = Path(path)
    with open_tasks_file(path) as handle:
        try:
            tasks = json.loads(handle.read().decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise StudioError("A120", f"{path}: cannot read the tasks file: {exc}") from exc
    if not isinstance(tasks, list):
        raise StudioError("A120", f"{path}: must hold a JSON list of tasks")
    seen: dict[str, int] = {}
    problems = [p for i, task in enumerate(tasks) if (p := task_problem(i, task, seen))]
    raise_task_problems(path, problems)
    return tasks


def open_tasks_file(path: Path) -> BinaryIO:
    """The import file opened for reading, or A120 saying it is missing or unreadable."""
    try:
        return path.open("rb")
    except FileNotFoundError as exc:
        raise StudioError(
            "A120", f"{path}: no tasks file; make it with `nkcorpus tasks` (or pass --tasks)."
        ) from exc
    except OSError as exc:
        raise StudioError("A120", f"{path}: cannot read the tasks file: {exc}") from exc


def task_problem(index: int, task: object, seen: dict[str, int]) -> str | None:
    """What is wrong with task `index` of an import file, or None; `seen`
    (doc_id -> the first task that has it) is updated.

    >>> seen = {}
    >>> task_problem(0, {"data": {"doc_id": "d", "text": "t", "text_sha256": "s"}}, seen)
    >>> task_problem(1, {"data": {"doc_id": "d", "text": "t", "text_sha256": "s"}}, seen)
    "task 1: doc_id 'd' repeats task 0"
    """
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        return f"task {index}: no 'data' object"
    lacking = [k for k in REQUIRED_DATA if not isinstance(data.get(k), str) or not data[k]]
    if lacking:
        return f"task {index}: data lacks {', '.join(lacking)}"
    first = seen.setdefault(data["doc_id"], index)
    return (
        None if first == index else f"task {index}: doc_id {data['doc_id']!r} repeats task {first}"
    )


def raise_task_problems(path: Path, problems: Sequence[str]) -> None:
    """A120 naming every problem of the import file (ten shown), if any."""
    if problems:
        more = len(problems) - 10
        shown = "; ".join(problems[:10]) + (f"; and {more} more" if more > 0 else "")
        raise StudioError("A120", f"{path}: invalid tasks file: {shown}. Re-run `nkcorpus tasks`.")


def plan_import(
    tasks: Sequence[Mapping[str, Any]], existing: Iterable[tuple[int, Mapping[str, Any]]]
) -> ImportPlan:
    """Split `tasks` (from `read_tasks`) into new, already present and changed,
    given the (task id, data) pairs already in the project."""
    in_project: dict[str, list[tuple[int, str]]] = {}
    for task_id, data in existing:
        doc_id = data.get("doc_id")
        if isinstance(doc_id, str):
            in_project.setdefault(doc_id, []).append((task_id, str(data.get("text_sha256"))))
    new: list[dict[str, Any]] = []
    changed: list[ChangedDoc] = []
    present = 0
    for task in tasks:
        data = task["data"]
        there = in_project.get(data["doc_id"], [])
        if any(sha == data["text_sha256"] for _, sha in there):
            present += 1
        elif there:
            changed.append(
                ChangedDoc(
                    doc_id=data["doc_id"],
                    task_ids=tuple(sorted(t for t, _ in there)),
                    old_sha256=tuple(sorted({s for _, s in there})),
                    new_sha256=data["text_sha256"],
                )
            )
        else:
            new.append(dict(task))
    return ImportPlan(new=tuple(new), present=present, changed=tuple(changed))
