"""Each task is read and parsed once: validation's workers make the later
readers' parts (`TaskExtras`), and each reader gives what it gives alone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nkcorpus.annotation.agreement.inputs import read_agreement_input
from nkcorpus.annotation.agreement.report import measure_agreement
from nkcorpus.annotation.score import prelabel_report
from nkcorpus.build import task_checks
from nkcorpus.build.baseline_predictions import baseline_predictions
from nkcorpus.build.copies import read_merged_once
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.documents import load_documents
from nkcorpus.paths import default_exports
from nkcorpus.schema.model import load_schema

SCHEMA = load_schema()


def _validated(exports: list[Path], processes: int = 2):
    merged = read_merged_once(exports)
    report = validate_exports(exports, merged=merged, processes=processes, extras=True)
    return merged, report


def test_readers_take_the_workers_parts_and_give_the_same() -> None:
    exports = default_exports()
    merged, report = _validated(exports)
    assert len(merged.checked) == len(merged.tasks)
    assert all(c.extras is not None for c in merged.checked)
    documents = {d.doc_id: d for d in load_documents()}
    wanted = sorted(report.gold)
    texts = {doc_id: documents[doc_id].text for doc_id in wanted}
    alone = baseline_predictions(exports, wanted, texts=texts, schema=SCHEMA)
    assert alone  # the committed exports carry predictions
    assert baseline_predictions(exports, wanted, texts=texts, schema=SCHEMA, merged=merged) == alone
    reviewers = frozenset(report.reviewers)
    doc_ids = frozenset(wanted)
    fresh = read_agreement_input(exports, SCHEMA, reviewers, doc_ids)
    assert fresh.measured  # the committed exports have a second annotator on some documents
    made = read_agreement_input(exports, SCHEMA, reviewers, doc_ids, merged)
    assert len(made.counted) == len(made.measured) and not fresh.counted
    assert replace(made, counted={}) == fresh
    options = {"schema": SCHEMA, "reviewers": reviewers, "doc_ids": doc_ids, "resamples": 50}
    assert measure_agreement(exports, merged=merged, **options) == measure_agreement(
        exports, **options
    )
    [newest] = exports
    scored = [c.extras.prelabel for c in merged.checked]  # type: ignore[union-attr]
    by_file = prelabel_report(newest, reviewers=reviewers)
    assert prelabel_report(newest, reviewers=reviewers, scored=scored) == by_file


def test_a_prediction_on_an_older_text_is_made_again_on_the_released_one() -> None:
    exports = default_exports()
    merged, report = _validated(exports)
    doc_id = sorted(report.gold)[0]
    text = next(d.text for d in load_documents() if d.doc_id == doc_id)
    texts = {doc_id: "Editor's note.\n\n" + text}  # the released text moved on
    made = baseline_predictions(exports, [doc_id], texts=texts, schema=SCHEMA, merged=merged)
    alone = baseline_predictions(exports, [doc_id], texts=texts, schema=SCHEMA)
    assert made == alone
    assert all(s["start"] >= len("Editor's note.\n\n") for s in made[doc_id].spans)


def test_a_part_that_raises_is_left_to_its_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation reports what it finds; the reader raises later, as it always did."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a prediction this code cannot read")

    monkeypatch.setattr(task_checks, "task_to_prediction", broken)
    merged, report = _validated(default_exports(), processes=1)
    assert report.valid
    assert merged.checked and all(c.extras is None for c in merged.checked)
    wanted = sorted(report.gold)
    assert baseline_predictions(default_exports(), wanted, schema=SCHEMA, merged=merged)
