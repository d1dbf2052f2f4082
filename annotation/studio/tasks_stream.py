"""The import file read twice, streamed, instead of held whole.

`tasks_file.read_tasks` loads the whole file: 10,000 tasks of ~4,000
characters with their predictions are 180 MB of JSON and ~1 GB of Python
objects. `scan_tasks` reads the file once, task by task (ijson), checks it as
`read_tasks` does (same A120 messages) and keeps only what planning needs: each
task's doc_id, text_sha256 and the model_version of its predictions, with its
position in the file. `StreamedTasks.load` then reads the file again and yields
only the tasks to import, one at a time, for `import_batches`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from nkcorpus.annotation.studio.tasks_file import (
    open_tasks_file,
    raise_task_problems,
    task_problem,
)
from nkcorpus.errors import StudioError

POSITION = "_position"  # key of a slim task: its index in the file


def _slim(task: dict[str, Any], position: int) -> dict[str, Any]:
    data = task["data"]
    return {
        POSITION: position,
        "data": {"doc_id": data["doc_id"], "text_sha256": data["text_sha256"]},
        "predictions": [
            {"model_version": p["model_version"]}
            for p in task.get("predictions") or []
            if isinstance(p, dict) and p.get("model_version")
        ],
    }


def _items(handle: BinaryIO, path: Path) -> Iterator[Any]:
    if handle.read(1024).lstrip()[:1] != b"[":
        raise StudioError("A120", f"{path}: must hold a JSON list of tasks")
    handle.seek(0)
    try:
        yield from ijson.items(handle, "item", use_float=True)
    except (ijson.JSONError, ValueError) as exc:
        raise StudioError("A120", f"{path}: cannot read the tasks file: {exc}") from exc


@dataclass(frozen=True)
class StreamedTasks:
    """An import file checked by `scan_tasks`: its slim tasks, in file order."""

    path: Path
    slim: tuple[dict[str, Any], ...]

    def load(self, wanted: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The full tasks of the slim `wanted` ones (in file order), read again;
        A120 if the file no longer holds them where the scan found them."""
        expected = {int(t[POSITION]): t["data"] for t in wanted}
        positions = sorted(expected)
        if not positions:
            return
        changed = StudioError("A120", f"{self.path}: changed while sync read it; sync again.")
        with open_tasks_file(self.path) as handle:
            at = 0
            for position, task in enumerate(_items(handle, self.path)):
                if position == positions[at]:
                    data = task.get("data") if isinstance(task, dict) else None
                    if not isinstance(data, dict) or any(
                        data.get(k) != v for k, v in expected[position].items()
                    ):
                        raise changed
                    yield task
                    at += 1
                    if at == len(positions):
                        return
        raise changed


def scan_tasks(path: Path) -> StreamedTasks:
    """Check an import file as `tasks_file.read_tasks` does (A120 with every
    problem, up to ten shown), holding one task at a time."""
    path = Path(path)
    problems: list[str] = []
    seen: dict[str, int] = {}
    slim: list[dict[str, Any]] = []
    with open_tasks_file(path) as handle:
        for index, task in enumerate(_items(handle, path)):
            problem = task_problem(index, task, seen)
            if problem:
                problems.append(problem)
            else:
                slim.append(_slim(task, index))
    raise_task_problems(path, problems)
    return StreamedTasks(path, tuple(slim))
