"""Croissant 1.1 metadata, with the Responsible-AI (RAI) vocabulary, for a release folder.

A release folder holds Parquet files laid out as `data/<config>/<split>-....parquet`.
`release_to_croissant` turns those files (with checksums) and each config's
`datasets.Features` into one JSON-LD document:

- `distribution`: a `cr:FileObject` per Parquet file (relative `contentUrl`, sha256) and a
  `cr:FileSet` per config that globs `data/<config>/*.parquet`;
- `recordSet`: first `splits` (the spec's *Splits* pattern: a `cr:Split` record set naming
  each split present, with `cr:TrainingSplit`/`cr:ValidationSplit`/`cr:TestSplit`), then one
  `sc:Enumeration` record set per distinct class label (`class-<name>`: `index` -> `name`, the
  spec's *Categorical Data*), then one per config: a `split` field read from each file's path
  and referencing `splits/name`, and a `cr:Field` per column. Lists become `isArray` fields;
  structs become fields with `subField`s.

Class labels are stored as integers. A class-label sub-field (inside a struct) `references`
its enumeration's `index`; a top-level class-label column names the enumeration in its
description instead: mlcroissant 1.1.1 reads a top-level field with both `source` and
`references` as a join, and a second join beside the split's empties split-filtered reads
(a join on a list column fails outright).

The result depends only on the arguments: files are sorted by path, nothing is timestamped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import datasets

CROISSANT_1_1 = "http://mlcommons.org/croissant/1.1"
RAI_1_0 = "http://mlcommons.org/croissant/RAI/1.0"
PARQUET = "application/x-parquet"
SPLITS = ("train", "validation", "test")
SPLIT_URLS = {
    "train": "cr:TrainingSplit",
    "validation": "cr:ValidationSplit",
    "test": "cr:TestSplit",
}
SPLIT_RECORD_SET = "splits"
Json = dict[str, Any]

# Croissant 1.1 context terms that are plain `cr:` properties.
_CR_TERMS = """arrayShape citeAs column containedIn equivalentProperty extract field fileProperty
fileObject fileSet format includes isArray isLiveDataset jsonPath key md5 parentField path
recordSet references regex repeated replace samplingRate separator source subField transform"""

# Text-valued dataset-level properties of the Croissant RAI 1.0 specification
# (`rai:dataCollectionTimeframe` is left out: it takes dates, not free text).
_RAI_TERMS = """dataCollection dataCollectionType dataCollectionMissingData dataCollectionRawData
dataImputationProtocol dataManipulationProtocol dataPreprocessingProtocol dataAnnotationProtocol
dataAnnotationPlatform dataAnnotationAnalysis dataReleaseMaintenancePlan dataSocialImpact
personalSensitiveInformation dataBiases dataLimitations dataUseCases annotationsPerItem
annotatorDemographics machineAnnotationTools"""
RAI_KEYS = frozenset(f"rai:{term}" for term in _RAI_TERMS.split())


def croissant_context() -> dict[str, Any]:
    """A fresh copy of the Croissant 1.1 JSON-LD `@context`, with the `rai` prefix."""
    return {
        "@language": "en",
        "@vocab": "https://schema.org/",
        "sc": "https://schema.org/",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "dct": "http://purl.org/dc/terms/",
        "conformsTo": "dct:conformsTo",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "examples": {"@id": "cr:examples", "@type": "@json"},
        **{term: f"cr:{term}" for term in _CR_TERMS.split()},
    }


# Arrow dtype of a `datasets.Value` -> Croissant dataType.
_DATA_TYPES = {"string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean"}
_DATA_TYPES.update({f"{s}int{n}": "sc:Integer" for s in ("", "u") for n in (8, 16, 32, 64)})
_DATA_TYPES.update({f"float{n}": "sc:Float" for n in (16, 32, 64)})
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ReleaseFile:
    """One Parquet file of a release, as it sits in the release folder."""

    path: str  # relative POSIX path, e.g. "data/documents/train-00000-of-00001.parquet"
    sha256: str
    config: str  # e.g. "documents"
    split: str  # "train" | "validation" | "test"


def _check_file(file: ReleaseFile) -> None:
    """Rejects a file the config's FileSet glob would not pick up, or a bad checksum."""
    folder, _, basename = file.path.rpartition("/")
    if folder != f"data/{file.config}" or not basename.endswith(".parquet"):
        raise ValueError(f"{file.path!r} is not a data/{file.config}/*.parquet file")
    if not basename.startswith(f"{file.split}-"):
        raise ValueError(f"{file.path!r}: the name must start with its split, {file.split!r}-")
    if file.split not in SPLITS or not _SHA256.fullmatch(file.sha256):
        raise ValueError(f"{file.path!r}: needs a split in {SPLITS} and a hex sha256")


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


