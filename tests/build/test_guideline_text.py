"""Sentences, tokens and paragraphs of a text (build/guideline_text.py)."""

from __future__ import annotations

from nkcorpus.build.guideline_text import Sentences


def test_sentences_number_offsets_and_break_at_line_breaks() -> None:
    text = "Kim fled. He was caught\nLater he returned."
    sents = Sentences(text)
    # "Kim fled. " is 10 code points: sentence 1 starts at 10; the line break
    # at 23 starts sentence 2 at 24 ("Later").
    assert [sents.index(o) for o in (0, 9, 10, 22, 24, len(text) - 1)] == [0, 0, 1, 1, 2, 2]
    assert sents.paragraph_break(10, 30) and not sents.paragraph_break(0, 23)


def test_tokens_inside_a_range_are_lower_cased_with_offsets() -> None:
    text = "Son’s Return to the North"
    sents = Sentences(text)
    assert sents.words(0, len(text)) == ["son", "’s", "return", "to", "the", "north"]
    # a token the range cuts is left out: [4, 12) cuts "’s" (3-5), holds "Return" (6-12)
    assert sents.tokens(4, 12) == [(6, 12, "return")]
