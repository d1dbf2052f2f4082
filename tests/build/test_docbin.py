"""The DocBins, read back with plain spaCy, join to the Parquet rows of `documents`."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import pytest
import spacy
from spacy.tokens import DocBin

from nkcorpus.build.docbin import DOCBIN_ATTRS, USER_DATA_KEYS, DocBinWriter
from nkcorpus.build.release_files import table_path, write_docbins, write_tables
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.release import select_released
from nkcorpus.paths import dataset_dir
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import load_schema
from tests.fixtures import v1_documents, v1_exports

# Hand-made folds (the real ones come from nkcorpus.build.folds): 002 is the test document.
FOLDS = {"000_610f827a1a73c6d9": 1, "003_8619a8974c0e0bd4": 0, "004_cf81856647957af6": 2}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tables and DocBins of v1.0.0's gold (the fixture), with v1.0.0's splits."""
    folder = tmp_path_factory.mktemp("release")
    schema = load_schema()
    documents = v1_documents()
    report = validate_exports(v1_exports(), documents=documents, schema=schema)
    splits = json.loads((dataset_dir() / "v1.0.0" / "MANIFEST.json").read_text())["splits"]
    released = [d for d in select_released(documents).released if d.doc_id in splits]
    tables = write_tables(folder, released, report, splits, schema, lambda _: None, folds=FOLDS)
    write_docbins(folder, tables.docbins)
    return folder


def _documents(release: Path, split: str) -> dict[str, dict[str, Any]]:
    features = schema_to_features(load_schema())["documents"]
    rows = pq.read_table(release / table_path("documents", split)).to_pylist()
    out = {}
    for row in rows:
        spans = [
            {key: _name(features["spans"].feature[key], value) for key, value in span.items()}
            for span in row["spans"]
        ]
        relations = [
            {**r, "type": features["relations"].feature["type"].int2str(r["type"])}
            for r in row["relations"]
        ]
        out[row["doc_id"]] = {**row, "spans": spans, "relations": relations}
    return out


