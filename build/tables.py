"""Gold documents -> rows of the released tables, validated by the record models.

One `DocumentRows` per released document holds its rows of every table
(`documents`, `tokens`, `crossings`, `statistics`, `annotations`, `events`,
`bigbio_kb`, `predictions`); the writer streams them per document. Rows are
plain dicts shaped by `schema_to_record_models` (the one declaration of every
column), and `model_validate` checks each before it is written. Events are
made by `nkcorpus.build.events`, the BigBIO row by `nkcorpus.build.bigbio`,
a statistic's value and unit by `nkcorpus.build.statistic_units`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nkcorpus.annotation.prelabel.pipeline import nk_paragraphs  # noqa: F401  (registers it)
from nkcorpus.build.bigbio import gold_to_bigbio_kb
from nkcorpus.build.errors import BuildError
from nkcorpus.build.events import SPAN_KEYS, event_id, gold_to_event_rows, linked_spans
from nkcorpus.build.report import GoldDocument
from nkcorpus.build.statistic_units import statistic_text_to_measure
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.schema.bio import OUTSIDE
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import CROSSING_LABEL, STATISTIC_LABEL, RecordModels

Row = dict[str, Any]


class PredictionLike(Protocol):
    """What the `predictions` table needs of a prediction (as
    `nkcorpus.build.baseline.Prediction` has): spans and relations shaped as
    the gold ones, and the version of the model that made them."""

    model_version: str
    spans: Sequence[Mapping[str, Any]]
    relations: Sequence[Mapping[str, Any]]


@dataclass
class DocumentRows:
    doc_id: str
    split: str
    tables: dict[str, list[Row]] = field(default_factory=dict)


def sentence_nlp() -> Language:
    """Tokeniser and sentence splitter of the `tokens` table: blank English,
    a sentence break at every line break, then the rule-based sentencizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("nk_paragraphs")
    nlp.add_pipe("sentencizer")
    return nlp


def spans_to_doc(nlp: Language, text: str, spans: Sequence[Mapping[str, Any]], doc_id: str) -> Doc:
    """The tokenised document with the gold spans as `doc.ents` and `doc.spans["sc"]`,
    each with its span id as `Span.id_`.

    Raises B210 naming every span whose offsets do not fall on token boundaries.
    """
    doc = nlp(text)
    entities, misaligned = [], []
    for span in spans:
        entity = doc.char_span(span["start"], span["end"], label=span["label"], span_id=span["id"])
        if entity is None:
            misaligned.append(f"{span['id']} [{span['start']}, {span['end']}) {span['text']!r}")
        else:
            entities.append(entity)
    if misaligned:
        raise BuildError(
            "B210",
            f"doc {doc_id}: {len(misaligned)} span(s) do not start and end on token boundaries "
            f"of the tokens table: {'; '.join(misaligned)}; fix the span extents in Label Studio",
        )
    doc.ents = sorted(entities, key=lambda e: e.start)
    doc.spans["sc"] = list(doc.ents)
    return doc


def doc_to_sentence_rows(doc: Doc, doc_id: str) -> Iterator[Row]:
    """One row per sentence with tokens, character offsets and BIO tags (spaces left out)."""
    number = 0
    for sentence in doc.sents:
        tokens = [t for t in sentence if not t.is_space]
        if not tokens:
            continue
        tags = [t.ent_iob_ + "-" + t.ent_type_ if t.ent_type_ else OUTSIDE for t in tokens]
        yield {
            "doc_id": doc_id,
            "sentence_id": number,
            "tokens": [t.text for t in tokens],
            "token_starts": [t.idx for t in tokens],
            "token_ends": [t.idx + len(t.text) for t in tokens],
            "ner_tags": tags,
        }
        number += 1


def _linked(span: Mapping[str, Any], schema: LabelSchema) -> Row:
    row = {"span_id": span["id"], **{k: span[k] for k in SPAN_KEYS}}
    row.update({a.name: span.get(a.name) for a in schema.label(span["label"]).attributes})
    if span["label"] == STATISTIC_LABEL:
        row["value"], row["value_unit"] = statistic_text_to_measure(span["text"])
    return row


def crossing_rows(gold: GoldDocument, schema: LabelSchema) -> Iterator[Row]:
    """One row per CROSSING, with the spans every relation links to it."""
    spans = {span["id"]: span for span in gold.spans}
    columns = [r for r in schema.relations if r.crossings_column is not None]
    for span in gold.spans:
        if span["label"] != CROSSING_LABEL:
            continue
        row = {"doc_id": gold.doc_id, "span_id": span["id"]}
        row.update({k: span[k] for k in SPAN_KEYS})
        row["event_id"] = event_id(gold.doc_id, span["id"])
        row.update({a.name: span.get(a.name) for a in schema.label(CROSSING_LABEL).attributes})
        for relation in columns:
            linked = linked_spans(span["id"], relation, spans, gold.relations)
            row[relation.crossings_column] = [_linked(s, schema) for s in linked]
        yield row


def statistic_rows(gold: GoldDocument, doc: Doc, schema: LabelSchema) -> Iterator[Row]:
    """One row per STATISTIC with its normalised value, its unit and the sentence it is in."""
    for span in gold.spans:
        if span["label"] != STATISTIC_LABEL:
            continue
        sentence = doc.char_span(span["start"], span["end"]).sent.text.strip()
        yield {"doc_id": gold.doc_id, **_linked(span, schema), "sentence": sentence}


def prediction_rows(doc_id: str, prediction: PredictionLike | None) -> list[Row]:
    """The document's one `predictions` row, or none when it has no prediction."""
    if prediction is None:
        return []
    return [
        {
            "doc_id": doc_id,
            "model_version": prediction.model_version,
            "spans": list(prediction.spans),
            "relations": list(prediction.relations),
        }
    ]


def document_to_rows(
    document: CleanDocument,
    gold: GoldDocument,
    annotations: Sequence[Row],
    split: str,
    doc: Doc,
    models: RecordModels,
    schema: LabelSchema,
    *,
    fold: int | None = None,
    prediction: PredictionLike | None = None,
) -> DocumentRows:
    """Every table's rows of one released document, each checked by its record model.

    `doc` is the document tokenised with its gold spans (`spans_to_doc`);
    `fold` is its cross-validation fold (None: in no fold) and `prediction` the
    rule-based pre-annotation of its task (None: no `predictions` row).
    """
    raw = {
        "documents": [
            {
                **{k: getattr(document, k) for k in ("doc_id", "title", "publisher", "url")},
                "published": document.published,
                "language": document.language,
                "near_duplicate_group": document.group,
                "fold": fold,
                "text": document.text,
                "spans": gold.spans,
                "relations": gold.relations,
            }
        ],
        "tokens": list(doc_to_sentence_rows(doc, document.doc_id)),
        "crossings": list(crossing_rows(gold, schema)),
        "statistics": list(statistic_rows(gold, doc, schema)),
        "annotations": list(annotations),
        "events": list(gold_to_event_rows(gold.doc_id, gold.spans, gold.relations, schema)),
        "bigbio_kb": [
            gold_to_bigbio_kb(gold.doc_id, document.text, gold.spans, gold.relations, schema)
        ],
        "predictions": prediction_rows(document.doc_id, prediction),
    }
    tables = models.tables()
    out = DocumentRows(document.doc_id, split)
    for name, rows in raw.items():
        out.tables[name] = [
            tables[name].model_validate(row).model_dump(mode="json") for row in rows
        ]
    return out
