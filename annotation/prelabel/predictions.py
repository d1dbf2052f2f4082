"""A pre-annotated spaCy Doc -> one Label Studio prediction.

Regions are `labels` results; each attribute a rule knows is a `choices`
result with the region's id; relations are `relation` results. Offsets are
Python str indices (code points) into the text, `[start, end)`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from spacy.tokens import Doc, Span

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.attributes import span_attributes
from nkcorpus.annotation.prelabel.relations import infer_relations
from nkcorpus.annotation.prelabel.resolve import RESOLVED_KEY
from nkcorpus.schema.label_config import LABELS_CONTROL, TEXT_OBJECT
from nkcorpus.schema.model import LabelSchema, load_schema


def region_id(doc_id: str, start: int, end: int, label: str) -> str:
    """A stable region id: the same document, offsets and label give the same id.

    >>> region_id("000_x", 0, 5, "PERSON") == region_id("000_x", 0, 5, "PERSON")
    True
    """
    key = f"{doc_id}\0{start}\0{end}\0{label}".encode()
    return hashlib.sha256(key).hexdigest()[:12]


def span_to_region(span: Span, doc_id: str) -> dict[str, Any]:
    """One span as a Label Studio `labels` result.

    >>> import spacy; doc = spacy.blank("en")("Kim fled")
    >>> span_to_region(Span(doc, 0, 1, "PERSON"), "d")["value"]
    {'start': 0, 'end': 3, 'text': 'Kim', 'labels': ['PERSON']}
    """
    start, end = span.start_char, span.end_char
    text = span.doc.text[start:end]
    if text != span.text:
        raise AnnotationError(
            "A206", f"{doc_id}: region {start}-{end} text {span.text!r} != text[start:end]"
        )
    return {
        "id": region_id(doc_id, start, end, span.label_),
        "from_name": LABELS_CONTROL,
        "to_name": TEXT_OBJECT,
        "type": "labels",
        "origin": "prediction",
        "value": {"start": start, "end": end, "text": text, "labels": [span.label_]},
    }


def doc_to_prediction(
    doc: Doc, doc_id: str, model_version: str, schema: LabelSchema | None = None
) -> dict[str, Any]:
    """The pre-annotation of one document as a Label Studio prediction.

    `score` is the share of the schema's labels that have at least one region
    (a coverage figure, not a probability: rules have no confidence).

    >>> from nkcorpus.annotation.prelabel.pipeline import build_nlp
    >>> prediction = doc_to_prediction(build_nlp()("A man fled to the South."), "d", "v1")
    >>> [(r["type"], r.get("labels") or r["value"]["labels"]) for r in prediction["result"]
    ...  if r["type"] != "choices"]
    [('labels', ['PERSON']), ('labels', ['CROSSING']), ('relation', ['agent'])]
    """
    schema = schema or load_schema()
    spans = list(doc.spans[RESOLVED_KEY]) if RESOLVED_KEY in doc.spans else []
    relations = infer_relations(spans, schema)
    result: list[dict[str, Any]] = []
    ids: dict[tuple[int, int, str], str] = {}
    for span in spans:
        region = span_to_region(span, doc_id)
        ids[(span.start, span.end, span.label_)] = region["id"]
        result.append(region)
        for name, choices in span_attributes(span, relations, schema).items():
            value = {k: region["value"][k] for k in ("start", "end", "text")}
            result.append(
                {
                    "id": region["id"],
                    "from_name": name,
                    "to_name": TEXT_OBJECT,
                    "type": "choices",
                    "origin": "prediction",
                    "value": {**value, "choices": choices},
                }
            )
    for relation in relations:
        result.append(
            {
                "type": "relation",
                "from_id": ids[(relation.head.start, relation.head.end, relation.head.label_)],
                "to_id": ids[(relation.tail.start, relation.tail.end, relation.tail.label_)],
                "direction": "right",
                "labels": [relation.name],
            }
        )
    covered = {span.label_ for span in spans}
    return {
        "model_version": model_version,
        "score": round(len(covered) / len(schema.labels), 4),
        "result": result,
    }
