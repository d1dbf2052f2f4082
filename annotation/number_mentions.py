"""Every number written in a text, in digits or in words.

The gold check uses this to make sure no number is missed silently: each
mention must lie inside a STATISTIC span or be listed, with its reason, in
`annotation/number_exclusions.yaml`. The word lists are the pre-annotator's
(`nkcorpus.annotation.prelabel.numbers`), so both agree on what a number is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nkcorpus.annotation.prelabel.numbers import NUMBER_WORDS, SCALE_WORDS

_WORDS = sorted({*NUMBER_WORDS, *SCALE_WORDS}, key=len, reverse=True)
_WORD = "(?:" + "|".join(_WORDS) + ")"
_MENTION = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])"  # 11, 1,600, 2.5 (a trailing full stop stays out)
    rf"|\b{_WORD}(?:-{_WORD})*\b",  # eleven, twenty-five, thousands
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str


def text_to_number_mentions(text: str) -> list[NumberMention]:
    """Every number mention in `text`, in order, as `[start, end)` code points.

    >>> [m.text for m in text_to_number_mentions("At least 11 of twenty-five, in 2019; one in five.")]
    ['11', 'twenty-five', '2019', 'one', 'five']
    """
    return [NumberMention(m.start(), m.end(), m.group()) for m in _MENTION.finditer(text)]
