"""`nkcorpus build`: write an immutable, versioned release folder `DIR/vX.Y.Z/`.

Order of work: refuse an existing or older version; validate every export
(one problem means nothing is written); pick one document per near-duplicate
group; assign splits (keeping the previous release's); stream every table to
Parquet in a temporary folder next to the target; add the spaCy DocBins,
`croissant.json`, the card and `MANIFEST.json`; rename the folder into place;
then update `DIR/CHANGELOG.md` and `DIR/README.md` (the latest version).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from tqdm import tqdm

from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.card import CardFacts, folder_card, release_card
from nkcorpus.build.changelog import update_changelog
from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import exports_fingerprint, read_manifest, write_manifest
from nkcorpus.build.release_files import write_croissant, write_docbins, write_tables
from nkcorpus.build.splits import SplitRatios, assign_splits, present_splits
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.documents import CleanDocument, load_documents
from nkcorpus.corpus.release import select_released
from nkcorpus.schema.model import LabelSchema, load_schema

_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
PACKAGE = "nk-defector-corpus"


@dataclass(frozen=True)
class BuildSummary:
    folder: Path
    documents: int
    splits: dict[str, int]
    unreviewed: list[str]
    withheld: dict[str, str]
    files: int
    reanchored: list[str]


def parse_version(text: str) -> tuple[int, int, int]:
    """`"1.0.0"` -> (1, 0, 0); raises B301 for anything but X.Y.Z."""
    match = _VERSION.match(text.removeprefix("v"))
    if not match:
        raise BuildError("B301", f"version {text!r} is not X.Y.Z (e.g. 1.0.0)")
    return (int(match[1]), int(match[2]), int(match[3]))


def version_folder(dataset_dir: Path, version: str) -> Path:
    """`dataset_dir/vX.Y.Z`; raises B301 unless `version` is X.Y.Z (a leading v is accepted)."""
    parse_version(version)
    return dataset_dir / f"v{version.removeprefix('v')}"


def released_versions(dataset_dir: Path) -> list[Path]:
    """The version folders of `dataset_dir`, oldest first."""
    folders = [p for p in dataset_dir.glob("v*") if p.is_dir() and _VERSION.match(p.name[1:])]
    return sorted(folders, key=lambda p: parse_version(p.name))


def _check_new_version(version: str, dataset_dir: Path) -> Path:
    target = version_folder(dataset_dir, version)
    if target.exists():
        raise BuildError(
            "B302",
            f"{target} exists: a released version never changes; build a new version "
            "(e.g. bump the patch number) instead",
        )
    existing = released_versions(dataset_dir)
    if existing and parse_version(existing[-1].name) > parse_version(version):
        raise BuildError(
            "B303",
            f"version {version} is older than the latest release {existing[-1].name}; "
            "versions only go up",
        )
    return target


def build_release(
    version: str,
    exports: Sequence[Path],
    dataset_dir: Path,
    *,
    ratios: SplitRatios | None = None,
    documents: Sequence[CleanDocument] | None = None,
    schema: LabelSchema | None = None,
    reanchor: bool = False,
    progress: bool = True,
    echo: Callable[[str], None] = lambda _: None,
) -> BuildSummary:
    """Validate `exports` and write `dataset_dir/v<version>/`; raise, writing nothing, on error.

    With `reanchor`, stale tasks have their spans moved onto the current text;
    every moved or dropped span is echoed and listed in the summary.
    """
    parse_version(version)
    version = version.removeprefix("v")
    if not exports:
        raise BuildError("B304", "no exports to build from; run `nkcorpus studio pull` first")
    target = _check_new_version(version, dataset_dir)
    documents = load_documents() if documents is None else documents
    schema = load_schema() if schema is None else schema
    report = validate_exports(exports, documents=documents, schema=schema, reanchor=reanchor)
    report.raise_for_problems()
    for note in report.reanchored:
        echo(f"reanchored: {note}")
    selection = select_released(documents)
    released = [d for d in selection.released if d.doc_id in report.gold]
    unreviewed = [d.doc_id for d in selection.released if d.doc_id not in report.gold]
    if not released:
        raise BuildError("B305", "no released document has a gold annotation; star one first")
    previous = released_versions(dataset_dir)
    before = read_manifest(previous[-1]).get("splits", {}) if previous else {}
    splits = assign_splits(
        {d.doc_id: d.group for d in released}, ratios or SplitRatios(), previous=before
    )
    echo(f"building v{version}: {len(released)} document(s), {len(unreviewed)} unreviewed")
    dataset_dir.mkdir(parents=True, exist_ok=True)
    scratch = dataset_dir / f".building-v{version}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        bar = tqdm(total=len(released), desc=f"v{version}", unit="doc", disable=not progress)
        with bar:
            tables = write_tables(scratch, released, report, splits, schema, bar.update)
        write_docbins(scratch, tables.docs)
        used = present_splits(splits.values())
        facts = CardFacts(
            version=version,
            features=tables.features,
            stats=tables.stats,
            splits=used,
            unreviewed=unreviewed,
            withheld=selection.withheld,
            prelabel=tables.prelabel,
            schema_version=schema.schema_version,
            schema_hash=schema.schema_hash,
        )
        atomic_write_text(scratch / "README.md", release_card(facts, schema), overwrite=False)
        write_croissant(scratch, facts, report)
        manifest = write_manifest(
            scratch,
            {
                "version": version,
                "schema_version": schema.schema_version,
                "schema_sha256": schema.schema_hash,
                "code_version": f"{PACKAGE} {package_version(PACKAGE)}",
                "exports": exports_fingerprint(exports),
                "splits": splits,
                "unreviewed": unreviewed,
                "withheld": selection.withheld,
            },
        )
        scratch.rename(target)  # atomic on one filesystem; refuses a non-empty target
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    update_changelog(dataset_dir, target, previous[-1] if previous else None, facts)
    atomic_write_text(dataset_dir / "README.md", folder_card(facts))
    return BuildSummary(
        folder=target,
        documents=len(released),
        splits={s: facts.stats.splits[s].documents for s in used},
        unreviewed=unreviewed,
        withheld=selection.withheld,
        files=len(manifest["files"]) + 1,
        reanchored=report.reanchored,
    )
