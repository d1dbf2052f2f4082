"""Cleaned documents -> the Label Studio import file (`annotation/tasks.json`).

One task per document, `data` from the document, one rule-based prediction.
The bytes depend only on the documents and the pattern files: tasks sorted
by doc_id, `json.dumps(ensure_ascii=False, indent=2, sort_keys=True)` plus a
newline, written atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from spacy.language import Language
from tqdm import tqdm

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.pipeline import build_nlp, model_version
from nkcorpus.annotation.prelabel.predictions import doc_to_prediction
from nkcorpus.atomic import atomic_write_text
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.schema.model import load_schema

# The CleanDocument fields a task carries as `data`.
TASK_FIELDS = ("doc_id", "text", "title", "publisher", "url", "published", "text_sha256")


class TasksSummary(BaseModel):
    """What `write_tasks` wrote."""

    model_config = ConfigDict(frozen=True)

    out_path: Path
    tasks: int
    model_version: str
    regions: dict[str, int]
    relations: dict[str, int]
    sha256: str


def document_to_task(document: CleanDocument, prediction: dict[str, Any]) -> dict[str, Any]:
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


def tasks_to_json(tasks: Sequence[dict[str, Any]]) -> str:
    """The canonical text of a tasks file.

    >>> tasks_to_json([{"data": {"b": 1, "a": "é"}}])
    '[\\n  {\\n    "data": {\\n      "a": "é",\\n      "b": 1\\n    }\\n  }\\n]\\n'
    """
    return json.dumps(list(tasks), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (`nkcorpus.atomic`), so readers see
    the old file or the new one. Raises A211."""
    try:
        atomic_write_text(Path(path), text)
    except OSError as exc:
        raise AnnotationError("A211", f"{path}: cannot write the tasks file: {exc}") from exc


def prelabel_documents(
    documents: Iterable[CleanDocument],
    *,
    batch_size: int = 32,
    nlp: Language | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """One task per document, sorted by doc_id, pre-annotated with `nlp.pipe`
    in batches. Raises A210 when two documents share a doc_id."""
    ordered = sorted(documents, key=lambda d: d.doc_id)
    repeated = sorted(k for k, n in Counter(d.doc_id for d in ordered).items() if n > 1)
    if repeated:
        raise AnnotationError("A210", f"doc_id(s) {repeated} occur more than once; one task each")
    if batch_size < 1:
        raise AnnotationError("A212", f"batch_size must be at least 1, got {batch_size}")
    schema = load_schema()
    nlp = nlp or build_nlp(schema=schema)
    version = model_version()
    docs = nlp.pipe((d.text for d in ordered), batch_size=batch_size)
    bar = tqdm(docs, total=len(ordered), desc="pre-annotating", unit="doc", disable=not progress)
    return [
        document_to_task(document, doc_to_prediction(doc, document.doc_id, version, schema))
        for document, doc in zip(ordered, bar, strict=True)
    ]


def write_tasks(
    documents: Iterable[CleanDocument],
    out_path: Path,
    batch_size: int = 32,
    *,
    nlp: Language | None = None,
    progress: bool = True,
) -> TasksSummary:
    """Pre-annotate `documents` and write the Label Studio import file."""
    tasks = prelabel_documents(documents, batch_size=batch_size, nlp=nlp, progress=progress)
    text = tasks_to_json(tasks)
    write_atomically(Path(out_path), text)
    regions: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    for task in tasks:
        for item in task["predictions"][0]["result"]:
            if item["type"] == "labels":
                regions.update(item["value"]["labels"])
            elif item["type"] == "relation":
                relations.update(item["labels"])
    return TasksSummary(
        out_path=Path(out_path),
        tasks=len(tasks),
        model_version=tasks[0]["predictions"][0]["model_version"] if tasks else model_version(),
        regions={label: regions[label] for label in load_schema().label_names},
        relations={r.name: relations[r.name] for r in load_schema().relations},
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
