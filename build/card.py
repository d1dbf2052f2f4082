"""The dataset card (`README.md`) of a release, and of the dataset folder.

The YAML header declares every config's `data_files` and explicit
`dataset_info` features (class-label names included), so
`datasets.load_dataset(folder, config)` needs no loading script. The body
follows the Hugging Face card sections, with generated statistics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import datasets
import yaml

from nkcorpus.build.splits import SPLITS
from nkcorpus.build.stats import ReleaseStats
from nkcorpus.schema.model import LabelSchema

PRETTY_NAME = "nk-defector-corpus"
LICENSE_NOTE = (
    "Annotations, metadata and code: CC BY 4.0 (annotations) and MIT (code). The article "
    "texts remain the copyright of their publishers and are included for non-commercial "
    "research on the annotations; check the publishers' terms before any other use."
)
ANNOTATION_NOTE = """\
Who annotated: the gold of every released document was made by an AI agent
working through the project's own Label Studio server and its API, starting
from each task's pre-annotation, then re-read in full against the guidelines
in a second review pass (see the guidelines' changelog). No human annotated,
and each document has one annotation, so no inter-annotator agreement exists.
Details and known limitations: `DATASHEET.md`, section Labelling."""
CONFIG_TEXT = {
    "documents": "one row per article: text, gold `spans` (offsets, label, attributes) and "
    "`relations` (the default config)",
    "tokens": "one row per sentence: tokens, character offsets and BIO `ner_tags`",
    "crossings": "one row per CROSSING span with its agents, motives and statistics",
    "statistics": "one row per STATISTIC span with its normalised value and sentence",
    "annotations": "every annotator's annotation of every released document, gold or not",
}


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


def card_yaml(facts: CardFacts, prefix: str = "") -> dict[str, Any]:
    """The card's YAML header; `prefix` is prepended to data paths (the
    dataset folder's card points into `v<version>/`)."""
    configs, infos = [], []
    for config, features in facts.features.items():
        configs.append(
            {
                "config_name": config,
                **({"default": True} if config == "documents" else {}),
                "data_files": [
                    {"split": split, "path": f"{prefix}data/{config}/{split}-*.parquet"}
                    for split in facts.splits
                ],
            }
        )
        split_infos = datasets.SplitDict(
            {
                split: datasets.SplitInfo(
                    split,
                    num_examples=facts.stats.rows.get((config, split), 0),
                    num_bytes=facts.stats.arrow_bytes.get((config, split), 0),
                )
                for split in facts.splits
            }
        )
        info = datasets.DatasetInfo(features=features, splits=split_infos)._to_yaml_dict()
        infos.append({"config_name": config, **info})
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": "other",
        "license_name": "mixed",
        "license_details": LICENSE_NOTE,
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "tags": ["north-korea", "migration", "relation-extraction", "label-studio"],
        "size_categories": ["n<1K"],
        "configs": configs,
        "dataset_info": infos,
    }


def _front_matter(header: dict[str, Any]) -> str:
    body = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{body}---\n"


def _stats_table(facts: CardFacts, schema: LabelSchema) -> str:
    labels = schema.label_names
    relations = [r.name for r in schema.relations]
    head = ["split", "documents", "sentences", "tokens", *labels, *relations, "annotations"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    rows = [(s, facts.stats.splits[s]) for s in facts.splits]
    for name, stats in [*rows, ("**all**", facts.stats.total())]:
        values = [stats.documents, stats.sentences, stats.tokens]
        values += [stats.spans[label] for label in labels]
        values += [stats.relations[r] for r in relations] + [stats.annotations]
        lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + " |")
    return "\n".join(lines)


def _prelabel_table(facts: CardFacts) -> str:
    scores = {k: v for k, v in facts.prelabel.items() if isinstance(v, dict)}
    if not scores:
        return "No pre-annotation scores: no gold was found in the exports."
    lines = ["| label | exact F1 | overlap F1 |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['exact']:.3f} | {v['overlap']:.3f} |" for k, v in scores.items()]
    return "\n".join(lines)


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
    configs = "\n".join(f"- `{name}`: {text}." for name, text in CONFIG_TEXT.items())
    labels = "\n".join(f"- `{label.name}`: {label.description}" for label in schema.labels)
    load = f'load_dataset("dataset/v{facts.version}", "documents")'
    return f"""{_front_matter(card_yaml(facts))}
# {PRETTY_NAME} v{facts.version}

## Dataset Summary

English news articles about North Koreans who defect to the South and who
return to the North, with reviewed span annotations: people (`PERSON`),
border crossings (`CROSSING`), motives (`MOTIVE`) and statistics
(`STATISTIC`), their attributes, and the relations `agent`, `motivated_by`
and `quantifies` between them. Label schema version {facts.schema_version}
(sha256 `{facts.schema_hash[:12]}`).

```python
from datasets import load_dataset
documents = {load}
```

## Supported Tasks

Span extraction (named-entity-style tagging over the `tokens` config),
span attribute classification and relation extraction (`documents`), and
analysis of crossings and their motives (`crossings`, `statistics`).

## Languages

English (`en`).

## Dataset Structure

Configs:

{configs}

Labels:

{labels}

Offsets are `[start, end)` Unicode code points into `text`, and
`text[start:end] == span.text` for every span. `spacy/<split>.spacy` holds the
same documents as spaCy `DocBin` files (`doc.ents` and `doc.spans["sc"]`).

### Data Splits

Splits are assigned by a stable hash of each document's near-duplicate group,
and a document keeps its split in later versions. {empty_note}

{_stats_table(facts, schema)}

## Dataset Creation

Source documents are the seed files listed in the repository's
`seeds/manifest.yaml` (provenance and checksums). Each article body is
cleaned deterministically, pre-annotated by spaCy rules and annotated in
Label Studio; the annotation a reviewer starred as ground truth is the gold.

{_annotation_note(facts)}

- Near-duplicate copies withheld from this release: {withheld}.
- Tasks without a reviewed annotation, left out: {unreviewed}.

Pre-annotation F1 against the gold ({facts.prelabel.get("export", "no export")}; the gold
was started from these pre-annotations, so the scores overstate what the rules
would reach against independently made gold):

{_prelabel_table(facts)}

## Personal and Sensitive Information

The articles name private individuals (defectors and returnees) and report
their alleged crimes, motives and family circumstances as published by the
press. Do not use the dataset to identify, profile or contact them.

## Considerations

The corpus is very small and drawn from a handful of outlets; its counts are
not representative of defection or return. See `DATASHEET.md` in the
repository for biases and limitations.

## Licensing

{LICENSE_NOTE}
"""


def _annotation_note(facts: CardFacts) -> str:
    """Who annotated and how much they agree: the agreement table when released
    documents have two or more annotators, else the note that each has one."""
    if facts.agreement is None:
        return ANNOTATION_NOTE
    from nkcorpus.build.agreement_facts import agreement_to_markdown

    return agreement_to_markdown(facts.agreement)


def folder_card(facts: CardFacts) -> str:
    """The README.md of the dataset folder: the latest version, loadable by folder."""
    header = card_yaml(facts, prefix=f"v{facts.version}/")
    return f"""{_front_matter(header)}
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
