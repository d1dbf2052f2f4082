"""The cleaned corpus: every manifest entry, checked against its raw file and
cleaned. This is what every later stage (tasks, build) reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from nkcorpus.corpus.clean import lines_to_body
from nkcorpus.corpus.manifest import ManifestEntry, load_manifest
from nkcorpus.corpus.rawtext import file_sha256, raw_lines
from nkcorpus.errors import SeedError, ValidationFailed
from nkcorpus.paths import seeds_dir as default_seeds_dir


class CleanDocument(BaseModel):
    """One cleaned article and its provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str
    text: str
    text_sha256: str
    title: str | None
    publisher: str | None
    url: str | None
    published: str | None
    language: str
    group: str
    source_file: str
    source_sha256: str


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_to_document(seeds_dir: Path, entry: ManifestEntry) -> CleanDocument:
    """Check one entry's raw file against its checksum and clean it."""
    path = Path(seeds_dir) / entry.file
    if not path.is_file():
        raise SeedError(
            "D030", f"{path}: listed in the manifest as {entry.doc_id!r} but missing on disk"
        )
    actual = file_sha256(path)
    if actual != entry.sha256:
        raise SeedError(
            "D031",
            f"{path}: sha256 {actual[:12]}… differs from the manifest's {entry.sha256[:12]}…; "
            "raw seeds are never edited: restore the original file (git checkout), or add the "
            "new version as a new document",
        )
    text = lines_to_body(raw_lines(path), entry.body, source=str(path))
    return CleanDocument(
        doc_id=entry.doc_id,
        text=text,
        text_sha256=text_sha256(text),
        title=entry.title,
        publisher=entry.publisher,
        url=entry.url,
        published=entry.published.isoformat() if entry.published else None,
        language=entry.language,
        group=entry.group,
        source_file=entry.file,
        source_sha256=entry.sha256,
    )


def load_documents(seeds_dir: Path | None = None) -> list[CleanDocument]:
    """Every document of the manifest, cleaned, sorted by doc_id. All problems
    are collected and raised together.

    >>> [d.doc_id for d in load_documents()][:1]
    ['000_610f827a1a73c6d9']
    """
    seeds_dir = Path(seeds_dir) if seeds_dir is not None else default_seeds_dir()
    manifest = load_manifest(seeds_dir)
    documents, problems = [], []
    for entry in manifest.documents:
        try:
            documents.append(entry_to_document(seeds_dir, entry))
        except SeedError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationFailed("D039", f"{seeds_dir}: seeds do not match the manifest", problems)
    return documents
