"""Options several commands share, declared once: how many worker processes,
and what runs the batches (`nkcorpus.ordered_pool.Runner`)."""

from __future__ import annotations

from typing import Annotated

import typer

from nkcorpus.ordered_pool import Runner

ProcessesOption = Annotated[
    int | None,
    typer.Option(
        "--processes",
        min=1,
        help="Worker processes (default: every available core; the output is the same "
        "whatever the number).",
    ),
]
RunnerOption = Annotated[
    Runner,
    typer.Option(
        "--runner",
        help="What runs the batches: `local` processes, or `ray` (Ray Data on a local Ray "
        "instance of --processes CPUs; the `ray` extra). The same output either way.",
    ),
]
