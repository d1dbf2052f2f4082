"""The CROSSING and agent checks (build/guideline_crossings.py), on hand-made
texts whose offsets are computed from the text and asserted."""

from __future__ import annotations

from typing import Any

import pytest

from nkcorpus.build.guideline_crossings import crossing_findings
from nkcorpus.build.guideline_text import Sentences

CROSSING = {"direction": "north_to_south", "route": "unknown", "status": "completed"}


def span(text: str, fragment: str, label: str, span_id: str, **attributes: Any) -> dict:
    start = text.index(fragment)
    found = {"id": span_id, "label": label, "start": start, "end": start + len(fragment)}
    assert text[found["start"] : found["end"]] == fragment
    return {**found, "text": fragment, **attributes}


def agent(person: str, crossing: str) -> dict:
    return {"type": "agent", "head": person, "tail": crossing}


def codes(text: str, spans: list[dict], relations: list[dict]) -> list[tuple[str, str]]:
    found = crossing_findings(spans, relations, Sentences(text))
    return sorted((f.code, f.region_id) for f in found)


def test_a_governing_verb_before_an_event_noun_is_named_with_the_right_start() -> None:
    text = "Kim took the perilous journey across the border."
    crossing = span(
        text, "took the perilous journey across the border", "CROSSING", "c", **CROSSING
    )
    (finding,) = crossing_findings([crossing], [], Sentences(text))
    # "Kim " is 4 code points, "took " 5: the event noun phrase starts at 9 and
    # runs 38 code points ("the perilous journey across the border") to 47.
    assert (finding.code, finding.start, finding.end) == ("B161", 4, 47)
    assert "'took'" in finding.message and "[9, 47)" in finding.message
    assert text[9:47] == "the perilous journey across the border"


def test_a_governing_verb_with_to_is_named_with_the_movement_verb_as_start() -> None:
    text = "He attempted to cross the border."
    crossing = span(text, "attempted to cross the border", "CROSSING", "c", **CROSSING)
    (finding,) = crossing_findings([crossing], [], Sentences(text))
    # "He " 3 + "attempted " 10 + "to " 3 = 16; "cross the border" is 16 long: 32.
    assert finding.code == "B161" and "[16, 32)" in finding.message
    assert text[16:32] == "cross the border"


@pytest.mark.parametrize(
    "fragment",
    [
        "made it to South Korea",  # a movement idiom: the verb is the movement
        "making his way through the zone",
        "fled to the North",
        "took a boat to the South",  # "boat" is no event noun
        "the perilous journey across the border",
    ],
)
def test_a_movement_verb_at_the_start_is_no_governing_verb(fragment: str) -> None:
    text = f"They {fragment} last year."
    assert codes(text, [span(text, fragment, "CROSSING", "c", **CROSSING)], []) == []


@pytest.mark.parametrize(
    ("fragment", "flagged"),
    [
        ("This incident", True),
        ("a rare and risky move", True),
        ("the incident of his escape", True),
        ("the latest event", True),
        ("the pair’s move to South Korea", False),  # "move" with its destination
        ("This rare defection", False),
        ("a crossing", False),
    ],
)
def test_a_general_noun_that_refers_back_is_no_crossing(fragment: str, flagged: bool) -> None:
    text = f"Officials said {fragment} worried them."
    found = codes(text, [span(text, fragment, "CROSSING", "c", **CROSSING)], [])
    assert found == ([("B162", "c")] if flagged else [])


def test_a_person_right_before_a_crossing_is_expected_as_its_agent() -> None:
    text = "A man who previously defected from North Korea came back."
    person = span(text, "A man", "PERSON", "p", roles=["defector"])
    crossing = span(text, "defected from North Korea", "CROSSING", "c", **CROSSING)
    assert codes(text, [person, crossing], []) == [("B160", "p->c")]
    assert codes(text, [person, crossing], [agent("p", "c")]) == []


def test_a_person_separated_by_a_reporting_verb_is_not_taken_for_the_mover() -> None:
    text = "Lee said that the soldier fled to the South."
    lee = span(text, "Lee", "PERSON", "lee", roles=["expert"])
    soldier = span(text, "the soldier", "PERSON", "s", roles=["defector"])
    crossing = span(text, "fled to the South", "CROSSING", "c", **CROSSING)
    assert codes(text, [lee, soldier, crossing], [agent("s", "c")]) == []


def test_a_person_after_the_event_nouns_of_is_expected_as_its_agent() -> None:
    text = "The defection of a military officer shocked Seoul."
    crossing = span(text, "The defection", "CROSSING", "c", **CROSSING)
    person = span(text, "a military officer", "PERSON", "p", roles=["defector", "official"])
    assert codes(text, [crossing, person], []) == [("B160", "p->c")]


def test_a_second_mention_of_the_mover_in_the_sentence_is_expected_as_an_agent() -> None:
    # 000's known case: "the man" is the agent, "the defector" (same roles) is not.
    text = (
        "Officials ensured the man’s safety after crossing the border, and Kim Jong Un "
        "did not confirm the status of the defector."
    )
    man = span(text, "the man", "PERSON", "m", roles=["defector", "returnee"])
    crossing = span(text, "crossing the border", "CROSSING", "c", **CROSSING)
    leader = span(text, "Kim Jong Un", "PERSON", "k", roles=["official"])
    defector = span(text, "the defector", "PERSON", "d", roles=["returnee", "defector"])
    spans = [man, crossing, leader, defector]
    assert codes(text, spans, [agent("m", "c")]) == [("B160", "d->c")]
    assert codes(text, spans, [agent("m", "c"), agent("d", "c")]) == []


def test_an_agent_in_a_later_sentence_is_an_error() -> None:
    text = "The defection shocked Seoul. A soldier was named later."
    crossing = span(text, "The defection", "CROSSING", "c", **CROSSING)
    person = span(text, "A soldier", "PERSON", "p", roles=["defector"])
    assert codes(text, [crossing, person], [agent("p", "c")]) == [("B163", "p->c")]
    earlier = "A soldier was named. The defection shocked Seoul."
    spans = [
        span(earlier, "The defection", "CROSSING", "c", **CROSSING),
        span(earlier, "A soldier", "PERSON", "p", roles=["defector"]),
    ]
    assert codes(earlier, spans, [agent("p", "c")]) == []


@pytest.mark.parametrize(("status", "found"), [("generic", [("B164", "c")]), ("planned", [])])
def test_a_generic_crossing_with_an_agent_is_a_warning(status: str, found: list) -> None:
    text = "If successful, Son would then return to the North."
    person = span(text, "Son", "PERSON", "p", roles=["returnee"])
    crossing = span(text, "return to the North", "CROSSING", "c", **{**CROSSING, "status": status})
    assert codes(text, [person, crossing], [agent("p", "c")]) == found
