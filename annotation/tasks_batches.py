"""The per-document work of `nkcorpus tasks`, as a pure function over a batch.

A batch of task `data` records (the `TASK_FIELDS` of a document) -> each
task as canonical JSON text and the regions and relations it holds. The same
records give the same texts in any process and in any batch, so a caller may
run batches on a process pool (or Ray's `map_batches`) and concatenate them in
order. The pipeline is built once per process and kept.

Speed, without changing a byte of output: the frozen `span_to_region` reads
`span.doc.text`, which spaCy rebuilds from every token of the document on each
call (once per region, ~30 per document). Documents are therefore tokenized
into `TextCachedDoc`, a `Doc` that computes its text once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from spacy.attrs import NORM, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from nkcorpus.annotation.prelabel.pipeline import build_nlp, model_version
from nkcorpus.annotation.prelabel.predictions import doc_to_prediction
from nkcorpus.corpus.documents import entry_to_document
from nkcorpus.corpus.manifest import ManifestEntry
from nkcorpus.errors import NkError, SeedError
from nkcorpus.schema.model import LabelSchema, load_schema

# The CleanDocument fields a task carries as `data`.
TASK_FIELDS = ("doc_id", "text", "title", "publisher", "url", "published", "text_sha256")
# One task inside the tasks file's list: `json.dumps(..., indent=2)` one level deep.
ITEM_INDENT = "  "


@dataclass(frozen=True)
class TaskBatch:
    """What one batch gave: the tasks' JSON texts in input order, label ->
    regions, relation -> relations, the seed problems met (D03x messages), and
    the `(code, message)` of an `NkError` that stopped the batch (errors
    travel between processes as data)."""

    texts: tuple[str, ...] = ()
    regions: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    problems: tuple[str, ...] = ()
    error: tuple[str, str] | None = None


class TextCachedDoc(Doc):
    """A Doc whose `text` is joined from its tokens once, then kept (a Doc's
    text never changes: retokenizing keeps it)."""

    @property
    def text(self) -> str:
        cached = self.__dict__.get("_nk_text")
        if cached is None:
            cached = self.__dict__["_nk_text"] = Doc.text.__get__(self)
        return cached


def doc_to_text_cached(doc: Doc) -> TextCachedDoc:
    """The same tokens (orth, whitespace, and the norms tokenizer exceptions
    set) as a `TextCachedDoc`.

    >>> import spacy; doc = spacy.blank("en")("They don't flee.")
    >>> cached = doc_to_text_cached(doc)
    >>> cached.text == doc.text, [t.norm_ for t in cached] == [t.norm_ for t in doc]
    (True, True)
    """
    words = [token.text for token in doc]
    cached = TextCachedDoc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
    cached.from_array([NORM, SPACY], doc.to_array([NORM, SPACY]))
    return cached


def document_to_task(document: Any, prediction: dict[str, Any]) -> dict[str, Any]:
    """One Label Studio task: the document's fields as `data`, one prediction.

    >>> from types import SimpleNamespace as N
    >>> doc = N(doc_id="d", text="t", text_sha256="s", title=None, publisher=None, url=None,
    ...         published=None)
    >>> document_to_task(doc, {"result": []})["data"]["doc_id"]
    'd'
    """
    return {
        "data": {name: getattr(document, name) for name in TASK_FIELDS},
        "predictions": [prediction],
    }


def task_to_item_json(task: dict[str, Any]) -> str:
    """A task's text as an item of the tasks file's list (indented one level).
    JSON escapes newlines inside strings, so every newline is the encoder's.

    >>> print(task_to_item_json({"data": {"b": 1, "a": "é"}}))
    {
        "data": {
          "a": "é",
          "b": 1
        }
      }
    """
    text = json.dumps(task, ensure_ascii=False, indent=2, sort_keys=True)
    return text.replace("\n", "\n" + ITEM_INDENT)


_PIPELINE: dict[str, Any] = {}


def use_pipeline(nlp: Language | None = None) -> None:
    """Build (or take) the pipeline of this process now; a process pool forked
    afterwards inherits it instead of building its own. The default pipeline
    is rebuilt only when the pattern files or the schema changed."""
    schema, version = load_schema(), model_version()
    if nlp is None and _PIPELINE.get("default") == (version, schema.schema_hash):
        return  # the default pipeline of these patterns and this schema is built
    _PIPELINE.update(
        nlp=nlp or build_nlp(schema=schema),
        schema=schema,
        version=version,
        default=(version, schema.schema_hash) if nlp is None else None,
    )


def _pipeline() -> tuple[Language, LabelSchema, str]:
    if not _PIPELINE:
        use_pipeline()
    return _PIPELINE["nlp"], _PIPELINE["schema"], _PIPELINE["version"]


def records_to_batch(records: Sequence[dict[str, Any]], batch_size: int = 32) -> TaskBatch:
    """Pre-annotate a batch of task `data` records (dicts with `TASK_FIELDS`):
    a pure function of the records, the pattern files and the schema."""
    try:
        nlp, schema, version = _pipeline()
        docs = (doc_to_text_cached(nlp.make_doc(record["text"])) for record in records)
        texts, regions, relations = [], Counter[str](), Counter[str]()
        for record, doc in zip(records, nlp.pipe(docs, batch_size=batch_size), strict=True):
            prediction = doc_to_prediction(doc, record["doc_id"], version, schema)
            texts.append(task_to_item_json(document_to_task(SimpleNamespace(**record), prediction)))
            for item in prediction["result"]:
                if item["type"] == "labels":
                    regions.update(item["value"]["labels"])
                elif item["type"] == "relation":
                    relations.update(item["labels"])
    except NkError as exc:  # NkError does not survive pickling: send it as data
        return TaskBatch(error=(exc.code, exc.message))
    return TaskBatch(tuple(texts), regions, relations)


def document_to_record(document: Any) -> dict[str, Any]:
    """A document's task `data` (its `TASK_FIELDS`) as a plain dict."""
    return {name: getattr(document, name) for name in TASK_FIELDS}


def entries_to_batch(
    seeds_dir: Path, entries: Sequence[ManifestEntry], batch_size: int = 32
) -> TaskBatch:
    """Clean the entries' seeds, then `records_to_batch`; a seed that does not
    match its entry is a problem (D03x message) and gets no task."""
    records, problems = [], []
    for entry in entries:
        try:
            records.append(document_to_record(entry_to_document(seeds_dir, entry)))
        except SeedError as exc:
            problems.append(str(exc))
    batch = records_to_batch(records, batch_size)
    return TaskBatch(batch.texts, batch.regions, batch.relations, tuple(problems), batch.error)
