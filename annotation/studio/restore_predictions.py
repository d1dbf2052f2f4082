"""The predictions `studio restore` brings back, and the one each restored
annotation started from.

An exported task lists its predictions (the pre-annotations the annotators
saw). A fresh server holds only what `studio sync` imported from the current
`annotation/tasks.json`, whose predictions carry the current model_version
(it names the package version), so the exports' predictions may be missing
there. Pure functions over export dicts (no server): `restore` posts.

- A prediction is *present* on a task that holds a prediction with the same
  `model_version` and `result`; counted as a multiset, so an export holding
  the same prediction twice gets it twice, and restoring again creates none.
- The request carries the exported `model_version`, `score`, `result` and
  `mislabeling`. Not restored: ids and timestamps (the server sets them),
  and `model`, `model_run`, `cluster`, `neighbors`, which name rows or tasks
  of the server the export came from.
- An annotation's parent prediction is the server's prediction with the
  model_version and result of its exported `parent_prediction`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any


def prediction_key(prediction: Mapping[str, Any]) -> tuple[str, str]:
    """What makes two predictions the same: model_version and result.

    >>> prediction_key({"id": 4, "model_version": "v1", "result": [], "score": 0.5})
    ('v1', '[]')
    """
    version = prediction.get("model_version")
    result = json.dumps(prediction.get("result") or [], sort_keys=True, ensure_ascii=False)
    return ("" if version is None else str(version), result)


def missing_predictions(
    exported: Sequence[Mapping[str, Any]], on_server: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The predictions of an exported task (`exported`) that its task on the
    server (`on_server`) lacks, in the export's order.

    >>> old, new = {"model_version": "v1", "result": []}, {"model_version": "v2", "result": []}
    >>> missing_predictions([old, new], [dict(new, id=9)]) == [old]
    True
    >>> missing_predictions([old, old], [dict(old, id=9)]) == [old]  # a multiset
    True
    """
    there = Counter(prediction_key(p) for p in on_server)
    missing = []
    for prediction in exported:
        key = prediction_key(prediction)
        if there[key] > 0:
            there[key] -= 1
        else:
            missing.append(prediction)
    return missing


def prediction_to_request(prediction: Mapping[str, Any], task_id: int) -> dict[str, Any]:
    """The fields of Label Studio's "create prediction" request that restore
    the exported `prediction` on task `task_id`.

    >>> exported = {"id": 3, "model_version": "v1", "result": [], "score": 0.75,
    ...             "mislabeling": 0.0, "model_run": None, "cluster": None}
    >>> prediction_to_request(exported, 40)
    {'task': 40, 'result': [], 'model_version': 'v1', 'score': 0.75, 'mislabeling': 0.0}
    """
    request: dict[str, Any] = {"task": task_id, "result": list(prediction.get("result") or [])}
    if prediction.get("model_version") is not None:
        request["model_version"] = str(prediction["model_version"])
    for name in ("score", "mislabeling"):
        value = prediction.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            request[name] = float(value)
    return request


def parent_prediction_of(
    annotation: Mapping[str, Any],
    exported_predictions: Sequence[Mapping[str, Any]],
    server_predictions: Sequence[Mapping[str, Any]],
) -> int | None:
    """The server's prediction that `annotation` started from: the one with the
    model_version and result of its exported `parent_prediction`, or None.

    >>> p = {"id": 3, "model_version": "v1", "result": []}
    >>> parent_prediction_of({"parent_prediction": 3}, [p], [dict(p, id=40)])
    40
    >>> parent_prediction_of({"parent_prediction": None}, [p], [dict(p, id=40)]) is None
    True
    """
    parent = annotation.get("parent_prediction")
    if parent is None:
        return None
    embedded = annotation.get("prediction")
    candidates = [p for p in exported_predictions if p.get("id") == parent]
    if not candidates and isinstance(embedded, Mapping) and embedded.get("id") == parent:
        candidates = [embedded]
    for source in candidates:
        for prediction in server_predictions:
            if prediction_key(prediction) == prediction_key(source):
                return int(prediction["id"])
    return None
