"""`nkcorpus schema ...`: regenerate and check the artefacts derived from the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.schema.generate import GENERATED_DIR, check_generated, write_generated
from nkcorpus.schema.model import load_schema

app = typer.Typer(no_args_is_help=True, help="Regenerate and check what the schema generates.")

SchemaFile = Annotated[
    Path | None, typer.Option("--schema", help="Schema YAML (default: schema/labels.yaml).")
]
OutDir = Annotated[Path, typer.Option("--out", help="Folder of the generated files.")]


@app.command("write")
def write_cli(schema_file: SchemaFile = None, out: OutDir = GENERATED_DIR) -> None:
    """Regenerate the Label Studio config, features, BIO tags and JSON Schemas."""
    changed = write_generated(load_schema(schema_file), out)
    if changed:
        for name in changed:
            typer.echo(f"wrote {out / name}")
    else:
        typer.echo(f"{out}: up to date")


@app.command("check")
def check_cli(schema_file: SchemaFile = None, out: OutDir = GENERATED_DIR) -> None:
    """Fail when a generated file is out of date with the schema."""
    schema = load_schema(schema_file)
    check_generated(schema, out)
    typer.echo(
        f"schema v{schema.schema_version} ({schema.schema_hash[:12]}): generated files up to date"
    )
