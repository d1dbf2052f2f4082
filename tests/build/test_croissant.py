from __future__ import annotations

import hashlib
import json
import logging
import socket
from pathlib import Path
from typing import Any

import datasets
import mlcroissant
import pytest
from datasets import ClassLabel, List, Value

from nkcorpus.build.card_metadata import HOMEPAGE
from nkcorpus.build.croissant import (
    CROISSANT_1_1,
    RAI_1_0,
    ReleaseFile,
    release_to_croissant,
)

FEATURES = datasets.Features(
    {
        "doc_id": Value("string"),
        "start": Value("int32"),
        "label": ClassLabel(names=["A", "B"]),
        "spans": List({"id": Value("string"), "start": Value("int32")}),
        "tags": List(ClassLabel(names=["x", "y"])),
        "outlet": {"name": Value("string"), "year": Value("int64")},
    }
)
ROWS = {
    "train": [
        {
            "doc_id": "d1",
            "start": 1,
            "label": 0,
            "spans": [{"id": "s1", "start": 3}],
            "tags": [1],
            "outlet": {"name": "Daily NK", "year": 2024},
        },
        {
            "doc_id": "d2",
            "start": 2,
            "label": 1,
            "spans": [],
            "tags": [],
            "outlet": {"name": "연합뉴스", "year": 2025},
        },
    ],
    "test": [
        {
            "doc_id": "d3",
            "start": 5,
            "label": 1,
            "spans": [{"id": "s2", "start": 7}, {"id": "s3", "start": 9}],
            "tags": [0, 1],
            "outlet": {"name": "NK News", "year": 2023},
        }
    ],
}
RAI = {
    "rai:dataCollection": "News articles collected from public web pages.",
    "rai:dataAnnotationProtocol": "Spans marked by two annotators, then adjudicated.",
    "rai:dataAnnotationPlatform": "Label Studio",
    "rai:dataBiases": "Over-represents outlets that publish in English.",
    "rai:personalSensitiveInformation": "Names of public figures.",
    "rai:dataUseCases": "Span extraction research.",
    "rai:dataLimitations": "Small; not a representative sample.",
}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """mlcroissant must read the local release only, never fetch anything."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def _build(files: list[ReleaseFile], **changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "name": "nk-defector-corpus",
        "version": "0.1.0",
        "description": "A small span-annotated news dataset.",
        "license": "https://spdx.org/licenses/CC-BY-4.0.html",
        "url": "https://example.org/nk-defector-corpus",
        "date_published": "2026-01-15",
        "citation": "@misc{nkcorpus, title={NK defector corpus}}",
        "files": files,
        "features": {"documents": FEATURES},
        "rai": RAI,
    }
    return release_to_croissant(**{**arguments, **changes})


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, list[ReleaseFile]]:
    """A release folder with the documents table in two Parquet files."""
    files = []
    for split, rows in ROWS.items():
        relative = f"data/documents/{split}-00000-of-00001.parquet"
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        datasets.Dataset.from_list(rows, features=FEATURES).to_parquet(str(path))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append(ReleaseFile(relative, digest, "documents", split))
    return tmp_path, files


def _write(folder: Path, doc: dict[str, Any]) -> Path:
    path = folder / "croissant.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_croissant_validates_cleanly_with_mlcroissant(
    release: tuple[Path, list[ReleaseFile]], caplog: pytest.LogCaptureFixture
) -> None:
    folder, files = release
    with caplog.at_level(logging.WARNING):
        dataset = mlcroissant.Dataset(jsonld=_write(folder, _build(files)))
    issues = dataset.metadata.ctx.issues
    assert issues.errors == set()
    assert issues.warnings == set()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    metadata = dataset.metadata
    assert metadata.ctx.is_v1_1()
    assert metadata.data_collection == RAI["rai:dataCollection"]
    assert metadata.data_biases == [RAI["rai:dataBiases"]]


def test_croissant_records_read_back(release: tuple[Path, list[ReleaseFile]]) -> None:
    folder, files = release
    dataset = mlcroissant.Dataset(jsonld=_write(folder, _build(files)))
    records = list(dataset.records("documents"))
    by_id = {r["documents/doc_id"].decode(): r for r in records}
    assert sorted(by_id) == ["d1", "d2", "d3"]
    assert by_id["d1"]["documents/start"] == 1
    assert by_id["d2"]["documents/label"] == 1
    assert by_id["d2"]["documents/spans"] == []
    assert by_id["d3"]["documents/tags"] == [0, 1]
    assert by_id["d2"]["documents/outlet"] == {
        "documents/outlet/name": "연합뉴스".encode(),
        "documents/outlet/year": 2025,
    }
    spans = by_id["d3"]["documents/spans"]
    assert [(s["documents/spans/id"], s["documents/spans/start"]) for s in spans] == [
        (b"s2", 7),
        (b"s3", 9),
    ]


def test_croissant_describes_files_fields_and_rai(
    release: tuple[Path, list[ReleaseFile]],
) -> None:
    _, files = release
    doc = _build(files)
    assert doc["conformsTo"] == [CROISSANT_1_1, RAI_1_0]
    assert doc["@context"]["rai"] == "http://mlcommons.org/croissant/RAI/"
    assert all(doc[key] == value for key, value in RAI.items())
    objects = [d for d in doc["distribution"] if d["@type"] == "cr:FileObject"]
    assert [(o["contentUrl"], o["sha256"]) for o in objects] == sorted(
        (f.path, f.sha256) for f in files
    )
    [file_set] = [d for d in doc["distribution"] if d["@type"] == "cr:FileSet"]
    assert file_set["includes"] == "data/documents/*.parquet"
    [record_set] = [r for r in doc["recordSet"] if r["@id"] == "documents"]
    fields = {f["name"]: f for f in record_set["field"]}
    assert list(fields) == ["split", *FEATURES]  # the split field first (see the split test)
    assert fields["doc_id"]["dataType"] == "sc:Text"
    assert fields["label"]["dataType"] == "sc:Integer"
    assert "0=A, 1=B" in fields["label"]["description"]
    assert fields["spans"]["isArray"] is True
    assert (fields["tags"]["dataType"], fields["tags"]["arrayShape"]) == ("sc:Integer", "-1")
    assert [s["name"] for s in fields["outlet"]["subField"]] == ["name", "year"]
    assert [s["source"]["transform"]["jsonPath"] for s in fields["spans"]["subField"]] == [
        "id",
        "start",
    ]


def test_croissant_is_deterministic(release: tuple[Path, list[ReleaseFile]]) -> None:
    _, files = release
    first = _build(files)
    first["@context"]["cr"] = "tampered"  # the caller's copy, not a shared constant
    second = _build(list(reversed(files)))
    third = _build(files)
    assert json.dumps(second, sort_keys=True) == json.dumps(third, sort_keys=True)
    assert second["@context"]["cr"] == "http://mlcommons.org/croissant/"


def test_croissant_optional_metadata_is_left_out(
    release: tuple[Path, list[ReleaseFile]],
) -> None:
    _, files = release
    doc = _build(files, url=None, date_published=None, citation=None, rai={})
    assert not {"url", "datePublished", "citeAs", "creator", "keywords", "inLanguage"} & doc.keys()
    assert doc["conformsTo"] == CROISSANT_1_1


@pytest.mark.parametrize(
    ("feature", "column"),
    [
        ({"doc_id": Value("string"), "blob": datasets.Image()}, "'blob'"),
        ({"when": Value("timestamp[s]")}, "'when'"),
        ({"spans": List({"id": Value("binary")})}, "'spans.id'"),
    ],
)
def test_croissant_unknown_feature_type_raises_type_error_naming_column(
    release: tuple[Path, list[ReleaseFile]], feature: dict[str, Any], column: str
) -> None:
    _, files = release
    with pytest.raises(TypeError, match=f"column {column}"):
        _build(files, features={"documents": datasets.Features(feature)})


def test_croissant_rejects_unknown_rai_key(release: tuple[Path, list[ReleaseFile]]) -> None:
    _, files = release
    with pytest.raises(ValueError, match="rai:dataBias"):
        _build(files, rai={"rai:dataBias": "typo"})


def test_croissant_rejects_files_outside_the_config_glob(
    release: tuple[Path, list[ReleaseFile]],
) -> None:
    _, files = release
    stray = ReleaseFile("data/train.parquet", files[0].sha256, "documents", "train")
    with pytest.raises(ValueError, match="data/documents"):
        _build([*files, stray])
    with pytest.raises(ValueError, match="split"):
        _build([ReleaseFile(files[0].path, files[0].sha256, "documents", "dev")])
    train = next(f for f in files if f.split == "train")  # its name says train, not test
    with pytest.raises(ValueError, match="must start with its split, 'test'-"):
        _build([ReleaseFile(train.path, train.sha256, "documents", "test")])
    with pytest.raises(ValueError, match="sha256"):
        _build([ReleaseFile(files[0].path, "not-a-digest", "documents", "train")])
    with pytest.raises(ValueError, match="configs"):
        _build(files, features={"documents": FEATURES, "spans": FEATURES})


def _record_set(doc: dict[str, Any], record_set: str) -> dict[str, Any]:
    [found] = [r for r in doc["recordSet"] if r["@id"] == record_set]
    return found


def test_croissant_split_is_a_field_of_every_record_set(
    release: tuple[Path, list[ReleaseFile]],
) -> None:
    """The spec's Splits pattern: a `cr:Split` record set, and a `split` field read from
    each file's path that references it; mlcroissant filters records by it."""
    folder, files = release
    doc = _build(files)
    splits = _record_set(doc, "splits")
    assert splits["dataType"] == "cr:Split"
    assert splits["data"] == [
        {"splits/name": "train", "splits/url": "cr:TrainingSplit"},
        {"splits/name": "test", "splits/url": "cr:TestSplit"},
    ]
    split = _record_set(doc, "documents")["field"][0]
    assert split["references"] == {"field": {"@id": "splits/name"}}
    assert split["source"]["extract"] == {"fileProperty": "fullpath"}
    dataset = mlcroissant.Dataset(jsonld=_write(folder, doc))
    records = list(dataset.records("documents"))
    assert sorted((r["documents/split"], r["documents/doc_id"]) for r in records) == [
        (b"test", b"d3"), (b"train", b"d1"), (b"train", b"d2")
    ]  # fmt: skip
    test = list(dataset.records("documents", filters={"documents/split": "test"}))
    assert [r["documents/doc_id"] for r in test] == [b"d3"]


