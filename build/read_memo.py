"""A memo of what merging exports takes from each task, so that a task read
before is not parsed again.

Merging the exports (`nkcorpus.build.copies`) needs, of each task, its id, its
`updated_at` and its annotations' (`exports.task_updated_at`), its doc id
(`copies.task_doc_id`) and which annotations are starred (`copies.gold_ids`);
every later reader reads the whole task again from its place in the export
(`nkcorpus.build.task_places`). Parsing a task and checking it against the
read limits (`export_lines.parse_task`, `export_reader`) costs about 2 ms;
the memo keeps, under the digest of the task's bytes, the read limits and the
code, the task's *skeleton*: those fields alone, as JSON. A task whose bytes
were read and accepted before gives its skeleton without being parsed; the
same bytes under the same limits and code are accepted again.

The memo lives beside the task checks (`nkcorpus.build.task_memo`, under
`out/cache/task-checks/`). An entry is `NKREAD1\\n`, the sha256 of its
JSON, then the JSON (`nkcorpus.build.cache_files`); one that cannot be read
or does not match is ignored and written again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from nkcorpus.build.cache_files import entry_path, read_entry, write_entry
from nkcorpus.build.fingerprint import code_fingerprint
from nkcorpus.build.limits import ReadLimits

# The annotation fields the merge reads (`task_updated_at`, `gold_ids`).
ANNOTATION_KEYS = ("id", "updated_at", "ground_truth", "was_cancelled")
MAGIC = b"NKREAD1\n"
PACKAGES = ("nkcorpus.build",)
LIBRARIES = ("orjson", "ijson")


def task_to_skeleton(task: Mapping[str, Any]) -> dict[str, Any] | None:
    """The fields of `task` the merge reads, or None when they cannot be told
    apart from the rest (annotations that are not a list).

    >>> task_to_skeleton({"id": 1, "data": {"doc_id": "a", "text": "..."},
    ...                   "annotations": [{"id": 5, "result": [], "ground_truth": True}]})
    {'id': 1, 'data': {'doc_id': 'a'}, 'annotations': [{'id': 5, 'ground_truth': True}]}
    """
    annotations = task.get("annotations")
    if annotations is not None and not isinstance(annotations, list):
        return None
    skeleton = {key: task[key] for key in ("id", "updated_at") if key in task}
    data = task.get("data")
    if isinstance(data, Mapping) and "doc_id" in data:
        skeleton["data"] = {"doc_id": data["doc_id"]}
    if annotations:
        skeleton["annotations"] = [
            {key: a[key] for key in ANNOTATION_KEYS if key in a} if isinstance(a, Mapping) else a
            for a in annotations
        ]
    return skeleton


@dataclass
class ReadMemo:
    """Skeletons by key under `folder` (created on first store); `reused`
    counts the skeletons `load` gave."""

    folder: Path
    reused: int = 0

    def key(self, digest: bytes, limits: ReadLimits) -> str:
        head = f"{code_fingerprint(PACKAGES, LIBRARIES)}\0{limits!r}\0".encode()
        return hashlib.sha256(head + digest).hexdigest()

    def load(self, key: str) -> dict[str, Any] | None:
        payload = read_entry(entry_path(self.folder, key, ".read"), MAGIC)
        if payload is None:
            return None
        try:
            skeleton = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(skeleton, dict) or not isinstance(skeleton.get("id"), int):
            return None
        self.reused += 1
        return skeleton

    def store(self, key: str, task: Mapping[str, Any]) -> None:
        """Keep `task`'s skeleton (written whole or not at all)."""
        skeleton = task_to_skeleton(task)
        if skeleton is None:
            return
        write_entry(entry_path(self.folder, key, ".read"), MAGIC, orjson.dumps(skeleton))
