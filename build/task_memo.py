"""A content-addressed memo of each task's checks, so that a build reads and
checks again only the tasks that changed since the last one.

What `nkcorpus.build.task_checks.check_task` finds in a task depends on the
task's bytes, the label schema, the reviewers, whether the readers' parts
(`TaskExtras`) were asked for, and the code; and on the export's path, which
it writes into every problem, gold and row it makes. The memo keeps each
`CheckedTask` under the sha256 of all but the path, with the path left out of
the entry: every value equal to the export's path is stored as a reference
and given the current export's path when loaded, so a new export of the same
task (the usual case: each version is built from a new `studio pull`) finds
it. An entry that would still name the path inside another string (a
message that quotes it) is not stored; that task is checked again each time.

The code is fingerprinted by the source of every module of the `nkcorpus`
packages and the versions of the libraries that checking runs, so an edited
module or an upgraded library never reuses an entry. The memo lives under
`out/cache/task-checks/` of the project (never inside a release); deleting
it only costs time. An entry is `NKTASK1\\n`, the sha256 of the rest, then a
pickle; one that is damaged, foreign or names anything but the classes a
checked task is made of (`_allowed`) is refused and made again, never trusted.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from nkcorpus.build.cache_files import entry_path, read_entry, write_entry
from nkcorpus.build.fingerprint import code_fingerprint
from nkcorpus.build.task_places import TaskPlace
from nkcorpus.schema.model import LabelSchema

MAGIC = b"NKTASK1\n"
# What checking a task runs: the modules of these packages, these libraries.
PACKAGES = (
    "nkcorpus", "nkcorpus.corpus", "nkcorpus.schema", "nkcorpus.annotation",
    "nkcorpus.annotation.agreement", "nkcorpus.annotation.prelabel", "nkcorpus.build",
)  # fmt: skip
LIBRARIES = ("spacy", "srsly", "pydantic", "pydantic-core", "numpy", "orjson")
_PATH_STR, _PATH = "export-path-str", "export-path"
# What an entry may name besides this package's classes (`_allowed`): the
# pieces numpy rebuilds an array from, and plain value types.
_PLAIN = {
    *(("numpy", n) for n in ("dtype", "ndarray")),
    *((m, "_frombuffer") for m in ("numpy._core.numeric", "numpy.core.numeric")),
    *((m, n) for m in ("numpy._core.multiarray", "numpy.core.multiarray")
      for n in ("_reconstruct", "scalar")),
    *(("builtins", n) for n in ("set", "frozenset", "complex", "bytearray")),
    *(("datetime", n) for n in ("datetime", "date", "time", "timedelta", "timezone")),
    *(("pathlib", n) for n in ("Path", "PosixPath", "WindowsPath", "PurePosixPath")),
}  # fmt: skip


@lru_cache(maxsize=1)
def _allowed() -> frozenset[tuple[str, str]]:
    """(module, name) of every class a `CheckedTask` is made of: this
    package's, named from the classes themselves (a renamed class is then
    still allowed), plus `_PLAIN`. Nothing else is looked up: an entry naming
    any other callable is refused."""
    from nkcorpus.annotation.agreement.figures import DocumentCounts
    from nkcorpus.annotation.agreement.inputs import AgreementTask, Coded, TaskAgreement
    from nkcorpus.annotation.score import PrelabelTask, Region
    from nkcorpus.build.baseline_predictions import PredictedTask, Prediction
    from nkcorpus.build.report import GoldDocument, Problem, Unreviewed
    from nkcorpus.build.task_checks import CheckedTask, TaskExtras, TaskFindings

    classes = (DocumentCounts, AgreementTask, Coded, TaskAgreement, PrelabelTask, Region,
               PredictedTask, Prediction, GoldDocument, Problem, Unreviewed, CheckedTask,
               TaskExtras, TaskFindings)  # fmt: skip
    return frozenset({(c.__module__, c.__qualname__) for c in classes} | _PLAIN)


def default_memo_dir() -> Path:
    """`out/cache/task-checks/` of the project (`NKCORPUS_ROOT` or this checkout)."""
    from nkcorpus.paths import project_root

    return project_root() / "out" / "cache" / "task-checks"


def memo_key(place: TaskPlace, schema: LabelSchema, reviewers: frozenset[int], extras: bool) -> str:
    """The memo key of the task at `place` under these inputs and the current code."""
    head = "\0".join(
        [
            code_fingerprint(PACKAGES, LIBRARIES),
            schema.schema_hash,
            ",".join(map(str, sorted(reviewers))),
            "extras" if extras else "checks",
        ]
    )
    return hashlib.sha256(head.encode() + b"\0" + place.digest).hexdigest()


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, source: Path) -> None:
        super().__init__(file, protocol=5)
        self.source, self.text = source, str(source)

    def persistent_id(self, obj: Any) -> str | None:
        if type(obj) is str and obj == self.text:
            return _PATH_STR
        if isinstance(obj, PurePath) and obj == self.source:
            return _PATH
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, source: Path) -> None:
        super().__init__(file)
        self.source = source

    def persistent_load(self, pid: Any) -> Any:
        if pid == _PATH_STR:
            return str(self.source)
        if pid == _PATH:
            return self.source
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _allowed():
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a task memo")


def dumps_for(value: Any, source: Path) -> bytes | None:
    """`value` pickled with every value equal to `source` (str or path) left as
    a reference, or None if the path's name is still in it (inside another
    string: it would be wrong for another export)."""
    buffer = io.BytesIO()
    _Pickler(buffer, source).dump(value)
    data = buffer.getvalue()
    return None if source.name.encode() in data else data


def loads_for(data: bytes, source: Path) -> Any:
    """`dumps_for`'s bytes with the references given `source`."""
    return _Unpickler(io.BytesIO(data), source).load()


@dataclass
class TaskMemo:
    """`CheckedTask`s by key under `folder` (created on first store);
    `reused` counts the entries `load` gave in this process."""

    folder: Path
    reused: int = 0

    def has(self, key: str) -> bool:
        """Whether an entry is stored under `key` (`load` may still refuse it)."""
        return entry_path(self.folder, key, ".task").is_file()

    def load(self, key: str, source: Path) -> Any | None:
        """The stored value with `source` as its export, or None if absent or unreadable."""
        payload = read_entry(entry_path(self.folder, key, ".task"), MAGIC)
        if payload is None:
            return None
        try:
            return loads_for(payload, source)
        except Exception:  # a foreign or outdated entry: made again
            return None

    def store(self, key: str, value: Any, source: Path) -> bool:
        """Write `value` atomically; False when it cannot be kept apart from its path."""
        payload = dumps_for(value, source)
        if payload is None:
            return False
        write_entry(entry_path(self.folder, key, ".task"), MAGIC, payload)
        return True
