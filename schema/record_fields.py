"""Building blocks of the record models (`nkcorpus.schema.records`): typed,
documented fields. Every released field is made here with a `description` and
`examples`, so the card, Croissant and the JSON Schemas can document it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from nkcorpus.schema.model import LabelSchema, RelationSpec


@dataclass(frozen=True)
class ArrowInt:
    """Metadata marking the Arrow integer width of an `int` field."""

    bits: int


INT32 = ArrowInt(32)
Int32 = Annotated[int, INT32]
Offset = Annotated[int, INT32, Field(ge=0)]
_CONFIG = ConfigDict(extra="forbid", frozen=True)
# Real values of v1.0.0 (document 000), used as examples: one span per label.
EXAMPLE = {
    "doc_id": "000_610f827a1a73c6d9",
    "span_id": "crossing-01",
    "start": 21,
    "end": 46,
    "text": "defected from North Korea",
    "agent_id": "person-01",
}
EXAMPLE_EVENT_ID = f"{EXAMPLE['doc_id']}_event_{EXAMPLE['span_id']}"
EXAMPLE_SPANS = {  # label -> (span id, start, end, text)
    "PERSON": ("person-01", 0, 5, "A man"),
    "CROSSING": ("crossing-01", 21, 46, "defected from North Korea"),
    "MOTIVE": ("motive-01", 245, 273, "struggling to make ends meet"),
    "STATISTIC": ("statistic-01", 1131, 1146, "at least 34,000"),
}
CROSSING_LABEL = "CROSSING"
STATISTIC_LABEL = "STATISTIC"
SPAN_TEXT = "The span's text: `text[start:end]` of the document."
START = "Start offset: code point index of the span's first character in the document `text`."
END = "End offset (exclusive): `text[start:end]` is the span's text."
DOC_ID = "The document's id: the seed file name without extension."


def field(description: str, example: Any, default: Any = ...) -> Any:
    """A required field (or one with `default`) with its description and one example."""
    return Field(default, description=description, examples=[example])


def list_field(description: str, example: Any) -> Any:
    """A list field that defaults to `[]`."""
    return Field(default_factory=list, description=description, examples=[example])


def literal(values: tuple[str, ...] | list[str]) -> Any:
    """`Literal[...]` of `values`: a class label of the released features."""
    return Literal[tuple(values)]  # type: ignore[valid-type]


def model(name: str, doc: str, **fields: Any) -> type[BaseModel]:
    """A frozen pydantic model that refuses unknown keys."""
    made = create_model(name, __config__=_CONFIG, **fields)
    made.__doc__ = doc
    return made


def doc_id_field() -> tuple[type, Any]:
    return (str, field(DOC_ID, EXAMPLE["doc_id"]))


def relation_direction(relation: RelationSpec) -> str:
    """Which way a relation points: `agent: PERSON -> CROSSING` (head -> tail)."""
    return f"{relation.name}: {relation.head} -> {relation.tail}"


def attribute_fields(schema: LabelSchema, label: str | None = None) -> dict[str, Any]:
    """One field per attribute of the schema (of `label` only, when given)."""
    fields: dict[str, Any] = {}
    for owner, attribute in schema.attributes:
        if label is not None and owner.name != label:
            continue
        choice = literal(attribute.values)
        about = f"{owner.name} attribute: {attribute.description} One of {list(attribute.values)}"
        if label is None:
            about += f"; {'empty' if attribute.multiple else 'null'} on other labels' spans"
        if attribute.multiple:
            about += " (several may apply)"
            fields[attribute.name] = (list[choice], list_field(about + ".", [attribute.values[0]]))
        else:
            fields[attribute.name] = (choice | None, field(about + ".", attribute.values[0], None))
    return fields


def span_fields(span_id: str, label: str = CROSSING_LABEL) -> dict[str, Any]:
    """span_id, start, end, text, with a real example of a `label` span."""
    example = EXAMPLE_SPANS.get(label, EXAMPLE_SPANS[CROSSING_LABEL])
    return {
        "span_id": (str, field(span_id, example[0])),
        "start": (Offset, field(START, example[1])),
        "end": (Offset, field(END, example[2])),
        "text": (str, field(SPAN_TEXT, example[3])),
    }
