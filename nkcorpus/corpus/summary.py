"""Corpus summary: sizes per document, near-duplicate groups, unreviewed entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nkcorpus.corpus.clean import PARAGRAPH_SEPARATOR
from nkcorpus.corpus.dedup import (
    CONTAINMENT_THRESHOLD,
    SHINGLE_WORDS,
    DuplicatePair,
    find_near_duplicates,
    pairs_to_groups,
)
from nkcorpus.corpus.documents import CleanDocument, load_documents
from nkcorpus.corpus.manifest import load_manifest
from nkcorpus.errors import SeedError
from nkcorpus.paths import seeds_dir as default_seeds_dir

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@dataclass(frozen=True)
class DocumentStats:
    doc_id: str
    publisher: str | None
    published: str | None
    characters: int
    paragraphs: int
    words: int
    group: str


@dataclass(frozen=True)
class CorpusSummary:
    documents: list[DocumentStats]
    pairs: list[DuplicatePair]
    groups: dict[str, list[str]]
    unreviewed: list[str]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "characters": sum(d.characters for d in self.documents),
            "paragraphs": sum(d.paragraphs for d in self.documents),
            "words": sum(d.words for d in self.documents),
            "near_duplicate_groups": sum(1 for g in self.groups.values() if len(g) > 1),
        }


def document_to_stats(doc: CleanDocument) -> DocumentStats:
    return DocumentStats(
        doc_id=doc.doc_id,
        publisher=doc.publisher,
        published=doc.published,
        characters=len(doc.text),
        paragraphs=len(doc.text.split(PARAGRAPH_SEPARATOR)),
        words=len(_WORD.findall(doc.text)),
        group=doc.group,
    )


def check_groups(documents: list[CleanDocument]) -> list[DuplicatePair]:
    """Recompute near-duplicate groups and raise when the manifest's differ."""
    pairs = find_near_duplicates({d.doc_id: d.text for d in documents})
    computed = pairs_to_groups([d.doc_id for d in documents], pairs)
    stale = [d.doc_id for d in documents if computed[d.doc_id] != d.group]
    if stale:
        raise SeedError(
            "D050",
            f"near-duplicate groups in seeds/manifest.yaml are out of date for {stale}; "
            "run `nkcorpus seeds add` to recompute them",
        )
    return pairs


def summarise(seeds_dir: Path | None = None) -> CorpusSummary:
    """Clean every seed, check the recorded groups, and describe the corpus."""
    seeds_dir = Path(seeds_dir) if seeds_dir is not None else default_seeds_dir()
    documents = load_documents(seeds_dir)
    pairs = check_groups(documents)
    groups: dict[str, list[str]] = {}
    for doc in documents:
        groups.setdefault(doc.group, []).append(doc.doc_id)
    unreviewed = [e.doc_id for e in load_manifest(seeds_dir).documents if not e.reviewed]
    return CorpusSummary(
        documents=[document_to_stats(d) for d in documents],
        pairs=pairs,
        groups=groups,
        unreviewed=unreviewed,
    )


def summary_to_text(summary: CorpusSummary) -> str:
    """A plain-text report for the terminal."""
    header = f"{'doc_id':<24} {'publisher':<30} {'published':<10} {'chars':>6} {'paras':>5} "
    header += f"{'words':>6}  group"
    lines = [header, "-" * len(header)]
    for d in summary.documents:
        lines.append(
            f"{d.doc_id:<24} {(d.publisher or '-')[:30]:<30} {d.published or '-':<10} "
            f"{d.characters:>6} {d.paragraphs:>5} {d.words:>6}  {d.group}"
        )
    totals = summary.totals
    lines.append(
        f"total: {totals['documents']} documents, {totals['paragraphs']} paragraphs, "
        f"{totals['words']} words, {totals['characters']} characters"
    )
    lines.append(
        f"near-duplicates (word {SHINGLE_WORDS}-shingles, containment >= "
        f"{CONTAINMENT_THRESHOLD}): {len(summary.pairs)} pair(s), "
        f"{totals['near_duplicate_groups']} group(s)"
    )
    for pair in summary.pairs:
        lines.append(
            f"  {pair.a} ~ {pair.b}: containment {pair.containment:.2f}, jaccard {pair.jaccard:.2f}"
        )
    if summary.unreviewed:
        lines.append(f"unreviewed manifest entries: {', '.join(summary.unreviewed)}")
    return "\n".join(lines)
