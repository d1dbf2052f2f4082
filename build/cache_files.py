"""Writing one entry of a build cache (`nkcorpus.build.part_cache`,
`nkcorpus.build.task_memo`, `nkcorpus.build.read_memo`): whole or not at all,
and a folder that cannot take it stops the build with B332, not a traceback."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nkcorpus.build.errors import BuildError


class CacheError(BuildError):
    """B332: a cache entry cannot be written (not a problem of the exports)."""


def write_entry(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file beside it, renamed
    into place); B332 when the cache folder cannot be written."""
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
