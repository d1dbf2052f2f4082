"""The per-document part cache: reused parts give the bytes of a cold build."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.build import part_cache
from nkcorpus.build.document_parts import DocumentJob
from nkcorpus.build.errors import BuildError
from nkcorpus.build.part_cache import PartCache, job_key
from nkcorpus.build.release import build_release
from nkcorpus.schema.model import load_schema
from tests.fixtures import v1_documents, v1_exports


def _build(
    dataset: Path, cache: Path | None, documents=None, memo: Path | None = None
) -> tuple[Path, list[str]]:
    said: list[str] = []
    summary = build_release(
        "1.0.0", v1_exports(), dataset, documents=documents or v1_documents(),
        progress=False, cache=cache, task_memo=memo, echo=said.append,
    )  # fmt: skip
    return summary.folder, [line for line in said if line.startswith("reused")]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder, said = _build(tmp_path_factory.mktemp("cold"), None)
    assert said == []  # no cache, nothing said about one
    return _files(folder)


def test_part_cache_filled_then_reused_same_bytes(tmp_path: Path, cold: dict) -> None:
    cache = tmp_path / "cache"
    first, said = _build(tmp_path / "a", cache)
    assert said == [f"reused 0 of 4 document(s) from {cache}"]
    assert len(list(cache.rglob("*.part"))) == 4
    second, said = _build(tmp_path / "b", cache)
    assert said == [f"reused 4 of 4 document(s) from {cache}"]
    assert _files(first) == cold
    assert _files(second) == cold


def test_task_memo_filled_then_reused_same_bytes(tmp_path: Path, cold: dict) -> None:
    """Every task's checks come from the memo the second time; the same release."""
    memo = tmp_path / "memo"
    first, said = _build(tmp_path / "a", None, memo=memo)
    tasks = len(list(memo.rglob("*.task")))
    assert tasks >= 4 and said == [f"reused 0 of {tasks} task check(s) from {memo}"]
    second, said = _build(tmp_path / "b", None, memo=memo)
    assert said == [f"reused {tasks} of {tasks} task check(s) from {memo}"]
    assert _files(first) == cold
    assert _files(second) == cold


def test_part_cache_changed_document_made_again(tmp_path: Path) -> None:
    """One document's provenance changed: 3 reused, 1 made; same bytes as cold."""
    cache = tmp_path / "cache"
    _build(tmp_path / "a", cache)
    documents = v1_documents()
    changed = sorted(d.doc_id for d in documents)[0]
    documents = [
        d.model_copy(update={"title": "A new title"}) if d.doc_id == changed else d
        for d in documents
    ]
    warm, said = _build(tmp_path / "b", cache, documents)
    assert said == [f"reused 3 of 4 document(s) from {cache}"]
    cold, _ = _build(tmp_path / "c", None, documents)
    assert _files(warm) == _files(cold)
    assert _files(warm) != _files(_build(tmp_path / "d", None)[0])  # the change is released


def test_part_cache_damaged_entry_is_made_again(tmp_path: Path, cold: dict) -> None:
    cache = tmp_path / "cache"
    _build(tmp_path / "a", cache)
    entry = sorted(cache.rglob("*.part"))[0]
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF  # one flipped bit inside the DocBin
    entry.write_bytes(bytes(data))
    again, said = _build(tmp_path / "b", cache)
    assert said == [f"reused 3 of 4 document(s) from {cache}"]
    assert _files(again) == cold
    assert PartCache(cache).load(entry.stem) is not None  # rewritten whole


def test_part_cache_key_follows_code_and_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = v1_documents()
    schema = load_schema()
    job = DocumentJob(documents[0], _gold(documents[0].doc_id), [], "train", None, None)
    key = job_key(job, schema)
    assert job_key(job, schema) == key
    other = DocumentJob(documents[0], _gold(documents[0].doc_id), [], "test", None, None)
    assert job_key(other, schema) != key  # the split is part of the rows
    monkeypatch.setattr(part_cache, "code_fingerprint", lambda: "edited code")
    assert job_key(job, schema) != key


def _gold(doc_id: str):
    from nkcorpus.build.report import GoldDocument

    return GoldDocument(doc_id=doc_id, task_id=1, file="x.json", spans=[], relations=[])


def test_part_cache_key_ignores_where_the_gold_was_read() -> None:
    """The same gold read from a new export file (the next pull) is the same part."""
    document = v1_documents()[0]
    gold = _gold(document.doc_id)
    moved = gold.model_copy(update={"file": "annotation/exports/export-next.json"})
    schema = load_schema()
    key = job_key(DocumentJob(document, gold, [], "train", None, None), schema)
    assert job_key(DocumentJob(document, moved, [], "train", None, None), schema) == key


@pytest.mark.parametrize("which", ["parts", "tasks"])
def test_unwritable_cache_is_b332_and_releases_nothing(tmp_path: Path, which: str) -> None:
    """A file where the cache folder should be: B332 names it; no release, no debris."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    folder = blocked / "cache"
    with pytest.raises(BuildError, match=r"\[B332\] cannot write the build cache entry .*a-file"):
        _build(tmp_path / "ds", folder if which == "parts" else None,
               memo=folder if which == "tasks" else None)  # fmt: skip
    left = [p.name for p in (tmp_path / "ds").iterdir()]
    assert not [name for name in left if name.startswith(("v", ".building"))], left
