"""What the guideline checks (`nkcorpus.build.guideline_checks`) share: a
`Finding`, and the sentences and tokens of a text.

Sentences and tokens are the `tokens` table's (`nkcorpus.build.tables.sentence_nlp`:
a break at every line break, then the rule-based sentencizer); a paragraph
ends at a line break.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import IDX, IS_SPACE, LENGTH, LOWER
from spacy.language import Language
from spacy.tokens import Doc

Span = Mapping[str, Any]
FIX = "fix it in Label Studio and pull"


@dataclass(frozen=True)
class Finding:
    """One place where a gold annotation breaks a checkable guideline rule;
    `start`/`end` cover the region (or both ends of the relation) it is about."""

    code: str
    region_id: str
    start: int
    end: int
    message: str


@lru_cache(maxsize=1)
def _nlp() -> Language:
    from nkcorpus.build.tables import sentence_nlp

    return sentence_nlp()


@lru_cache(maxsize=1)
def sentence_doc(text: str) -> Doc:
    """`text` through the `tokens` table's pipeline; the last one is kept, as
    the layout and guideline checks of one gold annotation both read it.
    Callers only read it."""
    return _nlp()(text)


class Sentences:
    """Sentence numbers and lower-cased tokens of one text."""

    def __init__(self, text: str) -> None:
        doc = sentence_doc(text)
        self.text = text
        self._starts = [s.start_char for s in doc.sents]
        # columns, not Token objects (a Token per word was most of validation's time)
        starts, lengths, spaces, lowers = doc.to_array([IDX, LENGTH, IS_SPACE, LOWER]).T.tolist()
        strings = doc.vocab.strings
        self._tokens = [
            (start, start + length, strings[lower])
            for start, length, space, lower in zip(starts, lengths, spaces, lowers, strict=True)
            if not space
        ]
        self._token_starts = [t[0] for t in self._tokens]

    def index(self, offset: int) -> int:
        """The number of the sentence that holds `offset`."""
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def tokens(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The tokens inside `[start, end)`: (start, end, lower-cased text)."""
        first = bisect.bisect_left(self._token_starts, start)
        last = bisect.bisect_left(self._token_starts, end, lo=first)
        return [t for t in self._tokens[first:last] if t[1] <= end]

    def words(self, start: int, end: int) -> list[str]:
        return [t[2] for t in self.tokens(start, end)]

    def paragraph_break(self, start: int, end: int) -> bool:
        return "\n" in self.text[start:end]


def show(span: Span) -> str:
    return f"{span['label']} [{span['start']}, {span['end']}) {span['text']!r}"


def by_label(spans: Sequence[Span], label: str) -> list[Span]:
    return [s for s in spans if s["label"] == label]


def links_of(relations: Sequence[Span], kind: str) -> list[tuple[str, str]]:
    return [(r["head"], r["tail"]) for r in relations if r["type"] == kind]
