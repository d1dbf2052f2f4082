"""Relations a rule can infer (annotation/prelabel/relations.py)."""

from __future__ import annotations

import pytest

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel import relations as relations_module
from nkcorpus.annotation.prelabel.pipeline import build_nlp
from nkcorpus.annotation.prelabel.relations import RelationRule, infer_relations
from nkcorpus.annotation.prelabel.resolve import RESOLVED_KEY


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _relations(nlp, text: str) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    found = infer_relations(list(doc.spans[RESOLVED_KEY]))
    return [(r.name, r.head.text, r.tail.text) for r in found]


def test_relations_agent_is_the_nearest_person_before_the_crossing(nlp):
    found = _relations(nlp, "The soldier said a man fled to the South.")
    assert found == [("agent", "a man", "fled to the South")]


def test_relations_agent_may_follow_a_crossing_closely(nlp):
    found = _relations(nlp, "The defection of a military officer angered the North.")
    assert ("agent", "a military officer", "The defection") in found


def test_relations_agent_does_not_reach_past_punctuation(nlp):
    assert _relations(nlp, "Years ago he came to the South, Ahn said.") == []


def test_relations_agent_of_a_pronoun_comes_from_the_sentence_before(nlp):
    found = _relations(nlp, "Officials said the man scaled a fence. He entered North Korea.")
    assert ("agent", "the man", "entered North Korea") in found
    assert _relations(nlp, "The man was seen. Soldiers entered North Korea later.") == []


def test_relations_quantifies_links_a_statistic_to_its_crossing(nlp):
    found = _relations(nlp, "At least 11 defectors have returned to the North.")
    assert found == [("quantifies", "At least 11", "returned to the North")]


def test_relations_motivated_by_links_the_nearest_crossing(nlp):
    found = _relations(
        nlp, "After her return to the North, she said she could earn money when she defected "
        "to the South."
    )  # fmt: skip
    assert ("motivated_by", "defected to the South", "earn money") in found
    assert ("motivated_by", "her return to the North", "earn money") not in found


def test_relations_refuses_a_rule_for_a_relation_the_schema_lacks(nlp, monkeypatch):
    monkeypatch.setitem(relations_module.RULES, "likes", RelationRule("head", "nearest"))
    with pytest.raises(AnnotationError, match=r"A204.*likes"):
        _relations(nlp, "A man fled to the South.")
