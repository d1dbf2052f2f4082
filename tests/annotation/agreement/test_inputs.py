from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.annotation.agreement.inputs import read_agreement_input
from nkcorpus.errors import ValidationFailed
from nkcorpus.schema.model import load_schema
from tests.annotation.agreement import TEXT, accepted, full, person, short_document
from tests.build import annotation, region, task, write_export


def _read(tmp_path: Path, tasks: list, reviewers: frozenset[int] = frozenset()):
    path = write_export(tmp_path / "export.json", tasks)
    return read_agreement_input([path], load_schema(), reviewers)


def test_reviewers_copies_predictions_cancelled_and_repeats_never_count(tmp_path: Path) -> None:
    doc = short_document()
    item = task(
        1,
        doc,
        [
            annotation(11, full(), completed_by=4),
            annotation(12, person("Lee", "x"), completed_by=5, updated_at="2026-01-01T10:00:00Z"),
            annotation(13, full("n"), completed_by=5, updated_at="2026-01-02T10:00:00Z"),
            annotation(14, accepted(full("r")), completed_by={"id": 9}),  # the gold copy
            annotation(15, full("s"), completed_by=9),  # a reviewer's own draft
            annotation(16, full("c"), completed_by=6, cancelled=True),
            annotation(17, full("z"), completed_by=None),
        ],
    )
    item["predictions"] = [{"id": 1, "result": full("p"), "model_version": "rules"}]
    found = _read(tmp_path, [item], reviewers=frozenset({9}))
    (measured,) = found.measured
    # 11 (user 4) and 13 (user 5's newer annotation); 12 is superseded
    assert [(a.annotation_id, a.annotator_id) for a in measured.annotations] == [(11, 4), (13, 5)]
    assert (found.reviewer_annotations, found.superseded, found.without_author) == (2, 1, 1)
    assert found.reviewers == [9] and found.fewer_than_two == 0


def test_a_starred_gold_by_an_annotator_counts_as_theirs(tmp_path: Path) -> None:
    # v1.0.0's gold is a starred annotation of a non-reviewer: it is that annotator's
    doc = short_document()
    item = task(1, doc, [annotation(11, full(), gold=True, completed_by=4),
                         annotation(12, full("b"), completed_by=5)])  # fmt: skip
    (measured,) = _read(tmp_path, [item]).measured
    assert measured.annotators == (4, 5)


def test_tasks_with_fewer_than_two_annotators_are_counted_not_measured(tmp_path: Path) -> None:
    tasks = [
        task(1, short_document("900_a"), [annotation(11, full(), completed_by=4)]),
        task(2, short_document("901_b"), []),
        task(3, short_document("902_c"), [annotation(31, full(), completed_by=4),
                                          annotation(32, full("b"), completed_by=4)]),
    ]  # fmt: skip
    found = _read(tmp_path, tasks)
    assert found.measured == [] and found.fewer_than_two == 3 and found.tasks == 3


def test_invalid_measured_annotation_refuses_the_input(tmp_path: Path) -> None:
    doc = short_document()
    wrong = region(TEXT, "Kim", "PERSON", "w", roles="captain")  # not a role
    item = task(1, doc, [annotation(11, full(), completed_by=4),
                         annotation(12, wrong, completed_by=5)])  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        _read(tmp_path, [item])
    assert caught.value.code == "B100"
    (problem,) = caught.value.problems
    assert problem.startswith("[B131] ")
    assert "task 1 (doc 900_short), annotation 12, region w" in problem


def test_an_acceptance_by_a_non_reviewer_is_refused(tmp_path: Path) -> None:
    doc = short_document()
    item = task(1, doc, [annotation(11, accepted(full()), completed_by=4),
                         annotation(12, full("b"), completed_by=5)])  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        _read(tmp_path, [item])
    assert [p[:6] for p in caught.value.problems] == ["[B121]"]


def test_tasks_sorted_by_doc_id(tmp_path: Path) -> None:
    pair = [annotation(1, full(), completed_by=4), annotation(2, full("b"), completed_by=5)]
    tasks = [task(1, short_document("905_z"), pair), task(2, short_document("900_a"), pair)]
    assert [t.doc_id for t in _read(tmp_path, tasks).measured] == ["900_a", "905_z"]


def test_two_tasks_of_one_document_are_refused(tmp_path: Path) -> None:
    # per-document figures and the bootstrap need one task per doc_id (B152, as validate)
    pair = [annotation(1, full(), completed_by=4), annotation(2, full("b"), completed_by=5)]
    tasks = [task(1, short_document(), pair), task(2, short_document(), pair)]
    with pytest.raises(ValidationFailed) as caught:
        _read(tmp_path, tasks)
    assert [p[:6] for p in caught.value.problems] == ["[B152]"]
