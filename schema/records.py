"""Schema -> pydantic models of the released records, one per table.

These models are the single declaration of every released column: the
Hugging Face features (`nkcorpus.schema.features`), the JSON Schemas, the
card's Data Fields section and Croissant's field descriptions derive from
them, and the build validates its rows with them. Every field, nested ones
included, has a `description` and `examples` (class labels by name). Class
labels are `Literal[...]` of the schema's names; integers that Parquet stores
as int32 are marked with `INT32`. Offsets are `[start, end)` code points into
the document's `text`. The fields are built by `record_fields`; the `events`
and `bigbio_kb` models are in `records_events` and `records_bigbio`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from nkcorpus.schema.bio import schema_to_bio_tags
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.record_fields import (
    CROSSING_LABEL,
    END,
    EXAMPLE,
    EXAMPLE_EVENT_ID,
    INT32,
    SPAN_TEXT,
    START,
    STATISTIC_LABEL,
    ArrowInt,
    Int32,
    Offset,
    attribute_fields,
    doc_id_field,
    field,
    list_field,
    literal,
    model,
    relation_direction,
    span_fields,
)
from nkcorpus.schema.records_bigbio import kb_document_model
from nkcorpus.schema.records_events import event_model, event_roles

__all__ = [
    "CROSSING_LABEL", "INT32", "STATISTIC_LABEL", "VALUE_UNITS", "ArrowInt", "RecordModels",
    "event_roles", "relation_direction", "schema_to_record_models",
]  # fmt: skip
# statistics.value_unit: what the normalised `value` measures, decided from the
# span's text by nkcorpus.build.statistic_units.statistic_text_to_unit.
VALUE_UNITS = {
    "count": "a number of people or events: 'about 34,000' is 34000.0",
    "share": "a fraction of a group, from 0 to 1: '20 percent' and 'one in five' are both 0.2",
}
_SPAN_ID = "Span id (the Label Studio region id), unique in its document."


def _value_fields() -> dict[str, Any]:
    units = "; ".join(f"{unit}: {about}" for unit, about in VALUE_UNITS.items())
    return {
        "value": (float | None, field(
            "The number the span states, its qualifier dropped: a share as a fraction (0.2), "
            "a count as is (34000.0); null when the text is no number ('many'). Its unit is "
            "`value_unit`.", 34000.0, None)),
        "value_unit": (literal(list(VALUE_UNITS)) | None, field(
            f"What `value` measures ({units}); null when `value` is null.", "count", None)),
    }  # fmt: skip


def _linked_fields(schema: LabelSchema) -> dict[str, Any]:
    """The crossings table's list columns, one per relation that touches CROSSING."""
    fields: dict[str, Any] = {}
    for relation in schema.relations:
        if relation.crossings_column is None:
            continue
        other = relation.tail if relation.head == CROSSING_LABEL else relation.head
        linked = model(
            f"Linked{other.title()}",
            f"A {other} span linked to the crossing by `{relation.name}`.",
            **span_fields(f"Id of the {other} span (its `documents.spans.id`).", other),
            **attribute_fields(schema, other),
            **(_value_fields() if other == STATISTIC_LABEL else {}),
        )
        about = (
            f"The {other} spans linked to this crossing by `{relation_direction(relation)}` "
            f"({relation.description}), in text order."
        )
        fields[relation.crossings_column] = (list[linked], list_field(about, []))
    return fields


@dataclass(frozen=True)
class RecordModels:
    span: type[BaseModel]
    relation: type[BaseModel]
    document: type[BaseModel]
    sentence: type[BaseModel]
    crossing: type[BaseModel]
    statistic: type[BaseModel]
    annotation: type[BaseModel]
    event: type[BaseModel]
    kb_document: type[BaseModel]
    prediction: type[BaseModel]

    def tables(self) -> dict[str, type[BaseModel]]:
        """Released table name -> row model, in release order (v1.0.0's five first)."""
        return {
            "documents": self.document,
            "tokens": self.sentence,
            "crossings": self.crossing,
            "statistics": self.statistic,
            "annotations": self.annotation,
            "events": self.event,
            "bigbio_kb": self.kb_document,
            "predictions": self.prediction,
        }


def _span_and_relation(schema: LabelSchema) -> tuple[type[BaseModel], type[BaseModel]]:
    span = model(
        "Span",
        "A labelled region: [start, end) code points of the document text.",
        id=(str, field(_SPAN_ID, EXAMPLE["span_id"])),
        start=(Offset, field(START, EXAMPLE["start"])),
        end=(Offset, field(END, EXAMPLE["end"])),
        label=(literal(schema.label_names), field("The span's label.", CROSSING_LABEL)),
        text=(str, field(SPAN_TEXT, EXAMPLE["text"])),
        **attribute_fields(schema),
    )
    directions = "; ".join(relation_direction(r) for r in schema.relations)
    relation = model(
        "Relation",
        "A directed relation between two spans of the same document, by span id.",
        head=(str, field("Id of the span the relation starts from.", EXAMPLE["agent_id"])),
        tail=(str, field("Id of the span the relation points to.", EXAMPLE["span_id"])),
        type=(literal([r.name for r in schema.relations]), field(
            f"The relation type, head label -> tail label: {directions}.",
            schema.relations[0].name if schema.relations else None)),
    )  # fmt: skip
    return span, relation


