"""The latest committed release, used as an ML engineer uses it, from a copy of the
release folder alone (as the Hub would serve it): the card's own load example and
evaluation snippet run in a Python that has only `datasets`; the DocBins are read
with plain spaCy and joined to the Parquet rows; the Croissant file is read with
mlcroissant; the card's YAML holds only Hub dataset-card metadata."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import spacy
from spacy.tokens import DocBin

from nkcorpus.build.baseline import BaselineFacts
from nkcorpus.build.bookkeeping import released_versions
from nkcorpus.paths import dataset_dir
from tests.build.test_baseline import _expected_output
from tests.build.test_card import _hub_problems
from tests.build.test_committed_release import configs_of, run_with_datasets_only

LATEST = released_versions(dataset_dir())[-1]


@pytest.fixture
def alone(tmp_path: Path) -> Path:
    return shutil.copytree(LATEST, tmp_path / "hub-copy")


def _code_block_after(card: str, heading: str) -> str:
    section = card[card.index(heading) :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_latest_release_card_evaluation_snippet_reproduces_its_baseline(
    datasets_only_python: Path, alone: Path, tmp_path: Path
) -> None:
    card = (alone / "README.md").read_text(encoding="utf-8")
    snippet = _code_block_after(card, "## Evaluation Protocol")
    path_line = re.search(r'^PATH = "[^"]*"', snippet, re.M)
    assert path_line, "the card's snippet names the release folder in PATH"
    code = snippet.replace(path_line.group(0), f"PATH = {str(alone)!r}")
    printed = run_with_datasets_only(datasets_only_python, tmp_path, "-c", code)
    manifest = json.loads((alone / "MANIFEST.json").read_text(encoding="utf-8"))
    baseline = BaselineFacts.model_validate(manifest["baseline"])
    assert printed == _expected_output(baseline)
    # the card's table shows the same test figure as the manifest (ALL exact F1)
    test_all = next(s for s in baseline.test if s.label == "ALL")
    assert f"| ALL | {test_all.gold} | {test_all.predicted} |" in card
    assert f"{test_all.exact.f1:.4f}" in card


def test_latest_release_card_load_example_runs_on_the_folder_alone(
    datasets_only_python: Path, alone: Path, tmp_path: Path
) -> None:
    card = (alone / "README.md").read_text(encoding="utf-8")
    example = _code_block_after(card, "## Dataset Summary")
    source = re.search(r'^SOURCE = "[^"]*"', example, re.M)
    assert source, "the load example names the folder or repo in SOURCE"
    code = example.replace(source.group(0), f"SOURCE = {str(alone)!r}")
    code += "\nprint(sum(len(split) for split in documents.values()))\n"
    printed = run_with_datasets_only(datasets_only_python, tmp_path, "-c", code)
    manifest = json.loads((alone / "MANIFEST.json").read_text(encoding="utf-8"))
    assert printed.strip().splitlines()[-1] == str(len(manifest["splits"]))


def _documents_rows(folder: Path) -> dict[str, dict]:
    rows = {}
    for path in sorted((folder / "data" / "documents").glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            rows[row["doc_id"]] = row
    return rows


def test_latest_release_docbins_join_the_parquet_rows(alone: Path) -> None:
    rows = _documents_rows(alone)
    manifest = json.loads((alone / "MANIFEST.json").read_text(encoding="utf-8"))
    vocab = spacy.blank("en").vocab
    seen = set()
    for path in sorted((alone / "spacy").glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            doc_id = doc.user_data["doc_id"]
            seen.add(doc_id)
            row = rows[doc_id]
            assert doc.text == row["text"]
            assert doc.user_data["split"] == path.stem == manifest["splits"][doc_id]
            assert doc.user_data["fold"] == row["fold"]
            parquet_spans = {s["id"]: (s["start"], s["end"]) for s in row["spans"]}
            assert {e.id_: (e.start_char, e.end_char) for e in doc.ents} == parquet_spans
            for span in doc.user_data["spans"]:
                assert doc.text[span["start"] : span["end"]] == span["text"]
            pairs = {(r["head"], r["tail"]) for r in doc.user_data["relations"]}
            assert pairs == {(r["head"], r["tail"]) for r in row["relations"]}
    assert seen == set(rows)


def test_latest_release_croissant_reads_with_mlcroissant(alone: Path) -> None:
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=alone / "croissant.json")
    record_sets = {r.name for r in dataset.metadata.record_sets}
    assert set(configs_of(alone)) <= record_sets
    records = list(dataset.records(record_set="documents"))
    assert len(records) == len(_documents_rows(alone))


def test_latest_release_card_yaml_holds_only_hub_metadata(alone: Path) -> None:
    card = (alone / "README.md").read_text(encoding="utf-8")
    assert _hub_problems(card) == []
    for name in ("LICENSE", "DATASHEET.md", "GUIDELINES.md", "sources.yaml", "CITATION.cff"):
        assert (alone / name).is_file(), f"the card points to {name}; it must be in the folder"
