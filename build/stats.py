"""Counts of a release, per split: what the dataset card and the changelog report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from nkcorpus.build.tables import DocumentRows


@dataclass
class SplitStats:
    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    annotations: int = 0


@dataclass
class ReleaseStats:
    splits: dict[str, SplitStats] = field(default_factory=dict)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (config, split) -> rows
    arrow_bytes: dict[tuple[str, str], int] = field(default_factory=dict)  # in-memory size

    def add(self, rows: DocumentRows) -> None:
        self.add_counts(rows_to_counts(rows))

    def add_counts(self, counts: RowCounts) -> None:
        """Add one document's counts (`rows_to_counts`)."""
        stats = self.splits.setdefault(counts.split, SplitStats())
        stats.documents += 1
        stats.sentences += counts.sentences
        stats.tokens += counts.tokens
        stats.spans.update(counts.spans)
        stats.relations.update(counts.relations)
        stats.annotations += counts.annotations
        for config, n in counts.rows.items():
            key = (config, counts.split)
            self.rows[key] = self.rows.get(key, 0) + n

    def total(self) -> SplitStats:
        total = SplitStats()
        for stats in self.splits.values():
            total.documents += stats.documents
            total.sentences += stats.sentences
            total.tokens += stats.tokens
            total.spans.update(stats.spans)
            total.relations.update(stats.relations)
            total.annotations += stats.annotations
        return total


@dataclass(frozen=True)
class RowCounts:
    """What `ReleaseStats` takes from one document's rows (made with them, in a
    worker, so that the rows can travel encoded)."""

    split: str
    sentences: int
    tokens: int
    spans: dict[str, int]
    relations: dict[str, int]
    annotations: int
    rows: dict[str, int]  # config -> rows


def rows_to_counts(rows: DocumentRows) -> RowCounts:
    """The counts of one document's rows (label names as in the rows)."""
    document: dict[str, Any] = rows.tables["documents"][0]
    return RowCounts(
        split=rows.split,
        sentences=len(rows.tables["tokens"]),
        tokens=sum(len(s["tokens"]) for s in rows.tables["tokens"]),
        spans=dict(Counter(span["label"] for span in document["spans"])),
        relations=dict(Counter(relation["type"] for relation in document["relations"])),
        annotations=len(rows.tables["annotations"]),
        rows={config: len(table) for config, table in rows.tables.items()},
    )
