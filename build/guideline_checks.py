"""The rules of GUIDELINES.md that a program can check on a gold annotation.

`gold_to_findings` runs every check on one document's gold spans and
relations and returns what it finds; `guideline_problems` turns the findings
into `Problem`s for `validate`: an error fails `validate` and `build` (B100),
a warning is listed and fails nothing. Errors are the exact checks; warnings
are the approximations (the mover of a crossing, one event linked twice, a
long reason), which a reviewer confirms or dismisses.

Codes (README, "When something goes wrong", has the table):
- warnings: B160 a PERSON placed as the mover of a CROSSING is not its agent;
  B164 a `generic` CROSSING has an agent; B167 a MOTIVE linked to two mentions
  of one event; B169 a MOTIVE that runs on;
- errors: B161 a CROSSING starts with a governing verb; B162 a general noun
  ("the incident") is a CROSSING; B163 an agent from a later sentence; B165 a
  MOTIVE without `motivated_by`; B166 a `motivated_by` beyond the adjacent
  sentence and across a paragraph; B168 a MOTIVE starts with its connective.

Severity follows how the gold was chosen (`nkcorpus.build.gold`): gold a
reviewer accepted in the browser review is held to every rule (the errors
fail); gold chosen by the ground-truth star alone, as v1.0.0 was reviewed
through the API before these rules were decided, gets every finding as a
warning, so the committed exports still build and their findings stay listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nkcorpus.build.guideline_crossings import crossing_findings
from nkcorpus.build.guideline_motives import motive_findings
from nkcorpus.build.guideline_text import Finding, Sentences
from nkcorpus.build.report import Problem

WARNING_CODES = frozenset({"B160", "B164", "B167", "B169"})
ERROR_CODES = frozenset({"B161", "B162", "B163", "B165", "B166", "B168"})
_STARRED_NOTE = (
    " [a warning: this gold was chosen by the ground-truth star alone (v1.0.0's review, "
    "before this rule); a reviewer's accepted gold must follow it]"
)


def gold_to_findings(
    spans: Sequence[Mapping[str, Any]], relations: Sequence[Mapping[str, Any]], text: str
) -> list[Finding]:
    """Every guideline finding of one gold annotation, in text order.

    >>> text = "Kim took the journey to the South."
    >>> spans = [
    ...     {"id": "p", "label": "PERSON", "start": 0, "end": 3, "text": "Kim",
    ...      "roles": ["defector"]},
    ...     {"id": "c", "label": "CROSSING", "start": 4, "end": 33, "text": text[4:33],
    ...      "direction": "north_to_south", "route": "unknown", "status": "completed"},
    ... ]
    >>> [(f.code, f.region_id) for f in gold_to_findings(spans, [], text)]
    [('B160', 'p->c'), ('B161', 'c')]
    """
    ends = {s["id"] for s in spans}
    kept = [r for r in relations if r.get("head") in ends and r.get("tail") in ends]
    sentences = Sentences(text)
    findings = crossing_findings(spans, kept, sentences) + motive_findings(spans, kept, sentences)
    return sorted(findings, key=lambda f: (f.start, f.end, f.code, f.region_id))


def guideline_problems(
    spans: Sequence[Mapping[str, Any]],
    relations: Sequence[Mapping[str, Any]],
    text: str,
    at: Mapping[str, Any],
    errors: list[Problem],
    warnings: list[Problem],
    *,
    accepted: bool,
) -> None:
    """Append the findings of one gold annotation (`at`: file, task_id, doc_id,
    annotation_id) to `errors` or `warnings`. With `accepted` (a reviewer's
    accepted gold) the ERROR_CODES are errors; without (gold by the star
    alone) every finding is a warning."""
    for finding in gold_to_findings(spans, relations, text):
        error = accepted and finding.code in ERROR_CODES
        note = _STARRED_NOTE if finding.code in ERROR_CODES and not accepted else ""
        problem = Problem(
            code=finding.code, message=finding.message + note, **at, region_id=finding.region_id
        )
        (errors if error else warnings).append(problem)
