"""The committed releases under dataset/: intact, immutable, reproducible, and
loadable by a Python that has nothing but `datasets` installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version as package_version
from pathlib import Path

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import read_manifest, verify_release
from nkcorpus.build.release import PACKAGE, build_release, released_versions
from nkcorpus.build.splits import SplitRatios
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import load_manifest
from nkcorpus.paths import dataset_dir, default_exports

CONFIGS = ("documents", "tokens", "crossings", "statistics", "annotations")
V1 = dataset_dir() / "v1.0.0"
ROOT = Path(__file__).resolve().parents[2]
# Split ratios a release was built with, where not the default (MANIFEST.json does not
# record them; DATASHEET's Distribution section gives each build's command).
RATIOS = {"v1.2.0": SplitRatios(0.6, 0.2, 0.2)}


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


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout


def _release_commit(folder: Path) -> str | None:
    """The commit that added `folder` (its inputs are that commit's files), if in git."""
    manifest = (folder / "MANIFEST.json").relative_to(ROOT).as_posix()
    try:
        added = _git("log", "--diff-filter=A", "--format=%H", "--", manifest).split()
    except (OSError, subprocess.CalledProcessError):
        return None
    return added[-1].decode() if added else None


def _rebuild(folder: Path, tmp_path: Path) -> Path:
    """`folder` built again by this code from the inputs it was built from: the exports
    its manifest names, the documents it knew (released, withheld, unreviewed: seeds added later are
    not its inputs), the seed manifest, datasheet, guidelines and schema of the commit
    that added it, on a copy of the releases before it (splits are kept from the
    previous release)."""
    manifest = read_manifest(folder)
    known = {*manifest["splits"], *manifest["withheld"], *manifest["unreviewed"]}
    documents = [d for d in load_documents() if d.doc_id in known]
    commit = _release_commit(folder)
    if commit is None:
        pytest.skip(f"{folder.name} is not committed: its inputs cannot be read from git")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "manifest.yaml").write_bytes(_git("show", f"{commit}:seeds/manifest.yaml"))
    sources = {"DATASHEET.md": "DATASHEET.md", "GUIDELINES.md": "annotation/GUIDELINES.md",
               "schema/labels.yaml": "schema/labels.yaml"}  # fmt: skip
    copies = {name: _git("show", f"{commit}:{path}") for name, path in sources.items()}
    exports = []  # the exports the release names, as that commit held them
    for name in sorted(manifest["exports"]):
        exports.append(tmp_path / "exports" / name)
        exports[-1].parent.mkdir(exist_ok=True)
        exports[-1].write_bytes(_git("show", f"{commit}:annotation/exports/{name}"))
    copy = tmp_path / "dataset"
    copy.mkdir()
    for earlier in released_versions(dataset_dir()):
        if earlier.name == folder.name:
            break
        shutil.copytree(earlier, copy / earlier.name)
    return build_release(
        folder.name, exports, copy, documents=documents, progress=False,
        ratios=RATIOS.get(folder.name),
        seeds_manifest=load_manifest(seeds), copies=copies,
    ).folder  # fmt: skip


@pytest.mark.parametrize("version", [p.name for p in released_versions(dataset_dir())])
def test_committed_release_is_reproduced_byte_for_byte(version: str, tmp_path: Path) -> None:
    folder = dataset_dir() / version
    manifest = read_manifest(folder)
    builder = f"{PACKAGE} {package_version(PACKAGE)}"
    if manifest["code_version"] != builder:
        pytest.skip(f"{version} was built by {manifest['code_version']}, this is {builder}")
    rebuilt = _rebuild(folder, tmp_path)
    mine = {p.relative_to(rebuilt).as_posix(): p.read_bytes() for p in rebuilt.rglob("*")
            if p.is_file()}  # fmt: skip
    theirs = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
              if p.is_file()}  # fmt: skip
    assert sorted(mine) == sorted(theirs)
    different = [name for name in mine if mine[name] != theirs[name]]
    assert different == [], f"the builder no longer reproduces {version}: bump the package version"


def test_latest_release_is_built_by_this_code_version() -> None:
    """The newest release must be reproducible by the code in this checkout: a change
    to what the build writes goes with a package version bump and a new release."""
    latest = released_versions(dataset_dir())[-1]
    assert read_manifest(latest)["code_version"] == f"{PACKAGE} {package_version(PACKAGE)}"


LOAD = """
import json, sys
from datasets import load_dataset
print(json.dumps({c: {s: len(d) for s, d in load_dataset(sys.argv[1], c).items()}
                  for c in sys.argv[2].split(",")}))
"""


def configs_of(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "data").iterdir() if p.is_dir())


def run_with_datasets_only(python: Path, tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [str(python), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_committed_release_loads_in_a_python_with_only_datasets(
    datasets_only_python: Path, tmp_path: Path
) -> None:
    freeze = subprocess.run(
        [str(datasets_only_python), "-m", "pip", "freeze"], capture_output=True, text=True
    ).stdout.lower()
    assert "datasets==" in freeze and "nk-defector-corpus" not in freeze and "spacy" not in freeze
    versions = released_versions(dataset_dir())
    latest = versions[-1]
    alone = shutil.copytree(latest, tmp_path / "hub-copy")  # the release folder alone
    counts = {}
    # every pinned version, the latest through DIR/README.md, and the latest copied alone
    for path in (*versions, dataset_dir(), alone):
        configs = configs_of(latest if path in (dataset_dir(), alone) else path)
        out = run_with_datasets_only(datasets_only_python, tmp_path, "-c", LOAD, str(path),
                                     ",".join(configs))  # fmt: skip
        counts[path] = json.loads(out.strip().splitlines()[-1])
        assert set(counts[path]) == set(configs)
        manifest = read_manifest(latest if path in (dataset_dir(), alone) else path)
        assert sorted(counts[path]["documents"]) == sorted(set(manifest["splits"].values()))
        assert sum(counts[path]["documents"].values()) == len(manifest["splits"])
    assert set(CONFIGS) <= set(configs_of(V1)) and set(CONFIGS) <= set(configs_of(latest))
    assert counts[latest] == counts[dataset_dir()] == counts[alone]
    assert sys.executable != str(datasets_only_python)
