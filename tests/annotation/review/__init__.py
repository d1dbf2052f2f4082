"""Helpers of the review-queue tests: annotations and predictions over the
real cleaned seeds, on top of the build tests' export helpers."""

from __future__ import annotations

from typing import Any

from tests.build import annotation, documents, region, task

Item = dict[str, Any]

ACCEPT: Item = {
    "type": "choices",
    "from_name": "review",
    "to_name": "text",
    "value": {"choices": ["accept"]},
}


def doc_text(index: int) -> str:
    return documents()[index].text


def version(
    annotation_id: int, user: int, result: list[Item], *, updated: str = "10:00", **extra: Any
) -> Item:
    """An annotator's submitted annotation (`extra`: e.g. parent_prediction)."""
    made = annotation(
        annotation_id, result, completed_by=user, updated_at=f"2026-01-01T{updated}:00.000000Z"
    )
    return {**made, "parent_prediction": None, "parent_annotation": None, **extra}


def prediction(prediction_id: int, result: list[Item]) -> Item:
    return {"id": prediction_id, "model_version": "rules-v1", "score": 0.5, "result": result}


def export_task(
    task_id: int,
    doc: int,
    annotations: list[Item],
    *,
    project: int = 1,
    predictions: list[Item] | None = None,
) -> Item:
    """A task of `nkcorpus studio pull` over seed number `doc`, in `project`."""
    made = task(task_id, documents()[doc], annotations)
    return {**made, "project": project, "predictions": predictions or []}


def person(text: str, fragment: str, region_id: str, *roles: str) -> list[Item]:
    return region(text, fragment, "PERSON", region_id, **({"roles": list(roles)} if roles else {}))
