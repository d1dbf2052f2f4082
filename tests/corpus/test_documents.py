import pytest

from nkcorpus.corpus import documents as documents_module
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import load_manifest
from nkcorpus.errors import ValidationFailed


def test_load_documents_is_the_same_on_two_processes(seeds_copy, monkeypatch):
    one = load_documents(seeds_copy)
    monkeypatch.setattr(documents_module, "BATCH_ENTRIES", 2)  # several batches in flight
    two = load_documents(seeds_copy, processes=2)
    assert two == one
    assert [d.doc_id for d in two] == [e.doc_id for e in load_manifest(seeds_copy).documents]
    given = load_documents(seeds_copy, load_manifest(seeds_copy), processes=2)
    assert given == one


def test_load_documents_reports_every_bad_seed_from_every_worker(seeds_copy, monkeypatch):
    monkeypatch.setattr(documents_module, "BATCH_ENTRIES", 1)  # each seed its own batch
    entries = load_manifest(seeds_copy).documents
    edited, missing = seeds_copy / entries[0].file, seeds_copy / entries[-1].file
    edited.write_text(edited.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    missing.unlink()
    with pytest.raises(ValidationFailed, match="D039") as raised:
        load_documents(seeds_copy, processes=2)
    problems = raised.value.problems
    assert len(problems) == 2
    assert "D031" in problems[0] and edited.name in problems[0]  # in the manifest's order
    assert "D030" in problems[1] and missing.name in problems[1]
