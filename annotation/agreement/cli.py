"""`nkcorpus agreement`. Thin: parse options, call `measure_agreement`, print;
library errors become exit status 1 here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.annotation.agreement.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from nkcorpus.cli_errors import fail
from nkcorpus.errors import NkError

# Mounted without a name: `agreement` sits at the top level of `nkcorpus`.
app = typer.Typer(add_completion=False, no_args_is_help=True)


@app.command("agreement")
def agreement_cli(
    exports: Annotated[
        list[Path], typer.Argument(help="Label Studio full-JSON exports, oldest first.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as JSON.")] = False,
    resamples: Annotated[
        int, typer.Option("--resamples", min=1, help="Bootstrap resamples of the documents.")
    ] = DEFAULT_RESAMPLES,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = DEFAULT_SEED,
) -> None:
    """Inter-annotator agreement of tasks with two or more annotators: span F1,
    token kappa and alpha, attributes, relations, with bootstrap intervals."""
    from nkcorpus.annotation.agreement.report import measure_agreement
    from nkcorpus.annotation.agreement.text import report_to_text

    try:
        report = measure_agreement(exports, resamples=resamples, seed=seed)
    except NkError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        typer.echo(report_to_text(report), nl=False)
