"""The card's evaluation protocol text: the old split rule without held-out documents,
the held-out rule with them."""

from __future__ import annotations

from nkcorpus.build.baseline import BaselineFacts
from nkcorpus.build.baseline_snippet import evaluation_protocol
from nkcorpus.build.splits import SplitMove, move_to_text

FACTS = BaselineFacts(model_versions=[], scheme="5-fold", test_documents=["009", "010"], test=[],
                      folds=[], mean=[], unpredicted=[])  # fmt: skip
FROM_TRAIN = move_to_text(SplitMove("000", "000", "train", "validation"))
FROM_TEST = move_to_text(SplitMove("002", "002", "test", "validation"))


def test_protocol_without_held_out_documents_keeps_the_one_exception_rule() -> None:
    text = evaluation_protocol(FACTS, [FROM_TRAIN])
    assert "with\none exception: when a release would have no validation document" in text
    assert "Test documents never\nmove" in text
    assert f"Moved in this release: {FROM_TRAIN}; a model trained on the previous" in text
    assert "held-out" not in text
    assert text.endswith("overstate what the rules would reach against independently made gold.\n")


def test_protocol_with_held_out_documents_states_the_held_out_test_rule() -> None:
    text = evaluation_protocol(FACTS, [FROM_TEST], held_out=True)
    assert "with\ntwo exceptions." in text and "Test documents never" not in text
    assert "the test split holds only held-out\ndocuments" in text
    assert f"Moved in this release: {FROM_TEST}.\n" in text
    assert "has seen a document moved from train" not in text  # 002 was never in train
    assert "With 2 test document(s)" in text
    assert "one of the two annotators of each held-out document started from them" in text
    both = evaluation_protocol(FACTS, [FROM_TRAIN, FROM_TEST], held_out=True)
    assert f"Moved in this release: {FROM_TRAIN}; {FROM_TEST}." in both
    assert "has seen a document moved from train." in both
