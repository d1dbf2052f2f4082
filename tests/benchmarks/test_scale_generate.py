"""The synthetic exports of the scale benchmark (`benchmarks.scale.pool`,
`synth`, `generate`): offsets right, reproducible, valid for the project's
own validator."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from benchmarks.scale.generate import generate
from benchmarks.scale.pool import read_pool, text_to_blocks
from benchmarks.scale.synth import compose_document, pool_vocabulary
from nkcorpus.annotation.reviewers import load_reviewers
from nkcorpus.build.exports import read_exports
from nkcorpus.build.gold import split_annotations
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.documents import CleanDocument, load_documents
from nkcorpus.paths import default_exports


def _region(region_id: str, start: int, end: int, text: str, label: str = "PERSON") -> dict:
    value = {"start": start, "end": end, "text": text[start:end], "labels": [label]}
    return {"id": region_id, "type": "labels", "from_name": "label", "value": value}


def test_paragraphs_joined_by_a_relation_stay_in_one_block() -> None:
    text = "Kim fled.\n\nHe crossed.\n\nLee stayed."
    # paragraphs [0, 9), [11, 22), [24, 35); "Kim" [0, 3), "crossed" [14, 21), "Lee" [24, 27)
    gold = [
        _region("p", 0, 3, text),
        _region("c", 14, 21, text, "CROSSING"),
        _region("q", 24, 27, text),
        {"type": "relation", "from_id": "p", "to_id": "c", "labels": ["agent"]},
    ]
    blocks = text_to_blocks("d", text, gold, [])
    assert [b.text for b in blocks] == ["Kim fled.\n\nHe crossed.", "Lee stayed."]
    assert [[(r.id, r.start, r.end) for r in b.gold] for b in blocks] == [
        [("p", 0, 3), ("c", 14, 21)],
        [("q", 0, 3)],  # 24 - 24
    ]
    assert [len(b.gold_relations) for b in blocks] == [1, 0]
    for block in blocks:
        for region in block.gold:
            assert block.text[region.start : region.end] == region.items[0]["value"]["text"]


@pytest.fixture(scope="module")
def pool() -> list:
    return read_pool(default_exports(), load_documents())


def test_the_pool_keeps_the_committed_gold_with_offsets_into_each_block(pool: list) -> None:
    reviewed = load_reviewers().ids
    gold = {
        t.data["doc_id"]
        for t in read_exports(default_exports())
        if split_annotations(t.task, reviewers=reviewed).gold is not None
    }
    assert {b.source for b in pool} == gold  # every reviewed document gives blocks
    assert sum(len(b.gold) for b in pool) >= 150  # v1.0.0 alone had 164 gold regions
    for block in pool:
        for region in (*block.gold, *block.predicted):
            for item in region.items:
                assert block.text[region.start : region.end] == item["value"]["text"]


def test_a_composed_document_moves_every_region_to_its_new_text(pool: list) -> None:
    rng = random.Random(7)
    document = compose_document(pool, rng, 4000, pool_vocabulary(pool), rate=0.3)
    assert len(document.text) >= 4000
    for result in (document.gold, document.predicted):
        ids = {i["id"] for i in result if i.get("type") != "relation"}
        for item in result:
            if item.get("type") == "relation":
                assert {item["from_id"], item["to_id"]} <= ids
            else:
                value = item["value"]
                assert document.text[value["start"] : value["end"]] == value["text"]
    assert document.gold_regions >= 20


def _read(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "generation.json"  # it records the seconds taken
    }


def test_generation_is_reproducible_and_valid(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 6, seed=3, tasks_per_file=4)
    generate(tmp_path / "b", 6, seed=3, tasks_per_file=4)
    assert _read(tmp_path / "a") == _read(tmp_path / "b")  # same seed, same bytes
    assert [Path(p).name for p in first["base_exports"]] == ["export-00001.json",
                                                             "export-00002.json"]  # fmt: skip
    rows = [json.loads(line) for line in (tmp_path / "a" / "documents.jsonl").open()]
    documents = [CleanDocument(**row) for row in rows]
    # 6 tasks, and one truncated copy (0.5% of 6 rounds to 0: at least one)
    assert (first["tasks"], first["documents"], len(documents)) == (6, 7, 7)
    copies = [d for d in documents if d.group != d.doc_id]
    assert [d.doc_id for d in copies] == first["copies"]
    original = next(d for d in documents if d.doc_id == copies[0].group)
    assert original.text.startswith(copies[0].text) and len(original.text) > len(copies[0].text)
    base = [Path(p) for p in first["base_exports"]]
    report = validate_exports(base, documents=documents, reviewers=frozenset())
    assert report.problems == [] and len(report.gold) == 6
    variant = [Path(p) for p in first["variant_exports"]]
    changed = validate_exports(variant, documents=documents, reviewers=frozenset())
    assert changed.problems == []
    differ = [d for d in report.gold if report.gold[d].spans != changed.gold[d].spans]
    assert len(differ) == 1  # 1% of 6 tasks rounds to 0: at least one
    assert len(changed.gold[differ[0]].spans) == len(report.gold[differ[0]].spans) - 1
    seeds = tmp_path / "a" / "project" / "seeds"
    assert (seeds / f"{original.doc_id}.txt").read_text("utf-8") == original.text + "\n"
    assert load_documents(seeds) == documents  # the seeds clean to the same documents


def test_documents_only_generation_writes_the_same_documents(tmp_path: Path) -> None:
    """`generate_documents` (for 100,000 documents without 7 GB of exports)
    writes the seeds, manifest and documents.jsonl that `generate` writes."""
    from benchmarks.scale.generate_documents import generate_documents

    generate(tmp_path / "full", 6, seed=3, tasks_per_file=4)
    facts = generate_documents(tmp_path / "docs", 6, seed=3)
    assert facts["documents_only"] is True
    full, docs = tmp_path / "full", tmp_path / "docs"
    names = ["documents.jsonl", "project/seeds/manifest.yaml"]
    names += sorted(
        p.relative_to(full).as_posix() for p in (full / "project" / "seeds").rglob("*.txt")
    )
    assert len(names) > 2
    for name in names:
        assert (docs / name).read_bytes() == (full / name).read_bytes(), name
