"""The release card: Hub metadata, Data Fields, relations, units, citation, the load
example and the evaluation protocol, on a release built from a one-document export."""

from __future__ import annotations

import dataclasses
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from huggingface_hub import DatasetCard, DatasetCardData

from nkcorpus.build.card import CardFacts, folder_card, gold_to_rules, release_card
from nkcorpus.build.changelog import release_facts
from nkcorpus.build.release import build_release
from nkcorpus.build.report import GoldDocument
from nkcorpus.schema.model import load_schema
from tests.build import annotation, documents, good_result, task, write_export

# Keys the Hub reads from a dataset card: huggingface_hub's DatasetCardData (its
# parameters) and the spec https://github.com/huggingface/hub-docs/blob/main/datasetcard.md.
SPEC_KEYS = {
    "license_name", "license_link", "license_details", "tags", "language_details",
    "configs", "dataset_info", "extra_gated_fields", "extra_gated_prompt", "train-eval-index",
}  # fmt: skip
# Allowed values, from the DatasetCardData docstring (huggingface_hub 2.4, repocard_data.py).
ALLOWED = {
    "annotations_creators": {"found", "crowdsourced", "expert-generated", "machine-generated",
                             "no-annotation", "other"},
    "language_creators": {"found", "crowdsourced", "expert-generated", "machine-generated",
                          "other"},
    "multilinguality": {"monolingual", "multilingual", "translation", "other"},
    "size_categories": {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M",
                        "10M<n<100M", "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T",
                        "n>1T", "other"},
    "source_datasets": {"original", "extended"},
}  # fmt: skip
# Task categories (PIPELINE_DATA keys) and the subtasks of token-classification, from
# huggingface.js packages/tasks/src/pipelines.ts.
TASK_CATEGORIES = {
    "text-classification", "token-classification", "table-question-answering",
    "question-answering", "zero-shot-classification", "translation", "summarization",
    "feature-extraction", "text-generation", "text2text-generation", "fill-mask",
    "sentence-similarity", "text-retrieval", "text-ranking", "multiple-choice", "table-to-text",
    "other",
}  # fmt: skip
SUBTASKS = {
    "token-classification": {"named-entity-recognition", "part-of-speech", "parsing",
                             "lemmatization", "word-sense-disambiguation",
                             "coreference-resolution"},
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built from a one-document export (seed 000, every label once)."""
    folder = tmp_path_factory.mktemp("card")
    doc = documents()[0]
    gold = annotation(11, good_result(doc.text), gold=True)
    export = write_export(folder / "export.json", [task(1, doc, [gold])])
    summary = build_release(
        "1.0.0", [export], folder / "dataset", documents=documents(), progress=False
    )
    return summary.folder


def _card(folder: Path) -> str:
    return (folder / "README.md").read_text(encoding="utf-8")


def _header(card: str) -> dict[str, Any]:
    return yaml.safe_load(card.split("---\n", 2)[1])


def _hub_problems(card: str) -> list[str]:
    """Every YAML key the Hub does not know and every value outside its vocabulary."""
    data = DatasetCard(card).data  # parses the YAML offline, as the Hub does
    known = set(inspect.signature(DatasetCardData.__init__).parameters) | SPEC_KEYS
    header = _header(card)
    problems = [f"unknown key {key}" for key in header if key not in known]
    for key, allowed in ALLOWED.items():
        problems += [f"{key}: {v}" for v in getattr(data, key) or [] if v not in allowed]
    problems += [f"task_categories: {t}" for t in data.task_categories if t not in TASK_CATEGORIES]
    subtasks = set().union(*(SUBTASKS.get(t, set()) for t in data.task_categories))
    problems += [f"task_ids: {t}" for t in data.task_ids if t not in subtasks]
    return problems


def test_card_yaml_uses_only_hub_keys_and_values(built: Path) -> None:
    card = _card(built)
    assert _hub_problems(card) == []
    header = _header(card)
    for key in ("annotations_creators", "language_creators", "multilinguality",
                "source_datasets", "license_link", "task_categories", "task_ids"):  # fmt: skip
        assert header[key], key
    assert header["license"] == "other" and header["license_name"]
    assert (built / header["license_link"]).is_file()  # the release's own LICENSE
    assert _hub_problems(folder_card(release_facts(built))) == []


def test_card_hub_check_catches_unknown_keys_and_values(built: Path) -> None:
    """The check above can fail: a made-up key and values outside the vocabularies."""
    header = _header(_card(built))
    header.update(annotation_creator=["people"], multilinguality=["bilingual"])
    header.update(task_ids=["relation-extraction"])
    card = f"---\n{yaml.safe_dump(header)}---\n# card\n"
    assert _hub_problems(card) == [
        "unknown key annotation_creator",
        "multilinguality: bilingual",
        "task_ids: relation-extraction",
    ]


def _sections(card: str, level: str) -> dict[str, str]:
    """Heading text -> body, for the headings of one level ("#### ")."""
    parts = re.split(rf"^{level}(.+)$", card, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _dotted(feature: Any, prefix: str = "") -> list[str]:
    import datasets

    while isinstance(feature, datasets.List | datasets.LargeList):
        feature = feature.feature
    if not isinstance(feature, dict):
        return []
    paths = []
    for key, sub in feature.items():
        paths += [f"{prefix}{key}", *_dotted(sub, f"{prefix}{key}.")]
    return paths


def test_card_data_fields_list_every_column_of_every_config(built: Path) -> None:
    card = _card(built)
    tables = _sections(card, "#### ")
    facts = release_facts(built)
    assert [name.strip("`") for name in tables] == list(facts.features)
    for config, features in facts.features.items():
        rows = [line for line in tables[f"`{config}`"].splitlines() if line.startswith("| `")]
        shown = [row.split("`")[1] for row in rows]
        assert shown == _dotted(dict(features)), config
        assert not [row for row in rows if "*(undocumented)*" in row], config
    # types and class-label names come from the features of `dataset_info`
    assert (
        "| `spans.label` | class label: 0 `PERSON`, 1 `CROSSING`, 2 `MOTIVE`, 3 `STATISTIC` |"
        in tables["`documents`"]
    )
    assert "| `agents.text` | string |" in tables["`crossings`"]


def test_card_states_relation_directions_units_and_citation(built: Path) -> None:
    card = _card(built)
    assert "- `agent`: `PERSON` -> `CROSSING`:" in card
    assert "- `quantifies`: `STATISTIC` -> `CROSSING`:" in card
    units = _sections(card, "### ")["Units of `statistics.value`"]
    assert "`statistics.value_unit` (class label, nullable: 0 `count`, 1 `share`)" in units
    citation = _sections(card, "## ")["Citation"]
    assert "@misc{nk_defector_corpus_v1_0_0," in citation
    assert "  version = {1.0.0}," in citation
    assert "author = {{nk-defector-corpus maintainers}}" in citation
    assert 'load_dataset("dataset/' not in card  # the load example hard-codes no path


LOAD_CHECK = """
import json
{snippet}
print(json.dumps({{split: len(rows) for split, rows in documents.items()}}))
"""


def _run_load_example(card: str, folder: Path, tmp_path: Path) -> dict[str, int]:
    """The card's own load example with SOURCE set to `folder`, in a fresh Python."""
    snippet = card.split("## Dataset Summary")[1].split("```python\n")[1].split("```")[0]
    assert 'SOURCE = "path/to/this/folder"' in snippet
    snippet = snippet.replace('"path/to/this/folder"', repr(str(folder)))
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_CHECK.format(snippet=snippet)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return yaml.safe_load(result.stdout.strip().splitlines()[-1])


def test_card_load_example_works_in_place_and_for_the_folder_copied_alone(
    built: Path, tmp_path: Path
) -> None:
    card = _card(built)
    assert _run_load_example(card, built, tmp_path) == {"train": 1}
    alone = tmp_path / "elsewhere" / "copy"
    shutil.copytree(built, alone)  # the folder alone, as on the Hub
    assert _run_load_example(card, alone, tmp_path) == {"train": 1}


def test_card_says_which_review_rule_chose_the_gold(built: Path) -> None:
    facts = release_facts(built)
    schema = load_schema()
    card = release_card(facts, schema)
    assert "This release does not record which step chose each document's gold." in card
    gold = {
        doc_id: GoldDocument(doc_id=doc_id, task_id=1, file="x.json", spans=[], relations=[],
                             rule=rule)
        for doc_id, rule in [("002_y", "starred"), ("000_x", "accepted"), ("003_z", None)]
    }  # fmt: skip
    by = gold_to_rules(gold)  # 003_z's rule is not recorded: left out
    card = release_card(dataclasses.replace(facts, gold_by=by), schema)
    assert "In this release, gold accepted by a reviewer: 1 (000_x); starred: 1 (002_y)." in card
    assert "where no reviewer accepted one, the one annotation starred" in card


def _reviewers_own_star_export(folder: Path) -> Path:
    """Two tasks whose gold is by reviewer 7: 000's starred without an acceptance (the
    inference from the author said "accepted"), 002's accepted by them."""
    doc0, doc2 = documents()[0], documents()[2]
    accept = [{"id": "rv", "type": "choices", "from_name": "review", "to_name": "text",
               "value": {"choices": ["accept"]}}]  # fmt: skip
    starred = annotation(11, good_result(doc0.text), gold=True, completed_by=7)
    accepted = annotation(21, accept, completed_by=7)  # no span: the decision is what counts
    return write_export(
        folder / "export.json", [task(1, doc0, [starred]), task(2, doc2, [accepted])]
    )


def test_card_gold_rule_is_the_step_the_review_rule_took(built: Path, tmp_path: Path) -> None:
    from nkcorpus.build.validate import validate_exports

    export = _reviewers_own_star_export(tmp_path)
    report = validate_exports([export], documents=documents(), reviewers=frozenset({7}))
    assert report.valid, [str(p) for p in report.problems]
    doc0, doc2 = documents()[0].doc_id, documents()[2].doc_id
    assert {d: g.rule for d, g in report.gold.items()} == {doc0: "starred", doc2: "accepted"}
    facts = dataclasses.replace(release_facts(built), gold_by=gold_to_rules(report.gold))
    card = release_card(facts, load_schema())
    assert f"gold accepted by a reviewer: 1 ({doc2}); starred: 1 ({doc0})." in card


def test_card_of_a_build_names_a_reviewers_own_starred_gold_starred(tmp_path: Path) -> None:
    export = _reviewers_own_star_export(tmp_path)
    summary = build_release("1.0.0", [export], tmp_path / "dataset", documents=documents(),
                            reviewers=frozenset({7}), progress=False)  # fmt: skip
    doc0, doc2 = documents()[0].doc_id, documents()[2].doc_id
    assert f"gold accepted by a reviewer: 1 ({doc2}); starred: 1 ({doc0})." in _card(summary.folder)


def test_card_evaluation_protocol_shows_the_baseline_and_snippet(built: Path) -> None:
    from nkcorpus.build.baseline import baseline_scores, baseline_to_markdown
    from nkcorpus.build.baseline_predictions import Prediction
    from nkcorpus.build.baseline_snippet import EVALUATION_SNIPPET

    facts = release_facts(built)
    card = release_card(facts, load_schema())
    assert "No baseline was computed for this release." in card
    span = {"id": "p", "start": 0, "end": 5, "label": "PERSON", "text": "A man"}
    prediction = Prediction("d", "rules-1", [span], [])
    baseline = baseline_scores({"d": [span]}, {"d": prediction}, {"d": "test"}, {"d": None},
                               ["PERSON"])  # fmt: skip
    card = release_card(dataclasses.replace(facts, baseline=baseline), load_schema())
    section = _sections(card, "## ")["Evaluation Protocol"]
    assert baseline_to_markdown(baseline).strip() in section
    assert EVALUATION_SNIPPET.strip() in section
    assert "**Cross-validation.**" in section


def test_card_facts_new_fields_are_optional(built: Path) -> None:
    """Older callers (the changelog reads facts back from a folder) need none of them."""
    fields = {f.name: f for f in dataclasses.fields(CardFacts)}
    for name in ("date_published", "homepage", "gold_by", "baseline", "split_moves"):
        has_default = fields[name].default is not dataclasses.MISSING
        assert has_default or fields[name].default_factory is not dataclasses.MISSING, name
    with_date = dataclasses.replace(release_facts(built), date_published="2026-01-01")
    assert "  year = {2026},\n" in release_card(with_date, load_schema())


def test_card_yaml_declares_only_the_splits_a_config_has_rows_in(built: Path) -> None:
    """`datasets` refuses a split without rows, so e.g. a validation document without any
    STATISTIC leaves `statistics` with train and test only."""
    from nkcorpus.build.card_metadata import card_yaml

    facts = release_facts(built)
    stats = dataclasses.replace(facts.stats, rows={}, arrow_bytes={})
    stats.rows.update({("documents", "train"): 2, ("documents", "test"): 1})
    stats.rows.update({("statistics", "train"): 3, ("statistics", "test"): 0})
    features = {c: facts.features[c] for c in ("documents", "statistics")}
    facts = dataclasses.replace(facts, features=features, stats=stats, splits=["train", "test"])
    header = card_yaml(facts)
    files = {c["config_name"]: [f["split"] for f in c["data_files"]] for c in header["configs"]}
    assert files == {"documents": ["train", "test"], "statistics": ["train"]}
    infos = {i["config_name"]: [s["name"] for s in i["splits"]] for i in header["dataset_info"]}
    assert infos == files
    assert header["size_categories"] == ["n<1K"]  # 3 rows at most
