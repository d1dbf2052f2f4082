"""The MOTIVE and motivated_by checks (build/guideline_motives.py), on
hand-made texts whose offsets are computed from the text and asserted."""

from __future__ import annotations

import pytest

from nkcorpus.build.guideline_motives import motive_findings
from nkcorpus.build.guideline_text import Sentences
from tests.build.test_guideline_crossings import CROSSING, span


def link(crossing: str, motive: str) -> dict:
    return {"type": "motivated_by", "head": crossing, "tail": motive}


def codes(text: str, spans: list[dict], relations: list[dict]) -> list[tuple[str, str]]:
    found = motive_findings(spans, relations, Sentences(text))
    return sorted((f.code, f.region_id) for f in found)


def test_a_motive_without_a_crossing_is_an_error() -> None:
    text = "Kim returned to the North to avoid charges."
    crossing = span(text, "returned to the North", "CROSSING", "c", **CROSSING)
    motive = span(text, "to avoid charges", "MOTIVE", "m", category="crime_avoidance")
    assert codes(text, [crossing, motive], []) == [("B165", "m")]
    assert codes(text, [crossing, motive], [link("c", "m")]) == []


def test_a_link_two_sentences_away_across_a_paragraph_is_an_error() -> None:
    # sentences: 0 "Kim returned ...", 1 "Officials spoke.", 2 "He wanted ..."
    text = "Kim returned to the North.\n\nOfficials spoke.\n\nHe wanted to avoid charges."
    crossing = span(text, "returned to the North", "CROSSING", "c", **CROSSING)
    motive = span(text, "to avoid charges", "MOTIVE", "m", category="crime_avoidance")
    (finding,) = motive_findings([crossing, motive], [link("c", "m")], Sentences(text))
    # the finding covers both ends: "returned" starts at 4, "charges" ends at the
    # text's end minus the full stop.
    assert (finding.code, finding.start, finding.end) == ("B166", 4, len(text) - 1)


def test_a_list_item_two_sentences_away_in_the_same_paragraph_is_allowed() -> None:
    text = "Defectors return for three reasons. Some face debts. Others face threats."
    crossing = span(text, "return", "CROSSING", "c", **{**CROSSING, "status": "generic"})
    motive = span(text, "threats", "MOTIVE", "m", category="state_coercion")
    assert codes(text, [crossing, motive], [link("c", "m")]) == []


def test_an_adjacent_sentence_across_a_paragraph_is_allowed() -> None:
    text = "Kim returned to the North.\n\nHe wanted to avoid charges."
    crossing = span(text, "returned to the North", "CROSSING", "c", **CROSSING)
    motive = span(text, "to avoid charges", "MOTIVE", "m", category="crime_avoidance")
    assert codes(text, [crossing, motive], [link("c", "m")]) == []


def test_one_motive_linked_from_two_mentions_of_one_event_is_a_warning() -> None:
    text = "Lim returned to the North. After her return, she said she missed her family."
    first = span(text, "returned to the North", "CROSSING", "c1", **CROSSING)
    second = span(text, "her return", "CROSSING", "c2", **CROSSING)
    motive = span(text, "missed her family", "MOTIVE", "m", category="family_ties")
    spans = [first, second, motive]
    assert codes(text, spans, [link("c1", "m"), link("c2", "m")]) == [("B167", "m")]
    assert codes(text, spans, [link("c2", "m")]) == []
    other = {**second, "status": "planned"}  # another event: both links stand
    assert codes(text, [first, other, motive], [link("c1", "m"), link("c2", "m")]) == []


@pytest.mark.parametrize(
    ("fragment", "flagged"),
    [
        ("due to poverty", True),
        ("in order to earn money", True),
        ("feels his options are limited", True),
        ("for a chance at freedom", True),
        ("to earn money", False),
        ("his options are limited", False),
        ("despairing over treatment of refugees", False),
    ],
)
def test_a_motive_starting_with_its_connective_is_an_error(fragment: str, flagged: bool) -> None:
    text = f"Kim fled to the South {fragment}."
    crossing = span(text, "fled to the South", "CROSSING", "c", **CROSSING)
    motive = span(text, fragment, "MOTIVE", "m", category="other")
    found = codes(text, [crossing, motive], [link("c", "m")])
    assert found == ([("B168", "m")] if flagged else [])


@pytest.mark.parametrize(
    ("fragment", "flagged"),
    [
        # ousted from his job at a company for a comment on arms: 12 words, the limit
        ("ousted from his job at a company for a comment on arms", False),
        # + "trading": 13 words
        ("ousted from his job at a trading company for a comment on arms", True),
        ("threats by officials who lied", True),  # a relative clause inside
        ("poverty, hunger and fear", True),  # a comma inside
    ],
)
def test_a_motive_that_runs_on_is_a_warning(fragment: str, flagged: bool) -> None:
    text = f"Son fled to the South after being {fragment}."
    crossing = span(text, "fled to the South", "CROSSING", "c", **CROSSING)
    motive = span(text, fragment, "MOTIVE", "m", category="other")
    found = codes(text, [crossing, motive], [link("c", "m")])
    assert found == ([("B169", "m")] if flagged else [])
