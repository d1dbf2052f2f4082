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
        stats = self.splits.setdefault(rows.split, SplitStats())
        document: dict[str, Any] = rows.tables["documents"][0]
        stats.documents += 1
        stats.sentences += len(rows.tables["tokens"])
        stats.tokens += sum(len(s["tokens"]) for s in rows.tables["tokens"])
        stats.spans.update(span["label"] for span in document["spans"])
        stats.relations.update(relation["type"] for relation in document["relations"])
        stats.annotations += len(rows.tables["annotations"])
        for config, table in rows.tables.items():
            key = (config, rows.split)
            self.rows[key] = self.rows.get(key, 0) + len(table)

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
