"""`nkcorpus diff A B`: what changed between two released versions, read from
the two release folders alone: documents added, removed and changed (per
changed document its fields, spans per label and relations per type, see
`nkcorpus.build.diff_fields`), spans per label over the whole corpus, and the
shape of the release (documents moved between splits, configs, columns and
files, see `nkcorpus.build.diff_layout`). Printed as Markdown (the CLI and the
changelog) or JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from nkcorpus.build.diff_fields import (
    ChangeCounts,
    DocumentChange,
    change_to_json,
    change_to_text,
    compare_document,
)
from nkcorpus.build.diff_layout import LayoutDiff, compare_layout, retyped_to_text
from nkcorpus.build.errors import BuildError
from nkcorpus.build.splits import move_to_text


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


@dataclass
class StoredDocuments:
    """A version's `documents` tables as stored (class labels as integers),
    with where each document's row is: doc_id -> (file index, row)."""

    tables: list[pa.Table] = field(default_factory=list)
    features: list[datasets.Features] = field(default_factory=list)
    where: dict[str, tuple[int, int]] = field(default_factory=dict)

    def decoded(self, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, dict[str, Any]]:
        """doc_id -> decoded row (class labels as names), but for `skip`."""
        documents: dict[str, dict[str, Any]] = {}
        for index, (table, features) in enumerate(zip(self.tables, self.features, strict=True)):
            rows = [
                row for doc_id, (i, row) in self.where.items() if i == index and doc_id not in skip
            ]
            for row in table.take(pa.array(sorted(rows), pa.int64())).to_pylist():
                documents[row["doc_id"]] = decode_value(row, dict(features))
        return documents


def read_stored_documents(version_dir: Path) -> StoredDocuments:
    """Every `documents` table of a version folder, over every split, undecoded."""
    files = sorted((version_dir / "data" / "documents").glob("*.parquet"))
    if not files:
        raise BuildError(
            "B501", f"{version_dir}: no data/documents/*.parquet; is this a release folder?"
        )
    stored = StoredDocuments()
    for path in files:
        try:
            table = pq.read_table(path).combine_chunks()
            features = datasets.Features.from_arrow_schema(table.schema)
            doc_ids = table.column("doc_id").to_pylist()
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
            raise BuildError(
                "B502",
                f"{path}: cannot read it for `diff` ({exc}); check the release with "
                f"`nkcorpus verify {version_dir.name.removeprefix('v')}`",
            ) from exc
        index = len(stored.tables)
        stored.tables.append(table)
        stored.features.append(features)
        stored.where.update((doc_id, (index, row)) for row, doc_id in enumerate(doc_ids))
    return stored


def read_documents(version_dir: Path) -> dict[str, dict[str, Any]]:
    """doc_id -> decoded `documents` row, over every split of a version folder."""
    return read_stored_documents(version_dir).decoded()


def unchanged_documents(old: StoredDocuments, new: StoredDocuments) -> set[str]:
    """The doc_ids stored alike in both: under equal features, every column's
    value equal (Arrow's comparison of the two one-row slices). Their decoded
    rows are then equal too: nothing to compare."""
    alike: dict[tuple[int, int], bool] = {}
    unchanged = set()
    for doc_id in old.where.keys() & new.where.keys():
        (i, a), (j, b) = old.where[doc_id], new.where[doc_id]
        if (i, j) not in alike:
            alike[(i, j)] = old.features[i] == new.features[j]
        if not alike[(i, j)]:
            continue
        before, after = old.tables[i], new.tables[j]
        if all(
            before.column(name).slice(a, 1).equals(after.column(name).slice(b, 1))
            for name in after.column_names
        ):
            unchanged.add(doc_id)
    return unchanged


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
    changes: dict[str, DocumentChange] = field(default_factory=dict)  # of documents_changed
    layout: LayoutDiff = field(default_factory=LayoutDiff)

    @property
    def empty(self) -> bool:
        return not (
            self.documents_added
            or self.documents_removed
            or self.documents_changed
            or self.spans_added
            or self.spans_removed
            or self.spans_changed
            or self.layout
        )


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
    spans = ChangeCounts(result.spans_added, result.spans_removed, result.spans_changed)
    for doc_id in sorted(set(old) & set(new)):
        change = compare_document(doc_id, old[doc_id], new[doc_id])
        spans.update(change.spans)
        if change:
            result.documents_changed.append(doc_id)
            result.changes[doc_id] = change
    return result


