"""Releases built from the committed gold: load, determinism, immutability,
verify, diff, changelog, reanchor. `load_dataset` runs in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from nkcorpus.build.diff import diff_versions
from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import MANIFEST_NAME, read_manifest, verify_release
from nkcorpus.build.release import build_release
from nkcorpus.build.splits import SplitRatios
from nkcorpus.corpus.documents import load_documents
from nkcorpus.errors import ValidationFailed
from nkcorpus.paths import default_exports

CONFIGS = ("documents", "tokens", "crossings", "statistics", "annotations")


def _build(dataset_dir: Path, version: str = "1.0.0", **kwargs) -> Path:
    return build_release(version, default_exports(), dataset_dir, progress=False, **kwargs).folder


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("dataset"))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


LOAD_SCRIPT = """
import json, sys
from datasets import load_dataset
path, configs = sys.argv[1], sys.argv[2].split(",")
LABELS = {"PERSON", "CROSSING", "MOTIVE", "STATISTIC"}
out = {}
for config in configs:
    splits = load_dataset(path, config)
    out[config] = {name: len(split) for name, split in splits.items()}
    if config == "documents":
        for split in splits.values():
            label = split.features["spans"].feature["label"]
            for row in split:
                for span in row["spans"]:
                    assert row["text"][span["start"]:span["end"]] == span["text"]
                    assert label.int2str(span["label"]) in LABELS
    if config == "tokens":
        out["tag_names"] = splits["train"].features["ner_tags"].feature.names
print(json.dumps(out))
"""


def _load(path: Path, tmp_path: Path, configs=CONFIGS) -> dict:
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(path), ",".join(configs)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_release_loads_every_config_with_load_dataset(release: Path, tmp_path: Path) -> None:
    loaded = _load(release, tmp_path)
    manifest = read_manifest(release)
    splits = sorted(set(manifest["splits"].values()))
    assert sorted(loaded["documents"]) == splits
    assert sum(loaded["documents"].values()) == len(manifest["splits"]) == 4
    assert sum(loaded["crossings"].values()) == 75 and sum(loaded["statistics"].values()) == 11
    assert loaded["tag_names"][:3] == ["O", "B-PERSON", "I-PERSON"]


def test_release_dataset_folder_card_loads_the_latest_version(
    release: Path, tmp_path: Path
) -> None:
    loaded = _load(release.parent, tmp_path, configs=("tokens", "documents"))
    assert sum(loaded["documents"].values()) == 4


def test_release_rebuild_is_byte_identical(release: Path, tmp_path: Path) -> None:
    again = _build(tmp_path / "dataset")
    assert _files(again) == _files(release)


def test_release_refuses_an_existing_or_older_version(release: Path) -> None:
    before = _files(release)
    with pytest.raises(BuildError, match=r"B302.*never changes"):
        _build(release.parent)
    with pytest.raises(BuildError, match="B303"):
        _build(release.parent, "0.9.0")
    assert _files(release) == before
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".building")]


def test_release_verify_passes_and_fails_on_a_tampered_file(release: Path, tmp_path: Path) -> None:
    assert verify_release(release) == []
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    parquet = copy / "data" / "documents" / "train-00000-of-00001.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-1] + b"\0")
    (copy / "extra.txt").write_text("x")
    (copy / "spacy" / "train.spacy").unlink()
    problems = verify_release(copy)
    assert any("train-00000-of-00001.parquet: sha256 differs" in p for p in problems)
    assert any("extra.txt: not in" in p for p in problems)
    assert any("train.spacy: listed" in p and "missing" in p for p in problems)


def test_release_manifest_records_inputs_and_every_file(release: Path) -> None:
    manifest = read_manifest(release)
    on_disk = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {MANIFEST_NAME}
    assert set(manifest["exports"]) == {p.name for p in default_exports()}
    assert manifest["schema_version"] == 1 and len(manifest["schema_sha256"]) == 64
    assert manifest["withheld"] == {"001_01116437e2deb97c": "002_f4fac74a6db6b90a"}


def test_release_docbins_hold_the_gold_spans(release: Path) -> None:
    import spacy

    vocab = spacy.blank("en").vocab
    ents = sum(
        len(doc.ents)
        for path in sorted((release / "spacy").glob("*.spacy"))
        for doc in DocBin().from_disk(path).get_docs(vocab)
    )
    assert ents == 56 + 75 + 22 + 11


def test_release_croissant_validates_with_mlcroissant(release: Path) -> None:
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=release / "croissant.json")
    assert dataset.metadata.version == "1.0.0"
    records = list(dataset.records(record_set="documents"))
    assert len(records) == 4


def test_release_invalid_export_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "export.json"
    export = json.loads(default_exports()[-1].read_text(encoding="utf-8"))
    region = next(r for r in export[0]["annotations"][0]["result"] if r["type"] == "labels")
    region["value"]["labels"] = ["NOT_A_LABEL"]
    bad.write_text(json.dumps(export), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="NOT_A_LABEL"):
        build_release("1.0.0", [bad], tmp_path / "dataset", progress=False)
    assert list((tmp_path / "dataset").glob("*")) == []


def test_release_next_version_keeps_splits_and_logs_the_diff(release: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(release.parent, dataset)
    export = json.loads(default_exports()[-1].read_text(encoding="utf-8"))
    task = next(t for t in export if t["data"]["doc_id"] == "004_cf81856647957af6")
    gold = next(a for a in task["annotations"] if a["ground_truth"])
    dropped = next(r["id"] for r in gold["result"] if r.get("from_name") == "label")
    gold["result"] = [
        r for r in gold["result"]
        if r.get("id") != dropped and dropped not in (r.get("from_id"), r.get("to_id"))
    ]  # fmt: skip
    gold["updated_at"] = "2099-01-01T00:00:00.000000Z"
    newer = tmp_path / "export-2099.json"
    newer.write_text(json.dumps([task]), encoding="utf-8")
    exports = [*default_exports(), newer]
    folder = build_release(
        "1.1.0", exports, dataset, ratios=SplitRatios(0.0, 0.0, 1.0), progress=False
    ).folder
    assert read_manifest(folder)["splits"] == read_manifest(release)["splits"]
    diff = diff_versions(dataset / "v1.0.0", folder)
    assert diff.documents_changed == ["004_cf81856647957af6"]
    assert sum(diff.spans_removed.values()) == 1 and not diff.spans_added
    changelog = (dataset / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## v1.1.0") < changelog.index("## v1.0.0")
    assert "004_cf81856647957af6" in changelog
    assert "v1.1.0/data/documents" in (dataset / "README.md").read_text(encoding="utf-8")


def test_release_stale_task_fails_unless_reanchored(tmp_path: Path) -> None:
    documents = [
        d.model_copy(update={"text": "Editor's note added.\n\n" + d.text})
        if d.doc_id == "003_8619a8974c0e0bd4"
        else d
        for d in load_documents()
    ]
    with pytest.raises(ValidationFailed, match=r"B153.*--reanchor"):
        build_release("1.0.0", default_exports(), tmp_path / "a", documents=documents,
                      progress=False)  # fmt: skip
    notes: list[str] = []
    summary = build_release(
        "1.0.0", default_exports(), tmp_path / "b", documents=documents, reanchor=True,
        progress=False, echo=notes.append,
    )  # fmt: skip
    assert any("003_8619a8974c0e0bd4" in n and "moved" in n for n in summary.reanchored)
    assert any(n.startswith("reanchored:") for n in notes)
    assert verify_release(summary.folder) == []
