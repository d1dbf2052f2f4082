"""From candidates to final spans (annotation/prelabel/resolve.py)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from nkcorpus.annotation.prelabel.pipeline import build_nlp
from nkcorpus.annotation.prelabel.resolve import RESOLVED_KEY, strip_edges
from nkcorpus.corpus.documents import load_documents


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _spans(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)  # the spans need their Doc alive
    return [(s.label_, s.text) for s in doc.spans[RESOLVED_KEY]]


def test_resolve_focus_keeps_only_the_quantity_of_a_counted_noun(nlp):
    spans = _spans(nlp, "Data showed 891 defectors' whereabouts were not known.")
    assert ("STATISTIC", "891") in spans
    assert not any("defectors" in text for _, text in spans)


def test_resolve_strip_edges_drops_trailing_function_words_but_not_glued_ones(nlp):
    doc = nlp("the regime of Moon Jae-in")
    assert strip_edges(doc[0:3]).text == "the regime"
    assert strip_edges(doc[3:7]).text == "Moon Jae-in"
    assert strip_edges(doc[2:3]) is None


def test_resolve_lower_priority_span_keeps_its_part_outside_the_winner(nlp):
    spans = _spans(nlp, "He fled to the South to escape the oppressive regime of Kim Jong Un.")
    assert ("MOTIVE", "to escape the oppressive regime") in spans
    assert ("PERSON", "Kim Jong Un") in spans


def test_resolve_keeps_the_longest_of_overlapping_spans_of_one_label(nlp):
    assert ("CROSSING", "defect back to the North") in _spans(
        nlp, "He plans to defect back to the North."
    )
    assert ("CROSSING", "defect") not in _spans(nlp, "He plans to defect back to the North.")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("He wanted to avoid criminal charges.", False),
        ("He fled to the North to avoid criminal charges.", True),
        ("He fled to the North. He wanted to avoid criminal charges.", True),
        ("He fled to the North. It rained. He wanted to avoid criminal charges.", False),
    ],
)
def test_resolve_keep_if_needs_a_crossing_in_the_sentence_or_the_one_before(nlp, text, kept):
    assert (("MOTIVE", "to avoid criminal charges") in _spans(nlp, text)) is kept


def test_resolve_predicative_descriptions_are_not_persons(nlp):
    spans = _spans(nlp, "There was no evidence the defector was a spy who worked as a cleaner.")
    assert [text for label, text in spans if label == "PERSON"] == ["the defector"]


def test_resolve_spans_never_overlap_or_nest_on_the_seeds(nlp, seeds_dir):
    for document in load_documents(seeds_dir):
        doc = nlp(document.text)
        spans = list(doc.spans[RESOLVED_KEY])
        assert spans, document.doc_id
        for left, right in pairwise(spans):
            assert left.end <= right.start, (document.doc_id, left.text, right.text)


def test_resolve_drops_a_description_in_apposition_to_a_name(nlp):
    spans = _spans(nlp, "Chun Ki-won, a pastor with a church, said so.")
    assert [text for label, text in spans if label == "PERSON"] == ["Chun Ki-won"]
    spans = _spans(nlp, "The most recent returned defector, a 24-year-old man surnamed Kim, left.")
    assert [text for label, text in spans if label == "PERSON"] == [
        "The most recent returned defector",
        "a 24-year-old man surnamed Kim",
    ]
