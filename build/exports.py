"""Merging several Label Studio exports, each read by
`nkcorpus.build.export_reader` (streamed, bounded, one task at a time).

Several exports merge by task id: the copy with the newest `updated_at` (of
the task, or of its newest annotation) wins; on a tie the later file (or the
later task of one file) wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nkcorpus.build.errors import BuildError
from nkcorpus.build.export_reader import iter_export, iter_export_places
from nkcorpus.build.task_places import TaskPlace, load_task

__all__ = [
    "ExportTask",
    "iter_export",
    "iter_export_places",
    "merge_tasks",
    "parse_timestamp",
    "read_exports",
    "task_updated_at",
]

_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ExportTask:
    """One task of an export, with where it came from: held in memory, or
    (`place` given) read again from its export when asked for."""

    task_id: int
    held: dict[str, Any] | None  # None: read again from `place`
    source: Path
    order: int  # position over every file read, in reading order
    updated: datetime
    place: TaskPlace | None = None

    @property
    def task(self) -> dict[str, Any]:
        """The task (B108 if its export changed since it was first read)."""
        if self.held is not None:
            return self.held
        assert self.place is not None
        return load_task(self.place)

    @property
    def data(self) -> dict[str, Any]:
        data = self.task.get("data")
        return data if isinstance(data, dict) else {}


def parse_timestamp(value: object, *, where: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (naive ones are UTC).

    >>> parse_timestamp("2024-05-01T10:00:00.5Z", where="x").isoformat()
    '2024-05-01T10:00:00.500000+00:00'
    """
    if value is None or value == "":
        return _NEVER
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BuildError(
            "B104", f"{where}: updated_at {value!r} is not an ISO 8601 timestamp; re-pull"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def task_updated_at(task: Mapping[str, Any], *, where: str = "task") -> datetime:
    """The newest of the task's `updated_at` and its annotations' `updated_at`."""
    stamps = [parse_timestamp(task.get("updated_at"), where=where)]
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, Mapping):
            stamps.append(parse_timestamp(annotation.get("updated_at"), where=where))
    return max(stamps)


Located = tuple[dict[str, Any], TaskPlace | None]


def merge_tasks(sources: Iterable[tuple[Path, Iterable[Located]]]) -> list[ExportTask]:
    """Merge the tasks of several exports by task id (newest wins, ties by
    order); the result is sorted by task id. Each task comes with its place in
    the export (`iter_export_places`): a task with one is not kept in memory
    but read again when asked for."""
    merged: dict[int, ExportTask] = {}
    order = 0
    for path, tasks in sources:
        for task, place in tasks:
            task_id = int(task["id"])
            updated = task_updated_at(task, where=f"{path}: task {task_id}")
            held = task if place is None else None
            candidate = ExportTask(task_id, held, Path(path), order, updated, place)
            order += 1
            current = merged.get(task_id)
            if current is None or candidate.updated >= current.updated:
                merged[task_id] = candidate
    return [merged[task_id] for task_id in sorted(merged)]


def read_exports(paths: Iterable[Path]) -> list[ExportTask]:
    """Read and merge the exports at `paths`, in the order given."""
    return merge_tasks((Path(p), iter_export_places(Path(p))) for p in paths)
