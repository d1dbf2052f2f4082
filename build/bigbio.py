"""Gold document -> one row of the `bigbio_kb` table (BigBIO's `kb` schema).

The shape is declared in `nkcorpus.schema.records_bigbio` (field for field
BigBIO's `bigbio/utils/schemas/kb.py`). Choices made here:

- one passage, type `article`, the whole document `text` at `[[0, len(text)]]`,
  so every offset is the same as in the other tables (BigBIO's offsets point
  into `" ".join(passage texts)`, which with one passage is the text itself);
- every gold span is an entity (`<doc_id>_<span id>`), CROSSING spans too, so
  NER and relation extraction see all four labels; each CROSSING span also
  triggers an event (id: `events.event_id`) whose arguments are the entities
  the `events` table lists, in the same roles;
- every gold relation is a relation (`arg1_id` its head, `arg2_id` its tail);
- `normalized` and `coreferences` are empty (nothing is normalised or
  chained); attributes have no place in BigBIO and stay in the other tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nkcorpus.build.events import gold_to_event_rows
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import CROSSING_LABEL

Row = dict[str, Any]
PASSAGE_TYPE = "article"


def entity_id(doc_id: str, span_id: str) -> str:
    """The BigBIO entity id of a span (BigBIO's own convention: document id, `_`, local id).

    >>> entity_id("000_610f827a1a73c6d9", "person-01")
    '000_610f827a1a73c6d9_person-01'
    """
    return f"{doc_id}_{span_id}"


def relation_id(doc_id: str, relation: Mapping[str, Any]) -> str:
    """`<doc_id>_<head>_<type>_<tail>`: stable, and unique since a relation type
    links two spans at most once."""
    return f"{doc_id}_{relation['head']}_{relation['type']}_{relation['tail']}"


def _text_offsets(span: Mapping[str, Any]) -> Row:
    """BigBIO's `text`/`offsets` lists of one continuous span."""
    return {"text": [span["text"]], "offsets": [[span["start"], span["end"]]]}


def gold_to_bigbio_kb(
    doc_id: str,
    text: str,
    spans: Sequence[Mapping[str, Any]],
    relations: Sequence[Mapping[str, Any]],
    schema: LabelSchema,
) -> Row:
    """The `bigbio_kb` row of one document.

    >>> from nkcorpus.schema.model import load_schema
    >>> spans = [{"id": "p1", "start": 0, "end": 2, "label": "PERSON", "text": "He"},
    ...          {"id": "c1", "start": 3, "end": 7, "label": "CROSSING", "text": "fled"}]
    >>> row = gold_to_bigbio_kb("d1", "He fled.", spans,
    ...                         [{"head": "p1", "tail": "c1", "type": "agent"}], load_schema())
    >>> row["entities"][1]["offsets"], row["events"][0]["arguments"]
    ([[3, 7]], [{'role': 'agent', 'ref_id': 'd1_p1'}])
    """
    events = [
        {
            "id": event["event_id"],
            "type": CROSSING_LABEL,
            "trigger": _text_offsets(event["trigger"]),
            "arguments": [
                {"role": argument["role"], "ref_id": entity_id(doc_id, argument["span_id"])}
                for argument in event["arguments"]
            ],
        }
        for event in gold_to_event_rows(doc_id, spans, relations, schema)
    ]
    passage = {"id": f"{doc_id}_text", "type": PASSAGE_TYPE, "text": [text]}
    passage["offsets"] = [[0, len(text)]]
    return {
        "id": doc_id,
        "document_id": doc_id,
        "passages": [passage],
        "entities": [
            {"id": entity_id(doc_id, span["id"]), "type": span["label"], **_text_offsets(span)}
            | {"normalized": []}
            for span in spans
        ],
        "events": events,
        "coreferences": [],
        "relations": [
            {
                "id": relation_id(doc_id, relation),
                "type": relation["type"],
                "arg1_id": entity_id(doc_id, relation["head"]),
                "arg2_id": entity_id(doc_id, relation["tail"]),
                "normalized": [],
            }
            for relation in relations
        ],
    }
