"""Attribute values a rule can know (annotation/prelabel/attributes.py)."""

from __future__ import annotations

import pytest

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel import attributes
from nkcorpus.annotation.prelabel.attributes import span_attributes
from nkcorpus.annotation.prelabel.pipeline import build_nlp
from nkcorpus.annotation.prelabel.relations import infer_relations
from nkcorpus.annotation.prelabel.resolve import RESOLVED_KEY
from nkcorpus.corpus.documents import load_documents
from nkcorpus.schema.model import load_schema


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _attributes(nlp, text: str) -> dict[str, dict[str, list[str]]]:
    """Span text -> its attributes, for every pre-annotated span of `text`."""
    doc = nlp(text)
    spans = list(doc.spans[RESOLVED_KEY])
    relations = infer_relations(spans)
    return {span.text: span_attributes(span, relations) for span in spans}


@pytest.mark.parametrize(
    ("text", "crossing", "direction"),
    [
        ("He returned to the North in 2017.", "returned to the North", "south_to_north"),
        ("She defected from North Korea.", "defected from North Korea", "out_of_north"),
        ("They fled to South Korea.", "fled to South Korea", "north_to_south"),
        ("He plans to defect back to the North.", "defect back to the North", "south_to_north"),
        ("Others have left the South.", "left the South", "south_to_north"),
        ("He was traveling north at night.", "traveling north", "south_to_north"),
        ("She escaped to China.", "escaped to China", "out_of_north"),
    ],
)
def test_attributes_direction_from_source_destination_or_back(nlp, text, crossing, direction):
    assert _attributes(nlp, text)[crossing]["direction"] == [direction]


def test_attributes_direction_is_left_open_for_a_bare_border_crossing(nlp):
    assert (
        "direction"
        not in _attributes(nlp, "A man was seen crossing the border.")["crossing the border"]
    )


@pytest.mark.parametrize(
    ("text", "crossing", "status"),
    [
        ("He plans to defect back to the North.", "defect back to the North", "planned"),
        ("A soldier tried to flee to South Korea.", "flee to South Korea", "attempted"),
        ("At least 30 have fled to South Korea.", "fled to South Korea", "completed"),
        ("Defectors who return are punished.", "return", "generic"),
    ],
)
def test_attributes_status_from_cues_and_verb_form(nlp, text, crossing, status):
    assert _attributes(nlp, text)[crossing]["status"] == [status]


@pytest.mark.parametrize(
    ("text", "crossing", "route"),
    [
        ("The man scaled a barbed-wire fence.", "scaled a barbed-wire fence", "land_border_dmz"),
        ("He swam across the river to South Korea.", "swam across the river", "sea"),
        ("They went on traveling through China.", "traveling through China", "third_country"),
        (
            "He wants to return to the North through legal channels.",
            "return to the North",
            "official_channel",
        ),
    ],
)
def test_attributes_route_from_keywords_in_crossing_or_sentence(nlp, text, crossing, route):
    assert _attributes(nlp, text)[crossing]["route"] == [route]


def test_attributes_statistic_qualifier_and_subject(nlp):
    found = _attributes(nlp, "At least 11 defectors have returned to the North.")
    assert found["At least 11"] == {"qualifier": ["at_least"], "subject": ["returnees"]}
    found = _attributes(nlp, "Data showed 891 defectors' whereabouts were not known.")
    assert found["891"] == {"qualifier": ["exact"], "subject": ["unknown_whereabouts"]}


@pytest.mark.parametrize(
    ("text", "motive", "category"),
    [
        ("He fled to the North to avoid criminal charges.", "to avoid criminal charges",
         "crime_avoidance"),
        ("She returned to the North, missing her family.", "missing her family", "family_ties"),
        ("He fled to the South to escape hunger.", "to escape hunger", "economic_hardship"),
    ],
)  # fmt: skip
def test_attributes_category_from_the_earliest_keyword(nlp, text, motive, category):
    assert _attributes(nlp, text)[motive]["category"] == [category]


def test_attributes_roles_from_words_apposition_and_crossings(nlp):
    found = _attributes(nlp, "Lee Kwang-baek, president of the Unification Media Group, spoke.")
    assert found["Lee Kwang-baek"]["roles"] == ["expert"]
    found = _attributes(nlp, "A man defected from North Korea and later returned to the North.")
    assert found["A man"]["roles"] == ["defector", "returnee"]
    found = _attributes(nlp, "The former soldier returned to the North.")
    assert found["The former soldier"]["roles"] == ["defector", "returnee"]
    found = _attributes(nlp, "A pastor spoke in Seoul.")
    assert found["A pastor"]["roles"] == ["activist"]


def test_attributes_values_on_the_seeds_are_values_of_the_schema(nlp, seeds_dir):
    schema = load_schema()
    seen = set()
    for document in load_documents(seeds_dir):
        doc = nlp(document.text)
        spans = list(doc.spans[RESOLVED_KEY])
        relations = infer_relations(spans, schema)
        for span in spans:
            allowed = {a.name: set(a.values) for a in schema.label(span.label_).attributes}
            for name, values in span_attributes(span, relations, schema).items():
                assert set(values) <= allowed[name]
                seen.add(name)
    assert seen == {a.name for _, a in schema.attributes}


def test_attributes_refuses_a_value_outside_the_schema(nlp, monkeypatch):
    monkeypatch.setitem(attributes.ATTRIBUTE_RULES, "direction", lambda span, rel: ["sideways"])
    with pytest.raises(AnnotationError, match=r"A205.*sideways"):
        _attributes(nlp, "He fled to the South.")


def test_attributes_refuses_a_rule_for_an_attribute_the_schema_lacks(nlp, monkeypatch):
    monkeypatch.setitem(attributes.ATTRIBUTE_RULES, "colour", lambda span, rel: ["red"])
    with pytest.raises(AnnotationError, match=r"A205.*colour"):
        _attributes(nlp, "He fled to the South.")
