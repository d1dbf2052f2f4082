"""Who and what the dataset is, and the card's YAML header of Hub metadata.

The names here (title, homepage, creator, license) are shared by the card, Croissant
(`nkcorpus.build.croissant_files`), the release's extra files and `nkcorpus publish`.
The header carries the Hugging Face Hub's dataset-card metadata and declares every
config's `data_files` and explicit `dataset_info` features (class-label names included),
so `datasets.load_dataset(folder, config)` needs no loading script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import datasets
import yaml

if TYPE_CHECKING:
    from nkcorpus.build.card import CardFacts

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


def front_matter(header: dict[str, Any]) -> str:
    """A card's YAML front matter, between `---` lines, keys in the order given.

    >>> print(front_matter({"pretty_name": "x", "language": ["en"]}), end="")
    ---
    pretty_name: x
    language:
    - en
    ---
    """
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
