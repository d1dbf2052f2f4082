"""Build-stage commands: `validate`, `build`, `verify`, `repair`, `diff`, `publish` and `tag`.

Thin: each parses its options, calls one library function and prints. Exit
0 on success; 1 when the input is invalid, a release differs from its
manifest, or the library raises.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nkcorpus.build.card import HUB_REPO_ID
from nkcorpus.build.errors import BuildError
from nkcorpus.cli_errors import fail
from nkcorpus.cli_options import ProcessesOption, RunnerOption
from nkcorpus.errors import NkError
from nkcorpus.ordered_pool import Runner

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
    processes: ProcessesOption = None,
    runner: RunnerOption = Runner.local,
) -> None:
    """Check exports against the schema and the cleaned corpus; exit 1 if invalid."""
    from nkcorpus.build.validate import validate_exports
    from nkcorpus.ordered_pool import available_cores, pick_runner

    try:
        report = validate_exports(
            exports, processes=processes or available_cores(), runner=pick_runner(runner)
        )
    except NkError as exc:
        fail(exc)
    if as_json:
        payload = report.model_dump(mode="json", include={"files", "tasks", "problems", "warnings"})
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
        for warning in report.warnings:
            typer.echo(f"warning: {warning}")
        unreviewed = ", ".join(f"{u.doc_id} (task {u.task_id})" for u in report.unreviewed)
        typer.echo(
            f"{report.tasks} task(s): {len(report.gold)} gold, {len(report.unreviewed)} "
            f"unreviewed{': ' + unreviewed if unreviewed else ''}; {len(report.annotations)} "
            f"annotation(s); {len(report.problems)} problem(s), {len(report.warnings)} warning(s)"
        )
    if not report.valid:
        raise typer.Exit(1)


VersionArg = Annotated[str, typer.Argument(help="A version, X.Y.Z (a leading v is accepted).")]
DatasetDirOption = Annotated[
    Path | None, typer.Option("--dataset-dir", help="Releases folder (default: dataset/).")
]


def _dataset_dir(option: Path | None) -> Path:
    from nkcorpus.paths import dataset_dir

    return option if option is not None else dataset_dir()


@app.command("build")
def build_cli(
    version: Annotated[str, typer.Option("--version", help="The new version, X.Y.Z.")],
    export: Annotated[
        list[Path] | None,
        typer.Option(
            "--export", help="An export to read (repeatable; default: annotation/exports/*)."
        ),
    ] = None,
    dataset_dir: DatasetDirOption = None,
    split_ratios: Annotated[
        str, typer.Option("--split-ratios", help="TRAIN,VALIDATION,TEST ratios of new groups.")
    ] = "0.8,0.1,0.1",
    reanchor: Annotated[
        bool,
        typer.Option("--reanchor", help="Move the spans of stale tasks onto the current text."),
    ] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    processes: ProcessesOption = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse and fill out/cache/build-parts/ and out/cache/task-checks/: documents "
            "and tasks unchanged since the last build are not made or checked again (the "
            "release is the same bytes either way).",
        ),
    ] = True,
    runner: RunnerOption = Runner.local,
) -> None:
    """Validate the exports and write the immutable release DIR/vX.Y.Z/."""
    from nkcorpus.build.part_cache import default_cache_dir
    from nkcorpus.build.release import build_release
    from nkcorpus.build.splits import SplitRatios
    from nkcorpus.build.task_memo import default_memo_dir
    from nkcorpus.ordered_pool import available_cores, pick_runner
    from nkcorpus.paths import default_exports

    try:
        run = pick_runner(runner)  # B330 before any work when Ray is missing
        summary = build_release(
            version,
            export or default_exports(),
            _dataset_dir(dataset_dir),
            ratios=SplitRatios.parse(split_ratios),
            reanchor=reanchor,
            progress=progress,
            processes=processes or available_cores(),
            cache=default_cache_dir() if cache else None,
            task_memo=default_memo_dir() if cache else None,
            runner=run,
            echo=typer.echo,
        )
    except NkError as exc:
        fail(exc)
    splits = ", ".join(f"{name} {n}" for name, n in summary.splits.items())
    typer.echo(
        f"wrote {summary.folder}: {summary.documents} document(s) ({splits}), "
        f"{summary.files} file(s)"
    )
    if summary.unreviewed:
        typer.echo(f"left out, unreviewed: {', '.join(summary.unreviewed)}")
    for withheld, kept in summary.withheld.items():
        typer.echo(f"withheld near-duplicate: {withheld} (copy of {kept})")


@app.command("verify")
def verify_cli(
    version: Annotated[
        str | None, typer.Argument(help="X.Y.Z to check (default: every released version).")
    ] = None,
    dataset_dir: DatasetDirOption = None,
) -> None:
    """Check every file of a release against its MANIFEST.json, and (for all
    versions) CHANGELOG.md, README.md and debris; exit 1 on any difference."""
    from nkcorpus.build.bookkeeping import verify_dataset

    try:
        check = verify_dataset(_dataset_dir(dataset_dir), version)
    except NkError as exc:
        fail(exc)
    for name, found in check.releases.items():
        typer.echo(f"{name}: {'OK' if not found else f'{len(found)} problem(s)'}")
        for problem in found:
            typer.echo(f"  {problem}")
    for problem in check.folder:
        typer.echo(problem)
    if check.note:
        typer.echo(f"note: {check.note}")
    if not check.ok:
        raise typer.Exit(1)


@app.command("repair")
def repair_cli(dataset_dir: DatasetDirOption = None) -> None:
    """Remove the debris of builds that died and regenerate CHANGELOG.md and README.md."""
    from nkcorpus.build.bookkeeping import repair

    root = _dataset_dir(dataset_dir)
    try:
        changed = repair(root, typer.echo)
    except NkError as exc:
        fail(exc)
    state = "repaired" if changed else "nothing to repair"
    typer.echo(f"{root}: {state}; no debris, CHANGELOG.md and README.md match the release folders")


@app.command("diff")
def diff_cli(
    old: VersionArg,
    new: VersionArg,
    dataset_dir: DatasetDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the same facts as JSON.")] = False,
) -> None:
    """What changed between two versions: documents (their fields, spans per label,
    relations), documents moved between splits, configs, columns and files."""
    from nkcorpus.build.diff import diff_to_json, diff_to_markdown, diff_versions
    from nkcorpus.build.release import version_folder

    root = _dataset_dir(dataset_dir)
    try:
        result = diff_versions(version_folder(root, old), version_folder(root, new))
    except NkError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(diff_to_json(result), indent=2, ensure_ascii=False))
    else:
        typer.echo(f"{result.new}: " + diff_to_markdown(result), nl=False)


@app.command("publish")
def publish_cli(
    version: VersionArg,
    repo_id: Annotated[
        str,
        typer.Option(
            "--repo-id",
            help="Hugging Face dataset repo, ORG/NAME (default: the homepage every card and "
            "croissant.json name).",
        ),
    ] = HUB_REPO_ID,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be sent; send nothing.")
    ] = False,
    remote: Annotated[
        bool,
        typer.Option(
            "--remote",
            help="With --dry-run: read the Hub repo's file list (read-only) to list the files "
            "of an earlier upload that the commit would delete.",
        ),
    ] = False,
    dataset_dir: DatasetDirOption = None,
) -> None:
    """Upload a release to the Hugging Face Hub as one commit (deleting files an earlier
    upload left) and tag it vX.Y.Z (token: $HF_TOKEN)."""
    from nkcorpus.build.manifest import verify_release
    from nkcorpus.build.publish import publish
    from nkcorpus.build.release import version_folder

    try:
        folder = version_folder(_dataset_dir(dataset_dir), version)
        if folder.is_dir() and (problems := verify_release(folder)):
            raise BuildError("B403", f"{folder} differs from its manifest: {'; '.join(problems)}")
        plan = publish(folder, repo_id, dry_run=dry_run, list_remote=remote)
    except NkError as exc:
        fail(exc)
    typer.echo(plan.describe())
    typer.echo("dry run: nothing was sent" if dry_run else f"published {plan.tag} to {repo_id}")


@app.command("tag")
def tag_cli(
    version: Annotated[
        str | None, typer.Argument(help="X.Y.Z to tag (default: the latest release).")
    ] = None,
    dataset_dir: DatasetDirOption = None,
) -> None:
    """Create the annotated git tag dataset-vX.Y.Z on the commit that added the release."""
    from nkcorpus.build.git_tag import tag_release

    try:
        result = tag_release(version, _dataset_dir(dataset_dir))
    except NkError as exc:
        fail(exc)
    if result.created:
        typer.echo(f"tagged {result.commit[:12]} as {result.tag} ({result.folder})")
    else:
        typer.echo(f"{result.tag} already tags {result.commit[:12]} ({result.folder}): unchanged")
