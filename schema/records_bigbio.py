"""The row model of the `bigbio_kb` table: BigBIO's knowledge-base schema.

Field names, nesting and types are those of `bigbio/utils/schemas/kb.py` in
github.com/bigscience-workshop/biomedical (identical to `kb_features` of
`bigbio/hub/bigbiohub.py`): every id and type is a plain string, `text` is a
list of strings and `offsets` a list of `[start, end]` pairs (int32), so a
span may be discontinuous; ours never are (one pair, one string). Offsets
point into the one passage's text, which is the whole document `text`.

BigBIO has no place for span attributes (PERSON roles, CROSSING direction,
...): they stay in the `documents`, `crossings` and `events` tables, joined
by id (`entities.id` is `<doc_id>_<span id>`, `events.id` is `events.event_id`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.record_fields import (
    EXAMPLE,
    EXAMPLE_EVENT_ID,
    Offset,
    field,
    list_field,
    model,
)

_ENTITY_ID = f"{EXAMPLE['doc_id']}_{EXAMPLE['span_id']}"
_OFFSETS = "[start, end) code-point offsets into the document text, one pair per fragment."
_NO_NORMALIZATION = "Links to database identifiers: always empty (nothing is normalised)."


def _normalized() -> type[BaseModel]:
    return model(
        "KbNormalized",
        "A link to a database identifier (BigBIO); never used by this corpus.",
        db_name=(str, field("Database name.", "Wikidata")),
        db_id=(str, field("Identifier in that database.", "Q423")),
    )


def _text_offsets(what: str, text: str, start: int, end: int) -> dict[str, Any]:
    return {
        "text": (list[str], field(f"The {what}'s text, one string per fragment.", [text])),
        "offsets": (list[list[Offset]], field(_OFFSETS, [[start, end]])),
    }


def kb_document_model(schema: LabelSchema) -> type[BaseModel]:
    """One document in BigBIO's `kb` shape."""
    labels = ", ".join(schema.label_names)
    normalized = (list[_normalized()], list_field(_NO_NORMALIZATION, []))
    relations = "; ".join(f"{r.name}: {r.head} -> {r.tail}" for r in schema.relations)
    passage = model(
        "KbPassage",
        "A passage of the document; this corpus has one, the whole text.",
        id=(str, field("Passage id: `<doc_id>_text`.", f"{EXAMPLE['doc_id']}_text")),
        type=(str, field("Passage type: always `article`.", "article")),
        **_text_offsets("passage", "A man who previously defected ...", 0, 2625),
    )
    entity = model(
        "KbEntity",
        "A gold span of any label (CROSSING spans too, which also trigger the events).",
        id=(str, field("Entity id: `<doc_id>_<span id>`.", _ENTITY_ID)),
        type=(str, field(f"The span's label: one of {labels}.", "CROSSING")),
        **_text_offsets("span", EXAMPLE["text"], EXAMPLE["start"], EXAMPLE["end"]),
        normalized=normalized,
    )
    trigger = model(
        "KbTrigger",
        "The text of the CROSSING span that triggers the event.",
        **_text_offsets("trigger", EXAMPLE["text"], EXAMPLE["start"], EXAMPLE["end"]),
    )
    argument = model(
        "KbArgument",
        "A participant of the event: an entity in a role.",
        role=(str, field("Argument role (as `events.arguments.role`): agent, motive or "
                         "statistic, from the relations agent, motivated_by, quantifies.",
                         "agent")),
        ref_id=(str, field("Id of the argument's entity (`entities.id`).",
                           f"{EXAMPLE['doc_id']}_{EXAMPLE['agent_id']}")),
    )  # fmt: skip
    event = model(
        "KbEvent",
        "One crossing event (as a row of the `events` table, without its attributes).",
        id=(str, field("Event id, equal to `events.event_id`: `<doc_id>_event_<span id>`.",
                       EXAMPLE_EVENT_ID)),
        type=(str, field("Event type: always `CROSSING`.", "CROSSING")),
        trigger=(trigger, field("The trigger span's text and offsets.",
                                {"text": [EXAMPLE["text"]],
                                 "offsets": [[EXAMPLE["start"], EXAMPLE["end"]]]})),
        arguments=(list[argument], list_field("The event's arguments.", [])),
    )  # fmt: skip
    coreference = model(
        "KbCoreference",
        "A coreference chain (BigBIO); not annotated in this corpus.",
        id=(str, field("Chain id.", "chain-1")),
        entity_ids=(list[str], field("Ids of the coreferent entities.", [_ENTITY_ID])),
    )
    relation = model(
        "KbRelation",
        "A gold relation between two entities.",
        id=(str, field("Relation id: `<doc_id>_<head span id>_<type>_<tail span id>`.",
                       f"{EXAMPLE['doc_id']}_{EXAMPLE['agent_id']}_agent_{EXAMPLE['span_id']}")),
        type=(str, field(f"Relation type, arg1 label -> arg2 label: {relations}.", "agent")),
        arg1_id=(str, field("Entity id of the relation's head (where it starts).",
                            f"{EXAMPLE['doc_id']}_{EXAMPLE['agent_id']}")),
        arg2_id=(str, field("Entity id of the relation's tail (where it points).", _ENTITY_ID)),
        normalized=normalized,
    )  # fmt: skip
    return model(
        "KbDocument",
        "One document in BigBIO's knowledge-base (`bigbio_kb`) schema.",
        id=(str, field("Row id, unique in the dataset: the doc_id.", EXAMPLE["doc_id"])),
        document_id=(str, field("The document's id: the seed file name without extension.",
                                EXAMPLE["doc_id"])),
        passages=(list[passage], list_field("The document's passages: one, its whole text.",
                                            [])),
        entities=(list[entity], list_field("Every gold span, in text order.", [])),
        events=(list[event], list_field("One event per CROSSING span, in text order.", [])),
        coreferences=(list[coreference], list_field("Coreference chains: always empty.", [])),
        relations=(list[relation], list_field("Every gold relation.", [])),
    )  # fmt: skip
