"""Where a task's bytes are in its export, so that a reader may drop the
parsed task and read it again when it needs it.

A build reads its exports once to merge them and keeps, for each task the
fast path read (`nkcorpus.build.export_lines`), its `TaskPlace` (offset,
length and a BLAKE2b digest of its bytes: 40 bytes or so) instead of the
parsed task (about five times the task's JSON in Python objects). Each later
reader (validation, the baseline, agreement, the pre-annotation report) reads
the task again with `load_task`, which checks the digest: an export that
changed under a running build is refused with B108, never read half old and
half new. The last task loaded is kept, so readers that ask for the same task
several times in a row parse it once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from nkcorpus.build.errors import BuildError

_DIGEST_BYTES = 16


def task_digest(raw: bytes) -> bytes:
    """The digest a `TaskPlace` keeps of a task's bytes (BLAKE2b, 16 bytes)."""
    return hashlib.blake2b(raw, digest_size=_DIGEST_BYTES).digest()


@dataclass(frozen=True)
class TaskPlace:
    """A task's bytes: `length` bytes at `offset` of the export `path`
    (absolute, so that a worker started elsewhere finds it), with their digest."""

    path: Path
    offset: int
    length: int
    digest: bytes

    @classmethod
    def of(cls, path: Path, offset: int, raw: bytes) -> TaskPlace:
        """The place of `raw`, found at `offset` of `path`.

        >>> TaskPlace.of(Path("export.json"), 4, b'{"id": 1}').length
        9
        """
        return cls(Path(path).absolute(), offset, len(raw), task_digest(raw))


@lru_cache(maxsize=1)
def load_task(place: TaskPlace) -> dict[str, Any]:
    """The task at `place`, parsed again; B108 when its export cannot be read
    there or its bytes are no longer the ones first read."""
    path = place.path
    try:
        with open(path, "rb") as handle:
            handle.seek(place.offset)
            raw = handle.read(place.length)
    except OSError as exc:
        raise _changed(path, place, f"it cannot be read again ({exc})") from exc
    if len(raw) != place.length or task_digest(raw) != place.digest:
        raise _changed(path, place, "its bytes differ from those first read")
    return orjson.loads(raw)  # the same bytes the fast path parsed and checked


def _changed(path: Path, place: TaskPlace, what: str) -> BuildError:
    return BuildError(
        "B108",
        f"{path}: the task at byte {place.offset} changed while the exports were being "
        f"read: {what}; do not pull or edit exports during a build or validation, then "
        "run it again",
    )
