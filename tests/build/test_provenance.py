"""The provenance check of a release (B310/B311): a released document has a url
and a title, or the seed manifest records why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.build.provenance import check_provenance, provenance_problems
from nkcorpus.build.release import build_release
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.corpus.manifest import Manifest, load_manifest
from nkcorpus.errors import ValidationFailed
from nkcorpus.paths import seeds_dir
from tests.build import documents
from tests.build.test_release import tiny_export

AMN, KT, AGG, NKN = ("000_610f827a1a73c6d9", "002_f4fac74a6db6b90a", "003_8619a8974c0e0bd4",
                     "004_cf81856647957af6")  # fmt: skip


def released() -> list[CleanDocument]:
    """The documents v1.0.0 released: every seed but the withheld copy 001."""
    return [d for d in documents() if d.doc_id != "001_01116437e2deb97c"]


def blank(docs: list[CleanDocument], **fields: list[str]) -> list[CleanDocument]:
    """`docs` with the named fields set to None: blank(docs, url=[AMN]) clears 000's url."""
    return [
        d.model_copy(update={f: None for f, ids in fields.items() if d.doc_id in ids}) for d in docs
    ]


def without_reasons(manifest: Manifest, doc_id: str) -> Manifest:
    entries = tuple(
        e.model_copy(update={"missing": {}}) if e.doc_id == doc_id else e
        for e in manifest.documents
    )
    return manifest.model_copy(update={"documents": entries})


def test_provenance_of_the_released_seeds_is_complete() -> None:
    manifest = load_manifest(seeds_dir())
    assert provenance_problems(released(), manifest) == []
    assert all(d.url and d.url.startswith("http") for d in released())
    # 003 has no headline: its title is null with a recorded reason, and that passes
    [agg] = [d for d in released() if d.doc_id == AGG]
    assert agg.title is None and manifest.entry(AGG).missing["title"]


def test_provenance_lists_every_problem_together() -> None:
    manifest = load_manifest(seeds_dir())
    docs = blank(released(), url=[AMN, NKN], title=[KT])
    with pytest.raises(ValidationFailed, match=r"\[B310\].*3 problem\(s\)") as info:
        check_provenance(docs, manifest, "seeds/manifest.yaml")
    problems = info.value.problems
    # 000 url, 002 title, 004 url: sorted by doc_id, url before title within one document
    assert [
        (p.split("doc ")[1][:20], p.split("released with no ")[1].split()[0]) for p in problems
    ] == [
        (AMN, "url"),
        (KT, "title"),
        (NKN, "url"),
    ]
    assert all(p.startswith("[B311] seeds/manifest.yaml, doc ") for p in problems)
    assert "missing: {url:" in problems[0] and "000_610f827a1a73c6d9.txt" in problems[0]


def test_provenance_reason_is_needed_where_the_value_is_null() -> None:
    manifest = load_manifest(seeds_dir())
    assert provenance_problems(released(), without_reasons(manifest, NKN)) == []  # has a title
    problems = provenance_problems(released(), without_reasons(manifest, AGG))
    assert len(problems) == 1 and f"doc {AGG}: released with no title" in problems[0]


def test_provenance_only_checks_released_documents() -> None:
    manifest = load_manifest(seeds_dir())
    every = blank(list(documents()), url=["001_01116437e2deb97c"])  # the withheld copy
    assert provenance_problems([d for d in every if d.doc_id in {AMN, KT}], manifest) == []
    [problem] = provenance_problems(every, manifest)  # were it released, it would fail
    assert "doc 001_01116437e2deb97c: released with no url" in problem


def test_provenance_document_missing_from_the_manifest() -> None:
    stray = released()[0].model_copy(update={"doc_id": "999_stray", "source_file": "999_stray.txt"})
    [problem] = provenance_problems([stray], load_manifest(seeds_dir()))
    assert "doc 999_stray: released but not in the manifest" in problem
    assert "nkcorpus seeds add seeds/999_stray.txt" in problem


def test_provenance_failure_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    manifest = load_manifest(seeds_dir())
    entries = tuple(
        e.model_copy(update={"url": None}) if e.doc_id == AMN else e for e in manifest.documents
    )
    broken = manifest.model_copy(update={"documents": entries})
    dataset = tmp_path / "dataset"
    with pytest.raises(ValidationFailed, match=r"B310") as info:
        build_release(
            "1.0.0",
            [tiny_export(tmp_path)],
            dataset,
            documents=blank(list(documents()), url=[AMN]),
            seeds_manifest=broken,
            progress=False,
        )
    assert [p.split(":")[0] for p in info.value.problems] == [
        f"[B311] the given seeds manifest, doc {AMN}"
    ]
    assert not (dataset / "v1.0.0").exists()
