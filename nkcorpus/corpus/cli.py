"""`nkcorpus seeds ...`: add seed documents, clean them, summarise the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.corpus.add import add_documents
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.rawtext import raw_lines
from nkcorpus.corpus.seedfile import read_seed_file
from nkcorpus.corpus.summary import summarise, summary_to_text
from nkcorpus.corpus.write import write_clean_jsonl
from nkcorpus.paths import seeds_dir

app = typer.Typer(no_args_is_help=True, help="Add, clean and summarise the seed documents.")

SeedsDir = Annotated[
    Path | None, typer.Option("--seeds", help="Seeds folder (default: seeds/ of the repo).")
]


@app.command("add")
def add_cli(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Files in seeds/ to add (default: all unlisted).")
    ] = None,
    seeds: SeedsDir = None,
) -> None:
    """Append manifest entries for new .txt/.html files in seeds/ (guesses to review).

    With FILE... only those files are considered; without, every unlisted entry of
    seeds/, and any odd one (bad name, link, folder, FIFO) is listed as a problem."""
    folder = seeds or seeds_dir()
    result = add_documents(folder, files or None)
    for doc_id in result.added:
        typer.echo(f"added {doc_id}: review its entry in {folder / 'manifest.yaml'}")
    for doc_id, group in result.regrouped.items():
        typer.echo(f"regrouped {doc_id}: near-duplicate group {group}")
    if result.unchanged:
        typer.echo(f"already listed, unchanged: {', '.join(result.unchanged)}")
    if not (result.added or result.regrouped or result.unchanged):
        typer.echo("nothing to add")


@app.command("clean")
def clean_cli(
    out: Annotated[Path, typer.Option("--out", help="JSON Lines file to write.")] = Path(
        "out/clean/documents.jsonl"
    ),
    seeds: SeedsDir = None,
) -> None:
    """Write the cleaned article bodies, one JSON object per line."""
    documents = load_documents(seeds)
    write_clean_jsonl(documents, out)
    typer.echo(f"wrote {len(documents)} cleaned documents to {out}")


@app.command("summary")
def summary_cli(
    seeds: SeedsDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print sizes per document, near-duplicate groups and unreviewed entries."""
    summary = summarise(seeds)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "totals": summary.totals,
                    "documents": [vars(d) for d in summary.documents],
                    "near_duplicate_pairs": [vars(p) for p in summary.pairs],
                    "groups": summary.groups,
                    "unreviewed": summary.unreviewed,
                },
                indent=2,
            )
        )
    else:
        typer.echo(summary_to_text(summary))


@app.command("lines")
def lines_cli(
    file: Annotated[Path, typer.Argument(help="A raw seed file.")],
) -> None:
    """Print a raw file's numbered text lines, the frame of the manifest's line numbers."""
    for number, line in enumerate(raw_lines(file, read_seed_file(file)), start=1):
        typer.echo(f"{number:>5}: {line}")
