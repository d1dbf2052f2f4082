"""Agreement figures in a release: card and MANIFEST.json carry them, with
intervals and the number of documents, when released documents have two or
more annotators; a release without any keeps the one-annotation note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nkcorpus.build.release import build_release
from nkcorpus.corpus.release import select_released
from nkcorpus.schema.review import ACCEPT, REVIEW_CONTROL
from tests.build import annotation, documents, good_result, task, write_export

REVIEWER = 9
MARK = {"type": "choices", "from_name": REVIEW_CONTROL, "to_name": "text",
        "value": {"choices": [ACCEPT]}}  # fmt: skip


def _released_first() -> object:
    return select_released(documents()).released[0]


def _build(tmp_path: Path, annotations: list[dict]) -> Path:
    doc = _released_first()
    export = write_export(tmp_path / "export.json", [task(1, doc, annotations)])
    summary = build_release(
        "1.0.0",
        [export],
        tmp_path / "dataset",
        documents=documents(),
        reviewers=frozenset({REVIEWER}),
        progress=False,
    )
    return summary.folder


def test_agreement_two_annotators_and_an_accepted_copy_give_figures(tmp_path: Path) -> None:
    doc = _released_first()
    text = doc.text
    full = good_result(text)
    # the second annotator misses the STATISTIC region "s1" and its relation
    partial = [i for i in full if "s1" not in (i.get("id"), i.get("from_id"), i.get("to_id"))]
    folder = _build(
        tmp_path,
        [
            annotation(11, full, completed_by=3),
            annotation(12, partial, completed_by=4),
            annotation(13, [*full, MARK], completed_by=REVIEWER),
        ],
    )
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    agreement = manifest["agreement"]
    assert (agreement["documents"], agreement["annotators"]) == (1, 2)
    # 4 spans against 3, 3 matched: F1 = 2 * 3 / (4 + 3) = 6/7
    assert agreement["figures"]["spans.exact.ALL"]["value"] == pytest.approx(6 / 7)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "Inter-annotator agreement, measured on the 1 released document(s)" in card
    assert "| span F1, exact match | 0.857 |" in card
    assert "so no inter-annotator agreement exists" not in card


def test_agreement_one_annotation_per_document_keeps_the_note(tmp_path: Path) -> None:
    doc = _released_first()
    folder = _build(tmp_path, [annotation(11, good_result(doc.text), gold=True, completed_by=3)])
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    assert "agreement" not in manifest
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "each document has one annotation, so no inter-annotator agreement exists" in card
