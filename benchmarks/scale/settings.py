"""The generation parameters, in a module light enough for the runner to import
(it stays small, so the children it forks start small: `measure`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1  # bump when the same parameters would write other bytes
DEFAULTS: dict[str, Any] = {
    "tasks_per_file": 5000,  # ~390 MB per file, under the reader's 1 GiB per export
    "second_annotator": 0.2,  # share of tasks with a second annotator
    "changed": 0.01,  # share of tasks changed in the variant (at least one)
    "copies": 0.005,  # share of documents with a truncated copy (at least one)
    "substitution": 0.2,  # share of the words outside regions replaced
    "indent": False,  # True: studio pull's 2-space indent (about twice the bytes)
}


def exports_fingerprint(paths: Iterable[Path]) -> str:
    """sha256 over the names and contents of the exports the blocks come from
    (the committed gold changes, so does every generation).

    >>> exports_fingerprint([]) == hashlib.sha256(b"[]").hexdigest()
    True
    """
    files = sorted((Path(p).name, hashlib.sha256(Path(p).read_bytes()).hexdigest()) for p in paths)
    return hashlib.sha256(json.dumps(files).encode()).hexdigest()


def parameters(tasks: int, seed: int, pool: str, **options: Any) -> dict[str, Any]:
    """Every parameter that determines a generation's bytes (`pool`: the
    `exports_fingerprint` of the exports recombined).

    >>> parameters(10, 0, "f", changed=0.5)["changed"], parameters(10, 0, "f")["changed"]
    (0.5, 0.01)
    """
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown generation options {sorted(unknown)}")
    return {"generator_version": GENERATOR_VERSION, "tasks": tasks, "seed": seed, "pool": pool,
            **DEFAULTS, **options}  # fmt: skip
