"""Checks over the committed gold: the exports under annotation/exports/.

Every released document (one per near-duplicate group) has exactly one valid
ground-truth annotation; every region's text equals its offsets; only schema
labels, choices and relations; every number of a released body is inside a
STATISTIC or in annotation/number_exclusions.yaml.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from nkcorpus.annotation.number_mentions import (
    EXCLUSIONS_FILE,
    Exclusion,
    load_exclusions,
    number_coverage_problems,
)
from nkcorpus.build.bookkeeping import released_versions
from nkcorpus.build.manifest import read_manifest
from nkcorpus.build.report import ValidationReport
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.documents import CleanDocument, load_documents
from nkcorpus.corpus.release import select_released
from nkcorpus.paths import annotation_dir, dataset_dir, default_exports
from nkcorpus.schema.model import load_schema

SCHEMA = load_schema()


@pytest.fixture(scope="module")
def corpus() -> dict[str, CleanDocument]:
    return {d.doc_id: d for d in load_documents()}


@pytest.fixture(scope="module")
def report(corpus: dict[str, CleanDocument]) -> ValidationReport:
    exports = default_exports()
    assert exports, "annotation/exports/ holds no export"
    return validate_exports(exports, documents=list(corpus.values()), schema=SCHEMA)


def test_committed_gold_exports_are_valid(report: ValidationReport) -> None:
    assert report.problems == [], "\n".join(str(p) for p in report.problems)


def test_committed_gold_covers_exactly_the_released_documents(
    report: ValidationReport, corpus: dict[str, CleanDocument]
) -> None:
    selection = select_released(list(corpus.values()))
    released = {d.doc_id for d in selection.released}
    latest = set(read_manifest(released_versions(dataset_dir())[-1])["splits"])
    assert latest <= set(report.gold)  # every document of the latest release keeps its gold
    assert set(report.gold) <= released  # gold only where a release would take it
    assert not released & set(selection.withheld)
    # A withheld copy, or a document added since, may sit in Label Studio unreviewed;
    # a document of the latest release may not.
    assert not {u.doc_id for u in report.unreviewed} & latest


def test_committed_gold_has_one_ground_truth_per_released_task(report: ValidationReport) -> None:
    gold_rows = [a for a in report.annotations if a["is_gold"]]
    assert sorted(a["doc_id"] for a in gold_rows) == sorted(report.gold)


def test_committed_gold_regions_match_their_offsets(
    report: ValidationReport, corpus: dict[str, CleanDocument]
) -> None:
    for doc_id, gold in report.gold.items():
        text = corpus[doc_id].text
        for span in gold.spans:
            assert text[span["start"] : span["end"]] == span["text"], (doc_id, span["id"])
            assert span["text"] == span["text"].strip(), (doc_id, span["id"])


def test_committed_gold_uses_schema_values_and_sets_every_attribute(
    report: ValidationReport,
) -> None:
    for doc_id, gold in report.gold.items():
        for span in gold.spans:
            label = SCHEMA.label(span["label"])
            for attribute in label.attributes:
                value = span.get(attribute.name)
                values = value if attribute.multiple else [value]
                assert values, f"{doc_id} {span['id']}: {attribute.name} is empty"
                assert set(values) <= set(attribute.values), (doc_id, span["id"], value)


def test_committed_gold_relations_join_existing_spans_of_allowed_labels(
    report: ValidationReport,
) -> None:
    allowed = {r.name: (r.head, r.tail) for r in SCHEMA.relations}
    for doc_id, gold in report.gold.items():
        labels = {span["id"]: span["label"] for span in gold.spans}
        for relation in gold.relations:
            pair = (labels.get(relation["head"]), labels.get(relation["tail"]))
            assert pair == allowed[relation["type"]], (doc_id, relation)


def test_committed_gold_spans_do_not_overlap(report: ValidationReport) -> None:
    for doc_id, gold in report.gold.items():
        spans = sorted(gold.spans, key=lambda s: (s["start"], s["end"]))
        for left, right in itertools.pairwise(spans):
            assert left["end"] <= right["start"], (doc_id, left["id"], right["id"])


def test_committed_gold_accounts_for_every_number(
    report: ValidationReport, corpus: dict[str, CleanDocument]
) -> None:
    exclusions = load_exclusions(annotation_dir() / EXCLUSIONS_FILE)
    assert set(exclusions) <= set(report.gold), "exclusions for a document without gold"
    problems = [
        f"{doc_id}: {problem}"
        for doc_id, gold in sorted(report.gold.items())
        for problem in number_coverage_problems(
            corpus[doc_id].text, gold.spans, exclusions.get(doc_id, [])
        )
    ]
    assert problems == [], "\n".join(problems)


def test_number_coverage_problems_names_missed_stale_and_doubled_numbers() -> None:
    text = "At least 11 people left in 2019 and two returned."
    spans = [{"label": "STATISTIC", "start": 0, "end": 11}]
    exclusions = [
        Exclusion(27, "2019", "year"),
        Exclusion(9, "11", "year"),  # inside the STATISTIC
        Exclusion(0, "At", "year"),  # matches no number
    ]
    problems = number_coverage_problems(text, spans, exclusions)
    assert any("'two'" in p and "neither" in p for p in problems)
    assert any("'11'" in p and "drop the exclusion" in p for p in problems)
    assert any("'At'" in p and "matches no number" in p for p in problems)
    assert len(problems) == 3


def test_number_coverage_problems_rejects_an_unknown_reason() -> None:
    problems = number_coverage_problems("In 2019.", [], [Exclusion(3, "2019", "because")])
    assert problems and "reason 'because'" in problems[0]


def test_load_exclusions_names_the_file_on_bad_shape(tmp_path: Path) -> None:
    path = tmp_path / EXCLUSIONS_FILE
    path.write_text("exclusions:\n  d1:\n    - {text: '2019'}\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"A230.*number_exclusions\.yaml"):
        load_exclusions(path)
