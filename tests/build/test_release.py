"""Releases built from v1.0.0's gold (`tests/fixtures`, so that new annotations
do not change the counts): load, determinism, immutability, verify, diff,
changelog; reanchoring on the committed gold. `load_dataset` runs in a subprocess.
Also, on a tiny one-document corpus: versions, bookkeeping derived from the
release folders, repair, debris and unwritable folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from nkcorpus.build.bookkeeping import (
    expected_bookkeeping,
    find_debris,
    repair,
    verify_dataset,
)
from nkcorpus.build.diff import diff_versions
from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import MANIFEST_NAME, read_manifest, verify_release
from nkcorpus.build.release import (
    BuildSummary,
    build_release,
    parse_version,
    released_versions,
    version_folder,
)
from nkcorpus.build.splits import SplitRatios
from nkcorpus.corpus.documents import load_documents
from nkcorpus.errors import ValidationFailed
from nkcorpus.lock import LOCK_NAME, LockError
from nkcorpus.paths import dataset_dir, default_exports
from tests.build import annotation, documents, good_result, task, write_export
from tests.fixtures import v1_documents, v1_exports

CONFIGS = (
    "documents", "tokens", "crossings", "statistics", "annotations", "events", "bigbio_kb",
    "predictions",
)  # fmt: skip


def _build(dataset_dir: Path, version: str = "1.0.0", **kwargs) -> Path:
    """A release of v1.0.0's gold: 000, 002, 003, 004 (001 withheld)."""
    return build_release(
        version, v1_exports(), dataset_dir, documents=v1_documents(), progress=False, **kwargs
    ).folder


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


