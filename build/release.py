"""`nkcorpus build`: write an immutable, versioned release folder `DIR/vX.Y.Z/`.

Everything happens under the lock of `DIR` (`DIR/.nkcorpus.lock`; a second
build or `repair` is refused with L001, naming the holder). Order of work:
remove the debris of builds that died and rewrite stale bookkeeping (see
`nkcorpus.build.bookkeeping`); refuse an existing or older version; validate
every export (one problem means nothing is written); pick one document per
near-duplicate group; assign splits (keeping the previous release's); stream
every table to Parquet in a scratch folder `DIR/.building-vX.Y.Z-PID`; add the
spaCy DocBins, `croissant.json`, the card and `MANIFEST.json`; fsync; rename
the folder into place; then regenerate `DIR/CHANGELOG.md` and `DIR/README.md`
from the release folders.

A build killed before the rename leaves only its scratch folder (debris); one
killed after it leaves a complete release and stale bookkeeping. Both are
repaired by the next build or `nkcorpus repair`, and reported by `verify`. An
OSError while writing the release is B306 (nothing released, scratch removed).
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from tqdm import tqdm

from nkcorpus.annotation.prelabel.frozen import FrozenRules, load_frozen, rules_sha256
from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.agreement_facts import release_agreement
from nkcorpus.build.baseline import gold_spans, release_evaluation
from nkcorpus.build.bookkeeping import (
    parse_version,
    recover,
    released_versions,
    version_folder,
    write_bookkeeping,
)
from nkcorpus.build.card import HOMEPAGE, CardFacts, gold_to_rules, release_card
from nkcorpus.build.card_sections import prelabel_with_heldout
from nkcorpus.build.copies import read_merged_once
from nkcorpus.build.croissant_files import release_date, write_croissant
from nkcorpus.build.errors import BuildError
from nkcorpus.build.heldout import heldout_prelabel
from nkcorpus.build.manifest import exports_fingerprint, read_manifest, write_manifest
from nkcorpus.build.part_cache import PartCache
from nkcorpus.build.provenance import check_provenance
from nkcorpus.build.read_memo import ReadMemo
from nkcorpus.build.release_extras import write_release_extras
from nkcorpus.build.release_files import release_prelabel, write_docbins, write_tables
from nkcorpus.build.splits import SplitRatios, assign_splits, move_to_text, present_splits
from nkcorpus.build.task_memo import TaskMemo
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.documents import CleanDocument, load_documents
from nkcorpus.corpus.manifest import MANIFEST_NAME, Manifest, load_manifest
from nkcorpus.corpus.release import select_released
from nkcorpus.lock import folder_lock
from nkcorpus.ordered_pool import MapInOrder, map_in_order
from nkcorpus.paths import seeds_dir
from nkcorpus.schema.model import LabelSchema, load_schema

__all__ = ["BuildSummary", "build_release", "parse_version", "released_versions", "version_folder"]
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
    reviewers: frozenset[int] | None = None,
    seeds_manifest: Manifest | None = None,
    copies: Mapping[str, bytes] | None = None,
    frozen: FrozenRules | None = None,
    progress: bool = True,
    processes: int = 1,
    cache: Path | None = None,
    task_memo: Path | None = None,
    runner: MapInOrder = map_in_order,
    echo: Callable[[str], None] = lambda _: None,
) -> BuildSummary:
    """Validate `exports` and write `dataset_dir/v<version>/`; raise, releasing nothing, on error
    (except B307: released, but CHANGELOG.md/README.md could not be rewritten: `repair`).

    With `reanchor`, stale tasks have their spans moved onto the current text;
    every moved or dropped span is echoed and listed in the summary. `reviewers`
    (user ids whose acceptance makes gold) defaults to `annotation/reviewers.yaml`;
    `seeds_manifest` (provenance of the released documents, checked by B310 and
    copied into `sources.yaml`) to `seeds/manifest.yaml`; `copies` (the datasheet,
    guidelines and label schema copied into the release) to the repository's files;
    `frozen` (which documents the pre-annotation rules saw) to `frozen.json`.
    `processes`: how many processes check the tasks and make the documents'
    rows and Docs (the release is the same bytes whatever the number). `cache`: a folder of
    per-document parts (`nkcorpus.build.part_cache`) to reuse and fill (None:
    none); the release is the same bytes with or without it. `task_memo`: a
    folder of each task's checks and of what the merge reads of it
    (`nkcorpus.build.task_memo`, `nkcorpus.build.read_memo`) to reuse and
    fill (None: none), the same. `runner`: what
    maps the per-document batch function (`nkcorpus.ordered_pool.MapInOrder`).
    """
    parse_version(version)
    version = version.removeprefix("v")
    if not exports:
        raise BuildError("B304", "no exports to build from; run `nkcorpus studio pull` first")
    with folder_lock(dataset_dir) as lock:
        if lock.stale:
            echo(f"took over the lock left by PID {lock.stale.get('pid', '?')}, which died")
        recover(dataset_dir, echo)
        target = _check_new_version(version, dataset_dir)
        loaded = None  # the seeds' manifest, loaded once for the documents and provenance
        if documents is None:
            loaded = load_manifest(seeds_dir())
            documents = load_documents(manifest=loaded, processes=processes)
        schema = load_schema() if schema is None else schema
        reads = ReadMemo(task_memo) if task_memo is not None else None
        merged = read_merged_once(exports, reads)  # read once, for every reader below
        memo = TaskMemo(task_memo) if task_memo is not None else None
        report = validate_exports(
            exports, documents=documents, schema=schema, reanchor=reanchor, reviewers=reviewers,
            merged=merged, processes=processes, runner=runner, extras=True, memo=memo,
        )  # fmt: skip
        if memo is not None:
            echo(f"reused {memo.reused} of {report.tasks} task check(s) from {memo.folder}")
        report.raise_for_problems()
        for note in report.reanchored:
            echo(f"reanchored: {note}")
        selection = select_released(documents)
        released = [d for d in selection.released if d.doc_id in report.gold]
        unreviewed = [d.doc_id for d in selection.released if d.doc_id not in report.gold]
        if not released:
            raise BuildError(
                "B305",
                "no released document has a gold annotation; a reviewer accepts one per task "
                "first (GUIDELINES, Review)",
            )
        source: Path | str = "the given seeds manifest"
        if seeds_manifest is None:
            source = seeds_dir() / MANIFEST_NAME
            seeds_manifest = loaded if loaded is not None else load_manifest(source.parent)
        check_provenance(released, seeds_manifest, source)  # B310: url and title, or a reason
        previous = released_versions(dataset_dir)
        before = read_manifest(previous[-1]).get("splits", {}) if previous else {}
        frozen = load_frozen() if frozen is None else frozen
        assignment = assign_splits(
            {d.doc_id: d.group for d in released}, ratios or SplitRatios(), previous=before,
            seen=frozen.documents_seen,
        )  # fmt: skip
        splits = assignment.splits
        for move in assignment.moves:  # into validation, or out of test (`build/splits.py`)
            echo(f"split moved: {move_to_text(move)}")
        evaluation = release_evaluation(exports, released, report, splits, schema, merged)
        heldout = heldout_prelabel(  # None without a held-out document (v1.1.0 and before)
            gold_spans(report, released), evaluation.predictions, frozen, schema.label_names,
            rules_sha256(),
        )  # fmt: skip
        echo(f"building v{version}: {len(released)} document(s), {len(unreviewed)} unreviewed")
        agreement = release_agreement(
            exports, frozenset(report.reviewers), frozenset(d.doc_id for d in released), schema,
            merged,
        )  # fmt: skip
        # one export: its tasks are the merged ones (a task id twice would be B106),
        # scored by validation's workers
        checked = merged.checked_or_none()
        one_export = len(merged.files) == 1 and all(c and c.extras for c in checked)
        made = (c.extras.prelabel for c in checked if c and c.extras) if one_export else None
        prelabel = release_prelabel(report, made)
        del merged  # its places and the readers' parts: nothing below reads them
        gc.collect()
        scratch = dataset_dir / f".building-v{version}-{os.getpid()}"
        try:
            bar = tqdm(total=len(released), desc=f"v{version}", unit="doc", disable=not progress)
            with bar:
                tables = write_tables(
                    scratch, released, report, splits, schema, bar.update,
                    folds=evaluation.folds, predictions=evaluation.predictions,
                    processes=processes, cache=PartCache(cache) if cache is not None else None,
                    runner=runner,
                )  # fmt: skip
            if cache is not None:
                echo(f"reused {tables.reused} of {len(released)} document(s) from {cache}")
            write_docbins(scratch, tables.docbins)
            used = present_splits(splits.values())
            date = release_date(report.annotations)
            facts = CardFacts(
                version=version,
                features=tables.features,
                stats=tables.stats,
                splits=used,
                unreviewed=unreviewed,
                withheld=selection.withheld,
                prelabel=prelabel_with_heldout(prelabel, heldout),
                schema_version=schema.schema_version,
                schema_hash=schema.schema_hash,
                agreement=agreement,
                date_published=date,
                homepage=HOMEPAGE,
                gold_by=gold_to_rules(report.gold),
                baseline=evaluation.baseline,
                split_moves=[move_to_text(m) for m in assignment.moves],
            )
            atomic_write_text(scratch / "README.md", release_card(facts, schema), overwrite=False)
            write_croissant(scratch, facts, schema)
            write_release_extras(
                scratch,
                version=version,
                released=released,
                manifest=seeds_manifest,
                date_released=date,
                copies=copies,
            )
            manifest = write_manifest(
                scratch,
                {
                    "version": version,
                    "schema_version": schema.schema_version,
                    "schema_sha256": schema.schema_hash,
                    "code_version": f"{PACKAGE} {package_version(PACKAGE)}",
                    "exports": exports_fingerprint(exports),
                    "splits": splits,
                    "baseline": evaluation.baseline.model_dump(mode="json"),
                    "unreviewed": unreviewed,
                    "withheld": selection.withheld,
                    # only where released documents have 2+ annotators (v1.0.0 has none)
                    **({"agreement": agreement} if agreement is not None else {}),
                    **({"pre_annotation": heldout.model_dump(mode="json")} if heldout else {}),
                },
            )
            _fsync_tree(scratch)
            scratch.rename(target)  # atomic on one filesystem: the release is whole or absent
            _fsync(dataset_dir)
        except OSError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise _release_error(target, exc) from exc
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        write_bookkeeping(dataset_dir)  # B307, naming `repair`, if it cannot
    return BuildSummary(
        folder=target,
        documents=len(released),
        splits={s: facts.stats.splits[s].documents for s in used},
        unreviewed=unreviewed,
        withheld=selection.withheld,
        files=len(manifest["files"]) + 1,
        reanchored=report.reanchored,
    )


def _release_error(target: Path, exc: OSError) -> BuildError:
    return BuildError(
        "B306",
        f"cannot write the release {target}: {exc.strerror or exc} ({exc.filename or target}); "
        f"nothing was released: make {target.parent} writable (and check its free space), "
        "then build again",
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder under `folder` to disk, so that the rename
    never publishes a folder whose contents a power cut could still lose."""
    for path in sorted(folder.rglob("*"), reverse=True):
        _fsync(path)
    _fsync(folder)
