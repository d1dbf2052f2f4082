"""The baseline: predictions read from the exports, scores on the test split
and the folds, the card's table, and the card's snippet run against a built
release (in a subprocess, with only `datasets`), printing the build's figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nkcorpus.build.baseline import (
    EVALUATION_SNIPPET,
    BaselineFacts,
    Prediction,
    baseline_predictions,
    baseline_scores,
    baseline_to_markdown,
    evaluation_protocol,
)
from nkcorpus.build.release import build_release
from nkcorpus.errors import ValidationFailed
from nkcorpus.paths import dataset_dir, default_exports
from nkcorpus.schema.model import load_schema
from nkcorpus.schema.records import schema_to_record_models
from tests.build import annotation, documents, good_result, region, relation, task, write_export
from tests.fixtures import v1_documents, v1_exports

LABELS = ["PERSON", "CROSSING", "MOTIVE", "STATISTIC"]
RELEASED = {
    "000_610f827a1a73c6d9",
    "002_f4fac74a6db6b90a",
    "003_8619a8974c0e0bd4",
    "004_cf81856647957af6",
}
MODEL = "nkcorpus-prelabel-0.1.0-patterns-c261a659633b"


def _prediction(result: list[dict], version: str = "rules-test") -> dict:
    return {"model_version": version, "score": 1.0, "result": result}


def test_baseline_predictions_of_the_committed_exports_are_shaped_as_gold_spans() -> None:
    texts = {d.doc_id: d.text for d in documents()}
    predictions = baseline_predictions(default_exports(), RELEASED)
    assert set(predictions) == RELEASED  # 001 (withheld) was not asked for
    # spans and relations per task, counted in the exports' last prediction of each task
    counts = {d: (len(p.spans), len(p.relations)) for d, p in predictions.items()}
    assert list(counts.values()) == [(33, 13), (50, 17), (34, 10), (25, 10)]
    span_keys = set(schema_to_record_models(load_schema()).span.model_fields)
    for doc_id, prediction in predictions.items():
        assert prediction.model_version == MODEL
        for span in prediction.spans:
            assert set(span) == span_keys
            assert texts[doc_id][span["start"] : span["end"]] == span["text"]
        ids = {span["id"] for span in prediction.spans}
        assert all({r["head"], r["tail"]} <= ids for r in prediction.relations)


def test_baseline_predictions_list_every_malformed_region_and_skip_tasks_without_one(
    tmp_path: Path,
) -> None:
    doc, other = documents()[0], documents()[3]
    bad = [
        *region(doc.text, "A man", "ALIEN", "p1"),  # B131: not a label of the schema
        relation("p1", "gone", "agent"),  # B141: points to a missing region
    ]
    first = task(1, doc, [annotation(1, good_result(doc.text), gold=True)])
    first["predictions"] = [_prediction(bad)]
    second = task(2, other, [])  # no prediction at all
    export = write_export(tmp_path / "export.json", [first, second])
    with pytest.raises(ValidationFailed, match="B221") as raised:
        baseline_predictions([export], [doc.doc_id, other.doc_id])
    assert [p[:6] for p in raised.value.problems] == ["[B131]", "[B141]"]
    first["predictions"] = [_prediction([]), _prediction(good_result(doc.text), "v2")]
    export = write_export(tmp_path / "export.json", [first, second])
    predictions = baseline_predictions([export], [doc.doc_id, other.doc_id])
    assert list(predictions) == [doc.doc_id]  # the task without prediction has none
    assert predictions[doc.doc_id].model_version == "v2"  # the last prediction is taken


def test_baseline_predictions_move_onto_the_released_text(tmp_path: Path) -> None:
    doc = documents()[0]
    first = task(1, doc, [annotation(1, good_result(doc.text), gold=True)])
    first["predictions"] = [_prediction(region(doc.text, "A man", "PERSON", "p1"))]
    export = write_export(tmp_path / "export.json", [first])
    new_text = "Intro. " + doc.text  # every offset moves by len("Intro. ") = 7
    (span,) = baseline_predictions([export], [doc.doc_id], texts={doc.doc_id: new_text})[
        doc.doc_id
    ].spans
    assert (span["start"], span["end"]) == (
        doc.text.index("A man") + 7,
        doc.text.index("A man") + 12,
    )
    assert new_text[span["start"] : span["end"]] == span["text"] == "A man"


def _span(label: str, start: int, end: int) -> dict:
    return {"label": label, "start": start, "end": end}


def test_baseline_scores_by_hand() -> None:
    gold = {
        "t": [_span("PERSON", 0, 3), _span("PERSON", 10, 15), _span("CROSSING", 4, 9)],
        "a": [_span("PERSON", 0, 3), _span("STATISTIC", 20, 22)],
        "b": [_span("CROSSING", 0, 5)],
    }
    predicted = [_span("PERSON", 0, 3), _span("PERSON", 11, 15), _span("CROSSING", 4, 9)]
    predictions = {
        "t": Prediction("t", "rules", [*predicted, _span("MOTIVE", 20, 25)], []),
        "a": Prediction("a", "rules", gold["a"], []),
    }  # "b" predicted nothing
    splits = {"t": "test", "a": "train", "b": "validation"}
    facts = baseline_scores(gold, predictions, splits, {"t": None, "a": 0, "b": 1}, LABELS)
    test = {s.label: s for s in facts.test}
    # PERSON: 1 of 2 predicted exact, 1 of 2 gold -> 0.5/0.5/0.5; overlap: [11,15) meets [10,15)
    assert (test["PERSON"].exact.f1, test["PERSON"].overlap.f1) == (0.5, 1.0)
    # MOTIVE: 0 gold, 1 predicted -> P 0 (scored: a false positive)
    assert (test["MOTIVE"].predicted, test["MOTIVE"].exact.precision) == (1, 0.0)
    # ALL: 2 exact of 4 predicted and 3 gold: P 0.5, R 0.6667, F1 2*0.5*(2/3)/(0.5+2/3) = 4/7
    assert (test["ALL"].exact.precision, test["ALL"].exact.recall) == (0.5, 0.6667)
    assert test["ALL"].exact.f1 == 0.5714
    mean = {m.label: m for m in facts.mean}
    # ALL: fold 0 (a) 1.0, fold 1 (b: 1 gold, nothing predicted) 0.0 -> mean 0.5 over 2 folds
    assert (mean["ALL"].folds, mean["ALL"].f1, mean["ALL"].recall) == (2, 0.5, 0.5)
    # MOTIVE has no gold and no prediction in either fold: no figure, no mean
    assert (mean["MOTIVE"].folds, mean["MOTIVE"].f1) == (0, None)
    assert (mean["CROSSING"].folds, mean["CROSSING"].f1) == (1, 0.0)  # fold 1 only
    assert facts.unpredicted == ["b"] and facts.scheme == "leave-one-group-out (2 folds)"
    table = baseline_to_markdown(facts)
    assert "| PERSON | 2 | 2 | 0.5000 | 0.5000 | 0.5000 | 1.0000 | 1.0000 | 1.0000 |" in table
    assert "| STATISTIC | 0 | 0 | - | - | - | - | - | - |" in table
    assert "| MOTIVE | - | - | - | - | - | - |" in table
    assert "| ALL | 1.0000 | 0.0000 | 0.5000 | 0.5000 | 0.5000 | 0.5000 |" in table
    assert "Folds: 0: a; 1: b." in table and "predicting nothing): b." in table
    assert "leave-one-group-out (2 folds)" in evaluation_protocol(facts, ["a: x -> y"])


def _f(prf: tuple[float, float, float] | None) -> str:
    return "-" if prf is None else "P {:.4f}  R {:.4f}  F1 {:.4f}".format(*prf)


def _expected_output(facts: BaselineFacts) -> str:
    """What the snippet must print, written from the build's figures."""

    def block(title: str, rows: list[tuple[str, tuple[float, float, float] | None]]) -> list[str]:
        return [title] + [f"  {label:<10} {_f(prf)}" for label, prf in rows]

    def figures(scores) -> list[tuple[str, tuple[float, float, float] | None]]:
        return [
            (
                s.label,
                (s.exact.precision, s.exact.recall, s.exact.f1) if s.gold + s.predicted else None,
            )
            for s in scores
        ]

    lines = block("test", figures(facts.test))
    for fold in facts.folds:
        lines += block(f"fold {fold.fold}", figures(fold.scores))
    mean = [(m.label, (m.precision, m.recall, m.f1) if m.folds else None) for m in facts.mean]
    lines += block(f"mean over {len(facts.folds)} folds", mean)
    return "\n".join(lines) + "\n"