def test_croissant_class_labels_are_named_by_enumeration_record_sets(
    release: tuple[Path, list[ReleaseFile]],
) -> None:
    folder, files = release
    features = datasets.Features(
        {
            **FEATURES,
            "spans": List({"id": Value("string"), "label": ClassLabel(names=["A", "B"])}),
        }
    )
    for file in files:  # the Parquet files must hold what the features say
        path = folder / file.path
        rows = [{**row, "spans": [{"id": "s", "label": 1}]} for row in ROWS[file.split]]
        datasets.Dataset.from_list(rows, features=features).to_parquet(str(path))
    files = [
        ReleaseFile(f.path, hashlib.sha256((folder / f.path).read_bytes()).hexdigest(),
                    f.config, f.split)
        for f in files
    ]  # fmt: skip
    doc = _build(files, features={"documents": features})
    # `label` and `spans.label` share their names, so one enumeration; `tags` has its own
    label = _record_set(doc, "class-label")
    assert label["dataType"] == "sc:Enumeration"
    assert label["key"] == {"@id": "class-label/index"}
    assert label["data"] == [
        {"class-label/index": 0, "class-label/name": "A"},
        {"class-label/index": 1, "class-label/name": "B"},
    ]
    assert "documents.label, documents.spans.label" in label["description"]
    assert _record_set(doc, "class-tags")["data"][1] == {
        "class-tags/index": 1,
        "class-tags/name": "y",
    }
    fields = {f["name"]: f for f in _record_set(doc, "documents")["field"]}
    nested = {f["name"]: f for f in fields["spans"]["subField"]}["label"]
    assert nested["references"] == {"field": {"@id": "class-label/index"}}
    # top-level class labels name their enumeration instead (see croissant.py's docstring)
    assert "references" not in fields["label"]
    assert "record set 'class-label' (0=A, 1=B)" in fields["label"]["description"]
    dataset = mlcroissant.Dataset(jsonld=_write(folder, doc))
    assert (dataset.metadata.ctx.issues.errors, dataset.metadata.ctx.issues.warnings) == (
        set(),
        set(),
    )
    names = {r["class-label/index"]: r["class-label/name"] for r in dataset.records("class-label")}
    assert names == {0: "A", 1: "B"}
    test = list(dataset.records("documents", filters={"documents/split": "test"}))
    assert [s["documents/spans/label"] for s in test[0]["documents/spans"]] == [1]


