"""`measure_agreement`: the whole agreement report of some exports.

Figures are flat, named as `nkcorpus.annotation.agreement.figures.figures`
names them (`spans.overlap.ALL`, `tokens.kappa`, ...). Krippendorff's alpha
is computed by the `krippendorff` package for the overall and per-document
values; a bootstrap resample uses the same arithmetic on summed coincidence
matrices (`statistics.nominal_alpha`), which a test holds equal to the
package's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from nkcorpus.annotation.agreement.alpha import stacked_alpha
from nkcorpus.annotation.agreement.bootstrap import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    LEVEL,
    Interval,
    bootstrap_intervals,
)
from nkcorpus.annotation.agreement.figures import (
    ALL,
    DocumentCounts,
    document_counts,
    figures,
    pair_documents,
    restrict,
    support,
    total,
)
from nkcorpus.annotation.agreement.inputs import read_agreement_input
from nkcorpus.annotation.agreement.tokens import krippendorff_alpha
from nkcorpus.build.copies import MergedExports
from nkcorpus.schema.model import LabelSchema, load_schema


class Figure(BaseModel):
    """A figure over every measured document, with its bootstrap interval."""

    value: float | None
    interval: Interval | None = None


class PairFigures(BaseModel):
    """One annotator pair over the documents both annotated."""

    first: int
    second: int
    documents: int
    overlap_f1: float | None
    exact_f1: float | None
    token_kappa: float | None


class DocumentFigures(BaseModel):
    """One document's figures (same names as the overall ones)."""

    doc_id: str
    task_id: int
    annotators: list[int]
    tokens: int
    figures: dict[str, float | None]


class AgreementReport(BaseModel):
    """Everything `nkcorpus agreement` measures; `documents == 0`: no figures."""

    files: list[str]
    tasks: int
    documents: int
    annotators: list[int]
    reviewers: list[int]
    left_out: dict[str, int]
    bootstrap: dict[str, float | int]
    figures: dict[str, Figure]
    support: dict[str, int]
    pairs: list[PairFigures]
    per_document: list[DocumentFigures]


def measure_agreement(
    paths: Iterable[Path | str],
    *,
    schema: LabelSchema | None = None,
    reviewers: frozenset[int] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    doc_ids: frozenset[str] | None = None,
    merged: MergedExports | None = None,
) -> AgreementReport:
    """Read the exports (`inputs.read_agreement_input`) and measure agreement
    on every task with two or more annotators (with `doc_ids`, only on those
    documents: a release measures its released documents).

    `schema` defaults to `schema/labels.yaml`, `reviewers` (user ids whose
    annotations never count) to `annotation/reviewers.yaml`. Raises
    ValidationFailed (B100) when a task or a measured annotation is invalid.
    """
    schema = load_schema() if schema is None else schema
    if reviewers is None:
        from nkcorpus.annotation.reviewers import load_reviewers

        reviewers = load_reviewers().ids
    found = read_agreement_input(paths, schema, reviewers, doc_ids, merged)
    documents = [
        found.counted.get((task.doc_id, task.task_id)) or document_counts(task, schema)
        for task in found.measured
    ]
    summed = total(d.counts for d in documents)
    overall = figures(summed, schema) if documents else {}
    if documents:
        # the package's alpha over every document's tokens, never stacked (`alpha`)
        overall["tokens.alpha"] = stacked_alpha([d.value_counts for d in documents])
    intervals = bootstrap_intervals(
        [d.counts for d in documents], lambda c: figures(c, schema), resamples, seed
    )
    return AgreementReport(
        files=found.files,
        tasks=found.tasks,
        documents=len(documents),
        annotators=sorted({a for d in documents for a in d.annotators}),
        reviewers=found.reviewers,
        left_out={
            "tasks_with_fewer_than_two_annotators": found.fewer_than_two,
            "reviewer_annotations": found.reviewer_annotations,
            "annotations_without_author": found.without_author,
            "superseded_annotations": found.superseded,
        },
        bootstrap={"resamples": resamples, "seed": seed, "level": LEVEL},
        figures={k: Figure(value=v, interval=intervals.get(k)) for k, v in overall.items()},
        support=support(summed, schema) if documents else {},
        pairs=_pairs(documents, schema),
        per_document=[_document(d, schema) for d in documents],
    )


def _pairs(documents: list[DocumentCounts], schema: LabelSchema) -> list[PairFigures]:
    rows = []
    for (first, second), shared in pair_documents(documents).items():
        values = figures(total(restrict(d.counts, (first, second)) for d in shared), schema)
        rows.append(
            PairFigures(
                first=first,
                second=second,
                documents=len(shared),
                overlap_f1=values[f"spans.overlap.{ALL}"],
                exact_f1=values[f"spans.exact.{ALL}"],
                token_kappa=values["tokens.kappa"],
            )
        )
    return rows


def _document(document: DocumentCounts, schema: LabelSchema) -> DocumentFigures:
    values = figures(document.counts, schema)
    values["tokens.alpha"] = krippendorff_alpha(document.value_counts)
    return DocumentFigures(
        doc_id=document.doc_id,
        task_id=document.task_id,
        annotators=list(document.annotators),
        tokens=document.tokens,
        figures=values,
    )
