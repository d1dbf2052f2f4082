"""The agreement report as compact text tables (`nkcorpus agreement`)."""

from __future__ import annotations

from nkcorpus.annotation.agreement.report import AgreementReport, Figure

NONE = "n/a"


def _number(value: float | None) -> str:
    return NONE if value is None else f"{value:.3f}"


def _figure(figure: Figure | None) -> str:
    """`0.812 [0.700, 0.900]`; `n/a` when undefined.

    >>> from nkcorpus.annotation.agreement.bootstrap import Interval
    >>> _figure(Figure(value=0.8125, interval=Interval(low=0.7, high=0.9, resamples=1000)))
    '0.812 [0.700, 0.900]'
    """
    if figure is None or figure.value is None:
        return NONE
    if figure.interval is None:
        return _number(figure.value)
    return f"{figure.value:.3f} [{figure.interval.low:.3f}, {figure.interval.high:.3f}]"


def _names(report: AgreementReport, prefix: str) -> list[str]:
    """The part after `prefix` of every figure name under it, in report order."""
    start = len(prefix) + 1
    names = [k[start:].split(".")[0] for k in report.figures if k.startswith(prefix + ".")]
    return list(dict.fromkeys(names))


def report_to_text(report: AgreementReport) -> str:
    """The summary line, then spans, tokens, attributes, relations, the pair
    matrix and per-document figures; only the summary when nothing is measured."""
    out = report.left_out
    left = (
        f"left out: {out['tasks_with_fewer_than_two_annotators']} task(s) with fewer than 2 "
        f"annotators, {out['reviewer_annotations']} reviewer annotation(s) (reviewers' copies "
        f"never count), {out['annotations_without_author']} without author, "
        f"{out['superseded_annotations']} superseded by the same annotator's newer one"
    )
    if report.documents == 0:
        return (
            f"agreement: no document has two or more annotators ({report.tasks} task(s) read); "
            f"nothing to measure\n{left}\n"
        )
    f, s = report.figures, report.support
    annotators = ", ".join(map(str, report.annotators))
    lines = [
        f"agreement: {report.documents} document(s) with 2+ annotators (annotators "
        f"{annotators}) of {report.tasks} task(s)",
        left,
        f"95% intervals: bootstrap over documents, {report.bootstrap['resamples']} resamples, "
        f"seed {report.bootstrap['seed']}",
        "",
        f"{'spans, pairwise F1':<20}{'exact':<24}{'overlap':<24}matched/spans (overlap)",
    ]
    for label in _names(report, "spans.exact"):
        spans = s[f"spans.overlap.{label}.first"] + s[f"spans.overlap.{label}.second"]
        lines.append(
            f"{label:<20}{_figure(f[f'spans.exact.{label}']):<24}"
            f"{_figure(f[f'spans.overlap.{label}']):<24}"
            f"{s[f'spans.overlap.{label}.matched']}/{spans}"
        )
    lines += [
        "",
        f"tokens (BIO): Cohen's kappa {_figure(f['tokens.kappa'])}, Krippendorff's alpha "
        f"{_figure(f['tokens.alpha'])}; {sum(d.tokens for d in report.per_document)} token(s)",
        "",
        f"{'attributes (matched spans)':<28}{'pairs':>6}  {'percent':<24}kappa",
    ]
    for name in _names(report, "attributes"):
        lines.append(
            f"{name:<28}{s[f'attributes.{name}.pairs']:>6}  "
            f"{_figure(f[f'attributes.{name}.percent']):<24}{_figure(f[f'attributes.{name}.kappa'])}"
        )
    lines += ["", f"{'relations, F1':<20}{'on matched ends':<24}all relations"]
    for kind in _names(report, "relations.ends"):
        lines.append(
            f"{kind:<20}{_figure(f[f'relations.ends.{kind}']):<24}"
            f"{_figure(f[f'relations.all.{kind}'])}"
        )
    lines += ["", *_matrix(report), "", *_documents(report)]
    return "\n".join(lines) + "\n"


def _matrix(report: AgreementReport) -> list[str]:
    """Overlap F1 per annotator pair, upper triangle; `.` where no document is shared."""
    cells = {(p.first, p.second): p.overlap_f1 for p in report.pairs}
    rows, columns = report.annotators[:-1], report.annotators[1:]
    lines = ["annotator pairs, overlap F1", " " * 8 + "".join(f"{c:>8}" for c in columns)]
    for row in rows:
        shown = [
            "" if c <= row else _number(cells[(row, c)]) if (row, c) in cells else "."
            for c in columns
        ]
        lines.append(f"{row:>8}" + "".join(f"{cell:>8}" for cell in shown))
    return lines


def _documents(report: AgreementReport) -> list[str]:
    lines = [
        f"{'document':<24}{'task':>6}  {'annotators':<14}{'tokens':>7}"
        f"{'exact F1':>10}{'overlap F1':>12}{'kappa':>8}{'alpha':>8}"
    ]
    for d in report.per_document:
        v = d.figures
        lines.append(
            f"{d.doc_id:<24}{d.task_id:>6}  {','.join(map(str, d.annotators)):<14}{d.tokens:>7}"
            f"{_number(v['spans.exact.ALL']):>10}{_number(v['spans.overlap.ALL']):>12}"
            f"{_number(v['tokens.kappa']):>8}{_number(v['tokens.alpha']):>8}"
        )
    return lines
