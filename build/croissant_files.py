"""`croissant.json` of a release: the release's facts and files, described by
`nkcorpus.build.croissant` with the Responsible-AI texts below and the column
descriptions of the record models (`nkcorpus.build.data_fields`, as the card's)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.card import CardFacts
from nkcorpus.build.card_metadata import (
    CREATOR,
    HUB_METADATA,
    LICENSE_NOTE,
    PRETTY_NAME,
    citation_bibtex,
)
from nkcorpus.build.croissant import ReleaseFile, release_to_croissant
from nkcorpus.build.data_fields import field_descriptions, records_to_field_docs
from nkcorpus.build.manifest import file_sha256
from nkcorpus.build.release_files import table_path
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models

DESCRIPTION = (
    "News articles about North Koreans who defect to the South and who return to the "
    "North, with reviewed span, attribute and relation annotations."
)
RAI = {
    "rai:dataCollection": "English news articles about North Korean defectors and returnees, "
    "kept byte for byte as seed files with provenance and checksums; article bodies are "
    "cleaned deterministically (Unicode NFC, whitespace folded, page chrome dropped by line "
    "ranges recorded in the seed manifest).",
    "rai:dataAnnotationProtocol": "GUIDELINES.md: span labels PERSON, CROSSING, MOTIVE and "
    "STATISTIC with per-region attributes and the relations agent, motivated_by and "
    "quantifies; every task starts from rule-based spaCy pre-annotations; the gold is the "
    "annotation a reviewer (listed in annotation/reviewers.yaml) accepted, or, where no "
    "reviewer accepted one, the annotation starred as ground truth.",
    "rai:dataAnnotationPlatform": "Label Studio (open source) on a local server.",
    "rai:machineAnnotationTools": "Rule-based spaCy span_ruler patterns (no statistical model) "
    "propose the pre-annotations.",
    "rai:dataBiases": "A handful of articles from few outlets, mostly about returnees; press "
    "framing of defectors is reproduced, not corrected.",
    "rai:dataLimitations": "Very small; one gold annotation per document, so no "
    "inter-annotator agreement is measured; gold was started from pre-annotations, which "
    "favours their extents.",
    "rai:personalSensitiveInformation": "Names of private individuals as published by the "
    "press, with reported crimes, motives and family circumstances.",
    "rai:dataUseCases": "Span and relation extraction research on migration news; not for "
    "identifying or profiling individuals.",
}


def release_date(annotations: Sequence[Mapping[str, Any]]) -> str | None:
    """The release's date, YYYY-MM-DD: the newest change to any released annotation
    (never the clock, so a rebuild gives the same bytes); None without one.

    >>> release_date([{"updated_at": "2026-01-02T10:00:00Z"}, {"updated_at": None}])
    '2026-01-02'
    """
    updated = [a["updated_at"] for a in annotations if a.get("updated_at")]
    return max(updated)[:10] if updated else None


def column_descriptions(facts: CardFacts, schema: LabelSchema) -> dict[str, dict[str, str]]:
    """config -> dotted column path -> description ("" -> the table's own), from the
    record models of the configs in `facts.features`."""
    tables = schema_to_record_models(schema).tables()
    shown = {config: model for config, model in tables.items() if config in facts.features}
    descriptions = field_descriptions(records_to_field_docs(shown, facts.features))
    for config, model in shown.items():
        descriptions.setdefault(config, {})[""] = model.__doc__ or ""
    return descriptions


def release_croissant(
    folder: Path, facts: CardFacts, schema: LabelSchema, date: str | None
) -> dict[str, Any]:
    """The Croissant document of the release in `folder` (its Parquet files must exist)."""
    facts = dataclasses.replace(facts, date_published=facts.date_published or date)
    files = [
        ReleaseFile(table_path(config, split), file_sha256(folder / table_path(config, split)),
                    config, split)
        for config in facts.features
        for split in facts.splits
    ]  # fmt: skip
    creator: dict[str, Any] = {"@type": "sc:Organization", "name": CREATOR}
    if facts.homepage:
        creator["url"] = facts.homepage
    return release_to_croissant(
        name=PRETTY_NAME,
        version=facts.version,
        description=DESCRIPTION,
        license=LICENSE_NOTE,
        url=facts.homepage,
        date_published=facts.date_published,
        citation=citation_bibtex(facts),
        files=files,
        features=facts.features,
        rai=RAI,
        creator=creator,
        keywords=HUB_METADATA["tags"],
        in_language="en",
        descriptions=column_descriptions(facts, schema),
    )


def write_croissant(folder: Path, facts: CardFacts, schema: LabelSchema | None = None) -> None:
    """Write `folder/croissant.json` (sorted keys, so the same release gives the same bytes),
    published on `facts.date_published` (`release_date` of the released annotations)."""
    if schema is None:
        from nkcorpus.schema.model import load_schema

        schema = load_schema()
    croissant = release_croissant(folder, facts, schema, facts.date_published)
    text = json.dumps(croissant, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_text(folder / "croissant.json", text, overwrite=False)
