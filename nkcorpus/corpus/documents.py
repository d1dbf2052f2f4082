"""The cleaned corpus: every manifest entry, checked against its raw file and
cleaned. This is what every later stage (tasks, build) reads."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from nkcorpus.corpus.clean import lines_to_body
from nkcorpus.corpus.manifest import Manifest, ManifestEntry, load_manifest
from nkcorpus.corpus.rawtext import file_sha256, raw_lines
from nkcorpus.errors import SeedError, ValidationFailed
from nkcorpus.ordered_pool import map_in_order
from nkcorpus.paths import seeds_dir as default_seeds_dir

BATCH_ENTRIES = 64  # manifest entries read and cleaned per batch on a worker


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


def entries_to_documents(
    seeds_dir: Path, entries: Sequence[ManifestEntry]
) -> list[CleanDocument | str]:
    """Each entry's `entry_to_document`, or its problem's message (a batch of
    `load_documents`, run on a worker process)."""
    out: list[CleanDocument | str] = []
    for entry in entries:
        try:
            out.append(entry_to_document(seeds_dir, entry))
        except SeedError as exc:
            out.append(str(exc))
    return out


def load_documents(
    seeds_dir: Path | None = None, manifest: Manifest | None = None, *, processes: int = 1
) -> list[CleanDocument]:
    """Every document of the manifest, cleaned, sorted by doc_id. All problems
    are collected and raised together. `manifest`: the manifest of `seeds_dir`
    already loaded. `processes`: how many processes read and clean the seed
    files (the same documents whatever the number; in the caller's process,
    only the documents are made, not the garbage of cleaning them).

    >>> [d.doc_id for d in load_documents()][:1]
    ['000_610f827a1a73c6d9']
    """
    seeds_dir = Path(seeds_dir) if seeds_dir is not None else default_seeds_dir()
    manifest = load_manifest(seeds_dir) if manifest is None else manifest
    entries = manifest.documents
    batches = (
        (seeds_dir, entries[i : i + BATCH_ENTRIES]) for i in range(0, len(entries), BATCH_ENTRIES)
    )
    documents, problems = [], []
    for made in map_in_order(_batch_to_documents, batches, processes):
        for item in made:
            if isinstance(item, str):
                problems.append(item)
            else:
                documents.append(item)
    if problems:
        raise ValidationFailed("D039", f"{seeds_dir}: seeds do not match the manifest", problems)
    return documents


def _batch_to_documents(batch: tuple[Path, Sequence[ManifestEntry]]) -> list[CleanDocument | str]:
    return entries_to_documents(*batch)
