"""Croissant 1.1 metadata, with the Responsible-AI (RAI) vocabulary, for a release folder.

A release folder holds Parquet files laid out as `data/<config>/<split>-....parquet`.
`release_to_croissant` turns those files (with checksums) and each config's
`datasets.Features` into one JSON-LD document:

- `distribution`: a `cr:FileObject` per Parquet file (relative `contentUrl`, sha256) and a
  `cr:FileSet` per config that globs `data/<config>/*.parquet`;
- `recordSet`: one per config, with a `cr:Field` per top-level column read from that
  config's FileSet. Lists become `isArray` fields; structs become fields with `subField`s.

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
    if file.split not in SPLITS or not _SHA256.fullmatch(file.sha256):
        raise ValueError(f"{file.path!r}: needs a split in {SPLITS} and a hex sha256")


def _leaf(feature: Any, column: str) -> tuple[str, str | None, int]:
    """(dataType, ClassLabel note or None, list depth) of a scalar or list-of-scalar feature."""
    depth = 0
    while isinstance(feature, datasets.List | datasets.LargeList):
        feature, depth = feature.feature, depth + 1
    if isinstance(feature, datasets.ClassLabel):
        names = ", ".join(f"{i}={name}" for i, name in enumerate(feature.names))
        return "sc:Integer", f"class label stored as its index ({names})", depth
    if isinstance(feature, datasets.Value) and feature.dtype in _DATA_TYPES:
        return _DATA_TYPES[feature.dtype], None, depth
    raise TypeError(f"column {column!r}: no Croissant dataType for feature {feature!r}")


def _field(feature: Any, field_id: str, name: str, column: str, path: str, file_set: str) -> Json:
    """A `cr:Field` for `column` (at jsonPath `path`); a struct gets a `subField` per key."""
    label = f"{column}.{path}" if path else column
    is_list = isinstance(feature, datasets.List | datasets.LargeList)
    struct = feature.feature if is_list else feature
    field: Json = {"@type": "cr:Field", "@id": field_id, "name": name}
    if isinstance(struct, dict):
        kind = "a list of records" if is_list else "a record"
        field["description"] = f"Column {label!r}: {kind}."
        # mlcroissant applies a sub-field's jsonPath to each element of a list-valued
        # column, so paths restart below a top-level list of structs.
        prefix = f"{path}[*]" if is_list and path else path
        field["subField"] = [
            _field(sub, f"{field_id}/{key}", key, column, f"{prefix}.{key}".lstrip("."), file_set)
            for key, sub in struct.items()
        ]
        if is_list:
            field["isArray"] = True
        return field
    data_type, note, depth = _leaf(feature, label)
    field["description"] = f"Column {label!r}" + (f": {note}." if note else ".")
    field["dataType"] = data_type
    field["source"] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if path:
        field["source"]["transform"] = {"jsonPath": path}
    if depth:
        field["isArray"] = True
        field["arrayShape"] = ",".join(["-1"] * depth)
    return field


def release_to_croissant(
    *,
    name: str,
    version: str,
    description: str,
    license: str,
    url: str | None,
    date_published: str | None,
    citation: str | None,
    files: Sequence[ReleaseFile],
    features: Mapping[str, datasets.Features],
    rai: Mapping[str, str],
) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD (with the Responsible-AI vocabulary) for a release folder.

    Raises ValueError for a misplaced file, a config with files but no features (or the
    reverse) or an unknown RAI key; TypeError for a column with no Croissant dataType.
    """
    ordered = sorted(files, key=lambda f: f.path)
    for file in ordered:
        _check_file(file)
    configs = sorted({f.config for f in ordered})
    if configs != sorted(features):
        raise ValueError(f"configs with files {configs} != with features {sorted(features)}")
    if unknown := sorted(set(rai) - RAI_KEYS):
        raise ValueError(f"unknown RAI properties {unknown}; known: {sorted(RAI_KEYS)}")
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
    record_sets: list[Json] = []
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
        columns = features[config].items()
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": f"Records of the {config!r} table (splits: {', '.join(splits)}).",
                "field": [_field(f, f"{config}/{c}", c, c, "", file_set) for c, f in columns],
            }
        )
    doc: Json = {"@context": croissant_context(), "@type": "sc:Dataset"}
    doc["conformsTo"] = [CROISSANT_1_1, RAI_1_0] if rai else CROISSANT_1_1
    doc.update(name=name, description=description, version=version, license=license)
    optional = {"url": url, "datePublished": date_published, "citeAs": citation}
    doc.update({key: value for key, value in optional.items() if value is not None})
    doc.update({key: rai[key] for key in sorted(rai)})
    return {**doc, "distribution": distribution, "recordSet": record_sets}
