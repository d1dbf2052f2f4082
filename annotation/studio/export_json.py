"""The committed export format, written one task at a time.

An export file is `json.dumps(tasks, sort_keys=True, indent=2,
ensure_ascii=False)` plus a newline, with tasks, and each task's annotations,
drafts and predictions, in id order and without Label Studio's relative times
(`VOLATILE_KEYS`). A list dumped with `indent=2` is `[`, each item dumped at
indent 2 with its lines shifted by two spaces, joined by `,`, then `]`; JSON
strings never hold a raw newline, so shifting every line of an item dumped on
its own gives the same bytes. `ExportWriter` uses that to write a file of any
size holding one task at a time: each task goes to a spool file as it comes,
and `finish` copies the pieces in id order (the index of ids and offsets is
the only thing kept per task).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

# Label Studio renders these relative to the time of the export ("3 minutes");
# they would make two exports of the same data differ.
VOLATILE_KEYS = frozenset({"created_ago"})
_COPY = 1 << 20


def _by_id(items: list[Any]) -> list[Any]:
    """`items` (objects with an `id`, or bare ids) in id order."""
    return sorted(items, key=lambda item: item.get("id", 0) if isinstance(item, dict) else item)


def _drop_volatile(value: Any) -> Any:
    """`value` without VOLATILE_KEYS; task `data` (the document) is left alone."""
    if isinstance(value, dict):
        return {
            k: v if k == "data" else _drop_volatile(v)
            for k, v in value.items()
            if k not in VOLATILE_KEYS
        }
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def normalised_task(task: dict[str, Any]) -> dict[str, Any]:
    """`task` without volatile keys, its annotations, drafts and predictions in id order."""
    task = _drop_volatile(task)
    for key in ("annotations", "drafts", "predictions"):
        if isinstance(task.get(key), list):
            task[key] = _by_id(task[key])
    return task


def task_to_item_bytes(task: dict[str, Any]) -> bytes:
    """One task as it stands inside the export's list (without its comma).

    >>> task_to_item_bytes({"id": 1, "data": {"t": "a"}, "predictions": []}).decode()
    '{\\n    "data": {\\n      "t": "a"\\n    },\\n    "id": 1,\\n    "predictions": []\\n  }'
    """
    text = json.dumps(normalised_task(task), sort_keys=True, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n  ").encode("utf-8")


def tasks_to_json(tasks: Iterable[dict[str, Any]]) -> bytes:
    """The whole export of `tasks`, in memory (`ExportWriter` streams it).

    >>> tasks_to_json([{"id": 2}, {"id": 1}])
    b'[\\n  {\\n    "id": 1\\n  },\\n  {\\n    "id": 2\\n  }\\n]\\n'
    >>> tasks_to_json([])
    b'[]\\n'
    """
    items = [task_to_item_bytes(t) for t in _by_id([dict(t) for t in tasks])]
    return b"[\n  " + b",\n  ".join(items) + b"\n]\n" if items else b"[]\n"


class ExportWriter:
    """Write an export file of any size from tasks given one at a time, in any
    order: `add` each task, then `finish` into a file; `close` removes the spool."""

    def __init__(self, folder: Path, prefix: str = ".export-spool") -> None:
        fd, name = tempfile.mkstemp(prefix=f"{prefix}.json.", suffix=".tmp", dir=folder)
        self.spool_path = Path(name)
        self._spool: BinaryIO = os.fdopen(fd, "w+b")
        self._index: list[tuple[int, int, int, int]] = []  # id, arrival, offset, length

    def add(self, task: dict[str, Any]) -> None:
        """Append `task` (its `id` an int, as `iter_export` guarantees)."""
        item = task_to_item_bytes(task)
        offset = self._spool.tell()
        self._spool.write(item)
        self._index.append((int(task["id"]), len(self._index), offset, len(item)))

    def finish(self, handle: BinaryIO) -> str:
        """Write the export into `handle` (tasks in id order, ties in arrival
        order, as `sorted` leaves them); its sha256 hex digest."""
        digest = hashlib.sha256()

        def out(data: bytes) -> None:
            handle.write(data)
            digest.update(data)

        self._spool.flush()
        if not self._index:
            out(b"[]\n")
            return digest.hexdigest()
        out(b"[\n  ")
        for number, (_, _, offset, length) in enumerate(sorted(self._index)):
            if number:
                out(b",\n  ")
            self._spool.seek(offset)
            while length:
                data = self._spool.read(min(length, _COPY))
                out(data)
                length -= len(data)
        out(b"\n]\n")
        return digest.hexdigest()

    def close(self) -> None:
        self._spool.close()
        self.spool_path.unlink(missing_ok=True)
