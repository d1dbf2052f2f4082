"""The `nkcorpus` command. Thin: every command parses its options and calls a
library function; only this layer turns errors into exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.annotation.agreement.cli import app as agreement_app
from nkcorpus.annotation.cli import app as annotation_app
from nkcorpus.annotation.review.cli import app as review_app
from nkcorpus.annotation.studio.cli import app as studio_app
from nkcorpus.build.cli import app as build_app
from nkcorpus.cli_errors import print_error
from nkcorpus.corpus.cli import app as seeds_app
from nkcorpus.corpus.summary import summary_to_text
from nkcorpus.errors import NkError
from nkcorpus.pipeline import run_pipeline
from nkcorpus.schema.cli import app as schema_app

app = typer.Typer(
    name="nkcorpus",
    no_args_is_help=True,
    add_completion=False,
    help="Build nk-defector-corpus: seeds, Label Studio annotation, versioned releases.",
)
app.add_typer(schema_app, name="schema")
app.add_typer(seeds_app, name="seeds")
app.add_typer(annotation_app)  # `tasks` and `prelabel-report` at the top level
app.add_typer(studio_app, name="studio")
app.add_typer(build_app)  # `validate` at the top level
app.add_typer(agreement_app)  # `agreement` at the top level
app.add_typer(review_app)  # `review` at the top level


@app.command("pipeline")
def pipeline_cli(
    out: Annotated[
        Path | None, typer.Option("--out", help="Scratch output folder (default: out/).")
    ] = None,
) -> None:
    """Run the main job end to end: schema check, clean seeds, tasks, corpus summary."""
    result = run_pipeline(out, echo=typer.echo)
    typer.echo(summary_to_text(result.summary))


def command_index(root: typer.Typer) -> str:
    """One line per leaf command (`group command: first docstring line`), so that
    `nkcorpus --help` lists every command, not only the groups."""
    lines = []

    def visit(typer_app: typer.Typer, prefix: str) -> None:
        for command in typer_app.registered_commands:
            name = command.name or command.callback.__name__.replace("_", "-")
            summary = (command.help or command.callback.__doc__ or "").strip().splitlines()
            lines.append(f"{prefix}{name}: {summary[0] if summary else ''}")
        for group in typer_app.registered_groups:
            named = isinstance(group.name, str) and group.name  # unnamed groups merge
            visit(group.typer_instance, f"{prefix}{group.name} " if named else prefix)

    visit(root, "")
    return "\n\n".join(sorted(lines))


app.info.epilog = "Every command:\n\n" + command_index(app)


def main() -> None:
    """Console entry point: run the app, turning library errors into exit code 1."""
    try:
        app()
    except NkError as exc:  # raised by commands that do not catch their own
        print_error(exc)
        sys.exit(1)