def schema_to_record_models(schema: LabelSchema) -> RecordModels:
    """Build the row models of every released table from `schema`.

    >>> from nkcorpus.schema.model import load_schema
    >>> models = schema_to_record_models(load_schema())
    >>> sorted(models.span.model_fields)[:3]
    ['category', 'direction', 'end']
    """
    span, relation = _span_and_relation(schema)
    unknown = "; null when unknown."
    document = model(
        "Document",
        "One cleaned article with its gold spans and relations.",
        doc_id=doc_id_field(),
        title=(str | None, field(f"Headline as published{unknown}",
                                 "Defector who fled North Korea makes rare return", None)),
        publisher=(str | None, field(f"Outlet that published the article{unknown}",
                                     "American Military News (AMN)", None)),
        url=(str | None, field(f"Address the article was fetched from{unknown}",
                               "https://example.org/news/defector-returns", None)),
        published=(str | None, field(f"Publication date, ISO 8601 (YYYY-MM-DD){unknown}",
                                     "2022-01-03", None)),
        language=(str, field("Language of the text, ISO 639-1.", "en")),
        near_duplicate_group=(str, field(
            "Near-duplicate group (word 5-shingle containment >= 0.8), named by a doc_id; one "
            "document per group is released and a group never straddles splits or folds.",
            EXAMPLE["doc_id"])),
        fold=(Int32 | None, field(
            "Cross-validation fold (`nkcorpus.build.folds.assign_folds`), from 0; null when the "
            "document takes part in no fold (the held-out test split).", 0, None)),
        text=(str, field("The cleaned article body (Unicode NFC); every offset points into it.",
                         "A man who previously defected from North Korea avoided ...")),
        spans=(list[span], list_field("The gold spans, in text order.", [])),
        relations=(list[relation], list_field("The gold relations between the spans.", [])),
    )  # fmt: skip
    tags = schema_to_bio_tags(schema)
    sentence = model(
        "Sentence",
        "One sentence of a document, tokenised, with BIO tags over the span labels.",
        doc_id=doc_id_field(),
        sentence_id=(Int32, field("Position of the sentence in its document, from 0.", 0)),
        tokens=(list[str], field("The sentence's tokens (spaCy's English tokeniser; a line "
                                 "break ends a sentence), whitespace left out.", ["A", "man"])),
        token_starts=(list[Offset], field("Start offset of each token.", [0, 2])),
        token_ends=(list[Offset], field("End offset (exclusive) of each token.", [1, 5])),
        ner_tags=(list[literal(tags)], field(
            f"BIO tag of each token over the span labels ({len(tags)} tags).",
            ["B-PERSON", "I-PERSON"])),
    )  # fmt: skip
    crossing = model(
        "Crossing",
        "One CROSSING span with what the relations link to it.",
        doc_id=doc_id_field(),
        **span_fields("Id of the CROSSING span (its `documents.spans.id`)."),
        event_id=(str, field("Id of the event the span triggers (`events.event_id`).",
                             EXAMPLE_EVENT_ID)),
        **attribute_fields(schema, CROSSING_LABEL),
        **_linked_fields(schema),
    )  # fmt: skip
    statistic = model(
        "Statistic",
        "One STATISTIC span with its normalised value and its sentence.",
        doc_id=doc_id_field(),
        **span_fields("Id of the STATISTIC span (its `documents.spans.id`).", STATISTIC_LABEL),
        **attribute_fields(schema, STATISTIC_LABEL),
        **_value_fields(),
        sentence=(str, field("The sentence the span is in (as the `tokens` table splits them).",
                             "In 2023, 196 North Korean defectors made it to South Korea, ...")),
    )  # fmt: skip
    annotation = model(
        "Annotation",
        "One annotator's annotation of one task (gold or not).",
        doc_id=doc_id_field(),
        task_id=(int, field("Label Studio task id.", 1)),
        annotation_id=(int, field("Label Studio annotation id.", 1)),
        annotator_id=(int | None, field(f"Label Studio user id of the annotator{unknown}",
                                        1, None)),
        is_gold=(bool, field("Whether this annotation is the document's gold.", True)),
        updated_at=(str | None, field(f"Time of the last change, ISO 8601 UTC{unknown}",
                                      "2026-11-23T14:39:36.557455Z", None)),
        spans=(list[span], list_field("This annotation's spans.", [])),
        relations=(list[relation], list_field("This annotation's relations.", [])),
    )  # fmt: skip
    prediction = model(
        "Prediction",
        "The rule-based pre-annotation of one released document: the baseline to score.",
        doc_id=doc_id_field(),
        model_version=(str, field("Version of the rule-based pre-annotator that predicted.",
                                  "nk-prelabel-1")),
        spans=(list[span], list_field("The predicted spans with their attributes.", [])),
        relations=(list[relation], list_field("The predicted relations.", [])),
    )  # fmt: skip
    return RecordModels(
        span, relation, document, sentence, crossing, statistic, annotation,
        event_model(schema), kb_document_model(schema), prediction,
    )  # fmt: skip


_MODELS: dict[str, RecordModels] = {}  # schema hash -> its record models, per process


def record_models(schema: LabelSchema) -> RecordModels:
    """`schema_to_record_models(schema)`, made once per process and schema
    (by its hash: building them costs about 20 ms)."""
    if schema.schema_hash not in _MODELS:
        _MODELS[schema.schema_hash] = schema_to_record_models(schema)
    return _MODELS[schema.schema_hash]
