"""Token-level agreement: one BIO tag per token and annotator.

Tokens are those of the released `tokens` table: the text tokenised by
`nkcorpus.build.tables.sentence_nlp`, whitespace tokens left out, tags named
as in `doc_to_sentence_rows` (`O`, `B-X`, `I-X`; `nkcorpus.schema.bio`).

An annotator's spans may overlap or cut a token (only gold is refused for
that), so each token takes one span by a fixed rule: of the spans sharing at
least one character with the token, the one that starts first, then the
longest, then the first label in schema order, then the smallest region id.
The token is `B-X` when the token before it took another span (or none),
else `I-X`; a token no span touches is `O`.

Cohen's kappa is computed over the tokens of each annotator pair
(`pair_tables`) and Krippendorff's alpha (nominal) over the same tokens as
units with every annotator of the document as a coder (`value_counts`,
`krippendorff_alpha`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from spacy.language import Language

from nkcorpus.annotation.agreement.alpha import stacked_alpha
from nkcorpus.schema.bio import OUTSIDE

Token = tuple[int, int]


@lru_cache(maxsize=1)
def _nlp() -> Language:
    from nkcorpus.build.tables import sentence_nlp

    return sentence_nlp()


def token_offsets(text: str) -> list[Token]:
    """`[start, end)` of every token of the `tokens` table, whitespace left out.

    >>> token_offsets("Kim crossed  the DMZ.")
    [(0, 3), (4, 11), (13, 16), (17, 20), (20, 21)]
    """
    return [(t.idx, t.idx + len(t.text)) for t in _nlp()(text) if not t.is_space]


def token_tags(
    tokens: Sequence[Token], spans: Sequence[Mapping[str, Any]], labels: Sequence[str]
) -> list[str]:
    """One BIO tag per token by the rule of the module doc.

    The PERSON span starts first and takes the tokens it touches; the
    CROSSING span keeps the one token after them, which starts its own run:

    >>> tokens = [(0, 3), (4, 11), (12, 15), (16, 19)]
    >>> spans = [{"id": "c", "start": 4, "end": 15, "label": "CROSSING"},
    ...          {"id": "p", "start": 0, "end": 11, "label": "PERSON"}]
    >>> token_tags(tokens, spans, ["PERSON", "CROSSING"])
    ['B-PERSON', 'I-PERSON', 'B-CROSSING', 'O']
    """
    order = {label: n for n, label in enumerate(labels)}
    starts = [start for start, _ in tokens]
    ends = [end for _, end in tokens]
    owner: list[int | None] = [None] * len(tokens)
    ranked = sorted(
        range(len(spans)),
        key=lambda k: (
            spans[k]["start"],
            -spans[k]["end"],
            order.get(spans[k]["label"], len(order)),
            str(spans[k]["id"]),
        ),
    )
    for k in ranked:
        first = bisect_right(ends, spans[k]["start"])  # first token ending after the start
        last = bisect_left(starts, spans[k]["end"])  # first token starting at or after the end
        for position in range(first, last):
            if owner[position] is None:
                owner[position] = k
    tags = []
    for position, k in enumerate(owner):
        if k is None:
            tags.append(OUTSIDE)
            continue
        prefix = "I" if position > 0 and owner[position - 1] == k else "B"
        tags.append(f"{prefix}-{spans[k]['label']}")
    return tags


def pair_table(first: npt.NDArray[np.int_], second: npt.NDArray[np.int_], size: int) -> Any:
    """The `size` x `size` contingency table of two annotators' tag codes.

    >>> pair_table(np.array([0, 1, 1]), np.array([0, 1, 0]), 2).tolist()
    [[1, 0], [1, 1]]
    """
    return np.bincount(first * size + second, minlength=size * size).reshape(size, size)


def value_counts(codes: Sequence[npt.NDArray[np.int_]], size: int) -> npt.NDArray[np.int_]:
    """Units (tokens) x values (tags): how many coders gave each tag to each token.

    >>> value_counts([np.array([0, 1]), np.array([0, 0])], 2).tolist()
    [[2, 0], [1, 1]]
    """
    # the smallest unsigned type that holds the number of coders (uint8 below 256):
    # a document's counts are kept until the release's alpha is measured
    dtype = np.min_scalar_type(len(codes))
    counts = np.zeros((len(codes[0]) if codes else 0, size), dtype=dtype)
    for coder in codes:
        np.add.at(counts, (np.arange(len(coder)), coder), 1)
    return counts


def krippendorff_alpha(counts: npt.NDArray[np.int_]) -> float | None:
    """Krippendorff's alpha (nominal), as the `krippendorff` package computes it
    (`nkcorpus.annotation.agreement.alpha.stacked_alpha`); None when no token
    has two coders or fewer than two tags occur (alpha undefined).

    >>> krippendorff_alpha(np.array([[2, 0], [1, 1], [0, 2]]))  # as statistics.nominal_alpha
    0.4444444444444444
    """
    return stacked_alpha([counts])
