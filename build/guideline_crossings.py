"""The CROSSING and `agent` rules of GUIDELINES.md that a program can check
(`nkcorpus.build.guideline_checks` runs them on the gold)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nkcorpus.build import guideline_words as words
from nkcorpus.build.guideline_text import FIX, Finding, Sentences, Span, by_label, links_of, show


def crossing_findings(
    spans: Sequence[Span], relations: Sequence[Span], sents: Sentences
) -> list[Finding]:
    """B160 (mover not an agent), B161 (governing verb inside), B162 (general
    noun), B163 (agent from a later sentence), B164 (generic with an agent)."""
    by_id = {s["id"]: s for s in spans}
    agent_links = links_of(relations, "agent")
    found = []
    for person_id, crossing_id in agent_links:
        person, crossing = by_id[person_id], by_id[crossing_id]
        if sents.index(person["start"]) > sents.index(crossing["start"]):
            message = (
                f"the agent {show(person)} is in a sentence after {show(crossing)}; an agent "
                "comes from the crossing's sentence or an earlier one, never a later one "
                f"(GUIDELINES, agent): link the mention before it, or none; {FIX}"
            )
            start, end = crossing["start"], person["end"]
            found.append(Finding("B163", f"{person_id}->{crossing_id}", start, end, message))
    persons = by_label(spans, "PERSON")
    for crossing in by_label(spans, "CROSSING"):
        agents = {p for p, c in agent_links if c == crossing["id"]}
        found += _extent(crossing, sents)
        found += _movers(crossing, agents, persons, by_id, sents)
        if crossing.get("status") == "generic" and agents:
            names = ", ".join(repr(by_id[a]["text"]) for a in sorted(agents))
            message = (
                f"{show(crossing)} is `generic` but has the agent(s) {names}; a generic "
                "crossing has no particular mover (GUIDELINES, status): if one person makes "
                f"it, its status is completed, attempted or planned; else delete the agent; {FIX}"
            )
            found.append(
                Finding("B164", crossing["id"], crossing["start"], crossing["end"], message)
            )
    return found


def _extent(crossing: Span, sents: Sentences) -> list[Finding]:
    """B161 a governing verb at the start; B162 a general noun that refers back."""
    tokens = sents.tokens(crossing["start"], crossing["end"])
    lowered = [t[2] for t in tokens]
    found, end = [], crossing["end"]
    new_start = None
    if len(tokens) >= 3 and lowered[0] in words.GOVERNING_TO and lowered[1] == "to":
        new_start = tokens[2][0]
    elif lowered and lowered[0] in words.GOVERNING_NOUN and words.MOVEMENT_NOUNS & {*lowered[1:4]}:
        new_start = tokens[1][0]
    if new_start is not None:
        message = (
            f"{show(crossing)} starts with the governing verb {tokens[0][2]!r}; governing verbs "
            "stay outside (GUIDELINES, CROSSING boundaries): start the region at "
            f"{sents.text[new_start:end]!r} [{new_start}, {end}); {FIX}"
        )
        found.append(Finding("B161", crossing["id"], crossing["start"], end, message))
    general = [
        w
        for i, w in enumerate(lowered)
        if w in words.GENERAL_NOUNS and (i == len(lowered) - 1 or lowered[i + 1] == "of")
    ]
    if general:
        message = (
            f"{show(crossing)} is headed by the general noun {general[0]!r}, which only refers "
            "back to a crossing; such nouns are not CROSSINGs (GUIDELINES, CROSSING Out): delete "
            f"the region, or shrink it to the movement it names; {FIX}"
        )
        found.append(Finding("B162", crossing["id"], crossing["start"], end, message))
    return found


def _movers(
    crossing: Span,
    agents: set[str],
    persons: Sequence[Span],
    by_id: Mapping[str, Span],
    sents: Sentences,
) -> list[Finding]:
    """B160: a PERSON of the crossing's sentence placed as its mover, not its agent."""
    sentence = sents.index(crossing["start"])
    here = [p for p in persons if sents.index(p["start"]) == sentence]
    agent_roles = [(by_id[a]["text"], set(by_id[a].get("roles") or [])) for a in sorted(agents)]
    found = []
    for person in here:
        if person["id"] in agents:
            continue
        why = None
        if person["end"] <= crossing["start"]:
            gap = sents.words(person["end"], crossing["start"])
            if len(gap) <= words.MOVER_GAP_MAX and all(w in words.MOVER_GAP for w in gap):
                why = "it stands right before the CROSSING, as its mover"
        elif sents.words(crossing["end"], person["start"]) == ["of"]:
            why = "it follows the event noun's 'of', as its mover"
        same = [t for t, roles in agent_roles if roles and roles == set(person.get("roles") or [])]
        if why is None and same:
            why = f"it has the roles of the agent {same[0]!r} of the same sentence (the mover?)"
        if why is None:
            continue
        message = (
            f"{show(person)} is not an agent of {show(crossing)}, but {why}; every PERSON "
            "mention of the mover in the crossing's sentence is its agent (GUIDELINES, agent): "
            f"add the agent relation, or leave it if this person does not move; {FIX}"
        )
        start, end = min(person["start"], crossing["start"]), max(person["end"], crossing["end"])
        found.append(Finding("B160", f"{person['id']}->{crossing['id']}", start, end, message))
    return found
