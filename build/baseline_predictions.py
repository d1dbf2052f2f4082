"""The baseline's predictions: each released task's last prediction in the
merged exports (read by `nkcorpus.build.exports.read_exports`, the project's
export reader; the same prediction `nkcorpus.annotation.score` takes), turned
into spans and relations by the converter and checks the gold goes through
(`nkcorpus.build.regions`, `nkcorpus.build.checks`), except that a prediction
may leave attributes unset: the rules do not guess every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkcorpus.build.checks import Checker
from nkcorpus.build.copies import MergedExports
from nkcorpus.build.exports import ExportTask, read_exports
from nkcorpus.build.reanchor import reanchor_spans, relations_after_reanchor
from nkcorpus.build.regions import result_to_spans
from nkcorpus.build.report import Problem
from nkcorpus.build.result_checks import result_to_problems
from nkcorpus.build.spill import SpillDict
from nkcorpus.corpus.documents import text_sha256
from nkcorpus.errors import ValidationFailed
from nkcorpus.schema.model import LabelSchema, load_schema


@dataclass(frozen=True)
class Prediction:
    """One document's predicted spans and relations, shaped as the gold rows."""

    doc_id: str
    model_version: str
    spans: list[dict[str, Any]]
    relations: list[dict[str, Any]]


class _PredictionChecker(Checker):
    """The gold's region checks, less B146: a prediction may leave attributes unset."""

    def _required(self, span: Mapping[str, Any], at: dict[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class PredictedTask:
    """What one task gives the baseline (`task_to_prediction`): its prediction,
    or the problems that refuse it."""

    prediction: Prediction | None
    problems: list[Problem]


def baseline_predictions(
    exports: Sequence[Path],
    doc_ids: Iterable[str],
    *,
    texts: Mapping[str, str] | None = None,
    schema: LabelSchema | None = None,
    merged: MergedExports | None = None,
) -> Mapping[str, Prediction]:
    """doc_id -> the last prediction of its task in the merged `exports`, for
    the `doc_ids` that have one. With `texts` (doc_id -> released text), a
    prediction made on an older text is moved onto it (`reanchor_spans`; spans
    that cannot move are dropped, with their relations). Raises B221 listing
    every malformed predicted region or relation. `merged`: `exports` already
    read (`nkcorpus.build.copies.read_merged_once`); a task's prediction made
    by validation's workers (`merged.checked`) is taken from there."""
    schema = load_schema() if schema is None else schema
    wanted = set(doc_ids)
    problems: list[Problem] = []
    out: SpillDict[str, Prediction] = SpillDict()  # on disk: `nkcorpus.build.spill`
    tasks = read_exports(exports) if merged is None else merged.tasks
    checked = merged.checked_or_none() if merged is not None else [None] * len(tasks)
    for item, made in zip(tasks, checked, strict=True):
        if made is not None:
            doc_id, usable = made.doc_id, made.text_hash is not None
        else:
            doc_id, usable = item.data.get("doc_id"), isinstance(item.data.get("text"), str)
        if doc_id not in wanted or not usable:
            continue
        assert isinstance(doc_id, str)
        new_text = texts.get(doc_id) if texts is not None else None
        extras = made.extras if made is not None else None
        if extras is not None and (new_text is None or text_sha256(new_text) == made.text_hash):
            predicted = extras.prediction  # made on this very text
        else:
            predicted = task_to_prediction(item, schema, new_text)
        if predicted is None:
            continue
        problems += predicted.problems
        if predicted.prediction is not None:
            out[doc_id] = predicted.prediction
    if problems:
        raise ValidationFailed(
            "B221",
            "the pre-annotations (predictions) of released tasks are malformed: restore the "
            "export (git checkout), or delete those predictions in Label Studio and pull again "
            "(a task without one is scored as predicting nothing)",
            [str(p) for p in problems],
        )
    return out.sorted()


def task_to_prediction(
    item: ExportTask, schema: LabelSchema, new_text: str | None = None
) -> PredictedTask | None:
    """The task's last prediction as spans and relations (moved onto `new_text`
    when given and different), or None when it has none or no string doc id
    and text. A pure function of the task: validation makes it on its workers."""
    doc_id, text = item.data.get("doc_id"), item.data.get("text")
    given = item.task.get("predictions")
    if not isinstance(doc_id, str) or not isinstance(text, str) or not given:
        return None
    problems: list[Problem] = []
    prediction = given[-1] if isinstance(given, list) else None
    where = {"file": str(item.source), "task_id": item.task_id, "doc_id": doc_id}
    if not isinstance(prediction, Mapping):
        message = "its last prediction is not a JSON object; pull a fresh export"
        problems.append(Problem(code="B136", message=message, **where))
        return PredictedTask(None, problems)
    result = prediction.get("result") or []
    shape = result_to_problems(result)
    for problem in shape:
        at = {**where, "region_id": problem.region_id}
        problems.append(Problem(code=problem.code, message=problem.message, **at))
    if shape:
        return PredictedTask(None, problems)
    spans, relations = result_to_spans(result, text, schema)
    new_text = text if new_text is None else new_text
    if new_text != text:
        moved = reanchor_spans(text, new_text, spans)
        spans, (relations, _) = moved.spans, relations_after_reanchor(relations, moved.kept_ids)
    checker = _PredictionChecker(schema, problems)
    spans = checker.spans(spans, new_text, **where)
    labels = {span["id"]: span["label"] for span in spans}
    relations = checker.relations(relations, labels, **where)
    version = str(prediction.get("model_version") or "")
    return PredictedTask(Prediction(doc_id, version, spans, relations), problems)
