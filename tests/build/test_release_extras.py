"""The self-contained files of a release folder: DATASHEET.md, GUIDELINES.md,
schema/labels.yaml, sources.yaml, LICENSE, NOTICE and CITATION.cff."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nkcorpus.build.manifest import file_sha256, read_manifest, verify_release
from nkcorpus.build.release_extras import (
    CC_BY,
    DATASHEET_FILE,
    EXTRA_FILES,
    GUIDELINES_FILE,
    MIT,
    write_release_extras,
)
from nkcorpus.corpus.manifest import ManifestEntry, load_manifest
from nkcorpus.paths import project_root, seeds_dir
from nkcorpus.schema.model import SCHEMA_FILE
from tests.build import documents
from tests.build.test_release import tiny_build, tiny_export

WITHHELD = "001_01116437e2deb97c"


def released():
    return [d for d in documents() if d.doc_id != WITHHELD]


def write(folder: Path) -> list[str]:
    return write_release_extras(
        folder,
        version="1.1.0",
        released=released(),
        manifest=load_manifest(seeds_dir()),
        date_released="2026-11-23",
    )


def test_release_extras_writes_exactly_the_listed_files(tmp_path: Path) -> None:
    names = write(tmp_path)
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert names == on_disk == sorted(EXTRA_FILES)


def test_release_extras_copies_the_repository_documents_byte_for_byte(tmp_path: Path) -> None:
    write(tmp_path)
    root = project_root()
    assert root / "DATASHEET.md" == DATASHEET_FILE
    assert root / "annotation" / "GUIDELINES.md" == GUIDELINES_FILE
    for name, source in (("DATASHEET.md", DATASHEET_FILE), ("GUIDELINES.md", GUIDELINES_FILE),
                         ("schema/labels.yaml", SCHEMA_FILE)):  # fmt: skip
        assert (tmp_path / name).read_bytes() == source.read_bytes(), name


def test_release_extras_sources_are_the_manifest_entries_of_released_documents(
    tmp_path: Path,
) -> None:
    write(tmp_path)
    text = (tmp_path / "sources.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Sources of the documents released in nk-defector-corpus v1.1.0")
    data = yaml.safe_load(text)
    manifest = load_manifest(seeds_dir())
    assert [e["doc_id"] for e in data["documents"]] == [d.doc_id for d in released()]
    for entry in data["documents"]:  # every field as in seeds/manifest.yaml, reasons included
        assert ManifestEntry.model_validate(entry) == manifest.entry(entry["doc_id"])
    assert WITHHELD not in text
    agg = next(e for e in data["documents"] if e["doc_id"] == "003_8619a8974c0e0bd4")
    assert agg["title"] is None and "no headline" in agg["missing"]["title"]


def test_release_extras_license_states_the_card_terms_with_links(tmp_path: Path) -> None:
    write(tmp_path)
    text = (tmp_path / "LICENSE").read_text(encoding="utf-8")
    assert "nk-defector-corpus v1.1.0" in text
    assert "Annotations and metadata: CC BY 4.0" in text and CC_BY in text
    assert "Code: MIT" in text and MIT in text
    assert "remain the copyright of their\npublishers" in text and "NOTICE" in text


def test_release_extras_notice_names_every_released_article(tmp_path: Path) -> None:
    write(tmp_path)
    text = (tmp_path / "NOTICE").read_text(encoding="utf-8")
    for document in released():
        assert f"- {document.doc_id}: " in text and f"\n  {document.url}\n" in f"{text}\n"
    assert WITHHELD not in text
    assert "- 003_8619a8974c0e0bd4: (no headline), nationalusnews.com, date unknown" in text
    assert (
        '- 002_f4fac74a6db6b90a: "Why do NK defectors flee to destitute North?", '
        "The Korea Times, 2020-08-02" in text
    )


def test_release_extras_citation_file_format(tmp_path: Path) -> None:
    write(tmp_path)
    cff = yaml.safe_load((tmp_path / "CITATION.cff").read_text(encoding="utf-8"))
    # the keys Citation File Format 1.2.0 requires, and the version's own facts
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert (cff["version"], cff["date-released"], cff["license"]) == (
        "1.1.0",
        "2026-11-23",
        "CC-BY-4.0",
    )
    assert cff["authors"] == [{"name": "nk-defector-corpus maintainers"}]


def test_release_extras_are_deterministic_and_never_overwrite(tmp_path: Path) -> None:
    write(tmp_path / "a")
    write(tmp_path / "b")
    for name in EXTRA_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with pytest.raises(FileExistsError):
        write(tmp_path / "a")


def test_release_extras_are_in_the_built_release_and_its_manifest(tmp_path: Path) -> None:
    folder = tiny_build(tmp_path / "dataset", "1.0.0", tiny_export(tmp_path)).folder
    files = read_manifest(folder)["files"]
    for name in EXTRA_FILES:
        assert files[name]["sha256"] == file_sha256(folder / name), name
    assert verify_release(folder) == []
    sources = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))
    assert [e["doc_id"] for e in sources["documents"]] == ["000_610f827a1a73c6d9"]  # tiny: one


def test_release_extras_leave_the_folder_loadable_alone(tmp_path: Path) -> None:
    """The folder copied alone (as the Hub holds it) still loads with `datasets`."""
    from datasets import load_dataset

    folder = tiny_build(tmp_path / "dataset", "1.0.0", tiny_export(tmp_path)).folder
    alone = shutil.copytree(folder, tmp_path / "hub-copy")
    loaded = load_dataset(str(alone), "documents", cache_dir=str(tmp_path / "cache"))
    assert sum(len(split) for split in loaded.values()) == 1
    assert {"LICENSE", "NOTICE", "DATASHEET.md", "sources.yaml"} <= {
        p.name for p in alone.iterdir()
    }