def test_release_same_bytes_on_two_processes(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One document per batch, two worker processes: the batches come back in
    any order and are written in doc_id order, so the files are the same."""
    monkeypatch.setattr("nkcorpus.build.release_files.BATCH_DOCUMENTS", 1)
    again = _build(tmp_path / "dataset", processes=2)
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
    assert set(manifest["exports"]) == {p.name for p in v1_exports()}
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
    assert [p.name for p in (tmp_path / "dataset").glob("*")] == [LOCK_NAME]  # the lock's file


def test_release_next_version_keeps_splits_and_logs_the_diff(release: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(release.parent, dataset)
    export = json.loads(v1_exports()[-1].read_text(encoding="utf-8"))
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
    exports = [*v1_exports(), newer]
    folder = build_release(
        "1.1.0",
        exports,
        dataset,
        ratios=SplitRatios(0.0, 0.0, 1.0),
        documents=v1_documents(),
        progress=False,
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


# A tiny corpus: one seed document with one gold annotation (a build takes well under a second).


def tiny_export(folder: Path, name: str = "export.json") -> Path:
    doc = documents()[0]
    gold = annotation(11, good_result(doc.text), gold=True)
    return write_export(folder / name, [task(1, doc, [gold])])


def tiny_build(dataset: Path, version: str, export: Path, **kwargs) -> BuildSummary:
    return build_release(
        version, [export], dataset, documents=documents(), progress=False, **kwargs
    )


@pytest.mark.parametrize(
    "text",
    ["1.0.0\n", "1.0.0 ", "\n1.0.0", "1.0", "01.0.0", "\u0661.0.0", "1\u0661.0.0",
     "1.0.1\uff10", "1000000.0.0", "1.0." + "9" * 5000],
    ids=lambda text: ascii(text[:12]),
)  # fmt: skip
def test_release_version_pattern_refuses(text: str, tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"B301.*1 to 6 ASCII digits"):
        parse_version(text)
    with pytest.raises(BuildError, match="B301"):
        tiny_build(tmp_path / "dataset", text, tmp_path / "unused.json")
    assert not (tmp_path / "dataset").exists()


def test_release_version_pattern_accepts_x_y_z_up_to_six_digits(tmp_path: Path) -> None:
    assert parse_version("v999999.0.12") == (999999, 0, 12)
    assert version_folder(tmp_path, "v1.2.3") == tmp_path / "v1.2.3"
    for name in ("v1.0.0", "v1.0.0\n", "v\u0661.0.0", "v10.0.0", "v2.0.0", "v1.0.0.bak"):
        (tmp_path / name).mkdir()
    assert [p.name for p in released_versions(tmp_path)] == ["v1.0.0", "v2.0.0", "v10.0.0"]


def test_release_committed_bookkeeping_is_derived_from_the_release_folders() -> None:
    """dataset/CHANGELOG.md and dataset/README.md are what the folders give, byte for byte."""
    root = dataset_dir()
    expected = expected_bookkeeping(released_versions(root))
    assert set(expected) == {"CHANGELOG.md", "README.md"}
    for name, text in expected.items():
        assert (root / name).read_text(encoding="utf-8") == text, name


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """A dataset folder holding a tiny v1.0.0, and the export it was built from."""
    export = tiny_export(tmp_path)
    tiny_build(tmp_path / "dataset", "1.0.0", export)
    return tmp_path / "dataset", export


def test_release_killed_after_its_rename_is_repaired_not_blocked(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    """The state a build leaves when it dies between putting its folder in place
    and writing the bookkeeping: verify says so, repair (or the next build) fixes
    it, and the result is what an uninterrupted build gives."""
    dataset, export = tiny
    clean = tmp_path / "clean"
    shutil.copytree(dataset, clean)
    tiny_build(clean, "1.0.1", export)
    (clean / "v1.0.1").rename(dataset / "v1.0.1")  # released, bookkeeping not updated
    check = verify_dataset(dataset)
    assert check.releases == {"v1.0.0": [], "v1.0.1": []} and not check.ok
    assert any("[B404]" in p and "CHANGELOG.md: lacks v1.0.1" in p for p in check.folder)
    assert any("README.md: does not point at the latest version" in p for p in check.folder)
    assert all("nkcorpus repair" in p for p in check.folder)
    with pytest.raises(BuildError, match="B302"):  # the version exists, as it should ...
        tiny_build(dataset, "1.0.1", export)
    for name in ("CHANGELOG.md", "README.md"):  # ... and that build brought the bookkeeping up
        assert (dataset / name).read_bytes() == (clean / name).read_bytes()
    (dataset / "CHANGELOG.md").write_text("edited by hand\n", encoding="utf-8")
    notes: list[str] = []
    repair(dataset, notes.append)
    assert notes == [f"rewrote {dataset / 'CHANGELOG.md'} from the release folders"]
    assert verify_dataset(dataset).ok
    tiny_build(dataset, "1.0.2", export)
    changelog = (dataset / "CHANGELOG.md").read_text(encoding="utf-8")
    assert [line for line in changelog.splitlines() if line.startswith("## ")] == [
        "## v1.0.2", "## v1.0.1", "## v1.0.0"
    ]  # fmt: skip


def test_release_unwritable_bookkeeping_refuses_the_build_before_writing(
    tiny: tuple[Path, Path],
) -> None:
    dataset, export = tiny
    (dataset / "CHANGELOG.md").unlink()
    (dataset / "CHANGELOG.md").mkdir()  # cannot be replaced by a file
    assert any("CHANGELOG.md: missing" in p for p in verify_dataset(dataset).folder)
    with pytest.raises(BuildError, match=r"B307.*CHANGELOG\.md.*nkcorpus repair"):
        tiny_build(dataset, "1.0.1", export)
    assert not (dataset / "v1.0.1").exists() and find_debris(dataset) == []
    (dataset / "CHANGELOG.md").rmdir()
    repair(dataset, lambda _: None)
    assert verify_dataset(dataset).ok


def test_release_bookkeeping_write_error_after_the_rename_is_coded_and_repairable(
    tiny: tuple[Path, Path],
) -> None:
    """A permission error between the rename and the bookkeeping: the release is
    whole, the error says so and names `repair`, which then succeeds."""
    dataset, export = tiny
    with read_only(dataset / "CHANGELOG.md"):
        with pytest.raises(BuildError, match=r"B307.*CHANGELOG\.md.*nkcorpus repair"):
            tiny_build(dataset, "1.0.1", export)
        assert verify_release(dataset / "v1.0.1") == []  # the release itself is whole
        assert any("CHANGELOG.md: lacks v1.0.1" in p for p in verify_dataset(dataset).folder)
    repair(dataset, lambda _: None)
    assert verify_dataset(dataset).ok
    assert "## v1.0.1" in (dataset / "CHANGELOG.md").read_text(encoding="utf-8")


def test_release_debris_is_reported_then_removed_by_the_next_build(
    tiny: tuple[Path, Path], repo_root: Path
) -> None:
    dataset, export = tiny
    scratch = dataset / ".building-v1.0.1-999999"
    (scratch / "data").mkdir(parents=True)
    (scratch / "data" / "half.parquet").write_bytes(b"PAR1")
    temp = dataset / ".CHANGELOG.md.x1y2.tmp"
    temp.write_text("half", encoding="utf-8")
    check = verify_dataset(dataset)
    assert [p.split(":")[0] for p in check.folder] == [f"[B405] {temp}", f"[B405] {scratch}"]
    notes: list[str] = []
    tiny_build(dataset, "1.0.1", export, echo=notes.append)
    assert f"removed {scratch.name}: left by a build that died" in notes
    assert f"removed {temp.name}: left by a build that died" in notes
    assert find_debris(dataset) == [] and verify_dataset(dataset).ok
    ignored = subprocess.run(
        ["git", "check-ignore", "dataset/.building-v1.0.1-999999", "dataset/.nkcorpus.lock",
         "dataset/.README.md.abc.tmp"],
        cwd=repo_root, capture_output=True, text=True,
    )  # fmt: skip
    assert ignored.stdout.split() == [
        "dataset/.building-v1.0.1-999999", "dataset/.nkcorpus.lock", "dataset/.README.md.abc.tmp"
    ]  # fmt: skip


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a folder: no new entries; a file: not replaced) refuses writes:
    chmod for a user, the immutable flag for root (whom permission bits do not stop)."""
    if os.geteuid() != 0:
        if not path.is_dir():
            pytest.skip("only root (chattr +i) can stop a file from being replaced")
        mode = path.stat().st_mode
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a path read-only")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"this filesystem has no immutable flag: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_release_read_only_dataset_folder_is_a_coded_error(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    dataset, export = tiny
    before = sorted(p.name for p in dataset.iterdir())
    with read_only(dataset):
        with pytest.raises(BuildError, match=rf"B306.*{dataset}.*writable") as caught:
            tiny_build(dataset, "1.0.1", export)
        assert isinstance(caught.value.__cause__, PermissionError)
        assert sorted(p.name for p in dataset.iterdir()) == before  # nothing half-written
        assert verify_dataset(dataset).ok
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with read_only(fresh), pytest.raises(LockError, match=rf"L002.*{fresh}.*writable"):
        tiny_build(fresh, "1.0.0", export)
    assert list(fresh.iterdir()) == []


def test_release_without_any_gold_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    from tests.build import documents, task, write_export

    export = write_export(tmp_path / "export.json", [task(1, documents()[0], [])])
    with pytest.raises(BuildError, match=r"B305.*a reviewer accepts one per task"):
        build_release("1.0.0", [export], tmp_path / "dataset", progress=False)
    assert not (tmp_path / "dataset" / "v1.0.0").exists()
