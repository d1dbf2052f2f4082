"""Predictions submitted unchanged: a sign of anchoring on the pre-annotation.

An annotation is *unchanged* when its content equals that of the prediction
it started from: its `parent_prediction` (looked up among the task's
`predictions`, else the `prediction` object Label Studio embeds in the
annotation), or, when it names none, any of the task's predictions. Content
is every region's label, offsets and attributes plus every relation (by the
label and offsets of its ends), so region ids, which Label Studio keeps when
an annotator submits a prediction as it is, do not matter. A prediction with
no regions leaves nothing to anchor to and is not compared.

The queue lists a task when one annotator's version is unchanged and another
annotator's is not: the second saw something to correct that the first let
through.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from nkcorpus.annotation.review.disagreement import clean_items
from nkcorpus.build.regions import result_to_spans
from nkcorpus.schema.model import LabelSchema

Content = tuple[tuple[str, str], ...]

_CORE = ("id", "start", "end", "label", "text")


def content(result: object, text: str, schema: LabelSchema) -> Content:
    """What an annotation says, independent of region ids and item order.

    >>> from nkcorpus.schema.model import load_schema
    >>> value = {"start": 0, "end": 3, "labels": ["PERSON"]}
    >>> a = content([{"id": "x", "type": "labels", "value": value}], "Kim", load_schema())
    >>> a == content([{"id": "y", "type": "labels", "value": value}], "Kim", load_schema())
    True
    """
    spans, relations = result_to_spans(clean_items(result), text, schema)
    keys = {span["id"]: f"{span['label']} {span['start']}-{span['end']}" for span in spans}
    regions = [(keys[span["id"]], _attributes(span)) for span in spans]
    links = [
        (f"relation {r['type']}", f"{keys.get(r['head'])} -> {keys.get(r['tail'])}")
        for r in relations
    ]
    return tuple(sorted(regions) + sorted(links))


def _attributes(span: Mapping[str, Any]) -> str:
    """A region's attributes, independent of item and choice order."""
    chosen = {
        k: sorted(map(str, v)) if isinstance(v, list) else v
        for k, v in span.items()
        if k not in _CORE
    }
    return json.dumps(chosen, sort_keys=True, ensure_ascii=False)


def _references(
    annotation: Mapping[str, Any], predictions: Sequence[Any]
) -> list[Mapping[str, Any]]:
    """The predictions `annotation` may have started from (see the module doc)."""
    valid = [p for p in predictions if isinstance(p, Mapping)]
    parent = annotation.get("parent_prediction")
    if parent is not None:
        named = [p for p in valid if p.get("id") == parent]
        embedded = annotation.get("prediction")
        if not named and isinstance(embedded, Mapping) and embedded.get("id") == parent:
            named = [embedded]
        return named
    return valid


def unchanged_prediction(
    annotation: Mapping[str, Any],
    predictions: Sequence[Any],
    text: str,
    schema: LabelSchema,
) -> Mapping[str, Any] | None:
    """The prediction `annotation` was submitted unchanged from, else None.

    >>> from nkcorpus.schema.model import load_schema
    >>> item = {"id": "p", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}
    >>> prediction = {"id": 5, "result": [item]}
    >>> unchanged_prediction({"parent_prediction": 5, "result": [item]}, [prediction], "Kim",
    ...                      load_schema())["id"]
    5
    >>> unchanged_prediction({"parent_prediction": 5, "result": []}, [prediction], "Kim",
    ...                      load_schema()) is None
    True
    """
    mine = content(annotation.get("result"), text, schema)
    for reference in _references(annotation, predictions):
        theirs = content(reference.get("result"), text, schema)
        if theirs and theirs == mine:
            return reference
    return None
