"""CROSSING spans -> events: the `events` table.

Each CROSSING span triggers one event with a stable id (`event_id`, from the
doc_id and the trigger's span id, so it survives re-releases). Its arguments
are the spans the relations touching CROSSING link to it; the role of each
relation and which end of it the crossing is come from the schema
(`nkcorpus.schema.records.event_roles`, `RelationSpec.head`/`tail`), never
from literals here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from nkcorpus.schema.model import LabelSchema, RelationSpec
from nkcorpus.schema.records import CROSSING_LABEL, event_roles

Row = dict[str, Any]
SPAN_KEYS = ("start", "end", "text")


def event_id(doc_id: str, trigger_span_id: str) -> str:
    """The stable id of the event a CROSSING span triggers.

    >>> event_id("000_610f827a1a73c6d9", "crossing-01")
    '000_610f827a1a73c6d9_event_crossing-01'
    """
    return f"{doc_id}_event_{trigger_span_id}"


def linked_spans(
    crossing_id: str,
    relation: RelationSpec,
    spans: Mapping[str, Mapping[str, Any]],
    relations: Sequence[Mapping[str, Any]],
) -> list[Mapping[str, Any]]:
    """The spans `relation` links to the CROSSING span `crossing_id`, in text
    order (start, end, id); the crossing is the relation's head or tail as the
    schema declares."""
    own, other = ("head", "tail") if relation.head == CROSSING_LABEL else ("tail", "head")
    linked = (
        spans[r[other]] for r in relations if r["type"] == relation.name and r[own] == crossing_id
    )
    return sorted(linked, key=lambda s: (s["start"], s["end"], s["id"]))


def gold_to_event_rows(
    doc_id: str,
    spans: Sequence[Mapping[str, Any]],
    relations: Sequence[Mapping[str, Any]],
    schema: LabelSchema,
) -> Iterator[Row]:
    """One `events` row per CROSSING span, in the order of `spans`.

    >>> from nkcorpus.schema.model import load_schema
    >>> spans = [
    ...     {"id": "p1", "start": 0, "end": 2, "label": "PERSON", "text": "He"},
    ...     {"id": "c1", "start": 3, "end": 7, "label": "CROSSING", "text": "fled",
    ...      "direction": "north_to_south", "route": None, "status": "completed"},
    ... ]
    >>> row = next(gold_to_event_rows("d1", spans, [{"head": "p1", "tail": "c1",
    ...     "type": "agent"}], load_schema()))
    >>> row["event_id"], row["trigger"]["text"], [(a["role"], a["text"]) for a in row["arguments"]]
    ('d1_event_c1', 'fled', [('agent', 'He')])
    """
    by_id = {span["id"]: span for span in spans}
    roles = event_roles(schema)
    attributes = [a.name for a in schema.label(CROSSING_LABEL).attributes]
    for span in spans:
        if span["label"] != CROSSING_LABEL:
            continue
        arguments = [
            {"role": role, "span_id": linked["id"], **{k: linked[k] for k in SPAN_KEYS},
             "label": linked["label"]}
            for role, relation in roles.items()
            for linked in linked_spans(span["id"], relation, by_id, relations)
        ]  # fmt: skip
        yield {
            "event_id": event_id(doc_id, span["id"]),
            "doc_id": doc_id,
            "trigger": {"span_id": span["id"], **{k: span[k] for k in SPAN_KEYS}},
            **{name: span.get(name) for name in attributes},
            "arguments": arguments,
        }
