"""Every number written in a text, in digits or in words, decades included.

The gold check uses this to make sure no number is missed silently: each
mention must lie inside a STATISTIC span or be listed, with its reason, in
`annotation/number_exclusions.yaml`. The word lists are the pre-annotator's
(`nkcorpus.annotation.prelabel.numbers`), so both agree on what a number is.
Decades ("1990s", "’90s", "mid-2000s", "the nineties", "in his 20s") are
mentions too, of kind `decade`: a decade is a time, not a quantity, so it is
never inside a STATISTIC and its exclusion reason is `decade` (or `age` for a
decade of life). Other plural numbers ("100s of defectors") are plain mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.numbers import NUMBER_WORDS, SCALE_WORDS
from nkcorpus.schema.records import STATISTIC_LABEL

_WORDS = sorted({*NUMBER_WORDS, *SCALE_WORDS}, key=len, reverse=True)
_WORD = "(?:" + "|".join(_WORDS) + ")"
# "twenty" -> "twenties", ..., "ninety" -> "nineties": the decade words.
_DECADE_WORDS = sorted(w[:-1] + "ies" for w, v in NUMBER_WORDS.items() if v >= 20 and v % 10 == 0)
_APOSTROPHE = "['\u2019]"
_DECADE = re.compile(
    rf"(?<![\w.,])(?:\d\d)?\d0{_APOSTROPHE}?s(?!\w)"  # 1990s, 1990's, 20s
    rf"|(?<!\w){_APOSTROPHE}\d0s(?!\w)"  # '90s, ’90s
    rf"|\b(?:{'|'.join(_DECADE_WORDS)})\b",  # the nineties
    re.IGNORECASE,
)
# Decades first: at one position the first alternative that matches wins.
_MENTION = re.compile(
    rf"{_DECADE.pattern}"
    r"|(?<![\w.,])\d+(?:[.,]\d+)*s?(?!\w)"  # 11, 1,600, 2.5, 100s (a trailing full stop stays out)
    rf"|\b{_WORD}(?:-{_WORD})*\b",  # eleven, twenty-five, thousands
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    decade: bool = False  # "1990s", "’90s", "nineties": a time, never a STATISTIC


def text_to_number_mentions(text: str) -> list[NumberMention]:
    """Every number mention in `text`, in order, as `[start, end)` code points.

    >>> mentions = text_to_number_mentions("At least 11 of twenty-five, in 2019; one in five.")
    >>> [m.text for m in mentions]
    ['11', 'twenty-five', '2019', 'one', 'five']
    >>> [(m.text, m.decade) for m in text_to_number_mentions("the late 1990s, 100s of them")]
    [('1990s', True), ('100s', False)]
    """
    return [
        NumberMention(m.start(), m.end(), m.group(), bool(_DECADE.fullmatch(m.group())))
        for m in _MENTION.finditer(text)
    ]


def text_to_decades(text: str) -> list[NumberMention]:
    """The decades among the number mentions of `text`.

    >>> text = "Since the late 1990s, the ’80s and the nineties"
    >>> [(m.start, m.text) for m in text_to_decades(text)]
    [(15, '1990s'), (26, '’80s'), (39, 'nineties')]
    """
    return [m for m in text_to_number_mentions(text) if m.decade]


EXCLUSION_REASONS = frozenset(
    {"year", "decade", "date", "age", "duration", "measurement", "money", "not_a_quantity",
     "name_or_title"}
)  # fmt: skip
DECADE_REASONS = frozenset({"decade", "age"})  # "the late 1990s"; "in his 20s"
EXCLUSIONS_FILE = "number_exclusions.yaml"


@dataclass(frozen=True)
class Exclusion:
    """A number that is deliberately not a STATISTIC, and why."""

    start: int
    text: str
    reason: str


def load_exclusions(path: Path) -> dict[str, list[Exclusion]]:
    """doc_id -> its exclusions, from `annotation/number_exclusions.yaml`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {
            doc_id: [Exclusion(int(e["start"]), str(e["text"]), str(e["reason"])) for e in items]
            for doc_id, items in (raw.get("exclusions") or {}).items()
        }
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AnnotationError(
            "A230", f"{path}: cannot read the number exclusions ({exc}); fix the file's shape"
        ) from exc


def number_coverage_problems(
    text: str, spans: Sequence[Mapping[str, Any]], exclusions: Sequence[Exclusion]
) -> list[str]:
    """Every way the numbers of `text` are not accounted for, as messages.

    A number mention must lie inside a STATISTIC span or be excluded; an
    exclusion must match the text, give a known reason, and not be a number
    that is inside a STATISTIC. A decade is never inside a STATISTIC, and is
    excluded as `decade` (or `age`: "in his 20s"); only a decade is `decade`.

    >>> spans = [{"label": "STATISTIC", "start": 0, "end": 11}]
    >>> number_coverage_problems("at least 11 in 2019", spans, [])
    ["number '2019' at 15 ('at least 11 in 2019') is neither in a STATISTIC span nor excluded"]
    """
    statistics = [(s["start"], s["end"]) for s in spans if s.get("label") == STATISTIC_LABEL]
    by_place = {(e.start, e.text): e for e in exclusions}
    problems = []
    for mention in text_to_number_mentions(text):
        inside = any(a <= mention.start and mention.end <= b for a, b in statistics)
        excluded = by_place.pop((mention.start, mention.text), None)
        context = text[max(0, mention.start - 30) : mention.end + 30].replace("\n", " ")
        where = f"number {mention.text!r} at {mention.start} ({context!r})"
        if inside and excluded:
            problems.append(f"{where} is inside a STATISTIC and also excluded; drop the exclusion")
        elif inside and mention.decade:
            problems.append(
                f"{where} is a decade inside a STATISTIC; a decade is a time, not a quantity: "
                "shrink the STATISTIC and exclude the decade with reason `decade`"
            )
        elif not inside and not excluded:
            problems.append(f"{where} is neither in a STATISTIC span nor excluded")
        elif excluded and excluded.reason not in EXCLUSION_REASONS:
            problems.append(
                f"{where}: exclusion reason {excluded.reason!r} is not one of "
                f"{sorted(EXCLUSION_REASONS)}"
            )
        elif excluded and mention.decade and excluded.reason not in DECADE_REASONS:
            problems.append(
                f"{where} is a decade, excluded as {excluded.reason!r}; use `decade` "
                "(or `age` for a decade of life)"
            )
        elif excluded and not mention.decade and excluded.reason == "decade":
            problems.append(f"{where} is no decade, excluded as 'decade'; give its reason")
    for exclusion in by_place.values():
        problems.append(
            f"exclusion {exclusion.text!r} at {exclusion.start} matches no number of the text "
            f"(found {text[exclusion.start : exclusion.start + len(exclusion.text)]!r}); "
            "update or delete it"
        )
    return problems
