"""Number words, ratios, separators and qualifiers (annotation/prelabel/numbers.py)."""

from __future__ import annotations

import pytest
import spacy

from nkcorpus.annotation.prelabel.numbers import (
    DEFAULT_QUALIFIER,
    QUALIFIERS,
    is_statistic,
    text_to_number,
    tokens_to_qualifier,
)
from nkcorpus.schema.model import load_schema


@pytest.fixture(scope="module")
def tagger() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("nk_numbers")
    return nlp


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("34,000", 34000),
        ("1,600", 1600),
        ("891", 891),
        ("one in five", 0.2),
        ("1 in 4", 0.25),
        ("twenty-five", 25),
        ("three hundred", 300),
        ("tens of thousands", 10000),
        ("hundreds of thousands", 100000),
        ("two out of three", 2 / 3),
    ],
)
def test_numbers_text_to_number_reads_separators_words_and_ratios(text, value):
    assert text_to_number(text) == value


@pytest.mark.parametrize("text", ["five dogs", "", "North", "in five", "one of five"])
def test_numbers_text_to_number_rejects_what_is_not_a_number(text):
    assert text_to_number(text) is None


@pytest.mark.parametrize(
    ("tokens", "qualifier"),
    [
        (["at", "least", "11"], "at_least"),
        (["nearly", "one", "in", "five"], "approximately"),
        (["approximately", "1,600"], "approximately"),
        (["over", "400"], "more_than"),
        (["More", "than", "30"], "more_than"),
        (["fewer", "than", "10"], "less_than"),
        (["up", "to", "5"], "at_most"),
        (["no", "more", "than", "5"], "at_most"),
        (["just", "30"], "exact"),
        (["891"], "exact"),
    ],
)
def test_numbers_tokens_to_qualifier_maps_phrases_to_values(tokens, qualifier):
    assert tokens_to_qualifier(tokens) == qualifier


def test_numbers_qualifier_values_are_values_of_the_schema():
    _, spec = load_schema().attribute("qualifier")
    assert {*QUALIFIERS.values(), DEFAULT_QUALIFIER} <= set(spec.values)


def test_numbers_tagger_marks_number_expressions_and_qualifiers(tagger):
    doc = tagger("nearly one in five of the 34,000 people, at least twenty - five")
    numbers = [t.text for t in doc if t._.nk_num]
    qualifiers = [t.text for t in doc if t._.nk_qual]
    assert numbers == ["one", "in", "five", "34,000", "twenty", "-", "five"]
    assert qualifiers == ["nearly", "at", "least"]


def test_numbers_tagger_does_not_join_a_number_to_a_year(tagger):
    doc = tagger("1,600 in 2023")
    assert [t._.nk_num for t in doc] == [True, False, True]


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("891 defectors", 0, 1, True),
        ("at least 11 defectors", 0, 3, True),
        ("in 2017 they", 1, 2, False),
        ("for 11 years", 1, 2, False),
        ("a 24-year-old man", 1, 2, False),
        ("a 10-foot fence", 1, 2, False),
        ("one of the most popular", 0, 1, False),
        ("the defectors", 0, 1, False),
    ],
)
def test_numbers_is_statistic_rejects_years_units_and_a_lone_one(
    tagger, text, start, end, expected
):
    assert is_statistic(tagger(text)[start:end]) is expected
