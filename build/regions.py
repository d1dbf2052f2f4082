"""Label Studio result items -> span and relation dicts.

A region is one `labels` item plus the `choices` items of its attributes,
all sharing the region's `id`. The converter is lenient: it copies what it
finds (an unknown label, a choice outside the schema, a missing label) into
the dicts as they are, and `nkcorpus.build.validate` reports what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.review import is_review_item

Span = dict[str, Any]
Relation = dict[str, Any]


def _listed(values: Any) -> list[Any]:
    """`labels`/`choices` as a list; anything else (reported as B136) as one value."""
    if values is None:
        return []
    return list(values) if isinstance(values, list) else [values]


def _one_or_all(values: list[Any]) -> Any:
    """The single value of a one-element list, else the list (invalid, reported later)."""
    return values[0] if len(values) == 1 else values


def _attribute_value(name: str, choices: list[Any], schema: LabelSchema) -> Any:
    try:
        _, attribute = schema.attribute(name)
    except KeyError:
        return choices  # not in the schema: kept as found, reported by validation
    if not attribute.multiple:
        return _one_or_all(choices)
    return choices_in_schema_order(choices, list(attribute.values))


def choices_in_schema_order(choices: list[Any], values: list[str]) -> list[Any]:
    """A multi-valued attribute's choices in the schema's order, so that the same set of
    choices is the same value in every release whatever order the annotator clicked them
    (values the schema does not know stay last, as found, for validation to report).

    >>> choices_in_schema_order(["activist", "defector"], ["defector", "returnee", "activist"])
    ['defector', 'activist']
    """
    rank = {value: n for n, value in enumerate(values)}
    return sorted(
        choices, key=lambda c: rank.get(c, len(rank)) if isinstance(c, str) else len(rank)
    )


def _relation(item: Mapping[str, Any]) -> Relation:
    head, tail = item.get("from_id"), item.get("to_id")
    if item.get("direction") == "left":
        head, tail = tail, head
    return {"head": head, "tail": tail, "type": _one_or_all(list(item.get("labels") or []))}


def result_to_spans(
    result: Iterable[Mapping[str, Any]], text: str, schema: LabelSchema
) -> tuple[list[Span], list[Relation]]:
    """The spans and relations of one annotation's `result` list.

    Spans are `{id, start, end, label, text, <attribute>: value}` (a list for
    a `multiple` attribute), sorted by (start, end, id); a region without a
    `text` takes `text[start:end]`. Relations are `{head, tail, type}` by
    region id, in result order, without repeats.

    >>> from nkcorpus.schema.model import load_schema
    >>> text = "Kim crossed the DMZ."
    >>> value = {"start": 4, "end": 19, "text": "crossed the DMZ"}
    >>> result = [
    ...     {"id": "c1", "type": "labels", "value": {**value, "labels": ["CROSSING"]}},
    ...     {"id": "c1", "type": "choices", "from_name": "route",
    ...      "value": {**value, "choices": ["land_border_dmz"]}},
    ...     {"id": "p1", "type": "labels",
    ...      "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PERSON"]}},
    ...     {"id": "p1", "type": "choices", "from_name": "roles",
    ...      "value": {"start": 0, "end": 3, "choices": ["defector"]}},
    ...     {"type": "relation", "from_id": "p1", "to_id": "c1", "labels": ["agent"]},
    ... ]
    >>> spans, relations = result_to_spans(result, text, load_schema())
    >>> spans[0]
    {'id': 'p1', 'start': 0, 'end': 3, 'label': 'PERSON', 'text': 'Kim', 'roles': ['defector']}
    >>> spans[1]["route"], relations
    ('land_border_dmz', [{'head': 'p1', 'tail': 'c1', 'type': 'agent'}])
    """
    regions: dict[str, Span] = {}
    relations: list[Relation] = []
    for item in result:
        kind = item.get("type")
        if kind == "relation":
            relation = _relation(item)
            if relation not in relations:
                relations.append(relation)
            continue
        if kind not in ("labels", "choices") or is_review_item(item):
            continue  # the review mark belongs to the annotation, not to a region
        value = item.get("value") or {}
        region_id = str(item.get("id"))
        region = regions.setdefault(
            region_id,
            {"id": region_id, "start": value.get("start"), "end": value.get("end"), "label": None},
        )
        if kind == "labels":
            region["start"], region["end"] = value.get("start"), value.get("end")
            region["label"] = _one_or_all(_listed(value.get("labels")))
            if "text" in value:
                region["text"] = value["text"]
        else:
            name = str(item.get("from_name"))
            region[name] = _attribute_value(name, _listed(value.get("choices")), schema)
    spans = []
    for region in regions.values():
        start, end = region["start"], region["end"]
        if "text" not in region:
            fits = isinstance(start, int) and isinstance(end, int)
            region["text"] = text[start:end] if fits else None
        ordered = {key: region[key] for key in ("id", "start", "end", "label", "text")}
        ordered.update({k: v for k, v in region.items() if k not in ordered})
        spans.append(ordered)
    spans.sort(key=_span_order)
    return spans, relations


def _span_order(span: Span) -> tuple[int, int, str]:
    start, end = span["start"], span["end"]
    return (
        start if isinstance(start, int) else -1,
        end if isinstance(end, int) else -1,
        str(span["id"]),
    )
