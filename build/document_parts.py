"""The per-document work of a build as a pure function over a batch.

`jobs_to_parts` turns each released document (a `DocumentJob`: its text, its
gold, its annotations, split, fold and baseline prediction) into a
`DocumentPart`: its rows of every table, checked by the record models, and the
document tokenised with its spans and `user_data`, as a one-document spaCy
`DocBin`. It depends on nothing but its arguments and the label schema, so
`nkcorpus.build.release_files.write_tables` runs it on several processes (in
batches, results in input order: the release is the same bytes whatever the
number of processes) and `nkcorpus.build.part_cache` keeps its result for
the next build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from spacy.language import Language

from nkcorpus.build.docbin import doc_to_docbin, document_row_to_user_data
from nkcorpus.build.parquet_writer import rows_to_arrow
from nkcorpus.build.report import GoldDocument
from nkcorpus.build.row_encoder import features_to_encoder
from nkcorpus.build.stats import RowCounts, rows_to_counts
from nkcorpus.build.tables import (
    PredictionLike,
    document_to_rows,
    sentence_nlp,
    spans_to_doc,
)
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import record_models

if TYPE_CHECKING:
    from nkcorpus.build.part_cache import PartCache


@dataclass(frozen=True)
class DocumentJob:
    """Everything one released document's rows and Doc depend on."""

    document: CleanDocument
    gold: GoldDocument
    annotations: list[dict[str, Any]]
    split: str
    fold: int | None
    prediction: PredictionLike | None


@dataclass(frozen=True)
class DocumentPart:
    """One document's rows of every table, each table an Arrow IPC stream
    (`nkcorpus.build.parquet_writer.rows_to_arrow`: bytes, cheap to send and
    to cache), their counts, and its Doc as a one-document DocBin's map
    (`nkcorpus.build.docbin.doc_to_docbin`)."""

    doc_id: str
    split: str
    tables: dict[str, bytes]  # config -> its rows
    counts: RowCounts
    docbin: bytes


@lru_cache(maxsize=1)
def _nlp() -> Language:
    return sentence_nlp()


def job_to_part(job: DocumentJob, schema: LabelSchema) -> DocumentPart:
    """The rows and the Doc of one document (B210 if a span is off the tokens)."""
    document, gold = job.document, job.gold
    doc = spans_to_doc(_nlp(), document.text, gold.spans, gold.doc_id)
    rows = document_to_rows(
        document, gold, job.annotations, job.split, doc, record_models(schema), schema,
        fold=job.fold, prediction=job.prediction,
    )  # fmt: skip
    doc.user_data.update(document_row_to_user_data(rows.tables["documents"][0], job.split))
    encoders = _encoders(schema)
    tables = {
        config: rows_to_arrow(list(map(encoders[config][0], t)), encoders[config][1])
        for config, t in rows.tables.items()
    }
    return DocumentPart(rows.doc_id, rows.split, tables, rows_to_counts(rows), doc_to_docbin(doc))


Encoder = tuple[Callable[[dict[str, Any]], dict[str, Any]], pa.Schema]
_ENCODERS: dict[str, dict[str, Encoder]] = {}


def _encoders(schema: LabelSchema) -> dict[str, Encoder]:
    """Per config, its rows' encoder (`row_encoder`) and Arrow schema, made
    once per process and label schema."""
    if schema.schema_hash not in _ENCODERS:
        features = schema_to_features(schema)
        _ENCODERS[schema.schema_hash] = {
            c: (features_to_encoder(f), f.arrow_schema) for c, f in features.items()
        }
    return _ENCODERS[schema.schema_hash]


def jobs_to_parts(
    batch: tuple[Sequence[DocumentJob], LabelSchema, PartCache | None],
) -> list[tuple[DocumentPart, bool]]:
    """`job_to_part` over a batch, in order (one argument, for a process pool),
    each with whether it came from `cache` (None: no cache); a part made is stored."""
    from nkcorpus.build.part_cache import job_key

    jobs, schema, cache = batch
    out = []
    for job in jobs:
        key = job_key(job, schema) if cache is not None else ""
        part = cache.load(key) if cache is not None else None
        if part is not None:
            out.append((part, True))
            continue
        part = job_to_part(job, schema)
        if cache is not None:
            cache.store(key, part)
        out.append((part, False))
    return out
