"""The row model of the `events` table: one crossing event per CROSSING span,
its arguments named by role. Roles and directions come from the schema: the
role of a relation that touches CROSSING is its `crossings_column` in the
singular, and the argument is the relation's other end."""

from __future__ import annotations

from pydantic import BaseModel

from nkcorpus.schema.model import LabelSchema, RelationSpec
from nkcorpus.schema.record_fields import (
    CROSSING_LABEL,
    EXAMPLE_EVENT_ID,
    EXAMPLE_SPANS,
    attribute_fields,
    doc_id_field,
    field,
    list_field,
    literal,
    model,
    relation_direction,
    span_fields,
)


def event_roles(schema: LabelSchema) -> dict[str, RelationSpec]:
    """Argument role -> relation, for every relation that touches CROSSING: the
    role is the relation's `crossings_column` in the singular.

    >>> from nkcorpus.schema.model import load_schema
    >>> list(event_roles(load_schema()))
    ['agent', 'motive', 'statistic']
    """
    return {
        relation.crossings_column.removesuffix("s"): relation
        for relation in schema.relations
        if relation.crossings_column is not None
    }


def event_model(schema: LabelSchema) -> type[BaseModel]:
    """The row model of the `events` table under `schema`."""
    roles = event_roles(schema)
    about = "; ".join(f"{role} from `{relation_direction(r)}`" for role, r in roles.items())
    role, first = next(iter(roles.items()))  # the example argument
    other = first.tail if first.head == CROSSING_LABEL else first.head
    trigger = model(
        "Trigger",
        "The CROSSING span that triggers the event.",
        **span_fields("Id of the CROSSING span (its `documents.spans.id`)."),
    )
    argument = model(
        "Argument",
        "A span linked to the event's trigger by a relation, in a role.",
        role=(literal(list(roles)), field(f"The argument's role ({about}).", role)),
        **span_fields("Id of the argument's span (its `documents.spans.id`).", other),
        label=(literal(schema.label_names), field("The argument span's label.", other)),
    )
    return model(
        "Event",
        "One crossing event: a CROSSING trigger, its attributes and its arguments.",
        event_id=(str, field("Stable event id, `<doc_id>_event_<trigger span id>`.",
                             EXAMPLE_EVENT_ID)),
        doc_id=doc_id_field(),
        trigger=(trigger, field("The trigger span.", dict(zip(
            ("span_id", "start", "end", "text"), EXAMPLE_SPANS[CROSSING_LABEL], strict=True)))),
        **attribute_fields(schema, CROSSING_LABEL),
        arguments=(list[argument], list_field(
            "The event's arguments, by role (in the schema's relation order), each role in "
            "text order; attributes of the argument spans are in `documents.spans`.", [])),
    )  # fmt: skip
