"""Label Studio tasks of the synthetic exports, shaped as `studio pull` saves them."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from benchmarks.scale.synth import SyntheticDocument, drop_regions, region_ids
from nkcorpus.corpus.documents import CleanDocument

BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def document_to_task(
    index: int,
    document: CleanDocument,
    synthetic: SyntheticDocument,
    second: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """A task of `studio pull`'s export: starred gold by user 1 (embedding its
    prediction), the prediction, and `second` (user 2's annotation) if given."""
    created = BASE_TIME + dt.timedelta(seconds=index)
    done = _stamp(created + dt.timedelta(minutes=1))
    prediction = {
        "cluster": None, "created_at": _stamp(created), "id": index, "mislabeling": 0.0,
        "model": None, "model_run": None, "model_version": synthetic.model_version,
        "neighbors": None, "project": 1, "result": synthetic.predicted, "score": 1.0,
        "task": index, "updated_at": _stamp(created),
    }  # fmt: skip
    annotations = [_annotation(2 * index - 1, index, 1, synthetic.gold, done, prediction)]
    if second is not None:
        annotations.append(_annotation(2 * index, index, 2, second, done, prediction))
    data = {name: getattr(document, name) for name in ("doc_id", "published", "publisher")}
    data.update(text=document.text, text_sha256=document.text_sha256, title=document.title,
                url=document.url)  # fmt: skip
    return {
        "allow_skip": True, "annotations": annotations, "cancelled_annotations": 0,
        "comment_authors": [], "comment_count": 0, "created_at": _stamp(created), "data": data,
        "drafts": [], "id": index, "inner_id": index, "last_comment_updated_at": None,
        "meta": {}, "predictions": [prediction], "project": 1,
        "total_annotations": len(annotations), "total_predictions": 1,
        "unresolved_comment_count": 0, "updated_at": done, "updated_by": 1,
    }  # fmt: skip


def _annotation(
    annotation_id: int, task: int, user: int, result: list, done: str, prediction: dict
) -> dict[str, Any]:
    return {
        "bulk_created": False, "completed_by": user, "created_at": done,
        "draft_created_at": None, "ground_truth": user == 1, "id": annotation_id,
        "import_id": None, "last_action": None, "last_created_by": None, "lead_time": 60.0,
        "parent_annotation": None, "parent_prediction": prediction["id"],
        "prediction": prediction, "project": 1, "result": result,
        "result_count": len(region_ids(result)), "task": task,
        "unique_id": f"{task:08d}-0000-4000-8000-{annotation_id:012d}", "updated_at": done,
        "updated_by": user, "was_cancelled": False,
    }  # fmt: skip


def changed_task(task: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The variant's copy of a task: one gold region (and its relations) removed,
    updated a month later."""
    changed = json.loads(json.dumps(task))
    gold = changed["annotations"][0]
    ids = region_ids(gold["result"])
    gold["result"] = drop_regions(gold["result"], {rng.choice(ids)} if ids else set())
    gold["result_count"] = len(region_ids(gold["result"]))
    later = _stamp(dt.datetime.fromisoformat(task["updated_at"]) + dt.timedelta(days=30))
    gold["updated_at"] = changed["updated_at"] = later
    return changed
