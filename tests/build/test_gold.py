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
