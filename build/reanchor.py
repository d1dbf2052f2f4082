"""Re-anchor the spans of a stale Label Studio task onto its changed document text.

The old text is aligned to the new one; a span survives only if all its characters
sit in one unchanged stretch of the alignment, so its text reads the same at its new
offsets. Anything else is dropped with a reason: a span is never moved to another
place where its text happens to appear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

# Words keep their trailing whitespace: a lone " " token would match everywhere and
# make the token alignment quadratic.
_TOKEN = re.compile(r"\S+\s*|\s+")
# Unmatched token stretches up to this size (old chars x new chars) are aligned again
# character by character, so an edit inside one word does not drop its neighbours.
_CHAR_LIMIT = 4_000_000


@dataclass(frozen=True)
class MovedSpan:
    span_id: str
    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class DroppedSpan:
    span_id: str
    text: str
    old_start: int
    reason: str


@dataclass(frozen=True)
class Reanchored:
    spans: list[dict[str, Any]]
    moved: list[MovedSpan]
    dropped: list[DroppedSpan]
    kept_ids: frozenset[str]


def _char_blocks(a: str, b: str, i0: int, j0: int) -> list[tuple[int, int, int]]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [(i0 + i, j0 + j, n) for i, j, n in matcher.get_matching_blocks() if n]


def _equal_blocks(old: str, new: str) -> list[tuple[int, int, int]]:
    """(old_start, new_start, length) of the unchanged stretches, merged and in order."""
    limit = min(len(old), len(new))
    pre = next((k for k in range(limit) if old[k] != new[k]), limit)
    suf = next((k for k in range(limit - pre) if old[-1 - k] != new[-1 - k]), limit - pre)
    a_toks = [(m.start(), m.group()) for m in _TOKEN.finditer(old, pre, len(old) - suf)]
    b_toks = [(m.start(), m.group()) for m in _TOKEN.finditer(new, pre, len(new) - suf)]
    a_ends = [t[0] for t in a_toks] + [len(old) - suf]
    b_ends = [t[0] for t in b_toks] + [len(new) - suf]
    matcher = SequenceMatcher(None, [t for _, t in a_toks], [t for _, t in b_toks], autojunk=False)
    blocks, i_prev, j_prev = [(0, 0, pre)], 0, 0
    for ti, tj, tn in matcher.get_matching_blocks():  # ends with a (len, len, 0) sentinel
        i1, i2, j1, j2 = a_ends[i_prev], a_ends[ti], b_ends[j_prev], b_ends[tj]
        if i1 < i2 and j1 < j2 and (i2 - i1) * (j2 - j1) <= _CHAR_LIMIT:
            blocks += _char_blocks(old[i1:i2], new[j1:j2], i1, j1)
        blocks.append((a_ends[ti], b_ends[tj], a_ends[ti + tn] - a_ends[ti]))
        i_prev, j_prev = ti + tn, tj + tn
    blocks.append((len(old) - suf, len(new) - suf, suf))
    merged: list[tuple[int, int, int]] = []
    for i, j, n in (block for block in blocks if block[2]):
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
        else:
            merged.append((i, j, n))
    return merged


def reanchor_spans(old_text: str, new_text: str, spans: Sequence[Mapping[str, Any]]) -> Reanchored:
    """Move `spans` ([start, end) code-point offsets into `old_text`) onto `new_text`.

    Surviving spans come back as copies with new offsets, in input order; a span whose
    text was edited, deleted or split by an insertion is dropped with a reason.

    >>> span = {"id": "p1", "start": 4, "end": 7, "label": "PERSON", "text": "Kim"}
    >>> result = reanchor_spans("Mr. Kim left.", "Then Mr. Kim left.", [span])
    >>> result.spans[0]["start"], result.spans[0]["end"], result.moved[0].new_start
    (9, 12, 9)
    >>> reanchor_spans("Mr. Kim left.", "Mr. Lee left.", [span]).dropped[0].reason
    'its text was edited'
    """
    blocks = _equal_blocks(old_text, new_text)
    starts = [i for i, _, _ in blocks]
    size = (len(old_text), len(new_text))
    kept: list[dict[str, Any]] = []
    moved: list[MovedSpan] = []
    dropped: list[DroppedSpan] = []
    for span in spans:
        sid, start, end, text = span["id"], span["start"], span["end"], span["text"]
        if not 0 <= start < end <= len(old_text) or old_text[start:end] != text:
            dropped.append(DroppedSpan(sid, text, start, "its offsets do not match the old text"))
            continue
        k = bisect_right(starts, start) - 1
        if k >= 0 and end <= blocks[k][0] + blocks[k][2]:
            new_start = blocks[k][1] + start - blocks[k][0]
            new_end = new_start + end - start
            kept.append({**span, "start": new_start, "end": new_end})
            if new_start != start:
                moved.append(MovedSpan(sid, start, end, new_start, new_end))
        else:
            dropped.append(DroppedSpan(sid, text, start, _reason(blocks, start, end, size)))
    return Reanchored(kept, moved, dropped, frozenset(s["id"] for s in kept))


def _reason(blocks: list[tuple[int, int, int]], start: int, end: int, size: tuple[int, int]) -> str:
    """'deleted' if no character survives and nothing replaces it in the new text."""
    if any(i < end and start < i + n for i, _, n in blocks):
        return "its text was edited"
    before = [(i + n, j + n) for i, j, n in blocks if i + n <= start]
    after = [(i, j) for i, j, _ in blocks if end <= i]
    new_from, new_to = (before or [(0, 0)])[-1][1], (after or [size])[0][1]
    return "its text was deleted" if new_from == new_to else "its text was edited"


def relations_after_reanchor(
    relations: Iterable[Mapping[str, Any]], kept_ids: frozenset[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split relations {head, tail, type} into (kept, dropped): dropped ones lost an endpoint.

    >>> relations_after_reanchor([{"head": "a", "tail": "b", "type": "met"}], frozenset({"a"}))
    ([], [{'head': 'a', 'tail': 'b', 'type': 'met'}])
    """
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for relation in relations:
        ok = relation["head"] in kept_ids and relation["tail"] in kept_ids
        (kept if ok else dropped).append(dict(relation))
    return kept, dropped
