"""The dataset card (`README.md`) of a release, and of the dataset folder.

A card is its YAML header of Hub metadata (`nkcorpus.build.card_metadata`, which also
holds the dataset's name, homepage, creator and license) and a body in the Hugging Face
card sections, some computed from the release's facts (`nkcorpus.build.card_sections`):
its *Data Fields* come from the record models (`nkcorpus.build.data_fields`), like
Croissant's field descriptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import datasets

from nkcorpus.build.card_metadata import (
    HOMEPAGE,
    HUB_REPO_ID,
    LICENSE_FILE,
    LICENSE_NOTE,
    PRETTY_NAME,
    card_yaml,
    citation_bibtex,
    front_matter,
)
from nkcorpus.build.card_sections import (
    annotation_note,
    data_fields,
    evaluation,
    gold_rule_note,
    gold_to_rules,
    load_snippet,
    prelabel_section,
    splits_note,
    stats_table,
)
from nkcorpus.build.data_fields import relations_to_markdown
from nkcorpus.build.splits import SPLITS
from nkcorpus.build.stats import ReleaseStats
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models

# Kept importable from here, where the release builder and the CLI look for them.
__all__ = [
    "HOMEPAGE", "HUB_REPO_ID", "PRETTY_NAME", "CardFacts", "folder_card",
    "gold_to_rules", "release_card",
]  # fmt: skip


@dataclass(frozen=True)
class CardFacts:
    version: str
    features: Mapping[str, datasets.Features]
    stats: ReleaseStats
    splits: Sequence[str]
    unreviewed: Sequence[str]
    withheld: Mapping[str, str]
    prelabel: Mapping[str, Any]  # label -> {"exact": f1, "overlap": f1}, plus "export"
    schema_version: int
    schema_hash: str
    agreement: Mapping[str, Any] | None = None  # `agreement_facts.release_agreement`
    date_published: str | None = None  # YYYY-MM-DD, `croissant_files.release_date`
    homepage: str | None = None  # the dataset's web page, when one is known
    gold_by: Mapping[str, str] = field(default_factory=dict)  # doc_id -> `gold_to_rules`
    baseline: Any = None  # `nkcorpus.build.baseline.BaselineFacts`
    split_moves: Sequence[str] = ()  # `nkcorpus.build.splits.move_to_text` of each move


def release_card(facts: CardFacts, schema: LabelSchema) -> str:
    """The README.md of a version folder."""
    empty = [s for s in SPLITS if s not in facts.splits]
    empty_note = (
        f"The {', '.join(empty)} split(s) would hold no document at the configured ratios and "
        "are left out of this version."
        if empty
        else "All three splits hold documents."
    )
    withheld = ", ".join(f"{d} (copy of {k})" for d, k in facts.withheld.items()) or "none"
    unreviewed = ", ".join(facts.unreviewed) or "none"
    tables = schema_to_record_models(schema).tables()
    configs = "\n".join(
        f"- `{name}`{' (default)' if name == 'documents' else ''}: {tables[name].__doc__}"
        for name in facts.features
        if name in tables
    )
    labels = "\n".join(f"- `{label.name}`: {label.description}" for label in schema.labels)
    fields, value_note = data_fields(facts, schema)
    return f"""{front_matter(card_yaml(facts))}
# {PRETTY_NAME} v{facts.version}

## Dataset Summary

English news articles about North Koreans who defect to the South and who
return to the North, with reviewed span annotations: people (`PERSON`),
border crossings (`CROSSING`), motives (`MOTIVE`) and statistics
(`STATISTIC`), their attributes, and the relations `agent`, `motivated_by`
and `quantifies` between them. Label schema version {facts.schema_version}
(sha256 `{facts.schema_hash[:12]}`, copied as `schema/labels.yaml`).

```python
{load_snippet(facts.version)}
```

## Supported Tasks

Span extraction (named-entity-style tagging over the `tokens` config),
span attribute classification and relation extraction (`documents`), event
extraction (`events`, `bigbio_kb`), and analysis of crossings and their
motives (`crossings`, `statistics`).

## Languages

English (`en`).

## Dataset Structure

Configs:

{configs}

Labels:

{labels}

Relations, each pointing from its head label to its tail label (`head` and `tail`
of a relation are span ids of the same row's `spans`):

{relations_to_markdown(schema)}

Offsets are `[start, end)` Unicode code points into `text`, and
`text[start:end] == span.text` for every span. `spacy/<split>.spacy` holds the
same documents as spaCy `DocBin` files (`doc.ents` and `doc.spans["sc"]`).

### Data Fields

Every column of every config, nested ones by their dotted path; class labels
are stored as integers, whose names are listed with the type.

{fields}

### Units of `statistics.value`

{value_note or "Not recorded in this release."}

### Data Splits

{splits_note(facts)} {empty_note}

{stats_table(facts, schema)}

## Evaluation Protocol

{evaluation(facts)}

## Dataset Creation

Source documents are the seed files described in `sources.yaml` (provenance
and checksums; the repository's `seeds/manifest.yaml`). Each article body is
cleaned deterministically, pre-annotated by spaCy rules and annotated in Label
Studio (`GUIDELINES.md`).

The gold of a document is chosen by the review rule: the annotation a reviewer
accepted (a Label Studio account listed in the repository's
`annotation/reviewers.yaml`, who ticks *Accept this annotation as the gold* on
their own copy); where no reviewer accepted one, the one annotation starred as
ground truth (Label Studio's ground-truth flag). A task with neither is left
out. {gold_rule_note(facts.gold_by)}

{annotation_note(facts)}

- Near-duplicate copies withheld from this release: {withheld}.
- Tasks without a reviewed annotation, left out: {unreviewed}.

{prelabel_section(facts.prelabel)}

## Personal and Sensitive Information

The articles name private individuals (defectors and returnees) and report
their alleged crimes, motives and family circumstances as published by the
press. Do not use the dataset to identify, profile or contact them.

## Considerations

The corpus is very small and drawn from a handful of outlets; its counts are
not representative of defection or return. See `DATASHEET.md` for biases and
limitations.

## Licensing

{LICENSE_NOTE} The terms are in `{LICENSE_FILE}`; `NOTICE` lists the article
texts and their publishers.

## Citation

```bibtex
{citation_bibtex(facts)}
```
"""


def folder_card(facts: CardFacts) -> str:
    """The README.md of the dataset folder: the latest version, loadable by folder."""
    header = card_yaml(facts, prefix=f"v{facts.version}/")
    return f"""{front_matter(header)}
# {PRETTY_NAME}

Released versions live in `v<version>/` folders, each with its own card,
`MANIFEST.json` and `croissant.json`; they never change after release. This
card points `load_dataset` at the latest, v{facts.version}:

```python
from datasets import load_dataset
documents = load_dataset("dataset", "documents")  # latest
pinned = load_dataset("dataset/v{facts.version}", "documents")
```

See `CHANGELOG.md` for what changed between versions.
"""
