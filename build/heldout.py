"""The pre-annotation figure on the documents the rules never saw (issue 16).

The pre-annotation rules were frozen (`annotation/prelabel/frozen.json`) before
any document of the second round was read. A released document the record's
`documents_seen` lists is *seen* (the rules were written from it); any other is
*held out*. The figure scores each released document's prediction (its task's
last one in the merged exports, `nkcorpus.build.baseline_predictions`) against
its reviewed gold with `nkcorpus.annotation.score.score_regions` (the one
matcher: exact and overlap P/R/F1 per label and ALL), separately for the seen
and the held-out documents.

Only predictions made by the frozen rules count: a prediction's `model_version`
must embed the frozen patterns' hash (`FrozenRules.is_frozen_model`); a document
whose prediction does not, or that has none, is left out of both figures and
named. The rules of the building code are hashed too (`rules_sha256`): when they
differ from the frozen ones the card says that the figures are of the stored
predictions, made by the model versions it names.

A release without a held-out document has no such figure (None): its card and
MANIFEST.json stay as they were (v1.0.0, v1.1.0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from nkcorpus.annotation.prelabel.frozen import FrozenRules
from nkcorpus.annotation.score import LabelScore, Region, score_regions
from nkcorpus.build.baseline_predictions import Prediction
from nkcorpus.build.spill import MappedSequence

SEEN, HELD_OUT = "seen", "held_out"


class PrelabelFigure(BaseModel):
    """The scores of one set of documents; each `LabelScore` carries the gold and
    predicted span counts its figures rest on."""

    model_config = ConfigDict(frozen=True)

    documents: list[str]
    scores: list[LabelScore]


class HeldoutFacts(BaseModel):
    """What the card and MANIFEST.json (`pre_annotation`) say about the figure."""

    model_config = ConfigDict(frozen=True)

    frozen_rules_sha256: str
    rules_sha256: str  # of the rules in the building code
    patterns_sha256: str  # the frozen pattern files; a model_version embeds its first 12
    model_versions: list[str]  # of the predictions scored
    seen: PrelabelFigure
    held_out: PrelabelFigure
    not_frozen: dict[str, str]  # doc_id -> model_version of a prediction by other rules
    unpredicted: list[str]  # released documents without a prediction

    @property
    def rules_unchanged(self) -> bool:
        return self.rules_sha256 == self.frozen_rules_sha256


def _regions(spans: Iterable[Mapping[str, Any]]) -> list[Region]:
    return [Region(s["label"], s["start"], s["end"]) for s in spans]


def heldout_prelabel(
    gold: Mapping[str, Sequence[Mapping[str, Any]]],
    predictions: Mapping[str, Prediction],
    rules: FrozenRules,
    labels: Sequence[str],
    rules_sha256: str,
) -> HeldoutFacts | None:
    """Score `predictions` against `gold` (doc_id -> gold spans of the released
    documents) on the seen and on the held-out documents; None when no released
    document is held out. `rules_sha256` is the building code's rules' hash
    (`nkcorpus.annotation.prelabel.frozen.rules_sha256()`)."""
    if not rules.held_out(gold):
        return None
    unpredicted = sorted(d for d in gold if d not in predictions)
    not_frozen = {
        d: predictions[d].model_version
        for d in sorted(gold)
        if d in predictions and not rules.is_frozen_model(predictions[d].model_version)
    }
    scored = sorted(d for d in gold if d in predictions and d not in not_frozen)

    def figure(doc_ids: list[str]) -> PrelabelFigure:
        return PrelabelFigure(
            documents=doc_ids,
            scores=score_regions(  # one document's regions at a time
                MappedSequence(doc_ids, lambda d: _regions(gold[d])),
                MappedSequence(doc_ids, lambda d: _regions(predictions[d].spans)),
                labels,
            ),
        )

    return HeldoutFacts(
        frozen_rules_sha256=rules.sha256,
        rules_sha256=rules_sha256,
        patterns_sha256=rules.patterns_sha256,
        model_versions=sorted({predictions[d].model_version for d in scored}),
        seen=figure([d for d in scored if d in rules.documents_seen]),
        held_out=figure([d for d in scored if d not in rules.documents_seen]),
        not_frozen=not_frozen,
        unpredicted=unpredicted,
    )


def _prf(score: LabelScore, kind: str) -> str:
    if score.gold + score.predicted == 0:
        return "-"
    prf = score.exact if kind == "exact" else score.overlap
    return f"{prf.precision:.3f} / {prf.recall:.3f} / {prf.f1:.3f}"


def _documents(name: str, figure: PrelabelFigure, how: str) -> str:
    count = len(figure.documents)
    spans = figure.scores[-1]  # ALL
    listed = ", ".join(figure.documents) or "none"
    return (
        f"- {name}: {count} document{'s' if count != 1 else ''} ({how}), {spans.gold} gold and "
        f"{spans.predicted} predicted spans: {listed}."
    )


def heldout_to_markdown(facts: HeldoutFacts) -> str:
    """The card's pre-annotation figures: seed and held-out side by side (P / R / F1
    per label, exact and overlap match; "-" where a label has neither a gold nor a
    predicted span), what each rests on, which rules made the predictions, and why
    both figures still favour the rules."""
    head = (
        "| label | seed: gold / predicted | seed: exact P / R / F1 | seed: overlap P / R / F1 "
        "| held-out: gold / predicted | held-out: exact P / R / F1 "
        "| held-out: overlap P / R / F1 |"
    )
    lines = [head, "|---|" + "---:|" * 6]
    for seen, held in zip(facts.seen.scores, facts.held_out.scores, strict=True):
        cells = [f"{seen.gold} / {seen.predicted}", _prf(seen, "exact"), _prf(seen, "overlap")]
        cells += [f"{held.gold} / {held.predicted}", _prf(held, "exact"), _prf(held, "overlap")]
        lines.append(f"| {seen.label} | " + " | ".join(cells) + " |")
    versions = ", ".join(f"`{v}`" for v in facts.model_versions) or "none"
    frozen, now = facts.frozen_rules_sha256[:12], facts.rules_sha256[:12]
    rules = (
        f"Predictions: model version {versions}, whose pattern hash `{facts.patterns_sha256[:12]}` "
        "is the frozen rules' (`annotation/prelabel/frozen.json`); "
        + (
            f"the rules of the code that built this release hash to `{now}`, the frozen hash."
            if facts.rules_unchanged
            else f"the rules have changed since the freeze (the building code's hash to `{now}`, "
            f"the frozen ones to `{frozen}`): these figures are of the predictions stored in the "
            "exports, made by the model versions named, not of the current rules."
        )
    )
    left = [f"{d} (made by `{v}`, not the frozen rules)" for d, v in facts.not_frozen.items()]
    left += [f"{d} (no prediction)" for d in facts.unpredicted]
    parts = [
        "\n".join(lines),
        "\n".join(
            [
                _documents("Seed", facts.seen, "the rules were written from them"),
                _documents("Held-out", facts.held_out, "added after the rules were frozen"),
            ]
        ),
        rules,
        *([f"Left out of both figures: {'; '.join(left)}."] if left else []),
        "Both figures favour the rules. Seed: the rules were written from these documents, "
        "and their gold was made by correcting these very predictions. Held-out: the rules "
        "never saw these documents, but one of the two annotators of each started from these "
        "predictions (the other from an empty document) and the reviewer worked from their "
        "versions, so the gold is still pulled towards the predictions. The held-out figure is "
        "the nearer to what the rules reach on new articles.",
    ]
    return "\n\n".join(parts)
