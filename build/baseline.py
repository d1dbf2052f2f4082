"""The baseline of a release: the rule-based pre-annotator's predictions
(`nkcorpus.build.baseline_predictions`) scored against the gold on the test
split and on every cross-validation fold (`nkcorpus.build.folds`).

Scores are `nkcorpus.annotation.score.score_regions`: per label and ALL
(micro), exact match (label, start, end) and overlap match (same label, at
least one shared character); P, R and F1 rounded to 4 places (0 where a
denominator is 0). A fold in which a label has neither a gold nor a predicted
span has no figure for it (nothing to find, nothing found): it is shown as
"-" and left out of that label's mean. The mean over folds is the plain mean
of the fold figures that exist (each fold weighs the same), rounded to 4.
A released document without a prediction counts as one that predicted
nothing, and is listed in `BaselineFacts.unpredicted`. The card's snippet
(`nkcorpus.build.baseline_snippet`) computes the exact-match figures the same
way from the released `documents` and `predictions` configs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from nkcorpus.annotation.score import ALL, LabelScore, Region, score_regions
from nkcorpus.build.baseline_predictions import Prediction, baseline_predictions
from nkcorpus.build.baseline_snippet import EVALUATION_SNIPPET, evaluation_protocol
from nkcorpus.build.copies import MergedExports
from nkcorpus.build.folds import assign_folds, fold_members, fold_scheme
from nkcorpus.build.report import ValidationReport
from nkcorpus.build.spill import MappedSequence, MappedView
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.schema.model import LabelSchema

__all__ = [
    "EVALUATION_SNIPPET",
    "BaselineFacts",
    "FoldScore",
    "MeanScore",
    "Prediction",
    "ReleaseEvaluation",
    "baseline_predictions",
    "baseline_scores",
    "baseline_to_markdown",
    "evaluation_protocol",
    "release_evaluation",
]


class MeanScore(BaseModel):
    """The mean over folds of one label's figures."""

    model_config = ConfigDict(frozen=True)

    label: str
    folds: int  # the folds in which the label has a gold or a predicted span
    precision: float | None  # None when no fold counts
    recall: float | None
    f1: float | None
    overlap_f1: float | None


class FoldScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    fold: int
    documents: list[str]
    scores: list[LabelScore]


class BaselineFacts(BaseModel):
    """What the card and MANIFEST.json say about the baseline."""

    model_config = ConfigDict(frozen=True)

    model_versions: list[str]
    scheme: str  # `nkcorpus.build.folds.fold_scheme`
    test_documents: list[str]
    test: list[LabelScore]
    folds: list[FoldScore]
    mean: list[MeanScore]
    unpredicted: list[str]


def spans_to_regions(spans: Iterable[Mapping[str, Any]]) -> list[Region]:
    """Spans (gold or predicted rows) -> the (label, start, end) regions scored.

    >>> spans_to_regions([{"label": "PERSON", "start": 0, "end": 3, "text": "Kim"}])
    [Region(label='PERSON', start=0, end=3)]
    """
    return [Region(s["label"], s["start"], s["end"]) for s in spans]


def scored(score: LabelScore) -> bool:
    """Whether a label has a figure in a fold: some gold or predicted span."""
    return score.gold + score.predicted > 0


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def predicted_regions(prediction: Prediction | None) -> list[Region]:
    """A document's predicted regions (none without a prediction)."""
    return spans_to_regions(prediction.spans) if prediction is not None else []


def baseline_scores(
    gold: Mapping[str, Sequence[Mapping[str, Any]]],
    predictions: Mapping[str, Prediction],
    splits: Mapping[str, str],
    folds: Mapping[str, int | None],
    labels: Sequence[str],
) -> BaselineFacts:
    """Score `predictions` against `gold` (doc_id -> gold spans) on the test
    split and on each fold (`nkcorpus.build.folds.assign_folds`)."""

    def score(doc_ids: list[str]) -> list[LabelScore]:
        return score_regions(  # one document's regions at a time
            MappedSequence(doc_ids, lambda d: spans_to_regions(gold[d])),
            MappedSequence(doc_ids, lambda d: predicted_regions(predictions.get(d))),
            labels,
        )

    test = sorted(d for d in gold if splits.get(d) == "test")
    members = fold_members({d: f for d, f in folds.items() if d in gold})
    fold_scores = [
        FoldScore(fold=fold, documents=docs, scores=score(docs)) for fold, docs in members.items()
    ]
    mean = []
    for i, label in enumerate([*labels, ALL]):
        rows = [fold.scores[i] for fold in fold_scores if scored(fold.scores[i])]
        mean.append(
            MeanScore(
                label=label,
                folds=len(rows),
                precision=_mean([r.exact.precision for r in rows]),
                recall=_mean([r.exact.recall for r in rows]),
                f1=_mean([r.exact.f1 for r in rows]),
                overlap_f1=_mean([r.overlap.f1 for r in rows]),
            )
        )
    return BaselineFacts(
        model_versions=sorted({p.model_version for d, p in predictions.items() if d in gold}),
        scheme=fold_scheme(sum(len(docs) for docs in members.values())),  # 1 doc a group
        test_documents=test,
        test=score(test) if test else [],
        folds=fold_scores,
        mean=mean if fold_scores else [],
        unpredicted=sorted(set(gold) - set(predictions)),
    )


