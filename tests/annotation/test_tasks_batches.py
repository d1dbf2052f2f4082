"""The per-document work of `nkcorpus tasks` (annotation/tasks_batches.py)."""

from __future__ import annotations

import json
import shutil

import pytest
import spacy

from nkcorpus.annotation import tasks_batches
from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.pipeline import build_nlp, model_version
from nkcorpus.annotation.prelabel.predictions import doc_to_prediction
from nkcorpus.annotation.tasks import tasks_to_json, write_tasks
from nkcorpus.annotation.tasks_batches import (
    TASK_FIELDS,
    TextCachedDoc,
    doc_to_text_cached,
    entries_to_batch,
    records_to_batch,
    task_to_item_json,
)
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import load_manifest

TEXT = "A man fled to the South."


def _record(doc_id: str, text: str) -> dict[str, str | None]:
    return {name: None for name in TASK_FIELDS} | {"doc_id": doc_id, "text": text,
                                                    "text_sha256": "0" * 64}  # fmt: skip


def test_tasks_batches_text_cached_doc_keeps_the_tokenizers_tokens_and_norms():
    doc = spacy.blank("en")("They don't flee.")
    cached = doc_to_text_cached(doc)
    assert isinstance(cached, TextCachedDoc)
    assert cached.text == "They don't flee."
    assert [t.text for t in cached] == ["They", "do", "n't", "flee", "."]
    assert [t.norm_ for t in cached] == ["they", "do", "not", "flee", "."]  # "n't" -> "not"
    assert [t.whitespace_ for t in cached] == [" ", "", " ", "", ""]
    span = cached[3:4]
    assert span.doc is cached and span.doc.text[span.start_char : span.end_char] == "flee"


def test_tasks_batches_predictions_on_cached_docs_equal_plain_ones(seeds_dir):
    nlp = build_nlp()
    for document in load_documents(seeds_dir)[:5]:
        plain = doc_to_prediction(nlp(document.text), document.doc_id, "v")
        cached = doc_to_prediction(nlp(doc_to_text_cached(nlp.make_doc(document.text))),
                                   document.doc_id, "v")  # fmt: skip
        assert cached == plain


def test_tasks_batches_records_to_batch_counts_regions_and_relations():
    batch = records_to_batch([_record("d", TEXT), _record("e", "Nothing here.")])
    # "A man" PERSON, "fled to the South" CROSSING, agent(A man -> fled ...); nothing in "e"
    assert dict(batch.regions) == {"PERSON": 1, "CROSSING": 1}
    assert dict(batch.relations) == {"agent": 1}
    assert batch.problems == () and batch.error is None
    first, second = (json.loads(text) for text in batch.texts)
    assert first["data"]["doc_id"] == "d" and second["data"]["doc_id"] == "e"
    region = first["predictions"][0]["result"][0]["value"]
    assert TEXT[region["start"] : region["end"]] == region["text"] == "A man"
    assert first["predictions"][0]["model_version"] == model_version()
    assert second["predictions"][0]["result"] == []


def test_tasks_batches_items_joined_are_the_canonical_file():
    tasks = [{"data": {"b": 1, "a": "é\nx"}}, {"data": {}, "predictions": [{"result": []}]}]
    joined = "[\n  " + ",\n  ".join(task_to_item_json(t) for t in tasks) + "\n]\n"
    assert joined == tasks_to_json(tasks)


def test_tasks_batches_entries_to_batch_reports_a_changed_seed(tmp_path, seeds_dir):
    entries = sorted(load_manifest(seeds_dir).documents, key=lambda e: e.doc_id)[:2]
    for entry in entries:
        shutil.copy(seeds_dir / entry.file, tmp_path / entry.file)
    (tmp_path / entries[1].file).write_text("changed\n", encoding="utf-8")
    batch = entries_to_batch(tmp_path, entries)
    assert [json.loads(t)["data"]["doc_id"] for t in batch.texts] == [entries[0].doc_id]
    assert len(batch.problems) == 1 and "D031" in batch.problems[0]
    assert entries[1].file in batch.problems[0]


def test_tasks_batches_an_error_travels_as_data_and_stops_the_file(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise AnnotationError("A206", "d: region 0-5 text 'x' != text[start:end]")

    monkeypatch.setattr(tasks_batches, "doc_to_prediction", broken)
    batch = records_to_batch([_record("d", TEXT)])
    assert batch.error == ("A206", "d: region 0-5 text 'x' != text[start:end]")
    docs = [type("D", (), _record("d", TEXT))()]
    with pytest.raises(AnnotationError, match=r"A206.*region 0-5"):
        write_tasks(docs, tmp_path / "tasks.json", progress=False)
    assert list(tmp_path.iterdir()) == []  # no tasks file, no temporary file
