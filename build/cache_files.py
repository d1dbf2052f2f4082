"""The entries of the build caches (`nkcorpus.build.part_cache`,
`nkcorpus.build.task_memo`, `nkcorpus.build.read_memo`): where an entry
lives, and its framing. An entry is its cache's magic line, the sha256 of
the payload, then the payload; it is written whole or not at all, and a
folder that cannot take it stops the build with B332, not a traceback. An
entry that is absent, torn, foreign or altered reads as None (made again)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from nkcorpus.build.errors import BuildError


class CacheError(BuildError):
    """B332: a cache entry cannot be written (not a problem of the exports)."""


def entry_path(folder: Path, key: str, suffix: str) -> Path:
    """Where the entry `key` (hex) lives: a folder per its first two digits.

    >>> entry_path(Path("cache"), "ab12", ".part").as_posix()
    'cache/ab/ab12.part'
    """
    return folder / key[:2] / f"{key}{suffix}"


def read_entry(path: Path, magic: bytes) -> bytes | None:
    """The payload of the entry at `path`, or None if it is absent, unreadable,
    of another cache (`magic`) or not the bytes its digest was made of."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(magic) + 32
    if (
        data[: len(magic)] != magic
        or hashlib.sha256(data[head:]).digest() != data[len(magic) : head]
    ):
        return None
    return data[head:]


def write_entry(path: Path, magic: bytes, payload: bytes) -> None:
    """Write the entry (`magic`, the payload's sha256, `payload`) to `path`
    atomically (a temporary file beside it, renamed into place); B332 when
    the cache folder cannot be written."""
    data = magic + hashlib.sha256(payload).digest() + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(scratch, path)
    except OSError as exc:
        Path(scratch).unlink(missing_ok=True)
        raise _unwritable(path, exc) from exc
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def _unwritable(path: Path, exc: OSError) -> CacheError:
    folder = path.parent.parent  # entries sit in a folder per first two hex digits
    return CacheError(
        "B332",
        f"cannot write the build cache entry {path}: {exc.strerror or exc}; free disk space "
        f"or make {folder} writable, or build with --no-cache (nothing was released)",
    )
