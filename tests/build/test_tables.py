"""Gold documents -> rows of every released table (one document of seed 000,
annotated by `tests.build.good_result`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from nkcorpus.build.release_files import table_path, write_tables
from nkcorpus.build.report import ValidationReport
from nkcorpus.build.tables import document_to_rows, sentence_nlp, spans_to_doc
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.schema.model import load_schema
from nkcorpus.schema.records import schema_to_record_models
from tests.build import annotation, documents, good_result, task, write_export

SCHEMA = load_schema()


@dataclass(frozen=True)
class _Prediction:
    model_version: str
    spans: list[dict[str, Any]]
    relations: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="module")
def gold(tmp_path_factory: pytest.TempPathFactory) -> tuple[CleanDocument, ValidationReport]:
    doc = documents()[0]
    export = write_export(
        tmp_path_factory.mktemp("exports") / "export.json",
        [task(1, doc, [annotation(11, good_result(doc.text), gold=True)])],
    )
    report = validate_exports([export], documents=documents(), schema=SCHEMA)
    assert report.valid, report.problems
    return doc, report


def _rows(gold, **kwargs) -> dict[str, list[dict[str, Any]]]:
    document, report = gold
    spans = report.gold[document.doc_id]
    doc = spans_to_doc(sentence_nlp(), document.text, spans.spans, document.doc_id)
    models = schema_to_record_models(SCHEMA)
    rows = document_to_rows(document, spans, [], "train", doc, models, SCHEMA, **kwargs)
    return rows.tables


def test_tables_fold_and_prediction_fill_documents_and_predictions(gold) -> None:
    document = gold[0]
    predicted = {"id": "x1", "start": 0, "end": 5, "label": "PERSON", "text": "A man"}
    tables = _rows(gold, fold=2, prediction=_Prediction("rules-7", [predicted]))
    assert tables["documents"][0]["fold"] == 2
    (row,) = tables["predictions"]
    assert (row["doc_id"], row["model_version"], row["relations"]) == (
        document.doc_id, "rules-7", []
    )  # fmt: skip
    (span,) = row["spans"]
    assert document.text[span["start"] : span["end"]] == span["text"] == "A man"
    assert span["roles"] == [] and span["direction"] is None  # unset attributes, as in gold


def test_tables_without_fold_or_prediction_fold_is_null_and_no_prediction_row(gold) -> None:
    tables = _rows(gold)
    assert tables["documents"][0]["fold"] is None
    assert tables["predictions"] == []


def test_tables_crossings_have_event_ids_and_linked_spans_with_offsets_and_units(gold) -> None:
    document = gold[0]
    tables = _rows(gold)
    (crossing,) = tables["crossings"]
    assert crossing["event_id"] == f"{document.doc_id}_event_c1"
    assert [e["event_id"] for e in tables["events"]] == [crossing["event_id"]]
    (agent,), (motive,), (statistic,) = (crossing[c] for c in ("agents", "motives", "statistics"))
    for linked in (agent, motive, statistic):
        assert document.text[linked["start"] : linked["end"]] == linked["text"]
    assert (agent["span_id"], agent["start"], agent["end"]) == ("p1", 0, 5)  # "A man"
    # "at least 34,000" starts at 1131 in seed 000 and is 15 characters long
    assert (statistic["start"], statistic["end"]) == (1131, 1146)
    assert (statistic["value"], statistic["value_unit"]) == (34000.0, "count")
    (row,) = tables["statistics"]
    assert (row["span_id"], row["value"], row["value_unit"]) == ("s1", 34000.0, "count")


def test_tables_bigbio_row_matches_the_gold(gold) -> None:
    (row,) = _rows(gold)["bigbio_kb"]
    assert [e["type"] for e in row["entities"]] == ["PERSON", "CROSSING", "MOTIVE", "STATISTIC"]
    assert [len(e["arguments"]) for e in row["events"]] == [3]  # agent, motive, statistic


def test_tables_write_tables_takes_folds_and_predictions_as_mappings(gold, tmp_path: Path) -> None:
    """A doc_id the mappings lack: fold null, no predictions row; present: both filled."""
    document, report = gold
    splits = {document.doc_id: "train"}
    write_tables(tmp_path / "a", [document], report, splits, SCHEMA, lambda _: None,
                 folds={"other": 0}, predictions={})  # fmt: skip
    prediction = _Prediction("rules-7", [])
    write_tables(tmp_path / "b", [document], report, splits, SCHEMA, lambda _: None,
                 folds={document.doc_id: 1}, predictions={document.doc_id: prediction})  # fmt: skip

    def read(folder: str, config: str) -> list[dict[str, Any]]:
        return pq.read_table(tmp_path / folder / table_path(config, "train")).to_pylist()

    assert [r["fold"] for r in read("a", "documents")] == [None]
    assert read("a", "predictions") == []
    assert [r["fold"] for r in read("b", "documents")] == [1]
    assert read("b", "predictions") == [
        {"doc_id": document.doc_id, "model_version": "rules-7", "spans": [], "relations": []}
    ]
