"""Where the project's folders are, for commands run anywhere inside the repo."""

from __future__ import annotations

import os
from pathlib import Path

from nkcorpus.errors import ProjectNotFound

PROJECT_NAME = 'name = "nk-defector-corpus"'


def project_root(start: Path | None = None) -> Path:
    """The repository root: `$NKCORPUS_ROOT`, else the nearest folder upwards
    from `start` (default: the working directory) whose pyproject.toml is this
    project's. Raises ProjectNotFound (D051, a FileNotFoundError) when there is none."""
    env = os.environ.get("NKCORPUS_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and PROJECT_NAME in pyproject.read_text(encoding="utf-8"):
            return folder
    raise ProjectNotFound(
        "D051",
        f"no nk-defector-corpus checkout found at or above {here}; "
        "run inside the repository or set NKCORPUS_ROOT",
    )


def seeds_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "seeds"


def annotation_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "annotation"


def dataset_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "dataset"


def exports_dir(root: Path | None = None) -> Path:
    return annotation_dir(root) / "exports"


def default_exports(root: Path | None = None) -> list[Path]:
    """Every committed Label Studio export, oldest first (names start with a UTC stamp)."""
    return sorted(exports_dir(root).glob("*.json"))
