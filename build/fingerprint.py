"""A fingerprint of the code a cached result was made with: the source of
every module of some packages and the versions of some libraries, so that an
edited module or an upgraded library, even without a version bump, never
reuses a result (`nkcorpus.build.part_cache`, `nkcorpus.build.task_memo`)."""

from __future__ import annotations

import hashlib
import importlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path


@lru_cache(maxsize=8)
def code_fingerprint(packages: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """sha256 of the `.py` files of `packages` (each its own folder, not its
    subpackages) and the installed versions of `libraries`.

    >>> len(code_fingerprint(("nkcorpus.schema",), ("pydantic",)))
    64
    """
    digest = hashlib.sha256()
    for library in libraries:
        digest.update(f"{library} {version(library)}\0".encode())
    for name in packages:
        folder = Path(importlib.import_module(name).__file__ or "").parent
        digest.update(name.encode() + b"\0")
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
