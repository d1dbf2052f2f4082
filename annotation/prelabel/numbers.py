"""Numbers and their hedges: the one vocabulary of number words and qualifiers.

A pipeline component (`nk_numbers`) marks the tokens of number expressions
(`Token._.nk_num`: "34,000", "one in five", "twenty - five", "20 %") and of
qualifier phrases (`Token._.nk_qual`: "at least", "nearly", "more than"), so
the STATISTIC patterns in `patterns/statistic.jsonl` can say "qualifier,
then number" without repeating these word lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_TEENS = "fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
NUMBER_WORDS: dict[str, int] = {
    **{w: i for i, w in enumerate((_UNITS + " " + _TEENS).split())},
    **{w: 10 * (i + 2) for i, w in enumerate(_TENS.split())},
}
SCALE_WORDS: dict[str, int] = {
    "dozen": 12, "dozens": 12, "hundred": 100, "hundreds": 100, "thousand": 1_000,
    "thousands": 1_000, "tens": 10, "million": 1_000_000, "millions": 1_000_000,
}  # fmt: skip
PERCENT_WORDS = frozenset({"%", "percent"})
# Words that join two numbers into one expression: "one in five", "tens of thousands".
JOINERS = frozenset({"in", "of", "-"})

# Qualifier phrase (lower-case tokens) -> value of the STATISTIC `qualifier` attribute.
QUALIFIERS: dict[tuple[str, ...], str] = {
    **dict.fromkeys([("just",), ("only",), ("exactly",), ("precisely",)], "exact"),
    **dict.fromkeys(
        [("at", "least"), ("no", "fewer", "than"), ("no", "less", "than"), ("a", "minimum", "of")],
        "at_least",
    ),
    **dict.fromkeys([("at", "most"), ("up", "to"), ("no", "more", "than"), ("as", "many", "as")],
                    "at_most"),
    **dict.fromkeys(
        [("about",), ("around",), ("approximately",), ("roughly",), ("nearly",), ("almost",),
         ("some",), ("an", "estimated"), ("estimated",), ("close", "to"), ("approx.",)],
        "approximately",
    ),
    **dict.fromkeys([("more", "than"), ("over",), ("above",), ("upwards", "of"),
                     ("in", "excess", "of")], "more_than"),
    **dict.fromkeys([("less", "than"), ("fewer", "than"), ("under",), ("below",)], "less_than"),
}  # fmt: skip
DEFAULT_QUALIFIER = "exact"
# A number followed by one of these measures time, age or distance, not people or events.
UNIT_WORDS = frozenset(
    {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
     "minute", "minutes", "decade", "decades", "century", "centuries", "km", "kilometers",
     "kilometres", "mile", "miles", "meter", "meters", "metre", "metres", "feet", "foot", "inch",
     "inches", "a.m.", "p.m.", "am", "pm", "o'clock"}
)  # fmt: skip
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def is_number_word(text: str) -> bool:
    """True for one token of a number: digits (with thousands separators) or a number word."""
    lower = text.lower()
    return bool(_DIGITS.match(text)) or lower in NUMBER_WORDS or lower in SCALE_WORDS


def text_to_number(text: str) -> float | None:
    """The value of a number expression, None when it is not one.

    >>> text_to_number("34,000"), text_to_number("one in five"), text_to_number("twenty-five")
    (34000.0, 0.2, 25.0)
    """
    parts = [p for p in re.split(r"\s+|(?<=[a-z])-(?=[a-z])", text.lower().strip()) if p]
    for joiner in ("in", "out of"):
        words = joiner.split()
        for i in range(1, len(parts) - len(words)):
            if parts[i : i + len(words)] == words:
                left = text_to_number(" ".join(parts[:i]))
                right = text_to_number(" ".join(parts[i + len(words) :]))
                return None if left is None or not right else left / right
    total = 0.0
    current = 0.0
    for index, part in enumerate(parts):
        if part == "of" and index and parts[index - 1] in SCALE_WORDS:  # "tens of thousands"
            continue
        if _DIGITS.match(part):
            current += float(part.replace(",", ""))
        elif part in NUMBER_WORDS:
            current += NUMBER_WORDS[part]
        elif part in SCALE_WORDS:
            current = max(current, 1) * SCALE_WORDS[part]
            if SCALE_WORDS[part] >= 1_000:
                total, current = total + current, 0.0
        else:
            return None
    return total + current if parts else None


def tokens_to_qualifier(tokens: Sequence[str]) -> str:
    """The qualifier value of a STATISTIC from its tokens (default `exact`).

    >>> tokens_to_qualifier(["at", "least", "11"]), tokens_to_qualifier(["891"])
    ('at_least', 'exact')
    """
    lower = tuple(t.lower() for t in tokens)
    for size in (3, 2, 1):
        if lower[:size] in QUALIFIERS:
            return QUALIFIERS[lower[:size]]
    return DEFAULT_QUALIFIER


def _mark_qualifiers(doc: Doc) -> None:
    lowers = [t.lower_ for t in doc]
    for i in range(len(doc)):
        for phrase in QUALIFIERS:
            if tuple(lowers[i : i + len(phrase)]) == phrase:
                for token in doc[i : i + len(phrase)]:
                    token._.nk_qual = True


def _mark_numbers(doc: Doc) -> None:
    for token in doc:
        token._.nk_num = is_number_word(token.text)
    for token in doc[1:-1]:  # joiners only between two numbers: "one in five", "twenty-five"
        left, right = doc[token.i - 1], doc[token.i + 1]
        if not left._.nk_num:
            continue
        if token.lower_ in JOINERS and is_number_word(right.text) and not _YEAR.match(right.text):
            token._.nk_num = True
        elif (
            token.lower_ == "out"
            and right.lower_ == "of"
            and token.i + 2 < len(doc)
            and is_number_word(doc[token.i + 2].text)
        ):
            token._.nk_num = right._.nk_num = True
    for token in doc[1:]:
        if token.lower_ in PERCENT_WORDS and doc[token.i - 1]._.nk_num:
            token._.nk_num = True


for _name in ("nk_num", "nk_qual"):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=False)


@Language.component("nk_numbers")
def nk_numbers(doc: Doc) -> Doc:
    """Set `Token._.nk_num` and `Token._.nk_qual` (see the module docstring)."""
    _mark_qualifiers(doc)
    _mark_numbers(doc)
    return doc


def is_statistic(span: Span) -> bool:
    """Whether a number span counts people or events: not a year ("2017"), and
    not followed by a unit of time, age or length ("11 years", "10-foot")."""
    numbers = [t for t in span if t._.nk_num]
    if not numbers:
        return False
    if len(numbers) == 1 and _YEAR.match(numbers[0].text):
        return False
    if [t.lower_ for t in span] == ["one"]:  # "one of the most popular", "one defector"
        return False
    after = span.doc[span.end : span.end + 2]
    if len(after) and after[0].text == "-":  # "24-year-old", "10-foot"
        after = after[1:]
    return not (len(after) and after[0].lower_ in UNIT_WORDS)


def statistic_text_to_value(text: str) -> float | None:
    """The normalised value of a STATISTIC span: its qualifier phrase dropped,
    a percentage as a fraction; None when the rest is not a number.

    >>> statistic_text_to_value("at least 34,000"), statistic_text_to_value("nearly one in five")
    (34000.0, 0.2)
    >>> statistic_text_to_value("20 percent"), statistic_text_to_value("many")
    (0.2, None)
    """
    words = re.findall(r"\d[\d,.]*\d|\d|%|[\w.'-]+", text.lower())
    for length in sorted({len(q) for q in QUALIFIERS}, reverse=True):
        if tuple(words[:length]) in QUALIFIERS:
            words = words[length:]
            break
    percent = bool(words) and words[-1] in PERCENT_WORDS
    value = text_to_number(" ".join(words[:-1] if percent else words))
    return None if value is None else (value / 100 if percent else value)
