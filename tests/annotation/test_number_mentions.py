"""Number mentions, decades included, and the coverage check of the gold
(annotation/number_mentions.py)."""

from __future__ import annotations

import pytest

from nkcorpus.annotation.number_mentions import (
    EXCLUSIONS_FILE,
    Exclusion,
    load_exclusions,
    number_coverage_problems,
    text_to_decades,
    text_to_number_mentions,
)
from nkcorpus.corpus.documents import load_documents
from nkcorpus.paths import annotation_dir


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("Since the late 1990s, ", [(15, "1990s", True)]),
        ("in the mid-2000s", [(11, "2000s", True)]),
        ("the ’90s and the '80s", [(4, "’90s", True), (17, "'80s", True)]),
        ("in the 1980's", [(7, "1980's", True)]),
        ("the nineties, the Mid-Seventies", [(4, "nineties", True), (22, "Seventies", True)]),
        ("men in their 20s", [(13, "20s", True)]),
        # not decades: plain numbers, plural counts, a year's possessive, an elided year
        ("100s of defectors, 1,000s more", [(0, "100s", False), (19, "1,000s", False)]),
        ("2017’s vote", [(0, "2017", False)]),
        ("in ’90 they left", [(4, "90", False)]),
        ("at 10:40 p.m.", [(3, "10", False), (6, "40", False)]),
        ("twenty-five and 34,000.", [(0, "twenty-five", False), (16, "34,000", False)]),
    ],
)
def test_number_mentions_see_decades(text: str, mentions: list) -> None:
    found = text_to_number_mentions(text)
    assert [(m.start, m.text, m.decade) for m in found] == mentions
    for m in found:
        assert text[m.start : m.end] == m.text


def test_the_seeds_decades_are_the_three_listed_by_the_reading() -> None:
    texts = {d.doc_id: d.text for d in load_documents()}
    found = {
        doc_id: [(m.start, m.text) for m in text_to_decades(texts[doc_id])]
        for doc_id in ("000_610f827a1a73c6d9", "002_f4fac74a6db6b90a", "003_8619a8974c0e0bd4")
    }
    assert found == {
        "000_610f827a1a73c6d9": [(1124, "1990s")],
        "002_f4fac74a6db6b90a": [(2978, "1990s")],
        "003_8619a8974c0e0bd4": [(2667, "1990s")],
    }


def test_the_committed_exclusions_list_the_decades_as_decades() -> None:
    exclusions = load_exclusions(annotation_dir() / EXCLUSIONS_FILE)
    decades = sorted(
        (doc_id, e.start, e.text)
        for doc_id, items in exclusions.items()
        for e in items
        if e.reason == "decade"
    )
    # hand-checked in each text: a time ("since the late 1990s", "the mid 1990s", ...)
    assert decades == [
        ("000_610f827a1a73c6d9", 1124, "1990s"),  # Since the late 1990s, at least 34,000
        ("002_f4fac74a6db6b90a", 2978, "1990s"),  # defectors since the 1990s, said
        ("003_8619a8974c0e0bd4", 2667, "1990s"),  # have defected since the late 1990s.
        ("005_nknews-2013-couple-re-defect", 856, "1990s"),  # famine of the mid 1990s
        ("011_cnn-2015-kim-ryon-hui-trapped", 106, "1990’s"),  # the Great Famine of the late
        ("026_cna-2025-swimmer-styrofoam", 1426, "1950s"),  # divided by war in the 1950s
        ("031_thediplomat-2016-13-year-low", 1936, "1990s"),  # a famine in the 1990s.
    ]
    # every decade the number check sees in the seeds is listed, as a time or as an age
    # (the other seven: "in their 20s" twice in 014, "his late 50s" in 019, "his early
    # twenties" in 020, "his late 20s" in 023, "their 20s" in 027, "his 40s" in 029)
    seen = sorted(
        (d.doc_id, m.start, m.text) for d in load_documents() for m in text_to_decades(d.text)
    )
    ages = sorted(
        (doc_id, e.start, e.text)
        for doc_id, items in exclusions.items()
        for e in items
        if e.reason == "age" and text_to_decades(e.text)
    )
    assert len(ages) == 7 and seen == sorted(decades + ages)


TEXT = "Since the late 1990s, at least 34,000 fled; in their 20s; in 2019."
# "Since the late " is 15 code points: "1990s" [15, 20); ", " then "at least 34,000"
# [22, 37); " fled" [37, 42), "; in their " [42, 53), "20s" [53, 56); "; in " [56, 61),
# "2019" [61, 65).
STATISTIC = [{"label": "STATISTIC", "start": 22, "end": 37}]


def test_coverage_accepts_a_decade_excluded_as_decade_or_age() -> None:
    assert TEXT[15:20] == "1990s" and TEXT[53:56] == "20s" and TEXT[61:65] == "2019"
    exclusions = [Exclusion(15, "1990s", "decade"), Exclusion(53, "20s", "age"),
                  Exclusion(61, "2019", "year")]  # fmt: skip
    assert number_coverage_problems(TEXT, STATISTIC, exclusions) == []


def test_coverage_names_a_decade_missed_misexcluded_or_inside_a_statistic() -> None:
    missed = number_coverage_problems(TEXT, STATISTIC, [Exclusion(61, "2019", "year")])
    assert [p.split(" at ")[0] for p in missed] == ["number '1990s'", "number '20s'"]
    wrong = [Exclusion(15, "1990s", "year"), Exclusion(53, "20s", "decade"),
             Exclusion(61, "2019", "decade")]  # fmt: skip
    problems = number_coverage_problems(TEXT, STATISTIC, wrong)
    assert len(problems) == 2
    assert "'1990s' at 15" in problems[0] and "excluded as 'year'; use `decade`" in problems[0]
    assert "'2019' at 61" in problems[1] and "is no decade" in problems[1]
    inside = [{"label": "STATISTIC", "start": 15, "end": 37}]  # "1990s, at least 34,000"
    problems = number_coverage_problems(TEXT, inside, [Exclusion(53, "20s", "age"),
                                                       Exclusion(61, "2019", "year")])  # fmt: skip
    assert (
        len(problems) == 1 and "'1990s' at 15" in problems[0] and "a decade inside" in problems[0]
    )
