from __future__ import annotations

from pathlib import Path

from nkcorpus.annotation.agreement.bootstrap import bootstrap_intervals
from tests.annotation.agreement import full, measure, person, short_document
from tests.build import annotation, task


def _mean(counts: dict) -> dict[str, float | None]:
    n = counts.get(("n",), 0.0)
    return {"mean": counts.get(("x",), 0.0) / n if n else None}


DOCS = [{("x",): float(v), ("n",): 1.0} for v in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)]


def test_same_seed_same_intervals_other_seed_other_intervals() -> None:
    first = bootstrap_intervals(DOCS, _mean, resamples=300, seed=0)
    assert first == bootstrap_intervals(DOCS, _mean, resamples=300, seed=0)
    assert first != bootstrap_intervals(DOCS, _mean, resamples=300, seed=1)
    # the mean of 10 documents valued 0..9 is 4.5; a resample's mean lies in [0, 9]
    assert 0 <= first["mean"].low < 4.5 < first["mean"].high <= 9
    assert first["mean"].resamples == 300


def test_one_document_gives_a_point_interval() -> None:
    # every resample is that document: the interval is its value
    bounds = bootstrap_intervals([{("x",): 3.0, ("n",): 1.0}], _mean, resamples=50, seed=0)
    assert (bounds["mean"].low, bounds["mean"].high) == (3.0, 3.0)


def test_undefined_figures_are_left_out_of_the_interval() -> None:
    # the empty document gives n = 0 (mean undefined) only when drawn twice
    docs = [{("x",): 4.0, ("n",): 1.0}, {}]
    bounds = bootstrap_intervals(docs, _mean, resamples=400, seed=0)
    # every resample holding the first document has mean 4 (4 / 1 or 8 / 2)
    assert (bounds["mean"].low, bounds["mean"].high) == (4.0, 4.0)
    assert 0 < bounds["mean"].resamples < 400  # about 3/4 of the resamples hold it


def test_report_intervals_are_reproducible(tmp_path: Path) -> None:
    # two documents: identical annotations (F1 1) and disjoint ones (F1 0)
    tasks = [
        task(1, short_document("900_a"), [annotation(11, full(), completed_by=4),
                                          annotation(12, full("b"), completed_by=5)]),
        task(2, short_document("901_b"), [annotation(21, person("Kim Jong", "p"), completed_by=4),
                                          annotation(22, person("Lee", "q"), completed_by=5)]),
    ]  # fmt: skip
    once = measure(tmp_path, tasks, seed=3)
    again = measure(tmp_path, tasks, seed=3)
    assert once.model_dump() == again.model_dump()
    interval = once.figures["spans.exact.ALL"].interval
    # resamples: both identical (6/6 = 1), both disjoint (0/4 = 0), or one of each:
    # 2 * 3 / (6 + 2) = 0.75; the interval spans the extremes
    assert interval is not None and (interval.low, interval.high) == (0.0, 1.0)
    assert once.figures["spans.exact.ALL"].value == 0.75