def _name(feature: Any, value: Any) -> Any:
    if isinstance(feature, datasets.ClassLabel) and value is not None:
        return feature.int2str(value)
    if isinstance(feature, datasets.List) and isinstance(feature.feature, datasets.ClassLabel):
        return [feature.feature.int2str(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """msgpack gives tuples back for lists."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("split", ["train", "test"])
def test_docbin_spans_and_relations_join_the_documents_rows(release: Path, split: str) -> None:
    parquet = _documents(release, split)
    docs = list(DocBin().from_disk(release / "spacy" / f"{split}.spacy")
                .get_docs(spacy.blank("en").vocab))  # fmt: skip
    assert sorted(doc.user_data["doc_id"] for doc in docs) == sorted(parquet)
    for doc in docs:
        assert set(USER_DATA_KEYS) <= set(doc.user_data)
        row = parquet[doc.user_data["doc_id"]]
        assert doc.user_data["split"] == split
        assert doc.user_data["fold"] == row["fold"] == FOLDS.get(row["doc_id"])
        assert doc.text == row["text"]
        spans = {span["id"]: span for span in row["spans"]}
        for group in (list(doc.ents), list(doc.spans["sc"])):
            joined = [spans[ent.id_] for ent in group]  # the join key: (doc_id, Span.id_)
            assert [(s["start"], s["end"], s["label"], s["text"]) for s in joined] == [
                (ent.start_char, ent.end_char, ent.label_, ent.text) for ent in group
            ]
            assert len(group) == len(spans)
        # attributes and relations: user_data equals the Parquet row, field for field
        assert _plain(doc.user_data["spans"]) == row["spans"]
        assert _plain(doc.user_data["relations"]) == row["relations"]


def test_docbin_counts_match_the_release(release: Path) -> None:
    vocab = spacy.blank("en").vocab
    docs = [d for p in sorted((release / "spacy").glob("*.spacy"))
            for d in DocBin().from_disk(p).get_docs(vocab)]  # fmt: skip
    # README: 56 PERSON + 75 CROSSING + 22 MOTIVE + 11 STATISTIC spans, 84 relations
    assert sum(len(d.ents) for d in docs) == 56 + 75 + 22 + 11
    assert sum(len(d.user_data["relations"]) for d in docs) == 84
    roles = [s["roles"] for d in docs for s in d.user_data["spans"] if s["label"] == "PERSON"]
    assert len(roles) == 56 and all(roles)  # every PERSON carries its roles


def _one_doc_bins(nlp: spacy.language.Language, texts: list[str]) -> list[bytes]:
    out = []
    for number, text in enumerate(texts):
        doc = nlp(text)
        doc.ents = [doc.char_span(0, len(doc[0].text), label="PERSON")] if len(doc) else []
        doc.user_data.update({"doc_id": f"d{number}", "split": "train", "spans": []})
        single = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
        single.add(doc)
        out.append(single.to_bytes())
    return out


def test_streamed_docbin_equals_spacys_merge(tmp_path: Path) -> None:
    """The writer's files are the bytes of spaCy's own DocBin.merge + to_bytes,
    for a split of many documents (files larger than a read of the spill) and
    one of a single document; its spill folder is gone afterwards."""
    nlp = spacy.blank("en")
    words = [f"w{i}" for i in range(3000)]
    texts = [" ".join(words[i : i + 400 + i % 7]) + "\n" for i in range(0, 2400, 40)]
    bins = {"train": _one_doc_bins(nlp, texts), "test": _one_doc_bins(nlp, ["Kim fled."])}
    writer = DocBinWriter(tmp_path / "spill")
    for split, datas in bins.items():
        for data in datas:
            writer.add_bytes(split, data)
    written = writer.write(tmp_path / "spacy")
    assert [p.name for p in written] == ["test.spacy", "train.spacy"]
    assert not (tmp_path / "spill").exists()
    for split, datas in bins.items():
        merged = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
        for data in datas:
            merged.merge(DocBin(store_user_data=True).from_bytes(data))
        assert (tmp_path / "spacy" / f"{split}.spacy").read_bytes() == merged.to_bytes()
    assert len((tmp_path / "spacy" / "train.spacy").read_bytes()) > 0
    docs = list(DocBin().from_disk(tmp_path / "spacy" / "train.spacy").get_docs(nlp.vocab))
    assert [d.text for d in docs] == texts


def test_docbin_writer_refuses_other_attrs(tmp_path: Path) -> None:
    doc = spacy.blank("en")("Kim fled.")
    other = DocBin(attrs=["ORTH"], store_user_data=True)
    other.add(doc)
    with pytest.raises(ValueError, match="not those of DOCBIN_ATTRS"):
        DocBinWriter(tmp_path / "spill").add_bytes("train", other.to_bytes())


@pytest.mark.parametrize("with_spans", [True, False])
def test_doc_to_docbin_is_what_docbin_add_makes(with_spans: bool) -> None:
    """On every cleaned seed (sentences, entities with ids, span groups, user
    data) and an empty text: the map `DocBin.add` + `to_bytes` serialise."""
    from nkcorpus.build.docbin import doc_to_docbin
    from nkcorpus.build.tables import sentence_nlp
    from nkcorpus.corpus.documents import load_documents

    nlp = sentence_nlp()
    texts = [d.text for d in load_documents()] + ["", " \n "]
    for number, text in enumerate(texts):
        doc = nlp(text)
        if with_spans and len(doc) > 3:
            spans = [
                doc.char_span(doc[i].idx, doc[i].idx + len(doc[i]), label=label, span_id=f"s{i}")
                for i, label in ((0, "PERSON"), (3, "MOTIVE"))
            ]
            doc.ents = [s for s in spans if s is not None]
            doc.spans["sc"] = list(doc.ents)
        spans_data = [{"id": "s0", "roles": ["defector"]}]
        doc.user_data.update(
            {"doc_id": f"d{number}", "split": "test", "fold": 2, "spans": spans_data}
        )
        single = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
        single.add(doc)
        assert doc_to_docbin(doc) == zlib.decompress(single.to_bytes()), number
