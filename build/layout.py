"""Can a release represent these gold spans? The rules `validate` applies so
that `build` never fails on what `validate` accepted.

- No two gold spans overlap or nest, whatever their labels (GUIDELINES,
  "Spans never overlap or nest"): the `tokens` table's BIO tags and the
  DocBins' `doc.ents` give each token at most one label. B144 names both.
- Every gold span starts and ends on a token boundary of the `tokens` table's
  tokeniser, so its BIO tags and its `doc.ents` entity cover exactly its
  text. B145 names the span and the tokens it cuts.

Annotator annotations that are not gold are released in the `annotations`
table only, by offsets, where overlaps are representable: these rules are
applied to the gold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from nkcorpus.build.guideline_text import sentence_doc
from nkcorpus.build.report import Problem


def overlapping_pairs(
    spans: Sequence[Mapping[str, Any]],
) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Every pair of spans that share a code point, in start order.

    >>> a = {"id": "a", "start": 0, "end": 5}
    >>> b = {"id": "b", "start": 3, "end": 8}
    >>> c = {"id": "c", "start": 8, "end": 9}
    >>> [(x["id"], y["id"]) for x, y in overlapping_pairs([c, b, a])]
    [('a', 'b')]
    """
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"], str(s["id"])))
    open_spans: list[Mapping[str, Any]] = []
    for span in ordered:
        open_spans = [o for o in open_spans if o["end"] > span["start"]]
        for other in open_spans:
            yield other, span
        open_spans.append(span)


def misaligned_spans(
    spans: Sequence[Mapping[str, Any]], text: str
) -> Iterator[tuple[Mapping[str, Any], str]]:
    """The spans that do not start and end on token boundaries, each with the
    tokens it cuts.

    >>> spans = [{"id": "a", "start": 0, "end": 3}, {"id": "b", "start": 4, "end": 9}]
    >>> [(s["id"], cut) for s, cut in misaligned_spans(spans, "Kim crossed.")]
    [('b', "'crossed'")]
    """
    doc = sentence_doc(text)  # its tokens are the tokenizer's; shared with the guideline checks
    for span in spans:
        if doc.char_span(span["start"], span["end"]) is not None:
            continue
        cut = [
            repr(t.text)
            for t in doc
            if t.idx < span["start"] < t.idx + len(t) or t.idx < span["end"] < t.idx + len(t)
        ]
        yield span, ", ".join(cut)


def layout_problems(
    spans: list[dict[str, Any]], text: str, at: Mapping[str, Any], problems: list[Problem]
) -> None:
    """B144 overlapping gold spans and B145 spans off token boundaries
    (`nkcorpus.build.layout`): what the BIO tags and DocBins cannot hold."""
    for first, second in overlapping_pairs(spans):
        message = (
            f"gold spans overlap: {first['label']} {first['id']} [{first['start']}, "
            f"{first['end']}) {first['text']!r} and {second['label']} {second['id']} "
            f"[{second['start']}, {second['end']}) {second['text']!r}; spans never overlap or "
            "nest (GUIDELINES): shorten or delete one in Label Studio and pull"
        )
        problems.append(Problem(code="B144", message=message, **at, region_id=second["id"]))
    for span, cut in misaligned_spans(spans, text):
        message = (
            f"{span['label']} [{span['start']}, {span['end']}) {span['text']!r} cuts the "
            f"token(s) {cut}; extend or shrink the region to whole words in Label Studio and pull"
        )
        problems.append(Problem(code="B145", message=message, **at, region_id=span["id"]))
