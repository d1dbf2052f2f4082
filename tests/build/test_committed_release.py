"""The committed releases under dataset/: intact, immutable, reproducible, and
loadable by a Python that has nothing but `datasets` installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from importlib.metadata import version as package_version
from pathlib import Path

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import read_manifest, verify_release
from nkcorpus.build.release import PACKAGE, build_release, released_versions
from nkcorpus.paths import dataset_dir, default_exports

CONFIGS = ("documents", "tokens", "crossings", "statistics", "annotations")
V1 = dataset_dir() / "v1.0.0"


def test_committed_release_v1_exists_and_every_version_verifies() -> None:
    versions = released_versions(dataset_dir())
    assert V1 in versions
    for folder in versions:
        assert verify_release(folder) == [], folder


def test_committed_release_refuses_to_rebuild_v1(tmp_path: Path) -> None:
    copy = tmp_path / "dataset"
    shutil.copytree(dataset_dir(), copy)
    with pytest.raises(BuildError, match="B302"):
        build_release("1.0.0", default_exports(), copy, progress=False)
    assert verify_release(copy / "v1.0.0") == []


def test_committed_release_v1_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    manifest = read_manifest(V1)
    builder = f"{PACKAGE} {package_version(PACKAGE)}"
    if manifest["code_version"] != builder:
        pytest.skip(f"v1.0.0 was built by {manifest['code_version']}, this is {builder}")
    rebuilt = build_release("1.0.0", default_exports(), tmp_path, progress=False).folder
    mine = {p.relative_to(rebuilt).as_posix(): p.read_bytes() for p in rebuilt.rglob("*")
            if p.is_file()}  # fmt: skip
    theirs = {p.relative_to(V1).as_posix(): p.read_bytes() for p in V1.rglob("*") if p.is_file()}
    assert sorted(mine) == sorted(theirs)
    different = [name for name in mine if mine[name] != theirs[name]]
    assert different == [], "the builder no longer reproduces v1.0.0 (bump the package version?)"


LOAD = """
import json, sys
from datasets import load_dataset
print(json.dumps({c: {s: len(d) for s, d in load_dataset(sys.argv[1], c).items()}
                  for c in sys.argv[2].split(",")}))
"""


@pytest.fixture(scope="module")
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


def test_committed_release_loads_in_a_python_with_only_datasets(
    datasets_only_python: Path, tmp_path: Path
) -> None:
    freeze = subprocess.run(
        [str(datasets_only_python), "-m", "pip", "freeze"], capture_output=True, text=True
    ).stdout.lower()
    assert "datasets==" in freeze and "nk-defector-corpus" not in freeze and "spacy" not in freeze
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1"}
    env.pop("PYTHONPATH", None)
    counts = {}
    for path in (V1, dataset_dir()):  # a pinned version, and the latest through DIR/README.md
        result = subprocess.run(
            [str(datasets_only_python), "-c", LOAD, str(path), ",".join(CONFIGS)],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        counts[path.name] = json.loads(result.stdout.strip().splitlines()[-1])
    manifest = read_manifest(V1)
    splits = sorted(set(manifest["splits"].values()))
    for loaded in counts.values():
        assert set(loaded) == set(CONFIGS)
        assert sorted(loaded["documents"]) == splits
        assert sum(loaded["documents"].values()) == len(manifest["splits"])
    assert counts["v1.0.0"] == counts[dataset_dir().name]
    assert sys.executable != str(datasets_only_python)
