"""How every `nkcorpus` command reports a library error: `error: [CODE] ...`
on stderr and exit status 1. Library code raises; only commands call these."""

from __future__ import annotations

from typing import NoReturn

import typer

from nkcorpus.errors import NkError


def print_error(exc: NkError) -> None:
    typer.secho(f"error: {exc}", fg="red", err=True)


def fail(exc: NkError) -> NoReturn:
    """Report `exc` and end the command with status 1 (inside a typer command)."""
    print_error(exc)
    raise typer.Exit(1) from exc
