"""`validate EXPORT... [--json]`: check Label Studio exports before a build.

Thin: parse, call `validate_exports`, print. Exit 0 when valid, 1 when not
(or when the corpus or schema cannot be loaded).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.cli_errors import fail
from nkcorpus.errors import NkError

# Mounted without a name: its commands sit at the top level of `nkcorpus`.
app = typer.Typer(add_completion=False, no_args_is_help=True)


@app.command("validate")
def validate_cli(
    exports: Annotated[
        list[Path], typer.Argument(help="Label Studio full-JSON exports, oldest first.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a machine-readable report.")
    ] = False,
) -> None:
    """Check exports against the schema and the cleaned corpus; exit 1 if invalid."""
    from nkcorpus.build.validate import validate_exports

    try:
        report = validate_exports(exports)
    except NkError as exc:
        fail(exc)
    if as_json:
        payload = report.model_dump(mode="json", include={"files", "tasks", "problems"})
        payload.update(
            valid=report.valid,
            gold=sorted(report.gold),
            unreviewed=[u.model_dump(mode="json") for u in report.unreviewed],
            annotations=len(report.annotations),
        )
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            typer.echo(str(problem))
        unreviewed = ", ".join(f"{u.doc_id} (task {u.task_id})" for u in report.unreviewed)
        typer.echo(
            f"{report.tasks} task(s): {len(report.gold)} gold, {len(report.unreviewed)} "
            f"unreviewed{': ' + unreviewed if unreviewed else ''}; {len(report.annotations)} "
            f"annotation(s); {len(report.problems)} problem(s)"
        )
    if not report.valid:
        raise typer.Exit(1)
