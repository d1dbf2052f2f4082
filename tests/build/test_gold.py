from __future__ import annotations

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.gold import annotator_id, split_annotations
from tests.build import annotation, documents, task


def test_gold_is_the_starred_not_cancelled_annotation() -> None:
    doc = documents()[0]
    annotations = [
        annotation(1, [], gold=True, cancelled=True),
        annotation(2, [], gold=True),
        annotation(3, []),
        annotation(4, [], cancelled=True),
    ]
    split = split_annotations(task(10, doc, annotations))
    assert split.reviewed and split.gold is not None and split.gold["id"] == 2
    assert [a["id"] for a in split.others] == [3]


def test_gold_missing_means_unreviewed() -> None:
    split = split_annotations(task(10, documents()[0], [annotation(3, [])]))
    assert not split.reviewed and split.gold is None
    assert [a["id"] for a in split.others] == [3]


def test_gold_two_starred_is_an_error() -> None:
    annotations = [annotation(5, [], gold=True), annotation(6, [], gold=True)]
    with pytest.raises(BuildError, match=r"B120.*task 10 .* 2 gold annotations \(5, 6\)"):
        split_annotations(task(10, documents()[0], annotations), source="x.json")


def test_gold_annotator_id_accepts_both_shapes() -> None:
    assert annotator_id(4) == 4
    assert annotator_id({"id": 4, "email": "a@b"}) == 4
    assert annotator_id(None) is None
    assert annotator_id(True) is None


# --- the review rule: a reviewer's acceptance in the browser ---

REVIEWER, ANNOTATOR = 7, 3
ACCEPT = [{"id": "rv", "type": "choices", "from_name": "review", "to_name": "text",
           "value": {"choices": ["accept"]}}]  # fmt: skip


def _accepted(annotation_id: int, by: int, **kw) -> dict:
    return annotation(annotation_id, list(ACCEPT), completed_by=by, **kw)


def _split(annotations: list[dict]):
    return split_annotations(task(10, documents()[0], annotations), reviewers=frozenset({REVIEWER}))


def test_gold_is_the_annotation_a_reviewer_accepted() -> None:
    split = _split([annotation(1, [], completed_by=ANNOTATOR), _accepted(2, REVIEWER)])
    assert split.gold["id"] == 2 and [a["id"] for a in split.others] == [1]


def test_gold_acceptance_on_an_annotators_annotation_is_refused_whoever_saved_it() -> None:
    edited = _accepted(1, ANNOTATOR)
    edited["updated_by"] = REVIEWER  # Label Studio also sets it for the API's star
    with pytest.raises(BuildError, match=r"B121.*annotation 1 by user 3 is accepted, but its au"):
        _split([edited, annotation(2, [], completed_by=4)])


def test_gold_acceptance_by_an_account_that_is_not_a_reviewer_is_refused() -> None:
    with pytest.raises(BuildError, match=r"B121.*annotation 2 by user 3 is accepted, but its"):
        _split([annotation(1, []), _accepted(2, ANNOTATOR)])


def test_gold_two_acceptances_are_refused() -> None:
    with pytest.raises(BuildError, match=r"B122.*2 annotations are accepted \(1, 2\)"):
        _split([_accepted(1, REVIEWER), _accepted(2, REVIEWER)])


def test_gold_acceptance_and_a_star_elsewhere_are_refused() -> None:
    starred = annotation(1, [], gold=True)
    with pytest.raises(BuildError, match=r"B122.*annotation 2 is accepted but annotation 1 is st"):
        _split([starred, _accepted(2, REVIEWER)])
    # the star mirrored onto the accepted annotation agrees with it
    assert _split([annotation(1, []), _accepted(2, REVIEWER, gold=True)]).gold["id"] == 2


def test_gold_an_accepted_annotation_that_is_cancelled_is_refused() -> None:
    with pytest.raises(BuildError, match=r"B123.*annotation 2 is accepted as gold but was skip"):
        _split([annotation(1, [], gold=True), _accepted(2, REVIEWER, cancelled=True)])


def test_gold_the_star_alone_still_marks_gold() -> None:
    assert _split([annotation(1, []), annotation(2, [], gold=True)]).gold["id"] == 2


def test_gold_validate_takes_the_accepted_annotation_and_the_mark_is_no_region(tmp_path) -> None:
    from nkcorpus.build.validate import validate_exports
    from tests.build import good_result, write_export

    doc = documents()[0]
    accepted = _accepted(2, REVIEWER)
    accepted["result"] = good_result(doc.text) + list(ACCEPT)
    tasks = [task(1, doc, [annotation(1, good_result(doc.text), completed_by=ANNOTATOR), accepted])]
    path = write_export(tmp_path / "export.json", tasks)
    report = validate_exports([path], documents=documents(), reviewers=frozenset({REVIEWER}))
    assert report.valid, [str(p) for p in report.problems]
    gold = report.gold[doc.doc_id]
    assert len(gold.spans) == 4 and "rv" not in {s["id"] for s in gold.spans}
    assert {(a["annotation_id"], a["is_gold"]) for a in report.annotations} == {
        (1, False),
        (2, True),
    }
    refused = validate_exports([path], documents=documents(), reviewers=frozenset())
    assert [p.code for p in refused.problems] == ["B121"]


def test_gold_records_which_step_of_the_review_rule_chose_it() -> None:
    accepted = _split([annotation(1, [], completed_by=ANNOTATOR), _accepted(2, REVIEWER)])
    starred = _split([annotation(1, [], completed_by=ANNOTATOR), annotation(2, [], gold=True)])
    none = _split([annotation(1, [], completed_by=ANNOTATOR)])
    assert (accepted.rule, starred.rule, none.rule) == ("accepted", "starred", None)
    # a reviewer's own annotation, starred but not accepted, was chosen by the star
    own = _split([annotation(1, [], gold=True, completed_by=REVIEWER)])
    assert (own.gold["id"], own.rule) == (1, "starred")
    # the star mirrored onto the accepted annotation: the acceptance decided
    both = _split([_accepted(2, REVIEWER, gold=True)])
    assert (both.gold["id"], both.rule) == (2, "accepted")


def test_gold_task_annotations_refuse_a_rule_without_a_gold() -> None:
    from nkcorpus.build.gold import TaskAnnotations

    with pytest.raises(ValueError, match="a gold needs its rule and only a gold has one"):
        TaskAnnotations(None, [], "starred")
    with pytest.raises(ValueError, match="a gold needs its rule"):
        TaskAnnotations({"id": 1}, [])
