"""Write files so that a reader never sees half of one: a temp file in the
same folder, flushed and fsynced, then renamed over the target."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str, *, overwrite: bool = True, mode: int = 0o644) -> Path:
    """Write `text` (UTF-8, `\\n` newlines) to `path` atomically, with `mode`.

    With `overwrite=False` an existing target raises FileExistsError and
    nothing is written. On any error the temp file is removed.
    """
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite, mode=mode)


def atomic_write_bytes(
    path: Path, data: bytes, *, overwrite: bool = True, mode: int = 0o644
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} exists and is never overwritten")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)  # mkstemp creates 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the target appeared meanwhile
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
