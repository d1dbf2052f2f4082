"""The data files of a release: Parquet tables per config and split, spaCy
DocBins per split, and `croissant.json`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
from spacy.tokens import Doc

from nkcorpus.annotation.score import prelabel_report
from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.card import LICENSE_NOTE, PRETTY_NAME, CardFacts
from nkcorpus.build.croissant import ReleaseFile, release_to_croissant
from nkcorpus.build.docbin import DocBinWriter
from nkcorpus.build.manifest import file_sha256
from nkcorpus.build.parquet_writer import TableWriter
from nkcorpus.build.report import ValidationReport
from nkcorpus.build.stats import ReleaseStats
from nkcorpus.build.tables import document_to_rows, sentence_nlp, spans_to_doc
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
    docs: list[tuple[str, Doc]] = field(default_factory=list)
    prelabel: dict[str, Any] = field(default_factory=dict)


def write_tables(
    folder: Path,
    released: Sequence[CleanDocument],
    report: ValidationReport,
    splits: Mapping[str, str],
    schema: LabelSchema,
    advance: Callable[[int], object],
) -> WrittenTables:
    """Stream every released document's rows into `data/<config>/<split>-*.parquet`."""
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
            rows = document_to_rows(document, gold, own, split, doc, models, schema)
            for config, table in rows.tables.items():
                for row in table:
                    writers[(config, split)].write(row)
            out.stats.add(rows)
            out.docs.append((split, doc))
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


def write_docbins(folder: Path, docs: Sequence[tuple[str, Doc]]) -> None:
    writer = DocBinWriter()
    for split, doc in docs:
        writer.add(split, doc)
    writer.write(folder / "spacy")


RAI = {
    "rai:dataCollection": "English news articles about North Korean defectors and returnees, "
    "kept byte for byte as seed files with provenance and checksums; article bodies are "
    "cleaned deterministically (Unicode NFC, whitespace folded, page chrome dropped by line "
    "ranges recorded in the seed manifest).",
    "rai:dataAnnotationProtocol": "annotation/GUIDELINES.md: span labels PERSON, CROSSING, "
    "MOTIVE and STATISTIC with per-region attributes and the relations agent, motivated_by "
    "and quantifies; every task starts from rule-based spaCy pre-annotations; the "
    "annotation a reviewer stars as ground truth is the gold.",
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


def write_croissant(folder: Path, facts: CardFacts, report: ValidationReport) -> None:
    files = [
        ReleaseFile(table_path(config, split), file_sha256(folder / table_path(config, split)),
                    config, split)
        for config in facts.features
        for split in facts.splits
    ]  # fmt: skip
    updated = [a["updated_at"] for a in report.annotations if a.get("updated_at")]
    croissant = release_to_croissant(
        name=PRETTY_NAME,
        version=facts.version,
        description=(
            "News articles about North Koreans who defect to the South and who return to the "
            "North, with reviewed span, attribute and relation annotations."
        ),
        license=LICENSE_NOTE,
        url=None,
        date_published=max(updated)[:10] if updated else None,
        citation=f"{PRETTY_NAME} v{facts.version}",
        files=files,
        features=facts.features,
        rai=RAI,
    )
    text = json.dumps(croissant, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_text(folder / "croissant.json", text, overwrite=False)
