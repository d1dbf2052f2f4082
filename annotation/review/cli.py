"""`nkcorpus review`: thin; parses its options, calls `review_exports`, prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.cli_errors import fail
from nkcorpus.errors import NkError

# Mounted without a name: `review` sits at the top level of `nkcorpus`.
app = typer.Typer(add_completion=False, no_args_is_help=True)


@app.command("review")
def review_cli(
    exports: Annotated[
        list[Path], typer.Argument(help="Label Studio full-JSON exports (`studio pull`).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the queue as JSON.")] = False,
    url: Annotated[
        str | None,
        typer.Option(
            help="Label Studio of the links, also asked for the annotators per task "
            "(default: $LABEL_STUDIO_URL or http://127.0.0.1:8080)."
        ),
    ] = None,
    annotators: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Annotators per task (default: each project's number from the server at "
            "--url, else 2).",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="List a task when two of its annotators' overlap span F1 is below this.",
        ),
    ] = 0.8,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Data folder of `studio up`, for its API key when $LABEL_STUDIO_API_KEY is unset."
        ),
    ] = None,
) -> None:
    """List the tasks a reviewer should open, most urgent first, with their Label Studio URLs."""
    from nkcorpus.annotation.review.inputs import review_exports
    from nkcorpus.annotation.review.report import queue_to_dict, queue_to_text

    try:
        queue = review_exports(
            exports, url=url, annotators=annotators, threshold=threshold, data_dir=data_dir
        )
    except NkError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(queue_to_dict(queue), indent=2, ensure_ascii=False))
    else:
        typer.echo(queue_to_text(queue))
