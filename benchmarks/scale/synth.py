"""One synthetic document: blocks of the corpus' gold recombined, with their
gold and predicted regions and relations moved to their new offsets.

So that 100,000 documents drawn from ~50 blocks are not near-duplicates of
each other, a share of the words outside every region (`rate`) is replaced by
other words of the corpus; words inside or touching a region are never
changed, so every region keeps its text and its token boundaries. Common
phrases (the regions' own words) still recur across thousands of documents,
which is what makes near-duplicate search hard.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.scale.pool import Block, Region
from nkcorpus.corpus.clean import PARAGRAPH_SEPARATOR

_WORD = re.compile(r"[A-Za-z]+")
# A word that may be replaced stands alone: 3+ letters after a space (or the
# start), before a space, the end or plain punctuation; never `s` of `’s`.
_FREE_WORD = re.compile(r"(?:(?<=\s)|^)[A-Za-z]{3,}(?=[\s,.;:!?]|$)")


@dataclass
class SyntheticDocument:
    """A text and the result items of its gold and of its prediction."""

    text: str
    gold: list[dict[str, Any]] = field(default_factory=list)
    predicted: list[dict[str, Any]] = field(default_factory=list)
    model_version: str = ""

    @property
    def gold_regions(self) -> int:
        return sum(1 for item in self.gold if item.get("type") == "labels")


def pool_vocabulary(blocks: Sequence[Block]) -> list[str]:
    """The lower-cased words (3+ letters) outside every gold region, sorted."""
    words: set[str] = set()
    for block in blocks:
        protected = [(r.start, r.end) for r in block.gold]
        for match in _WORD.finditer(block.text):
            inside = any(s < match.end() and match.start() < e for s, e in protected)
            if len(match.group()) >= 3 and not inside:
                words.add(match.group().lower())
    return sorted(words)


def substitute_words(
    text: str,
    protected: Sequence[tuple[int, int]],
    rng: random.Random,
    rate: float,
    vocabulary: Sequence[str],
) -> tuple[str, list[int], list[int]]:
    """`text` with a `rate` share of its unprotected words replaced; returns the
    new text and the (old end, cumulative shift) table of `shift_offset`.

    >>> text, ends, shifts = substitute_words("Kim met Lee", [(0, 3)], random.Random(1),
    ...                                       1.0, ["xy"])
    >>> text, shift_offset(8, ends, shifts)
    ('Kim xy Xy', 7)
    """
    pieces, ends, shifts, position, shift = [], [], [], 0, 0
    for match in _FREE_WORD.finditer(text):
        start, end = match.span()
        if any(s <= end and start <= e for s, e in protected) or rng.random() >= rate:
            continue
        word = rng.choice(vocabulary)
        if match.group()[0].isupper():
            word = word.capitalize()
        pieces += [text[position:start], word]
        position = end
        shift += len(word) - (end - start)
        ends.append(end)
        shifts.append(shift)
    pieces.append(text[position:])
    return "".join(pieces), ends, shifts


def shift_offset(offset: int, ends: Sequence[int], shifts: Sequence[int]) -> int:
    """Where an offset outside every replaced word moves to."""
    index = bisect_right(ends, offset)
    return offset + (shifts[index - 1] if index else 0)


def _moved_items(
    regions: Sequence[Region], base: int, ends: list[int], shifts: list[int], text: str, ids: dict
) -> list[dict[str, Any]]:
    items = []
    for region in regions:
        start = base + shift_offset(region.start, ends, shifts)
        end = base + shift_offset(region.end, ends, shifts)
        value = {"start": start, "end": end, "text": text[start:end]}
        items += [
            {**item, "id": ids[region.id], "value": {**item["value"], **value}}
            for item in region.items
        ]
    return items


def _relations(relations: Sequence[Mapping[str, Any]], ids: Mapping[str, str]) -> list[dict]:
    return [{**r, "from_id": ids[r["from_id"]], "to_id": ids[r["to_id"]]} for r in relations]


def compose_document(
    blocks: Sequence[Block],
    rng: random.Random,
    target_chars: int,
    vocabulary: Sequence[str],
    rate: float = 0.2,
) -> SyntheticDocument:
    """Blocks drawn without replacement until `target_chars` is reached, joined
    as paragraphs; region ids renumbered (gold `label-NN`, predictions 12 hex)."""
    order = rng.sample(range(len(blocks)), len(blocks))
    chosen, total = [], 0
    for index in order:
        if total >= target_chars:
            break
        chosen.append(blocks[index])
        total += len(blocks[index].text) + len(PARAGRAPH_SEPARATOR)
    texts, moved, position = [], [], 0
    for block in chosen:
        protected = [(r.start, r.end) for r in (*block.gold, *block.predicted)]
        text, ends, shifts = substitute_words(block.text, protected, rng, rate, vocabulary)
        texts.append(text)
        moved.append((block, position, ends, shifts))
        position += len(text) + len(PARAGRAPH_SEPARATOR)
    document = SyntheticDocument(PARAGRAPH_SEPARATOR.join(texts))
    counters: dict[str, int] = {}
    for block, base, ends, shifts in moved:
        gold_ids = {}
        for region in block.gold:
            label = region.items[0]["value"]["labels"][0].lower()
            counters[label] = counters.get(label, 0) + 1
            gold_ids[region.id] = f"{label}-{counters[label]:02d}"
        predicted_ids = {r.id: f"{rng.getrandbits(48):012x}" for r in block.predicted}
        document.gold += _moved_items(block.gold, base, ends, shifts, document.text, gold_ids)
        document.gold += _relations(block.gold_relations, gold_ids)
        document.predicted += _moved_items(
            block.predicted, base, ends, shifts, document.text, predicted_ids
        )
        document.predicted += _relations(block.predicted_relations, predicted_ids)
        document.model_version = document.model_version or block.model_version
    return document


def drop_regions(result: Sequence[Mapping[str, Any]], dropped: set[str]) -> list[dict[str, Any]]:
    """`result` without the regions `dropped` and the relations that touch them
    (copies: changing a kept item's value changes nothing in `result`)."""
    return [
        {**item, "value": dict(item["value"])} if "value" in item else dict(item)
        for item in result
        if item.get("id") not in dropped
        and item.get("from_id") not in dropped
        and item.get("to_id") not in dropped
    ]


def region_ids(result: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(item["id"]) for item in result if item.get("type") == "labels"]


def second_annotation(
    gold: Sequence[Mapping[str, Any]],
    rng: random.Random,
    values: Mapping[str, Sequence[str]],
    rate: float = 0.1,
) -> list[dict[str, Any]]:
    """Another annotator's version of the gold: a `rate` share of its regions
    left out and, on as many, one single-choice attribute set to another value
    of the schema (`values`: attribute name -> allowed values)."""
    ids = region_ids(gold)
    result = drop_regions(gold, {i for i in ids if rng.random() < rate})
    for item in result:
        options = values.get(item.get("from_name", ""), ())
        if item.get("type") == "choices" and len(options) > 1 and rng.random() < rate:
            current = item["value"]["choices"]
            item["value"]["choices"] = [rng.choice([v for v in options if v not in current])]
    return result