def _splits_record_set(splits: Sequence[str]) -> Json:
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


def _enumerations(
    features: Mapping[str, datasets.Features], ids: Mapping[tuple[str, str], str]
) -> list[Json]:
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


def release_to_croissant(
    *,
    name: str,
    version: str,
    description: str,
    license: str | Sequence[str],
    url: str | None,
    date_published: str | None,
    citation: str | None,
    files: Sequence[ReleaseFile],
    features: Mapping[str, datasets.Features],
    rai: Mapping[str, str],
    creator: Mapping[str, Any] | None = None,
    keywords: Sequence[str] = (),
    in_language: str | None = None,
    descriptions: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD (with the Responsible-AI vocabulary) for a release folder.

    `descriptions` maps config -> dotted column path ("spans.start") -> its description;
    a column without one is described by its name. `creator` is a schema.org Person or
    Organization (`{"@type": "sc:Organization", "name": ...}`).

    Raises ValueError for a misplaced file, a config with files but no features (or the
    reverse), a column named `split` or an unknown RAI key; TypeError for a column with no
    Croissant dataType.
    """
    ordered = sorted(files, key=lambda f: f.path)
    for file in ordered:
        _check_file(file)
    configs = sorted({f.config for f in ordered})
    if configs != sorted(features):
        raise ValueError(f"configs with files {configs} != with features {sorted(features)}")
    if unknown := sorted(set(rai) - RAI_KEYS):
        raise ValueError(f"unknown RAI properties {unknown}; known: {sorted(RAI_KEYS)}")
    if clash := [c for c in configs if "split" in features[c]]:
        raise ValueError(f"configs {clash} have a column 'split', the name of the split field")
    distribution: list[Json] = [
        {
            "@type": "cr:FileObject",
            "@id": f.path,
            "name": f.path,
            "description": f"Parquet file of the {f.config!r} table, {f.split} split.",
            "contentUrl": f.path,
            "encodingFormat": PARQUET,
            "sha256": f.sha256,
        }
        for f in ordered
    ]
    all_splits = sorted({f.split for f in ordered}, key=SPLITS.index)
    enumerations = enumeration_ids(features)
    record_sets = [_splits_record_set(all_splits), *_enumerations(features, enumerations)]
    for config in configs:
        file_set = f"parquet-files-{config}"
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": file_set,
                "name": file_set,
                "description": f"All Parquet files of the {config!r} table.",
                "encodingFormat": PARQUET,
                "includes": f"data/{config}/*.parquet",
            }
        )
        splits = sorted({f.split for f in ordered if f.config == config}, key=SPLITS.index)
        given = (descriptions or {}).get(config, {})
        fields = [_split_field(config, splits, file_set)]
        for column, feature in features[config].items():
            at = _Column(config, column, file_set, given, enumerations)
            fields.append(_field(feature, f"{config}/{column}", column, at, "", column))
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": given.get("")
                or f"Records of the {config!r} table (splits: {', '.join(splits)}).",
                "field": fields,
            }
        )
    doc: Json = {"@context": croissant_context(), "@type": "sc:Dataset"}
    doc["conformsTo"] = [CROISSANT_1_1, RAI_1_0] if rai else CROISSANT_1_1
    doc.update(name=name, description=description, version=version, license=license)
    optional = {
        "url": url,
        "datePublished": date_published,
        "citeAs": citation,
        "creator": dict(creator) if creator else None,
        "keywords": list(keywords) or None,
        "inLanguage": in_language,
    }
    doc.update({key: value for key, value in optional.items() if value is not None})
    doc.update({key: rai[key] for key in sorted(rai)})
    return {**doc, "distribution": distribution, "recordSet": record_sets}
