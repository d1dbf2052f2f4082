"""`nkcorpus tasks` and `nkcorpus prelabel-report`. Thin: parse options, call
the library, print; library errors become exit status 1 here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.score import prelabel_report, report_to_text
from nkcorpus.annotation.tasks import write_seed_tasks
from nkcorpus.cli_errors import fail
from nkcorpus.cli_options import ProcessesOption, RunnerOption
from nkcorpus.errors import NkError
from nkcorpus.ordered_pool import Runner, available_cores, pick_runner
from nkcorpus.paths import annotation_dir

app = typer.Typer(add_completion=False, no_args_is_help=True)


@app.command("tasks")
def tasks_cli(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write (default: annotation/tasks.json)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Docs per batch (one unit of work).")
    ] = 32,
    processes: ProcessesOption = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    runner: RunnerOption = Runner.local,
) -> None:
    """Write the Label Studio import file: one pre-annotated task per cleaned document."""
    try:
        out_path = out if out is not None else annotation_dir() / "tasks.json"
        summary = write_seed_tasks(
            out_path,
            batch_size=batch_size,
            processes=processes or available_cores(),
            progress=progress,
            runner=pick_runner(runner),  # B330 before any work when Ray is missing
        )
    except NkError as exc:
        fail(exc)
    regions = ", ".join(f"{label} {n}" for label, n in summary.regions.items())
    relations = ", ".join(f"{name} {n}" for name, n in summary.relations.items())
    typer.echo(f"{summary.out_path}: {summary.tasks} task(s), {summary.model_version}")
    typer.echo(f"  regions: {regions}")
    typer.echo(f"  relations: {relations}")


@app.command("prelabel-report")
def prelabel_report_cli(
    export: Annotated[
        Path, typer.Option("--export", help="A Label Studio full JSON export with gold.")
    ],
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Score fresh predictions, not the exported ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Precision, recall and F1 per label of the pre-annotation against gold."""
    try:
        report = prelabel_report(export, recompute=recompute)
    except NkError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=True))
    else:
        typer.echo(report_to_text(report), nl=False)


@app.command("counts")
def counts_cli(
    exports: Annotated[
        list[Path] | None,
        typer.Argument(help="Label Studio exports (default: every file in annotation/exports)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Gold spans per label and relations per type, per document."""
    from dataclasses import asdict

    from nkcorpus.annotation.counts import counts_to_markdown, gold_to_counts
    from nkcorpus.build.validate import validate_exports
    from nkcorpus.paths import default_exports
    from nkcorpus.schema.model import load_schema

    try:
        paths = exports or default_exports()
        if not paths:
            raise AnnotationError(
                "A231",
                "no exports given and annotation/exports/ is empty; run `nkcorpus studio pull`",
            )
        schema = load_schema()
        report = validate_exports(paths, schema=schema)
        report.raise_for_problems()
        rows = gold_to_counts(report.gold, schema)
    except NkError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps([asdict(row) for row in rows], indent=2))
    else:
        typer.echo(counts_to_markdown(rows, schema), nl=False)
