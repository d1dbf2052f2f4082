"""Schema -> pydantic models of the released records, one per table.

These models are the single declaration of every released column: the
Hugging Face features (`nkcorpus.schema.features`) and the JSON Schemas are
derived from them, and the build validates its rows with them. Class-label
fields are `Literal[...]` of the schema's names; integers that Parquet stores
as int32 are marked with `INT32`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from nkcorpus.schema.bio import schema_to_bio_tags
from nkcorpus.schema.model import LabelSchema


@dataclass(frozen=True)
class ArrowInt:
    """Metadata marking the Arrow integer width of an `int` field."""

    bits: int


INT32 = ArrowInt(32)
Offset = Annotated[int, INT32, Field(ge=0)]
CROSSING_LABEL = "CROSSING"
STATISTIC_LABEL = "STATISTIC"
_CONFIG = ConfigDict(extra="forbid", frozen=True)


def _literal(values: tuple[str, ...] | list[str]) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


def _attribute_fields(schema: LabelSchema, label: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for owner, attribute in schema.attributes:
        if label is not None and owner.name != label:
            continue
        choice = _literal(attribute.values)
        if attribute.multiple:
            fields[attribute.name] = (list[choice], Field(default_factory=list))
        else:
            fields[attribute.name] = (choice | None, None)
    return fields


def _model(name: str, doc: str, **fields: Any) -> type[BaseModel]:
    model = create_model(name, __config__=_CONFIG, **fields)
    model.__doc__ = doc
    return model


@dataclass(frozen=True)
class RecordModels:
    span: type[BaseModel]
    relation: type[BaseModel]
    document: type[BaseModel]
    sentence: type[BaseModel]
    crossing: type[BaseModel]
    statistic: type[BaseModel]
    annotation: type[BaseModel]

    def tables(self) -> dict[str, type[BaseModel]]:
        """Released table name -> row model, in release order."""
        return {
            "documents": self.document,
            "tokens": self.sentence,
            "crossings": self.crossing,
            "statistics": self.statistic,
            "annotations": self.annotation,
        }


def _linked_fields(schema: LabelSchema) -> dict[str, Any]:
    """The crossings table's list columns, one per relation that touches CROSSING."""
    fields: dict[str, Any] = {}
    for relation in schema.relations:
        if relation.crossings_column is None:
            continue
        other = relation.tail if relation.head == CROSSING_LABEL else relation.head
        extra: dict[str, Any] = {"value": (float | None, None)} if other == STATISTIC_LABEL else {}
        linked = _model(
            f"Linked{other.title()}",
            f"A {other} span linked to the crossing by `{relation.name}`.",
            span_id=(str, ...),
            text=(str, ...),
            **_attribute_fields(schema, other),
            **extra,
        )
        fields[relation.crossings_column] = (list[linked], Field(default_factory=list))
    return fields


def schema_to_record_models(schema: LabelSchema) -> RecordModels:
    """Build the row models of every released table from `schema`.

    >>> from nkcorpus.schema.model import load_schema
    >>> models = schema_to_record_models(load_schema())
    >>> sorted(models.span.model_fields)[:3]
    ['category', 'direction', 'end']
    """
    span = _model(
        "Span",
        "A labelled region: [start, end) code points of the document text.",
        id=(str, ...),
        start=(Offset, ...),
        end=(Offset, ...),
        label=(_literal(schema.label_names), ...),
        text=(str, ...),
        **_attribute_fields(schema),
    )
    relation = _model(
        "Relation",
        "A directed relation between two spans of the same document, by span id.",
        head=(str, ...),
        tail=(str, ...),
        type=(_literal([r.name for r in schema.relations]), ...),
    )
    document = _model(
        "Document",
        "One cleaned article with its gold spans and relations.",
        doc_id=(str, ...),
        title=(str | None, None),
        publisher=(str | None, None),
        url=(str | None, None),
        published=(str | None, Field(default=None, description="ISO 8601 date")),
        language=(str, ...),
        near_duplicate_group=(str, ...),
        text=(str, ...),
        spans=(list[span], Field(default_factory=list)),
        relations=(list[relation], Field(default_factory=list)),
    )
    sentence = _model(
        "Sentence",
        "One sentence of a document, tokenised, with BIO tags over the span labels.",
        doc_id=(str, ...),
        sentence_id=(Annotated[int, INT32], ...),
        tokens=(list[str], ...),
        token_starts=(list[Offset], ...),
        token_ends=(list[Offset], ...),
        ner_tags=(list[_literal(schema_to_bio_tags(schema))], ...),
    )
    crossing = _model(
        "Crossing",
        "One CROSSING span with what the relations link to it.",
        doc_id=(str, ...),
        span_id=(str, ...),
        start=(Offset, ...),
        end=(Offset, ...),
        text=(str, ...),
        **_attribute_fields(schema, CROSSING_LABEL),
        **_linked_fields(schema),
    )
    statistic = _model(
        "Statistic",
        "One STATISTIC span with its normalised value and its sentence.",
        doc_id=(str, ...),
        span_id=(str, ...),
        start=(Offset, ...),
        end=(Offset, ...),
        text=(str, ...),
        **_attribute_fields(schema, STATISTIC_LABEL),
        value=(float | None, None),
        sentence=(str, ...),
    )
    annotation = _model(
        "Annotation",
        "One annotator's annotation of one task (gold or not).",
        doc_id=(str, ...),
        task_id=(int, ...),
        annotation_id=(int, ...),
        annotator_id=(int | None, None),
        is_gold=(bool, ...),
        updated_at=(str | None, None),
        spans=(list[span], Field(default_factory=list)),
        relations=(list[relation], Field(default_factory=list)),
    )
    return RecordModels(span, relation, document, sentence, crossing, statistic, annotation)