def test_croissant_enumeration_ids_differ_where_names_differ() -> None:
    from nkcorpus.build.croissant_record_sets import enumeration_ids

    features = {
        "a": datasets.Features({"label": ClassLabel(names=["x"])}),
        "b": datasets.Features({"spans": List({"label": ClassLabel(names=["y"])})}),
    }
    assert enumeration_ids(features) == {
        ("a", "label"): "class-a-label",
        ("b", "spans.label"): "class-b-spans-label",
    }


def test_croissant_creator_keywords_language_and_descriptions(
    release: tuple[Path, list[ReleaseFile]],
) -> None:
    folder, files = release
    creator = {"@type": "sc:Organization", "name": "The maintainers"}
    doc = _build(
        files,
        creator=creator,
        keywords=["news", "ner"],
        in_language="en",
        descriptions={"documents": {"": "One row per document.", "spans.id": "The span id."}},
    )
    assert (doc["creator"], doc["keywords"], doc["inLanguage"]) == (creator, ["news", "ner"], "en")
    record_set = _record_set(doc, "documents")
    assert record_set["description"] == "One row per document."
    spans = {f["name"]: f for f in record_set["field"]}["spans"]
    assert [s["description"] for s in spans["subField"]] == [
        "The span id.",
        "Column 'spans.start'.",
    ]
    dataset = mlcroissant.Dataset(jsonld=_write(folder, doc))
    [organization] = dataset.metadata.creators
    assert organization.name == "The maintainers"
    assert dataset.metadata.cite_as == "@misc{nkcorpus, title={NK defector corpus}}"


