"""`nkcorpus diff A B`: documents and spans added, removed and changed between
two released versions, per label.

A span is identified by (start, end, label) in its document; the same
identity with different text or attributes is "changed".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq

from nkcorpus.build.errors import BuildError

SpanKey = tuple[int, int, str]


def decode_value(value: Any, feature: Any) -> Any:
    """Class-label integers -> names, through lists and structs."""
    if value is None:
        return None
    if isinstance(feature, datasets.ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, datasets.List):
        return [decode_value(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: decode_value(value.get(k), f) for k, f in feature.items()}
    return value


def read_documents(version_dir: Path) -> dict[str, dict[str, Any]]:
    """doc_id -> decoded `documents` row, over every split of a version folder."""
    files = sorted((version_dir / "data" / "documents").glob("*.parquet"))
    if not files:
        raise BuildError(
            "B501", f"{version_dir}: no data/documents/*.parquet; is this a release folder?"
        )
    documents: dict[str, dict[str, Any]] = {}
    for path in files:
        table = pq.read_table(path)
        features = datasets.Features.from_arrow_schema(table.schema)
        for row in table.to_pylist():
            decoded = decode_value(row, dict(features))
            documents[decoded["doc_id"]] = decoded
    return documents


@dataclass
class VersionDiff:
    old: str
    new: str
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_changed: list[str] = field(default_factory=list)
    spans_added: Counter[str] = field(default_factory=Counter)
    spans_removed: Counter[str] = field(default_factory=Counter)
    spans_changed: Counter[str] = field(default_factory=Counter)

    @property
    def empty(self) -> bool:
        return not (
            self.documents_added
            or self.documents_removed
            or self.documents_changed
            or self.spans_added
            or self.spans_removed
            or self.spans_changed
        )


def _spans(document: dict[str, Any]) -> dict[SpanKey, dict[str, Any]]:
    return {(s["start"], s["end"], s["label"]): s for s in document["spans"]}


def _comparable(span: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in span.items() if k != "id"}  # ids may be renumbered


def diff_documents(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], names: tuple[str, str]
) -> VersionDiff:
    """Compare two `read_documents` results."""
    result = VersionDiff(*names)
    result.documents_added = sorted(set(new) - set(old))
    result.documents_removed = sorted(set(old) - set(new))
    for doc_id in result.documents_added:
        result.spans_added.update(s["label"] for s in new[doc_id]["spans"])
    for doc_id in result.documents_removed:
        result.spans_removed.update(s["label"] for s in old[doc_id]["spans"])
    for doc_id in sorted(set(old) & set(new)):
        before, after = _spans(old[doc_id]), _spans(new[doc_id])
        result.spans_added.update(key[2] for key in set(after) - set(before))
        result.spans_removed.update(key[2] for key in set(before) - set(after))
        changed = [
            key
            for key in set(before) & set(after)
            if _comparable(before[key]) != _comparable(after[key])
        ]
        result.spans_changed.update(key[2] for key in changed)
        other_fields = {k for k in old[doc_id] if k not in ("spans",)}
        if (
            set(before) != set(after)
            or changed
            or any(old[doc_id].get(k) != new[doc_id].get(k) for k in other_fields)
        ):
            result.documents_changed.append(doc_id)
    return result


def diff_versions(old_dir: Path, new_dir: Path) -> VersionDiff:
    return diff_documents(
        read_documents(old_dir), read_documents(new_dir), (old_dir.name, new_dir.name)
    )


def diff_to_markdown(diff: VersionDiff) -> str:
    """The diff as Markdown lines (used by `nkcorpus diff` and the changelog)."""
    lines = [f"Compared with {diff.old}:"]
    if diff.empty:
        return lines[0] + " no document or span changed.\n"
    for title, docs in (
        ("added", diff.documents_added),
        ("removed", diff.documents_removed),
        ("changed", diff.documents_changed),
    ):
        if docs:
            lines.append(f"- documents {title} ({len(docs)}): {', '.join(docs)}")
    labels = sorted(set(diff.spans_added) | set(diff.spans_removed) | set(diff.spans_changed))
    if labels:
        lines += ["", "| label | added | removed | changed |", "|---|---:|---:|---:|"]
        lines += [
            f"| {label} | {diff.spans_added[label]} | {diff.spans_removed[label]} | "
            f"{diff.spans_changed[label]} |"
            for label in labels
        ]
    return "\n".join(lines) + "\n"