def test_baseline_snippet_prints_the_figures_of_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    shutil.copytree(dataset_dir() / "v1.0.0", folder / "v1.0.0")  # the previous release
    said: list[str] = []
    # v1.0.0's gold (the fixture): the figures below are those of its four documents
    build_release("1.1.0", v1_exports(), folder, documents=v1_documents(), progress=False,
                  echo=said.append)  # fmt: skip
    moved = "000_610f827a1a73c6d9: train -> validation (the corpus had no validation document)"
    assert f"split moved: {moved}" in said
    manifest = json.loads((folder / "v1.1.0" / "MANIFEST.json").read_text(encoding="utf-8"))
    facts = BaselineFacts.model_validate(manifest["baseline"])
    test = {s.label: s for s in facts.test}
    # 002 (test): 47 of 50 predicted spans exact, 54 gold: P 47/50 = 0.94, R 47/54 = 0.8704,
    # F1 2*47/(50+54) = 0.9038
    assert (test["ALL"].gold, test["ALL"].predicted, test["ALL"].exact.matched_gold) == (54, 50, 47)
    assert (test["ALL"].exact.precision, test["ALL"].exact.recall) == (0.94, 0.8704)
    assert test["ALL"].exact.f1 == 0.9038
    assert [f.documents for f in facts.folds] == [
        ["003_8619a8974c0e0bd4"],
        ["000_610f827a1a73c6d9"],
        ["004_cf81856647957af6"],
    ]
    alone = shutil.copytree(folder / "v1.1.0", tmp_path / "hub-copy")  # the folder alone
    code = EVALUATION_SNIPPET.replace('"path/to/the/release/folder"', repr(str(alone)))
    assert code != EVALUATION_SNIPPET
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == _expected_output(facts)


def test_baseline_scheme_counts_the_groups_not_the_folds() -> None:
    # 7 train documents (one group each) in 5 folds: more groups than folds, so 5-fold;
    # 3 documents in 3 folds: leave-one-group-out
    span = _span("PERSON", 0, 5)
    docs = [f"d{i}" for i in range(7)]
    gold = {d: [span] for d in docs}
    splits = {d: "train" for d in docs}
    seven = baseline_scores(gold, {}, splits, {d: i % 5 for i, d in enumerate(docs)}, ["PERSON"])
    assert seven.scheme == "5-fold" and len(seven.folds) == 5
    three = {d: gold[d] for d in docs[:3]}
    folds = {d: i for i, d in enumerate(docs[:3])}
    assert baseline_scores(three, {}, splits, folds, ["PERSON"]).scheme == (
        "leave-one-group-out (3 folds)"
    )