def test_croissant_refuses_a_column_named_split(release: tuple[Path, list[ReleaseFile]]) -> None:
    _, files = release
    features = datasets.Features({**FEATURES, "split": Value("string")})
    with pytest.raises(ValueError, match=r"configs \['documents'\] have a column 'split'"):
        _build(files, features={"documents": features})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built from a one-document export (seed 000, every label once)."""
    return _build_release(tmp_path_factory.mktemp("built"))


def _build_release(folder: Path) -> Path:
    from nkcorpus.build.release import build_release
    from tests.build import annotation, documents, good_result, task, write_export

    doc = documents()[0]
    gold = annotation(11, good_result(doc.text), gold=True)  # updated_at 2026-01-01
    export = write_export(folder / "export.json", [task(1, doc, [gold])])
    summary = build_release(
        "1.0.0", [export], folder / "dataset", documents=documents(), progress=False
    )
    return summary.folder


def test_croissant_of_a_built_release_reads_every_record_set(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from nkcorpus.build.data_fields import schema_to_field_docs
    from nkcorpus.schema.model import load_schema

    with caplog.at_level(logging.WARNING):
        dataset = mlcroissant.Dataset(jsonld=built / "croissant.json")
        counts = {
            rs.uuid: len(list(dataset.records(rs.uuid))) for rs in dataset.metadata.record_sets
        }
        train = list(dataset.records("documents", filters={"documents/split": "train"}))
    assert (dataset.metadata.ctx.issues.errors, dataset.metadata.ctx.issues.warnings) == (
        set(),
        set(),
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    # one document, 17 sentences, one span per label (one CROSSING, one STATISTIC), no
    # prediction in the hand-made export; the span-label enumeration has the 4 labels
    assert {k: counts[k] for k in ("documents", "tokens", "crossings", "statistics")} == {
        "documents": 1, "tokens": 17, "crossings": 1, "statistics": 1
    }  # fmt: skip
    assert (counts["predictions"], counts["splits"], counts["class-label"]) == (0, 1, 4)
    [document] = train
    assert document["documents/split"] == b"train"
    labels = [s["documents/spans/label"] for s in document["documents/spans"]]
    assert labels == [0, 1, 2, 3]  # PERSON, CROSSING, MOTIVE, STATISTIC in text order
    # the field descriptions are the record models' (as the card's Data Fields)
    docs = {d.name: d for d in schema_to_field_docs(load_schema())}
    spans = next(f for f in dataset.metadata.record_sets if f.uuid == "documents")
    start = next(f for f in spans.fields if f.name == "spans").sub_fields[1]
    assert start.description == docs["documents.spans.start"].description


def test_croissant_of_a_built_release_cites_and_credits(built: Path) -> None:
    doc = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    assert doc["creator"] == {
        "@type": "sc:Organization",
        "name": "nk-defector-corpus maintainers",
        "url": HOMEPAGE,
    }
    assert doc["datePublished"] == "2026-01-01"
    assert doc["citeAs"].startswith("@misc{nk_defector_corpus_v1_0_0,\n")
    assert "  year = {2026},\n  version = {1.0.0},\n" in doc["citeAs"]
    assert doc["url"] == HOMEPAGE  # where `nkcorpus publish` uploads by default
    assert doc["inLanguage"] == "en" and "event-extraction" in doc["keywords"]


def test_croissant_of_a_built_release_takes_the_homepage_as_url(built: Path) -> None:
    import dataclasses

    from nkcorpus.build.changelog import release_facts
    from nkcorpus.build.croissant_files import release_croissant
    from nkcorpus.schema.model import load_schema

    facts = dataclasses.replace(release_facts(built), homepage="https://example.org/nk")
    doc = release_croissant(built, facts, load_schema(), "2026-01-01")
    assert doc["url"] == "https://example.org/nk"
    assert doc["creator"]["url"] == "https://example.org/nk"
    assert "  url = {https://example.org/nk},\n" in doc["citeAs"]


def test_croissant_of_a_built_release_is_byte_identical_on_rebuild(
    built: Path, tmp_path: Path
) -> None:
    again = _build_release(tmp_path)
    assert (again / "croissant.json").read_bytes() == (built / "croissant.json").read_bytes()
