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
    [record_set] = doc["recordSet"]
    fields = {f["name"]: f for f in record_set["field"]}
    assert list(fields) == list(FEATURES)
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
    assert not {"url", "datePublished", "citeAs"} & doc.keys()
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
    with pytest.raises(ValueError, match="sha256"):
        _build([ReleaseFile(files[0].path, "not-a-digest", "documents", "train")])
    with pytest.raises(ValueError, match="configs"):
        _build(files, features={"documents": FEATURES, "spans": FEATURES})
