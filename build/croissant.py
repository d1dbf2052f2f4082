"""Croissant 1.1 metadata, with the Responsible-AI (RAI) vocabulary, for a release folder.

A release folder holds Parquet files laid out as `data/<config>/<split>-....parquet`.
`release_to_croissant` turns those files (with checksums) and each config's
`datasets.Features` into one JSON-LD document:

- `distribution`: a `cr:FileObject` per Parquet file (relative `contentUrl`, sha256) and a
  `cr:FileSet` per config that globs `data/<config>/*.parquet`;
- `recordSet`: first `splits`, then one `sc:Enumeration` record set per distinct class
  label, then one per config (`nkcorpus.build.croissant_record_sets`).

The result depends only on the arguments: files are sorted by path, nothing is timestamped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import datasets

from nkcorpus.build.croissant_record_sets import (
    SPLITS,
    Json,
    config_record_set,
    enumeration_ids,
    enumeration_record_sets,
    splits_record_set,
)

CROISSANT_1_1 = "http://mlcommons.org/croissant/1.1"
RAI_1_0 = "http://mlcommons.org/croissant/RAI/1.0"
PARQUET = "application/x-parquet"
_SHA256 = re.compile(r"[0-9a-f]{64}")

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
    record_sets = [splits_record_set(all_splits), *enumeration_record_sets(features, enumerations)]
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
        record_sets.append(
            config_record_set(config, features[config], splits, file_set, given, enumerations)
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
