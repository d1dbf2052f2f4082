"""Croissant 1.1 record sets of a release: its splits, its class labels, its tables.

- `splits`: the spec's *Splits* pattern, a `cr:Split` record set naming each split present,
  with `cr:TrainingSplit`/`cr:ValidationSplit`/`cr:TestSplit`;
- one `sc:Enumeration` record set per distinct class label (`class-<name>`: `index` ->
  `name`, the spec's *Categorical Data*);
- one per config: a `split` field read from each file's path and referencing
  `splits/name`, and a `cr:Field` per column. Lists become `isArray` fields; structs
  become fields with `subField`s.

Class labels are stored as integers. A class-label sub-field (inside a struct) `references`
its enumeration's `index`; a top-level class-label column names the enumeration in its
description instead: mlcroissant 1.1.1 reads a top-level field with both `source` and
`references` as a join, and a second join beside the split's empties split-filtered reads
(a join on a list column fails outright).

`nkcorpus.build.croissant.release_to_croissant` puts them into the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import datasets

SPLITS = ("train", "validation", "test")
SPLIT_URLS = {
    "train": "cr:TrainingSplit",
    "validation": "cr:ValidationSplit",
    "test": "cr:TestSplit",
}
SPLIT_RECORD_SET = "splits"
Json = dict[str, Any]

# Arrow dtype of a `datasets.Value` -> Croissant dataType.
_DATA_TYPES = {"string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean"}
_DATA_TYPES.update({f"{s}int{n}": "sc:Integer" for s in ("", "u") for n in (8, 16, 32, 64)})
_DATA_TYPES.update({f"float{n}": "sc:Float" for n in (16, 32, 64)})


def _unlist(feature: Any) -> tuple[Any, int]:
    depth = 0
    while isinstance(feature, datasets.List | datasets.LargeList):
        feature, depth = feature.feature, depth + 1
    return feature, depth


def class_label_key(dotted: str) -> str:
    """The default enumeration name of a class-label column: its last key.

    >>> class_label_key("spans.label")
    'label'
    """
    return dotted.rpartition(".")[2]


def enumeration_ids(features: Mapping[str, datasets.Features]) -> dict[tuple[str, str], str]:
    """(config, dotted path) of every class-label column -> its enumeration record set id.

    Columns sharing a last key and the same names share `class-<key>`; where one key has
    different name lists, each column gets `class-<config>-<path with dashes>`.
    """
    found: dict[tuple[str, str], tuple[str, ...]] = {}

    def walk(config: str, feature: Any, dotted: str) -> None:
        feature, _ = _unlist(feature)
        if isinstance(feature, dict):
            for key, sub in feature.items():
                walk(config, sub, f"{dotted}.{key}" if dotted else key)
        elif isinstance(feature, datasets.ClassLabel):
            found[(config, dotted)] = tuple(feature.names)

    for config, table in features.items():
        walk(config, dict(table), "")
    by_key: dict[str, set[tuple[str, ...]]] = {}
    for (_, dotted), names in found.items():
        by_key.setdefault(class_label_key(dotted), set()).add(names)
    return {
        (config, dotted): (
            f"class-{class_label_key(dotted)}"
            if len(by_key[class_label_key(dotted)]) == 1
            else f"class-{config}-{dotted.replace('.', '-')}"
        )
        for (config, dotted) in found
    }


@dataclass(frozen=True)
class _Column:
    """What `_field` needs to know about the column it describes."""

    config: str
    column: str
    file_set: str
    descriptions: Mapping[str, str]  # dotted path -> description
    enumerations: Mapping[tuple[str, str], str]


def _field(feature: Any, field_id: str, name: str, at: _Column, path: str, dotted: str) -> Json:
    """A `cr:Field` for `at.column` (at jsonPath `path`); a struct gets a `subField` per key."""
    is_list = isinstance(feature, datasets.List | datasets.LargeList)
    struct = feature.feature if is_list else feature
    field: Json = {"@type": "cr:Field", "@id": field_id, "name": name}
    given = at.descriptions.get(dotted)
    if isinstance(struct, dict):
        kind = "a list of records" if is_list else "a record"
        field["description"] = given or f"Column {dotted!r}: {kind}."
        # mlcroissant applies a sub-field's jsonPath to each element of a list-valued
        # column, so paths restart below a top-level list of structs.
        prefix = f"{path}[*]" if is_list and path else path
        field["subField"] = [
            _field(sub, f"{field_id}/{key}", key, at, f"{prefix}.{key}".lstrip("."),
                   f"{dotted}.{key}")
            for key, sub in struct.items()
        ]  # fmt: skip
        if is_list:
            field["isArray"] = True
        return field
    leaf, depth = _unlist(feature)
    if isinstance(leaf, datasets.ClassLabel):
        enumeration = at.enumerations[(at.config, dotted)]
        names = ", ".join(f"{i}={label}" for i, label in enumerate(leaf.names))
        note = f"stored as its index into record set {enumeration!r} ({names})."
        field["description"] = (
            f"{given} Class label {note}" if given else f"Column {dotted!r}: class label {note}"
        )
        field["dataType"] = "sc:Integer"
        if path:  # a sub-field: references do not make mlcroissant join (see module doc)
            field["references"] = {"field": {"@id": f"{enumeration}/index"}}
    elif isinstance(leaf, datasets.Value) and leaf.dtype in _DATA_TYPES:
        field["description"] = given or f"Column {dotted!r}."
        field["dataType"] = _DATA_TYPES[leaf.dtype]
    else:
        raise TypeError(f"column {dotted!r}: no Croissant dataType for feature {leaf!r}")
    field["source"] = {"fileSet": {"@id": at.file_set}, "extract": {"column": at.column}}
    if path:
        field["source"]["transform"] = {"jsonPath": path}
    if depth:
        field["isArray"] = True
        field["arrayShape"] = ",".join(["-1"] * depth)
    return field


def splits_record_set(splits: Sequence[str]) -> Json:
    """The `splits` record set (`cr:Split`): one row per split present, with its URL.

    >>> [row["splits/url"] for row in splits_record_set(["train", "test"])["data"]]
    ['cr:TrainingSplit', 'cr:TestSplit']
    """
    name, url = f"{SPLIT_RECORD_SET}/name", f"{SPLIT_RECORD_SET}/url"
    return {
        "@type": "cr:RecordSet",
        "@id": SPLIT_RECORD_SET,
        "name": SPLIT_RECORD_SET,
        "description": "The splits of this release; every other record set's `split` field "
        "references `name`.",
        "dataType": "cr:Split",
        "key": {"@id": name},
        "field": [
            {"@type": "cr:Field", "@id": name, "name": "name", "dataType": "sc:Text"},
            {"@type": "cr:Field", "@id": url, "name": "url", "dataType": "sc:URL"},
        ],
        "data": [{name: split, url: SPLIT_URLS[split]} for split in splits],
    }


def _enumeration_record_set(enum_id: str, names: Sequence[str], columns: Sequence[str]) -> Json:
    index, name = f"{enum_id}/index", f"{enum_id}/name"
    return {
        "@type": "cr:RecordSet",
        "@id": enum_id,
        "name": enum_id,
        "description": f"The names of the class labels of {', '.join(columns)}, which store "
        "the index.",
        "dataType": "sc:Enumeration",
        "key": {"@id": index},
        "field": [
            {"@type": "cr:Field", "@id": index, "name": "index", "dataType": "sc:Integer"},
            {"@type": "cr:Field", "@id": name, "name": "name", "dataType": "sc:Text"},
        ],
        "data": [{index: i, name: label} for i, label in enumerate(names)],
    }


def enumeration_record_sets(
    features: Mapping[str, datasets.Features], ids: Mapping[tuple[str, str], str]
) -> list[Json]:
    """One `sc:Enumeration` record set per id of `ids` (`enumeration_ids`), sorted by id:
    `index` -> `name` of the class label, naming the columns that store the index.

    >>> features = {"t": datasets.Features({"label": datasets.ClassLabel(names=["A", "B"])})}
    >>> [label] = enumeration_record_sets(features, enumeration_ids(features))
    >>> label["@id"], [row["class-label/name"] for row in label["data"]]
    ('class-label', ['A', 'B'])
    """
    columns: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    for (config, dotted), enum_id in ids.items():
        columns.setdefault(enum_id, []).append(f"{config}.{dotted}")
        feature: Any = features[config]
        for key in dotted.split("."):
            feature = _unlist(feature)[0][key]
        names[enum_id] = _unlist(feature)[0].names
    return [_enumeration_record_set(e, names[e], sorted(columns[e])) for e in sorted(columns)]


def _split_field(config: str, splits: Sequence[str], file_set: str) -> Json:
    # Matches the file's path (`data/<config>/<split>-...parquet`) and, as mlcroissant
    # applies the transform again after the join, the bare split name too.
    regex = rf"^(?:data/{re.escape(config)}/)?({'|'.join(splits)})(?:-.+\.parquet)?$"
    return {
        "@type": "cr:Field",
        "@id": f"{config}/split",
        "name": "split",
        "description": "The split of the record, from the name of its Parquet file.",
        "dataType": "sc:Text",
        "source": {
            "fileSet": {"@id": file_set},
            "extract": {"fileProperty": "fullpath"},
            "transform": {"regex": regex},
        },
        "references": {"field": {"@id": f"{SPLIT_RECORD_SET}/name"}},
    }


def config_record_set(
    config: str,
    features: datasets.Features,
    splits: Sequence[str],
    file_set: str,
    descriptions: Mapping[str, str],
    enumerations: Mapping[tuple[str, str], str],
) -> Json:
    """The record set of one config's table, read from the FileSet `file_set`: its
    `split` field, then a field per column. `descriptions`: dotted column path ->
    description ("" -> the table's own); `enumerations`: from `enumeration_ids`."""
    fields = [_split_field(config, splits, file_set)]
    for column, feature in features.items():
        at = _Column(config, column, file_set, descriptions, enumerations)
        fields.append(_field(feature, f"{config}/{column}", column, at, "", column))
    return {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": descriptions.get("")
        or f"Records of the {config!r} table (splits: {', '.join(splits)}).",
        "field": fields,
    }
