"""The MOTIVE and `motivated_by` rules of GUIDELINES.md that a program can
check (`nkcorpus.build.guideline_checks` runs them on the gold)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nkcorpus.build import guideline_words as words
from nkcorpus.build.guideline_text import FIX, Finding, Sentences, Span, by_label, links_of, show


def motive_findings(
    spans: Sequence[Span], relations: Sequence[Span], sents: Sentences
) -> list[Finding]:
    """B165 (no crossing), B166 (link too far), B167 (one event linked twice),
    B168 (connective inside), B169 (runs on)."""
    by_id = {s["id"]: s for s in spans}
    links = links_of(relations, "motivated_by")
    found = []
    for crossing_id, motive_id in links:
        crossing, motive = by_id[crossing_id], by_id[motive_id]
        start, end = min(crossing["start"], motive["start"]), max(crossing["end"], motive["end"])
        far = abs(sents.index(crossing["start"]) - sents.index(motive["start"])) >= 2
        if far and sents.paragraph_break(start, end):
            message = (
                f"{show(motive)} is linked from {show(crossing)}, more than one sentence "
                "away in another paragraph; a MOTIVE is linked to the nearest mention of the "
                "crossing it explains, in its own or the adjacent sentence (further only to the "
                "crossing that introduces a list of reasons, in the same paragraph) (GUIDELINES, "
                f"motivated_by): link the nearest mention instead; {FIX}"
            )
            found.append(Finding("B166", f"{crossing_id}->{motive_id}", start, end, message))
    for motive in by_label(spans, "MOTIVE"):
        linked = [by_id[c] for c, m in links if m == motive["id"]]
        found += _motive_extent(motive, sents)
        if not linked:
            message = (
                f"{show(motive)} has no motivated_by relation; a reason counts only when the "
                "text attaches it to a crossing (GUIDELINES, MOTIVE): link it from the nearest "
                f"mention of that crossing, or delete the region; {FIX}"
            )
            found.append(Finding("B165", motive["id"], motive["start"], motive["end"], message))
        events: dict[tuple[Any, ...], list[Span]] = {}
        for crossing in linked:
            key = (crossing.get("direction"), crossing.get("route"), crossing.get("status"))
            events.setdefault(key, []).append(crossing)
        for same in (group for group in events.values() if len(group) > 1):
            shown = " and ".join(show(c) for c in sorted(same, key=lambda c: c["start"]))
            message = (
                f"{show(motive)} is linked from {shown}, which have the same attributes (one "
                "event twice?); link only the mention nearest to the MOTIVE (GUIDELINES, "
                f"motivated_by); {FIX}"
            )
            found.append(Finding("B167", motive["id"], motive["start"], motive["end"], message))
    return found


def _motive_extent(motive: Span, sents: Sentences) -> list[Finding]:
    """B168 an introducing word inside at the start; B169 a MOTIVE that runs on."""
    lowered = sents.words(motive["start"], motive["end"])
    found = []
    if lowered and (
        lowered[0] in words.MOTIVE_OUTSIDE_FIRST or tuple(lowered[:2]) in words.MOTIVE_OUTSIDE_PAIRS
    ):
        message = (
            f"{show(motive)} starts with {lowered[0]!r}; the connective and a verb that only "
            "introduces the reason (due to, because of, for, after, feels, says) stay outside "
            f"(GUIDELINES, MOTIVE extent): start the region after it; {FIX}"
        )
        found.append(Finding("B168", motive["id"], motive["start"], motive["end"], message))
    counted = [w for w in lowered if any(ch.isalnum() for ch in w)]
    clause = [w for w in lowered[1:] if w in words.CLAUSE_WORDS or w in {",", ";"}]
    if len(counted) > words.MOTIVE_MAX_WORDS or clause:
        why = f"{len(counted)} words" if not clause else f"{clause[0]!r} inside"
        message = (
            f"{show(motive)} runs on ({why}); a MOTIVE ends with the reason's object or agent, "
            "before a relative clause and before what says where, when or why the reason itself "
            f"happened (GUIDELINES, MOTIVE extent): check where it should end; {FIX}"
        )
        found.append(Finding("B169", motive["id"], motive["start"], motive["end"], message))
    return found
