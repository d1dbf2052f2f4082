"""The data files of a release: Parquet tables per config and split, and spaCy
DocBins per split (`croissant.json` is `nkcorpus.build.croissant_files`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import datasets

from nkcorpus.annotation.score import PrelabelTask, prelabel_report
from nkcorpus.build.docbin import DocBinWriter
from nkcorpus.build.document_parts import DocumentJob, jobs_to_parts
from nkcorpus.build.parquet_writer import TableWriter, arrow_to_table, parquet_nbytes
from nkcorpus.build.part_cache import PartCache
from nkcorpus.build.report import ValidationReport
from nkcorpus.build.stats import ReleaseStats
from nkcorpus.build.tables import PredictionLike
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.ordered_pool import MapInOrder, map_in_order
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import LabelSchema

BATCH_DOCUMENTS = 16  # documents per batch sent to a worker process


def _batched(items: Iterator[DocumentJob], size: int) -> Iterator[list[DocumentJob]]:
    while batch := list(islice(items, size)):
        yield batch


def table_path(config: str, split: str) -> str:
    return f"data/{config}/{split}-00000-of-00001.parquet"


@dataclass
class WrittenTables:
    features: dict[str, datasets.Features]
    docbins: DocBinWriter
    stats: ReleaseStats = field(default_factory=ReleaseStats)
    reused: int = 0  # documents whose rows and Doc came from the part cache


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
    processes: int = 1,
    cache: PartCache | None = None,
    runner: MapInOrder = map_in_order,
) -> WrittenTables:
    """Stream every released document's rows into `data/<config>/<split>-*.parquet`.

    `folds` (doc_id -> fold, `nkcorpus.build.folds.assign_folds`) fills
    `documents.fold`: a doc_id it lacks (or no mapping) has fold None.
    `predictions` (doc_id -> prediction, `nkcorpus.build.baseline.
    baseline_predictions`) fills the `predictions` table: a doc_id it lacks
    has no row there. Each tokenised doc (for the DocBins) gets its
    `user_data` (`nkcorpus.build.docbin`). Each document's rows and Doc are
    made by `nkcorpus.build.document_parts.jobs_to_parts`, in batches of
    `BATCH_DOCUMENTS`, on `processes` processes (the same files whatever the
    number); rows are written in doc_id order as they come. With `cache`, a
    document whose part is there is not made again (`out.reused` counts them).
    `runner` maps the batch function over the batches in order (default: a
    local process pool, `nkcorpus.ordered_pool.map_in_order`)."""
    features = schema_to_features(schema)
    out = WrittenTables(features, DocBinWriter(folder / ".docbins"))  # removed by write_docbins
    annotations: dict[str, list[int]] = {}  # doc_id -> its rows' places in the report
    for index, row in enumerate(report.annotations):
        annotations.setdefault(row["doc_id"], []).append(index)
    used = sorted(set(splits.values()))
    writers = {
        (config, split): TableWriter(folder / table_path(config, split), features[config])
        for config in features
        for split in used
    }

    def jobs() -> Iterator[DocumentJob]:
        for document in sorted(released, key=lambda d: d.doc_id):
            doc_id = document.doc_id
            rows = [report.annotations[i] for i in annotations.get(doc_id, [])]
            own = sorted(rows, key=lambda a: a["annotation_id"])
            yield DocumentJob(
                document, report.gold[doc_id], own, splits[doc_id],
                (folds or {}).get(doc_id), (predictions or {}).get(doc_id),
            )  # fmt: skip

    batches = ((batch, schema, cache) for batch in _batched(jobs(), BATCH_DOCUMENTS))
    try:
        for parts in runner(jobs_to_parts, batches, processes):
            for part, hit in parts:
                out.reused += hit
                for config, table in part.tables.items():
                    writers[(config, part.split)].write_table(arrow_to_table(table))
                out.stats.add_counts(part.counts)
                out.docbins.add_packed(part.split, part.docbin)
                advance(1)
    finally:
        for writer in writers.values():
            writer.close()
    for key, writer in writers.items():
        out.stats.arrow_bytes[key] = parquet_nbytes(writer.path)
    return out


def release_prelabel(
    report: ValidationReport, scored: Iterable[PrelabelTask] | None = None
) -> dict[str, Any]:
    """The card's pre-annotation figures: the newest export's predictions
    scored against its gold (`scored`: that export's tasks' `task_to_prelabel`,
    if already made)."""
    newest = Path(report.files[-1])
    scores = prelabel_report(newest, reviewers=frozenset(report.reviewers), scored=scored).scores
    prelabel: dict[str, Any] = {"export": newest.name}
    prelabel.update({s.label: {"exact": s.exact.f1, "overlap": s.overlap.f1} for s in scores})
    return prelabel


def write_docbins(folder: Path, docbins: DocBinWriter) -> None:
    """`spacy/<split>.spacy` of the docs `write_tables` added to `docbins`."""
    docbins.write(folder / "spacy")
