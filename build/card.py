"""The dataset card (`README.md`) of a release, and of the dataset folder.

The YAML header carries the Hugging Face Hub's dataset-card metadata and declares every
config's `data_files` and explicit `dataset_info` features (class-label names
included), so `datasets.load_dataset(folder, config)` needs no loading script. The body
follows the Hugging Face card sections: its *Data Fields* come from the record models
(`nkcorpus.build.data_fields`), like Croissant's field descriptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import datasets
import yaml

from nkcorpus.build.data_fields import (
    field_docs_to_markdown,
    records_to_field_docs,
    relations_to_markdown,
    statistic_value_note,
)
from nkcorpus.build.splits import SPLITS
from nkcorpus.build.stats import ReleaseStats
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models

PRETTY_NAME = "nk-defector-corpus"
# Where releases are published: `nkcorpus publish`'s default repo, and the homepage that
# the card, Croissant's `url` and the citation name (a release never changes, so it is
# fixed at build time, not at upload).
HUB_REPO_ID = "nk-defector-corpus/nk-defector-corpus"
HOMEPAGE = f"https://huggingface.co/datasets/{HUB_REPO_ID}"
CREATOR = "nk-defector-corpus maintainers"  # DATASHEET.md, "Who created it?"
TITLE = (
    f"{PRETTY_NAME}: English news articles about North Korean defectors and returnees, "
    "with span, attribute and relation annotations"
)
LICENSE_FILE = "LICENSE"  # written into every release by `nkcorpus.build.release_extras`
LICENSE_NOTE = (
    "Annotations, metadata and code: CC BY 4.0 (annotations) and MIT (code). The article "
    "texts remain the copyright of their publishers and are included for non-commercial "
    "research on the annotations; check the publishers' terms before any other use."
)
# Hub dataset-card metadata. Keys: huggingface_hub's `DatasetCardData` and the Hub's spec
# (github.com/huggingface/hub-docs/blob/main/datasetcard.md). Allowed values:
# annotations_creators, language_creators, multilinguality, source_datasets and
# size_categories from the `DatasetCardData` docstring (huggingface_hub 2.4,
# repocard_data.py); task_categories and task_ids from huggingface.js
# packages/tasks/src/pipelines.ts (PIPELINE_DATA and its subtasks), which has no relation-
# or event-extraction id: those go to the free-form `tags`.
HUB_METADATA: dict[str, Any] = {
    # The gold of every released document was made by an AI agent (ANNOTATION_NOTE),
    # starting from rule-based pre-annotations: no person annotated.
    "annotations_creators": ["machine-generated"],
    "language_creators": ["found"],  # news articles as their outlets published them
    "multilinguality": ["monolingual"],
    "source_datasets": ["original"],
    "task_categories": ["token-classification"],
    "task_ids": ["named-entity-recognition"],
    "tags": ["north-korea", "migration", "news", "span-extraction", "relation-extraction",
             "event-extraction", "label-studio"],
}  # fmt: skip
ANNOTATION_NOTE = """\
Who annotated: the gold of every released document was made by an AI agent
working through the project's own Label Studio server and its API, starting
from each task's pre-annotation, then re-read in full against the guidelines
in a second review pass (see the guidelines' changelog). No human annotated,
and each document has one annotation, so no inter-annotator agreement exists.
Details and known limitations: `DATASHEET.md`, section Labelling."""


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
    gold_by: Mapping[str, str] = field(default_factory=dict)  # doc_id -> `gold_rules`
    baseline: Any = None  # `nkcorpus.build.baseline.BaselineFacts`
    split_moves: Sequence[str] = ()  # `nkcorpus.build.splits.move_to_text` of each move


def size_category(examples: int) -> str:
    """The Hub's `size_categories` value for a number of examples.

    >>> size_category(108), size_category(1000), size_category(25_000)
    ('n<1K', '1K<n<10K', '10K<n<100K')
    """
    bounds = [(10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"), (10**6, "100K<n<1M")]
    return next((name for bound, name in bounds if examples < bound), "n>1M")


def card_yaml(facts: CardFacts, prefix: str = "") -> dict[str, Any]:
    """The card's YAML header; `prefix` is prepended to paths (the dataset folder's card
    points into `v<version>/`)."""
    configs, infos = [], []
    for config, features in facts.features.items():
        # `datasets` refuses to load a split without rows ("corresponds to no data"), so a
        # config declares only its splits with rows (all of them if it has none at all).
        splits = [s for s in facts.splits if facts.stats.rows.get((config, s), 0)]
        splits = splits or list(facts.splits)
        configs.append(
            {
                "config_name": config,
                **({"default": True} if config == "documents" else {}),
                "data_files": [
                    {"split": split, "path": f"{prefix}data/{config}/{split}-*.parquet"}
                    for split in splits
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
                for split in splits
            }
        )
        info = datasets.DatasetInfo(features=features, splits=split_infos)._to_yaml_dict()
        infos.append({"config_name": config, **info})
    rows: dict[str, int] = {}
    for (config, _), count in facts.stats.rows.items():
        rows[config] = rows.get(config, 0) + count
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": "other",
        "license_name": "cc-by-4.0-annotations-mit-code-publisher-texts",
        "license_link": f"{prefix}{LICENSE_FILE}",
        "license_details": LICENSE_NOTE,
        **HUB_METADATA,
        "size_categories": [size_category(max(rows.values(), default=0))],
        "configs": configs,
        "dataset_info": infos,
    }


def _front_matter(header: dict[str, Any]) -> str:
    body = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{body}---\n"


def citation_bibtex(facts: CardFacts) -> str:
    """A BibTeX entry for this version (the card's and Croissant's `citeAs`)."""
    lines = [
        f"@misc{{nk_defector_corpus_v{facts.version.replace('.', '_')},",
        f"  title = {{{TITLE.replace(PRETTY_NAME, '{' + PRETTY_NAME + '}', 1)}}},",
        f"  author = {{{{{CREATOR}}}}},",
    ]
    if facts.date_published:
        lines.append(f"  year = {{{facts.date_published[:4]}}},")
    lines.append(f"  version = {{{facts.version}}},")
    if facts.homepage:
        lines.append(f"  url = {{{facts.homepage}}},")
    lines.append(f"  note = {{Dataset release v{facts.version}, label schema version "
                 f"{facts.schema_version}}}")  # fmt: skip
    return "\n".join(lines) + "\n}"


def gold_rules(
    annotations: Sequence[Mapping[str, Any]], reviewers: Sequence[int]
) -> dict[str, str]:
    """doc_id -> "accepted" or "starred": which step of the review rule
    (`nkcorpus.build.gold`) chose each gold annotation of the `annotations` table's rows.

    An accepted gold's author is a reviewer (anything else is refused, B121), so a gold by
    anyone else was starred; a gold by a reviewer is counted as accepted (it could only be
    a starred one if a reviewer's own annotation were starred without their acceptance).

    >>> gold_rules([{"doc_id": "a", "is_gold": True, "annotator_id": 3},
    ...             {"doc_id": "b", "is_gold": True, "annotator_id": 1},
    ...             {"doc_id": "b", "is_gold": False, "annotator_id": 3}], [3])
    {'a': 'accepted', 'b': 'starred'}
    """
    return {
        row["doc_id"]: "accepted" if row.get("annotator_id") in set(reviewers) else "starred"
        for row in annotations
        if row.get("is_gold")
    }


def _gold_rule_note(gold_by: Mapping[str, str]) -> str:
    if not gold_by:
        return "This release does not record which step chose each document's gold."
    parts = []
    for rule, how in (("accepted", "accepted by a reviewer"), ("starred", "starred")):
        ids = sorted(d for d, r in gold_by.items() if r == rule)
        if ids:
            parts.append(f"{how}: {len(ids)} ({', '.join(ids)})")
    return f"In this release, gold {'; '.join(parts)}."


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


def load_snippet(version: str) -> str:
    """The card's load example: right for this folder wherever it is copied, and on the Hub."""
    return f"""\
from datasets import load_dataset

# SOURCE: the path of this folder wherever it was copied (in a clone of the repository,
# "dataset/v{version}"), or the Hugging Face repo it was published to ("ORG/NAME").
# A local folder ignores `revision`; on the Hub it selects this release's tag.
SOURCE = "path/to/this/folder"
documents = load_dataset(SOURCE, "documents", revision="v{version}")"""


def _evaluation(facts: CardFacts) -> str:
    if facts.baseline is None:
        return "No baseline was computed for this release."
    from nkcorpus.build.baseline import baseline_to_markdown
    from nkcorpus.build.baseline_snippet import EVALUATION_SNIPPET, evaluation_protocol

    protocol = evaluation_protocol(facts.baseline, facts.split_moves).strip()
    snippet = EVALUATION_SNIPPET.strip()
    return (
        f"{protocol}\n\n{baseline_to_markdown(facts.baseline).strip()}\n\n```python\n{snippet}\n```"
    )


def _data_fields(facts: CardFacts, schema: LabelSchema) -> tuple[str, str]:
    """(the Data Fields tables, the note on `statistics.value`)."""
    tables = schema_to_record_models(schema).tables()
    shown = {config: model for config, model in tables.items() if config in facts.features}
    docs = records_to_field_docs(shown, facts.features)
    summaries = {config: model.__doc__ or "" for config, model in shown.items()}
    return field_docs_to_markdown(docs, summaries), statistic_value_note(docs)


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
    fields, value_note = _data_fields(facts, schema)
    return f"""{_front_matter(card_yaml(facts))}
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

Splits are assigned by a stable hash of each document's near-duplicate group,
and a document keeps its split in later versions (the one exception, a
promotion to validation, is under Evaluation Protocol). {empty_note}

{_stats_table(facts, schema)}

## Evaluation Protocol

{_evaluation(facts)}

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
out. {_gold_rule_note(facts.gold_by)}

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
