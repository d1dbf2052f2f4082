from __future__ import annotations

from nkcorpus.annotation.agreement.attributes import (
    attribute_counts,
    attribute_value,
    relation_counts,
)
from nkcorpus.schema.model import load_schema


def test_multiple_values_compare_as_sets() -> None:
    assert attribute_value(["returnee", "defector"]) == attribute_value(["defector", "returnee"])
    assert attribute_value([]) == attribute_value(None) == ""


def test_attribute_counts_on_matched_pairs_only() -> None:
    first = [
        {"label": "PERSON", "roles": ["defector"]},
        {"label": "PERSON", "roles": ["official"]},  # unmatched: not counted
    ]
    second = [{"label": "PERSON", "roles": ["expert"]}]
    counts = attribute_counts((4, 5), first, second, [(0, 0)], load_schema())
    assert counts == {("attribute", (4, 5), "roles", "defector", "expert"): 1}


def test_relation_counts_need_both_ends_matched_and_the_type() -> None:
    a_spans = [{"id": "p"}, {"id": "c"}, {"id": "q"}]
    b_spans = [{"id": "x"}, {"id": "y"}, {"id": "m"}]
    a_relations = [
        {"head": "p", "tail": "c", "type": "agent"},  # -> x, y: agrees
        {"head": "q", "tail": "c", "type": "agent"},  # q is unmatched: counted, not in ends
    ]
    b_relations = [
        {"head": "x", "tail": "y", "type": "agent"},
        {"head": "y", "tail": "m", "type": "motivated_by"},  # m unmatched
    ]
    # p-x and c-y are matched; q and m are not
    first, second = (a_spans, a_relations), (b_spans, b_relations)
    counts = relation_counts((4, 5), first, second, [(0, 0), (1, 1)])
    assert counts == {
        ("relation", (4, 5), "agent", "first"): 2,
        ("relation", (4, 5), "agent", "first_ends"): 1,
        ("relation", (4, 5), "agent", "matched"): 1,
        ("relation", (4, 5), "agent", "second"): 1,
        ("relation", (4, 5), "agent", "second_ends"): 1,
        ("relation", (4, 5), "motivated_by", "second"): 1,
    }


def test_relation_of_another_type_does_not_agree() -> None:
    spans = [{"id": "p"}, {"id": "c"}]
    mine = [{"head": "p", "tail": "c", "type": "agent"}]
    theirs = [{"head": "p", "tail": "c", "type": "quantifies"}]
    counts = relation_counts((1, 2), (spans, mine), (spans, theirs), [(0, 0), (1, 1)])
    assert ("relation", (1, 2), "agent", "matched") not in counts
