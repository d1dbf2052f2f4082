"""What changed in the shape of a release between two versions: configs (the
`data/<config>/` folders), their columns (from each config's first Parquet
file's schema, nested fields as dotted paths), splits and the documents that
moved between them (the two MANIFEST.json `splits`), and the files outside
`data/` and the top-level fields of MANIFEST.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import read_manifest
from nkcorpus.build.splits import SPLITS, SplitMove, split_moves


@dataclass
class LayoutDiff:
    configs_added: list[str] = field(default_factory=list)
    configs_removed: list[str] = field(default_factory=list)
    columns_added: dict[str, list[str]] = field(default_factory=dict)  # config -> paths
    columns_removed: dict[str, list[str]] = field(default_factory=dict)
    columns_retyped: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    splits_added: list[str] = field(default_factory=list)
    splits_removed: list[str] = field(default_factory=list)
    moves: list[SplitMove] = field(default_factory=list)
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    manifest_fields_added: list[str] = field(default_factory=list)
    manifest_fields_removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(bool(value) for value in vars(self).values())


def feature_to_type(feature: Any) -> str:
    """A feature's type, without the fields of a struct (they are columns of their own).

    >>> feature_to_type(datasets.List(datasets.List(datasets.Value("int32"))))
    'list<list<int32>>'
    >>> feature_to_type(datasets.ClassLabel(names=["PERSON", "MOTIVE"]))
    'class_label[PERSON,MOTIVE]'
    """
    if isinstance(feature, dict):
        return "struct"
    if isinstance(feature, datasets.ClassLabel):
        return f"class_label[{','.join(feature.names)}]"
    if isinstance(feature, datasets.List | datasets.LargeList):
        return f"list<{feature_to_type(feature.feature)}>"
    if isinstance(feature, datasets.Value):
        return feature.dtype
    return type(feature).__name__


def features_to_columns(features: Any, prefix: str = "") -> dict[str, str]:
    """Every column and nested field as a dotted path -> its type (lists are see-through).

    >>> features_to_columns({"a": datasets.Value("int32"),
    ...                      "b": datasets.List({"c": datasets.Value("string")})})
    {'a': 'int32', 'b': 'list<struct>', 'b.c': 'string'}
    """
    columns: dict[str, str] = {}
    for name, feature in features.items():
        path = f"{prefix}{name}"
        columns[path] = feature_to_type(feature)
        inner = feature
        while isinstance(inner, datasets.List | datasets.LargeList):
            inner = inner.feature
        if isinstance(inner, dict):
            columns.update(features_to_columns(inner, path + "."))
    return columns


def read_columns(folder: Path) -> dict[str, dict[str, str]]:
    """config -> its columns, for every `data/<config>/` folder holding Parquet files."""
    configs: dict[str, dict[str, str]] = {}
    data = folder / "data"
    folders = sorted(p for p in data.iterdir() if p.is_dir()) if data.is_dir() else []
    for config in folders:
        files = sorted(config.glob("*.parquet"))
        if not files:
            continue
        try:
            schema = pq.read_schema(files[0])
            features = datasets.Features.from_arrow_schema(schema)
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
            raise BuildError(
                "B502",
                f"{files[0]}: cannot read its schema for `diff` ({exc}); check the release "
                f"with `nkcorpus verify {folder.name.removeprefix('v')}`",
            ) from exc
        configs[config.name] = features_to_columns(features)
    return configs


def _class_names(type_text: str) -> list[str] | None:
    if type_text.startswith("class_label[") and type_text.endswith("]"):
        return type_text[len("class_label[") : -1].split(",")
    return None


def retyped_to_text(path: str, old: str, new: str) -> str:
    """A column whose type changed; for class labels, the names added, removed or reordered.

    >>> retyped_to_text("statistics.value", "float64", "float32")
    'statistics.value (float64 -> float32)'
    >>> retyped_to_text("s.subject", "class_label[a,b]", "class_label[a,c]")
    's.subject (class names added: c; removed: b)'
    >>> retyped_to_text("s.subject", "class_label[a,b]", "class_label[b,a]")
    's.subject (class names reordered: b,a)'
    """
    before, after = _class_names(old), _class_names(new)
    if before is None or after is None:
        return f"{path} ({old} -> {new})"
    added = [name for name in after if name not in before]
    removed = [name for name in before if name not in after]
    parts = [f"added: {', '.join(added)}"] if added else []
    parts += [f"removed: {', '.join(removed)}"] if removed else []
    if not parts:
        parts = [f"reordered: {','.join(after)}"]
    return f"{path} (class names {'; '.join(parts)})"


def _new_paths(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Paths of `new` not in `old`, without those whose parent is new as well."""
    return [
        path
        for path in new
        if path not in old and ("." not in path or path.rsplit(".", 1)[0] in old)
    ]


def _ordered(splits: set[str]) -> list[str]:
    return [s for s in SPLITS if s in splits] + sorted(splits - set(SPLITS))


def compare_layout(old_dir: Path, new_dir: Path) -> LayoutDiff:
    """The configs, columns, splits, moves, files and manifest fields that differ."""
    old_manifest, new_manifest = read_manifest(old_dir), read_manifest(new_dir)
    old_columns, new_columns = read_columns(old_dir), read_columns(new_dir)
    result = LayoutDiff(
        configs_added=sorted(set(new_columns) - set(old_columns)),
        configs_removed=sorted(set(old_columns) - set(new_columns)),
    )
    for config in sorted(set(old_columns) & set(new_columns)):
        before, after = old_columns[config], new_columns[config]
        if added := _new_paths(before, after):
            result.columns_added[config] = added
        if removed := _new_paths(after, before):
            result.columns_removed[config] = removed
        retyped = {
            path: (before[path], after[path])
            for path in after
            if path in before and before[path] != after[path]
        }
        if retyped:
            result.columns_retyped[config] = retyped
    old_splits, new_splits = old_manifest.get("splits", {}), new_manifest.get("splits", {})
    result.splits_added = _ordered(set(new_splits.values()) - set(old_splits.values()))
    result.splits_removed = _ordered(set(old_splits.values()) - set(new_splits.values()))
    result.moves = split_moves(old_splits, new_splits)
    old_files = {f for f in old_manifest["files"] if not f.startswith("data/")}
    new_files = {f for f in new_manifest["files"] if not f.startswith("data/")}
    result.files_added = sorted(new_files - old_files)
    result.files_removed = sorted(old_files - new_files)
    result.manifest_fields_added = sorted(set(new_manifest) - set(old_manifest))
    result.manifest_fields_removed = sorted(set(old_manifest) - set(new_manifest))
    return result
