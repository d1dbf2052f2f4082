"""Fixtures shared by the tests of released folders."""

from __future__ import annotations

import subprocess
import venv
from importlib.metadata import version as package_version
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def datasets_only_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with `datasets` (the locked version) and its dependencies only."""
    folder = tmp_path_factory.mktemp("datasets-only")
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    pinned = f"datasets=={package_version('datasets')}"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", pinned],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    return python
