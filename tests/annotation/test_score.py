"""Scoring predictions against gold (annotation/score.py) and `nkcorpus prelabel-report`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nkcorpus.annotation import cli
from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.score import (
    ALL,
    Region,
    counts_to_prf,
    prelabel_report,
    result_to_regions,
    score_regions,
    task_to_gold,
)
from nkcorpus.build.errors import BuildError
from tests.build.test_exports import fed_fifo

LABELS = ["PERSON", "CROSSING", "MOTIVE"]


def _region(label: str, start: int, end: int, rid: str = "r") -> dict:
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": end, "text": "x", "labels": [label]}}  # fmt: skip


def _by_label(scores) -> dict:
    return {s.label: s for s in scores}


def test_score_result_to_regions_keeps_labels_only_and_drops_repeats():
    result = [
        _region("PERSON", 0, 5),
        _region("PERSON", 0, 5, "other"),
        {"id": "r", "type": "choices", "from_name": "roles",
         "value": {"start": 0, "end": 5, "choices": ["defector"]}},
        {"type": "relation", "from_id": "r", "to_id": "s", "labels": ["agent"]},
    ]  # fmt: skip
    assert result_to_regions(result) == [Region("PERSON", 0, 5)]


def test_score_counts_to_prf_handles_empty_denominators():
    assert counts_to_prf(0, 0, 0, 0).f1 == 0.0
    assert counts_to_prf(0, 0, 0, 3).recall == 0.0
    full = counts_to_prf(2, 2, 2, 2)
    assert (full.precision, full.recall, full.f1) == (1.0, 1.0, 1.0)


def test_score_regions_exact_and_overlap_differ_on_boundaries():
    gold = [[Region("PERSON", 0, 10), Region("CROSSING", 20, 30)]]
    predicted = [[Region("PERSON", 0, 5), Region("CROSSING", 20, 30), Region("MOTIVE", 40, 45)]]
    scores = _by_label(score_regions(gold, predicted, LABELS))
    assert scores["PERSON"].exact.f1 == 0.0
    assert scores["PERSON"].overlap.f1 == 1.0
    assert scores["CROSSING"].exact.f1 == 1.0
    assert (scores["MOTIVE"].gold, scores["MOTIVE"].predicted) == (0, 1)
    assert scores["MOTIVE"].overlap.precision == 0.0
    assert scores[ALL].exact.precision == round(1 / 3, 4)
    assert scores[ALL].overlap.recall == 1.0


def test_score_regions_overlap_needs_the_same_label():
    scores = _by_label(
        score_regions([[Region("PERSON", 0, 10)]], [[Region("MOTIVE", 0, 10)]], LABELS)
    )
    assert scores[ALL].overlap.f1 == 0.0


def test_score_regions_one_prediction_can_cover_two_gold_regions():
    gold = [[Region("MOTIVE", 0, 5), Region("MOTIVE", 6, 10)]]
    scores = _by_label(score_regions(gold, [[Region("MOTIVE", 0, 10)]], LABELS))
    assert (scores["MOTIVE"].overlap.precision, scores["MOTIVE"].overlap.recall) == (1.0, 1.0)
    assert scores["MOTIVE"].exact.f1 == 0.0


def test_score_regions_sums_over_tasks():
    gold = [[Region("PERSON", 0, 3)], [Region("PERSON", 0, 3)]]
    predicted = [[Region("PERSON", 0, 3)], []]
    person = _by_label(score_regions(gold, predicted, LABELS))["PERSON"]
    assert (person.gold, person.predicted, person.exact.recall) == (2, 1, 0.5)


def test_score_regions_refuses_unpaired_tasks():
    with pytest.raises(AnnotationError, match="A223"):
        score_regions([[]], [], LABELS)


def test_score_task_to_gold_takes_the_starred_not_cancelled_annotation():
    task = {"annotations": [
        {"ground_truth": False, "was_cancelled": False, "result": [_region("PERSON", 0, 1)]},
        {"ground_truth": True, "was_cancelled": True, "result": [_region("PERSON", 0, 2)]},
        {"ground_truth": True, "was_cancelled": False, "result": [_region("PERSON", 0, 3)]},
    ]}  # fmt: skip
    assert task_to_gold(task) == [Region("PERSON", 0, 3)]
    assert task_to_gold({"annotations": task["annotations"][:2]}) is None


def _export(tmp_path: Path) -> Path:
    text = "A man fled to the South."
    tasks = [
        {
            "id": 1,
            "data": {"text": text, "doc_id": "a"},
            "annotations": [{"ground_truth": True, "was_cancelled": False,
                             "result": [_region("PERSON", 0, 5), _region("CROSSING", 6, 23)]}],
            "predictions": [{"model_version": "v", "result": [_region("PERSON", 0, 5)]}],
        },
        {"id": 2, "data": {"text": "No gold here.", "doc_id": "b"}, "annotations": []},
    ]  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_score_prelabel_report_scores_exported_or_recomputed_predictions(tmp_path):
    report = prelabel_report(_export(tmp_path))
    assert (report.tasks_scored, report.tasks_skipped) == (1, 1)
    crossing = _by_label(report.scores)["CROSSING"]
    assert (crossing.gold, crossing.predicted) == (1, 0)
    recomputed = prelabel_report(_export(tmp_path), recompute=True)
    assert recomputed.predictions == "recomputed"
    assert _by_label(recomputed.scores)["CROSSING"].exact.f1 == 1.0


def test_score_prelabel_report_refuses_what_is_not_an_export(tmp_path):
    (tmp_path / "bad.json").write_text("[{", encoding="utf-8")
    with pytest.raises(BuildError, match=r"B101.*bad.json: not valid JSON"):
        prelabel_report(tmp_path / "bad.json")
    (tmp_path / "dict.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BuildError, match=r"B102.*dict.json: not a Label Studio JSON export"):
        prelabel_report(tmp_path / "dict.json")
    (tmp_path / "list.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(BuildError, match=r"B102.*list.json: item 0 is not a task object"):
        prelabel_report(tmp_path / "list.json")


def _hostile(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Exports the former reader (`json.loads`) crashed on or let through, and
    the code each gets."""
    valid = _export(tmp_path).read_text(encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text('[{"id": 1, "data": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}]")
    surrogate = tmp_path / "surrogate.json"
    surrogate.write_text(valid.replace('"doc_id": "a"', '"doc_id": "a\\ud800"'))
    huge = tmp_path / "huge.json"
    huge.write_text(valid.replace('"start": 0', '"start": 1' + "0" * 400))
    return {"deep": (deep, "B111"), "surrogate": (surrogate, "B112"), "huge": (huge, "B113")}


def test_score_cli_gives_coded_errors_for_hostile_exports(tmp_path):
    with fed_fifo(tmp_path / "fifo.json") as fifo:  # the former reader read it: no hang
        for name, (path, code) in {**_hostile(tmp_path), "fifo": (fifo, "B101")}.items():
            result = CliRunner().invoke(cli.app, ["prelabel-report", "--export", str(path)])
            assert result.exit_code == 1, (name, result.output)
            assert isinstance(result.exception, SystemExit), (name, result.exception)
            assert f"[{code}] {path}" in result.output, result.output


def test_score_cli_prints_a_table_or_json(tmp_path):
    export = _export(tmp_path)
    table = CliRunner().invoke(cli.app, ["prelabel-report", "--export", str(export)])
    assert table.exit_code == 0, table.output
    assert "PERSON" in table.output and "overlap P" in table.output
    as_json = CliRunner().invoke(cli.app, ["prelabel-report", "--export", str(export), "--json"])
    scores = {s["label"]: s for s in json.loads(as_json.output)["scores"]}
    assert scores["PERSON"]["exact"]["f1"] == 1.0
    missing = CliRunner().invoke(cli.app, ["prelabel-report", "--export", str(tmp_path / "no")])
    assert missing.exit_code == 1 and "B101" in missing.output


@pytest.mark.parametrize(
    ("where", "bad", "shown"),
    [
        ("gold", {"start": "0"}, "`start` is '0'"),
        ("gold", None, "result item 0 is None"),
        ("prediction", {"end": 5.0}, "`end` is 5.0"),
        ("predictions", 7, "`predictions` is not a list"),
    ],
)
def test_score_prelabel_report_refuses_malformed_results_with_the_task(tmp_path, where, bad, shown):
    path = _export(tmp_path)
    tasks = json.loads(path.read_text(encoding="utf-8"))
    if where == "predictions":
        tasks[0]["predictions"] = bad
    else:
        owner = tasks[0]["annotations" if where == "gold" else "predictions"][0]
        if bad is None:
            owner["result"][0] = None
        else:
            owner["result"][0]["value"].update(bad)
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"A224.*task 1: .*" + shown.replace(".", r"\.")):
        prelabel_report(path)
    result = CliRunner().invoke(cli.app, ["prelabel-report", "--export", str(path)])
    assert result.exit_code == 1 and "[A224]" in result.output
    assert not isinstance(result.exception, (TypeError, ValueError, AttributeError))


def _brute_force(gold, predicted, labels) -> dict:
    """The scores by every pair of regions (the definition), label -> 6 counts."""
    tally = {name: [0] * 6 for name in [*labels, ALL]}

    def overlaps(a: Region, b: Region) -> bool:
        return a.label == b.label and a.start < b.end and b.start < a.end

    for gold_regions, predicted_regions in zip(gold, predicted, strict=True):
        for label in tally:
            g = {r for r in gold_regions if label in (ALL, r.label)}
            p = {r for r in predicted_regions if label in (ALL, r.label)}
            counts = (len(g), len(p), len(g & p), len(g & p),
                      sum(any(overlaps(r, o) for o in g) for r in p),
                      sum(any(overlaps(r, o) for o in p) for r in g))  # fmt: skip
            tally[label] = [a + b for a, b in zip(tally[label], counts, strict=True)]
    return tally


_regions = st.lists(
    st.builds(
        lambda label, start, width: Region(label, start, start + width),
        st.sampled_from(["PERSON", "MOTIVE", "OTHER"]),
        st.integers(0, 40),
        st.integers(0, 8),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_regions, _regions), max_size=4))
def test_score_regions_equals_the_pairwise_definition(tasks) -> None:
    """Bisection over sorted ends counts what comparing every pair counts
    (empty regions, duplicates and a label outside `labels` included)."""
    gold, predicted = [t[0] for t in tasks], [t[1] for t in tasks]
    scores = score_regions(gold, predicted, ["PERSON", "MOTIVE"])
    expected = _brute_force(gold, predicted, ["PERSON", "MOTIVE"])
    for score in scores:
        n_g, n_p, ex_p, ex_g, ov_p, ov_g = expected[score.label]
        assert (score.gold, score.predicted) == (n_g, n_p)
        assert (score.exact.matched_predicted, score.exact.matched_gold) == (ex_p, ex_g)
        assert (score.overlap.matched_predicted, score.overlap.matched_gold) == (ov_p, ov_g)