def diff_versions(old_dir: Path, new_dir: Path) -> VersionDiff:
    """Everything `nkcorpus diff` reports, from the two release folders alone
    (a document stored alike in both is not decoded nor compared)."""
    old, new = read_stored_documents(old_dir), read_stored_documents(new_dir)
    same = unchanged_documents(old, new)
    result = diff_documents(old.decoded(same), new.decoded(same), (old_dir.name, new_dir.name))
    result.layout = compare_layout(old_dir, new_dir)
    return result


def _listed(title: str, names: list[str]) -> list[str]:
    return [f"- {title} ({len(names)}): {', '.join(names)}"] if names else []


def _paths(columns: dict[str, list[str]]) -> list[str]:
    return [f"{config}.{path}" for config, paths in sorted(columns.items()) for path in paths]


def diff_to_markdown(diff: VersionDiff) -> str:
    """The diff as Markdown lines (used by `nkcorpus diff` and the changelog)."""
    lines = [f"Compared with {diff.old}:"]
    if diff.empty:
        return lines[0] + " no document or span changed; same splits, configs, columns, files.\n"
    layout = diff.layout
    lines += _listed("documents added", diff.documents_added)
    lines += _listed("documents removed", diff.documents_removed)
    lines += _listed("documents changed", diff.documents_changed)
    lines += [f"  - {change_to_text(diff.changes[doc_id])}" for doc_id in diff.documents_changed]
    if layout.moves:
        lines.append(f"- documents moved between splits ({len(layout.moves)}):")
        lines += [f"  - {move_to_text(move)}" for move in layout.moves]
    lines += _listed("splits added", layout.splits_added)
    lines += _listed("splits removed", layout.splits_removed)
    lines += _listed("configs added", layout.configs_added)
    lines += _listed("configs removed", layout.configs_removed)
    lines += _listed("columns added", _paths(layout.columns_added))
    lines += _listed("columns removed", _paths(layout.columns_removed))
    retyped = [
        retyped_to_text(f"{config}.{path}", old, new)
        for config, paths in sorted(layout.columns_retyped.items())
        for path, (old, new) in paths.items()
    ]
    lines += _listed("columns retyped", retyped)
    lines += _listed("files added", layout.files_added)
    lines += _listed("files removed", layout.files_removed)
    lines += _listed("MANIFEST.json fields added", layout.manifest_fields_added)
    lines += _listed("MANIFEST.json fields removed", layout.manifest_fields_removed)
    labels = sorted(set(diff.spans_added) | set(diff.spans_removed) | set(diff.spans_changed))
    if labels:
        lines += ["", "| label | added | removed | changed |", "|---|---:|---:|---:|"]
        lines += [
            f"| {label} | {diff.spans_added[label]} | {diff.spans_removed[label]} | "
            f"{diff.spans_changed[label]} |"
            for label in labels
        ]
    return "\n".join(lines) + "\n"


def diff_to_json(diff: VersionDiff) -> dict[str, Any]:
    """The same facts as `diff_to_markdown`, for `nkcorpus diff --json`: the
    fields of `VersionDiff` (span counters as label -> n), each changed
    document's `change_to_json` under `changes`, and the layout's keys
    (`moves` as doc_id, group, old, new; `columns_retyped` as path -> {old, new})."""
    layout = asdict(diff.layout)
    layout["columns_retyped"] = {
        config: {path: {"old": old, "new": new} for path, (old, new) in paths.items()}
        for config, paths in diff.layout.columns_retyped.items()
    }
    return {
        "old": diff.old,
        "new": diff.new,
        "empty": diff.empty,
        "documents_added": diff.documents_added,
        "documents_removed": diff.documents_removed,
        "documents_changed": diff.documents_changed,
        "spans_added": dict(sorted(diff.spans_added.items())),
        "spans_removed": dict(sorted(diff.spans_removed.items())),
        "spans_changed": dict(sorted(diff.spans_changed.items())),
        "changes": {
            doc_id: change_to_json(diff.changes[doc_id]) for doc_id in diff.documents_changed
        },
        **layout,
    }
