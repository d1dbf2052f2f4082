"""The data files of a release: Parquet tables per config and split, and spaCy
DocBins per split (`croissant.json` is `nkcorpus.build.croissant_files`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq

from nkcorpus.annotation.score import prelabel_report
from nkcorpus.build.docbin import DocBinWriter, document_row_to_user_data
from nkcorpus.build.parquet_writer import TableWriter
from nkcorpus.build.report import ValidationReport
from nkcorpus.build.stats import ReleaseStats
from nkcorpus.build.tables import PredictionLike, document_to_rows, sentence_nlp, spans_to_doc
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models


def table_path(config: str, split: str) -> str:
    return f"data/{config}/{split}-00000-of-00001.parquet"


@dataclass
class WrittenTables:
    features: dict[str, datasets.Features]
    stats: ReleaseStats = field(default_factory=ReleaseStats)
    docbins: DocBinWriter = field(default_factory=DocBinWriter)
    prelabel: dict[str, Any] = field(default_factory=dict)


def write_tables(
    folder: Path,
    released: Sequence[CleanDocument],
    report: ValidationReport,
    splits: Mapping[str, str],
    schema: LabelSchema,
    advance: Callable[[int], object],
    *,
    folds: Mapping[str, int | None] | None = None,
    predictions: Mapping[str, PredictionLike] | None = None,
) -> WrittenTables:
    """Stream every released document's rows into `data/<config>/<split>-*.parquet`.

    `folds` (doc_id -> fold, `nkcorpus.build.folds.assign_folds`) fills
    `documents.fold`: a doc_id it lacks (or no mapping) has fold None.
    `predictions` (doc_id -> prediction, `nkcorpus.build.baseline.
    baseline_predictions`) fills the `predictions` table: a doc_id it lacks
    has no row there. Each tokenised doc (for the DocBins) gets its
    `user_data` (`nkcorpus.build.docbin`)."""
    features = schema_to_features(schema)
    models = schema_to_record_models(schema)
    nlp = sentence_nlp()
    out = WrittenTables(features)
    annotations: dict[str, list[dict[str, Any]]] = {}
    for row in report.annotations:
        annotations.setdefault(row["doc_id"], []).append(row)
    used = sorted(set(splits.values()))
    writers = {
        (config, split): TableWriter(folder / table_path(config, split), features[config])
        for config in features
        for split in used
    }
    try:
        for document in sorted(released, key=lambda d: d.doc_id):
            gold = report.gold[document.doc_id]
            split = splits[document.doc_id]
            own = sorted(annotations.get(document.doc_id, []), key=lambda a: a["annotation_id"])
            doc = spans_to_doc(nlp, document.text, gold.spans, gold.doc_id)
            rows = document_to_rows(
                document, gold, own, split, doc, models, schema,
                fold=(folds or {}).get(document.doc_id),
                prediction=(predictions or {}).get(document.doc_id),
            )  # fmt: skip
            doc.user_data.update(document_row_to_user_data(rows.tables["documents"][0], split))
            for config, table in rows.tables.items():
                for row in table:
                    writers[(config, split)].write(row)
            out.stats.add(rows)
            out.docbins.add(split, doc)  # compact arrays, not the Doc, are kept
            advance(1)
    finally:
        for writer in writers.values():
            writer.close()
    for key, writer in writers.items():
        out.stats.arrow_bytes[key] = pq.read_table(writer.path).nbytes
    newest = Path(report.files[-1])
    scores = prelabel_report(newest, reviewers=frozenset(report.reviewers)).scores
    out.prelabel = {"export": newest.name}
    out.prelabel.update({s.label: {"exact": s.exact.f1, "overlap": s.overlap.f1} for s in scores})
    return out


def write_docbins(folder: Path, docbins: DocBinWriter) -> None:
    """`spacy/<split>.spacy` of the docs `write_tables` added to `docbins`."""
    docbins.write(folder / "spacy")