def _figures(s: LabelScore) -> tuple[float, ...]:
    exact, overlap = s.exact, s.overlap
    return (exact.precision, exact.recall, exact.f1, overlap.precision, overlap.recall, overlap.f1)


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def baseline_to_markdown(facts: BaselineFacts) -> str:
    """The card's baseline tables: the test split (exact and overlap P/R/F1),
    then exact F1 per fold with the mean over folds."""
    versions = ", ".join(f"`{v}`" for v in facts.model_versions) or "none"
    lines = [f"Rule-based pre-annotator ({versions}) against the gold."]
    if facts.test:
        lines += [
            "",
            f"Test split ({', '.join(facts.test_documents)}):",
            "",
            "| label | gold | predicted | P | R | F1 | overlap P | overlap R | overlap F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {s.label} | {s.gold} | {s.predicted} | "
            + " | ".join(_f(v if scored(s) else None) for v in _figures(s))
            + " |"
            for s in facts.test
        ]
    if facts.folds:
        heads = [f"fold {f.fold} F1" for f in facts.folds]
        lines += [
            "",
            f"Cross-validation over train + validation, {facts.scheme}; exact F1 per fold "
            "(its documents below; - where the fold has neither a gold nor a predicted span of "
            "the label), then the mean over the folds that have a figure:",
            "",
            "| label | " + " | ".join(heads) + " | mean P | mean R | mean F1 | mean overlap F1 |",
            "|---|" + "---:|" * (len(heads) + 4),
        ]
        for i, mean in enumerate(facts.mean):
            cells = [_f(f.scores[i].exact.f1 if scored(f.scores[i]) else None) for f in facts.folds]
            cells += [_f(mean.precision), _f(mean.recall), _f(mean.f1), _f(mean.overlap_f1)]
            lines.append(f"| {mean.label} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "Folds: " + "; ".join(f"{f.fold}: {', '.join(f.documents)}" for f in facts.folds) + ".",
        ]
    if facts.unpredicted:
        lines += [
            "",
            f"Without a prediction (scored as predicting nothing): {', '.join(facts.unpredicted)}.",
        ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ReleaseEvaluation:
    """What the build writes about evaluation: `documents.fold`, the
    `predictions` table and the baseline of the card and MANIFEST.json."""

    folds: dict[str, int | None]
    predictions: Mapping[str, Prediction]  # on disk (`nkcorpus.build.spill`)
    baseline: BaselineFacts


def release_evaluation(
    exports: Sequence[Path],
    released: Sequence[CleanDocument],
    report: ValidationReport,
    splits: Mapping[str, str],
    schema: LabelSchema,
    merged: MergedExports | None = None,
) -> ReleaseEvaluation:
    """Folds, baseline predictions and scores of the `released` documents
    (each with its gold in `report`) under `splits` (`merged`: `exports` already read)."""
    groups = {d.doc_id: d.group for d in released}
    folds = assign_folds(groups, splits)
    texts = {d.doc_id: d.text for d in released}
    predictions = baseline_predictions(exports, groups, texts=texts, schema=schema, merged=merged)
    facts = baseline_scores(gold_spans(report, released), predictions, splits, folds,
                            schema.label_names)  # fmt: skip
    return ReleaseEvaluation(folds, predictions, facts)


def gold_spans(
    report: ValidationReport, released: Iterable[CleanDocument]
) -> Mapping[str, list[dict[str, Any]]]:
    """doc_id -> the gold spans of each `released` document, read from the
    report only when asked (the report keeps them on disk: `nkcorpus.build.spill`)."""
    return MappedView((d.doc_id for d in released), lambda doc_id: report.gold[doc_id].spans)
