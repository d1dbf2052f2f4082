"""Best-effort guesses for a new seed's manifest entry: where the article body
is, its title and its date. Every guess is marked for review (`reviewed: false`)."""

from __future__ import annotations

import datetime as dt
import re

from nkcorpus.corpus.clean import normalise_line
from nkcorpus.corpus.manifest import BodySpec

# A line of prose: long, several words, ends like a sentence or a quotation.
_PROSE_MIN_CHARS = 80
_PROSE_MIN_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)]*$|[\"”’]$")
# Non-blank lines that are not prose count against a body candidate.
_CHROME_PENALTY = 60
# Menus and breadcrumbs are not titles.
_MENU_SEPARATOR = re.compile(r"[|•›»>]")

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),\s+(\d{4})\b", re.I)
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.I)


def is_prose(line: str) -> bool:
    text = normalise_line(line)
    return (
        len(text) >= _PROSE_MIN_CHARS
        and len(text.split()) >= _PROSE_MIN_WORDS
        and bool(_SENTENCE_END.search(text))
    )


def guess_body(lines: list[str]) -> BodySpec:
    """The densest run of prose lines (maximum-sum window: prose scores its
    length, other non-blank lines a penalty, blank lines nothing).

    >>> guess_body(["Home | News", "", "x " * 50 + "end.", "Share this", "Copyright"])
    BodySpec(first_line=3, last_line=3, drop=())
    """
    best, best_range = 0, None
    run, run_start = 0, None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        score = len(line) if is_prose(line) else -_CHROME_PENALTY
        if run_start is None or run <= 0:
            run, run_start = score, number
        else:
            run += score
        if score > 0 and run > best:
            best, best_range = run, (run_start, number)
    if best_range is None:
        nonblank = [n for n, line in enumerate(lines, start=1) if line.strip()]
        return BodySpec(first_line=nonblank[0], last_line=nonblank[-1])
    first, last = best_range
    while not is_prose(lines[first - 1]):  # the window may start on a penalised line
        first += 1
    return BodySpec(first_line=first, last_line=last)


def guess_title(lines: list[str], body: BodySpec, html_title: str | None = None) -> str | None:
    """The page <title>, else the first short, non-prose line before the body that
    is not a menu (no separators such as `|` or `>`)."""
    if html_title:
        return html_title
    for line in lines[: body.first_line - 1]:
        text = normalise_line(line)
        if (
            3 <= len(text.split()) <= 20
            and not is_prose(text)
            and not text.endswith(".")
            and not _MENU_SEPARATOR.search(text)
        ):
            return text
    return None


_PUBLISHED_HINT = re.compile(r"\b(posted|published)\b", re.I)


def guess_published(lines: list[str]) -> dt.date | None:
    """The first date written in the page (ISO, 'January 3, 2022' or '3 January 2022'),
    preferring lines that say 'Posted' or 'Published'."""
    hinted = [line for line in lines if _PUBLISHED_HINT.search(line)]
    for line in hinted + lines:
        for pattern, order in (
            (_ISO_DATE, "ymd"),
            (_MONTH_DAY_YEAR, "mdy"),
            (_DAY_MONTH_YEAR, "dmy"),
        ):
            match = pattern.search(line)
            if not match:
                continue
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["m"]
            month_number = int(month) if month.isdigit() else _MONTHS.index(month.lower()) + 1
            try:
                return dt.date(int(parts["y"]), month_number, int(parts["d"]))
            except ValueError:
                continue
    return None
