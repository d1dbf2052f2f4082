"""Inter-annotator agreement in a release: measured on the released documents
that two or more annotators annotated (`nkcorpus.annotation.agreement`), and
written into the card and `MANIFEST.json` with bootstrap intervals and the
number of documents they rest on.

A release with no such document carries no agreement section: its card says
that each document has one annotation (v1.0.0's card, unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nkcorpus.build.copies import MergedExports
from nkcorpus.schema.model import LabelSchema

# The figures the card shows, in order (every figure is in MANIFEST.json).
CARD_FIGURES = (
    ("spans.exact.ALL", "span F1, exact match"),
    ("spans.overlap.ALL", "span F1, overlap match"),
    ("tokens.kappa", "token Cohen's kappa (BIO)"),
    ("tokens.alpha", "token Krippendorff's alpha (nominal)"),
)


def release_agreement(
    exports: Sequence[Path],
    reviewers: frozenset[int],
    doc_ids: frozenset[str],
    schema: LabelSchema,
    merged: MergedExports | None = None,
) -> dict[str, Any] | None:
    """The agreement facts of the released documents, or None when no released
    document has two or more annotators."""
    from nkcorpus.annotation.agreement.report import measure_agreement

    report = measure_agreement(
        exports, schema=schema, reviewers=reviewers, doc_ids=doc_ids, merged=merged
    )
    if report.documents == 0:
        return None
    figures = {
        name: {
            "value": figure.value,
            "interval": None
            if figure.interval is None
            else [figure.interval.low, figure.interval.high],
        }
        for name, figure in sorted(report.figures.items())
    }
    return {
        "documents": report.documents,
        "annotators": len(report.annotators),
        "bootstrap": dict(report.bootstrap),
        "figures": figures,
    }


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_to_markdown(agreement: Mapping[str, Any]) -> str:
    """The card's agreement paragraph and table.

    >>> facts = {"documents": 2, "annotators": 3,
    ...          "bootstrap": {"resamples": 1000, "seed": 0, "level": 0.95},
    ...          "figures": {"spans.exact.ALL": {"value": 0.5, "interval": [0.25, 0.75]}}}
    >>> print(agreement_to_markdown(facts).splitlines()[-1])
    | span F1, exact match | 0.500 | [0.250, 0.750] |
    """
    boot = agreement["bootstrap"]
    lines = [
        f"Inter-annotator agreement, measured on the {agreement['documents']} released "
        f"document(s) that {agreement['annotators']} annotators annotated independently "
        "(reviewers' accepted copies never count), with "
        f"{float(boot.get('level', 0.95)) * 100:.0f}% bootstrap intervals over documents "
        f"({boot.get('resamples')} resamples, seed {boot.get('seed')}); every figure is in "
        "`MANIFEST.json` and `nkcorpus agreement` recomputes them:",
        "",
        "| figure | value | interval |",
        "|---|---:|---:|",
    ]
    for name, title in CARD_FIGURES:
        figure = agreement["figures"].get(name)
        if figure is None:
            continue
        interval = figure["interval"]
        shown = "n/a" if interval is None else f"[{_number(interval[0])}, {_number(interval[1])}]"
        lines.append(f"| {title} | {_number(figure['value'])} | {shown} |")
    return "\n".join(lines)
