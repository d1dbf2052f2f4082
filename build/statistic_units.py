"""The unit of a STATISTIC's normalised value (`statistics.value_unit`).

`statistic_text_to_value` (the pre-annotator's frozen normaliser, in
`nkcorpus.annotation.prelabel.numbers`) gives 0.2 for "one in five" and for
"20 percent", and 34000.0 for "at least 34,000". This module says which of
those is a share and which a count, from the same words: once the qualifier
phrase is dropped, a percent word ("%", "percent") or a ratio ("one in five",
"two out of three") makes a share (a fraction from 0 to 1); any other number
is a count of people or events. A span without a value ("many") has no unit.
The unit names and their meaning are declared in
`nkcorpus.schema.records.VALUE_UNITS`.
"""

from __future__ import annotations

import re

from nkcorpus.annotation.prelabel.numbers import (
    PERCENT_WORDS,
    QUALIFIERS,
    statistic_text_to_value,
)

# The tokenisation `statistic_text_to_value` uses: numbers with separators, "%", words.
_WORDS = re.compile(r"\d[\d,.]*\d|\d|%|[\w.'-]+")
_RATIO_JOINERS = (("in",), ("out", "of"))
COUNT, SHARE = "count", "share"  # the keys of VALUE_UNITS (a test checks)


def _number_words(text: str) -> list[str]:
    """The lower-case words of `text` after its leading qualifier phrase."""
    words = _WORDS.findall(text.lower())
    for length in sorted({len(q) for q in QUALIFIERS}, reverse=True):
        if tuple(words[:length]) in QUALIFIERS:
            return words[length:]
    return words


def _is_ratio(words: list[str]) -> bool:
    return any(
        tuple(words[i : i + len(joiner)]) == joiner
        for joiner in _RATIO_JOINERS
        for i in range(1, len(words) - len(joiner))
    )


def statistic_text_to_unit(text: str) -> str | None:
    """What the value of a STATISTIC span's text measures: `share`, `count`, or
    None when the text has no value.

    >>> statistic_text_to_unit("nearly one in five"), statistic_text_to_unit("20 percent")
    ('share', 'share')
    >>> statistic_text_to_unit("at least 34,000"), statistic_text_to_unit("many")
    ('count', None)
    """
    if statistic_text_to_value(text) is None:
        return None
    words = _number_words(text)
    if any(word in PERCENT_WORDS for word in words) or _is_ratio(words):
        return SHARE
    return COUNT


def statistic_text_to_measure(text: str) -> tuple[float | None, str | None]:
    """`(value, value_unit)` of a STATISTIC span's text, the two columns of `statistics`.

    >>> statistic_text_to_measure("about 34,000"), statistic_text_to_measure("nearly one in five")
    ((34000.0, 'count'), (0.2, 'share'))
    """
    return statistic_text_to_value(text), statistic_text_to_unit(text)
