"""One pass of `studio pull` in bounded memory: download, check, write.

Label Studio's export is streamed into a temporary file in the exports folder
(`snapshot.export_to_file`), read back one task at a time by the build's own
reader (`nkcorpus.build.export_reader.iter_export`, so a pull never writes a
file that `build` would refuse: every limit of `build/limits.py` holds), and
each task is written in the committed format (`export_json.ExportWriter`) to a
second temporary file while the review decisions and the counts are taken.
`publish` then gives that file its final name with a hard link, which fails
rather than overwrite. Every temporary name matches `.export-*.json.*.tmp`, the
debris a killed pull leaves and the next one removes; on any error the files
of this pass are removed here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.export_json import ExportWriter
from nkcorpus.annotation.studio.mirror import ReviewDecisions, export_to_decisions
from nkcorpus.annotation.studio.snapshot import export_to_file
from nkcorpus.build.errors import BuildError
from nkcorpus.build.export_reader import iter_export
from nkcorpus.build.limits import LIMITS, ReadLimits
from nkcorpus.errors import StudioError


@dataclass
class Counts:
    """Tasks, annotations, starred annotations and predictions seen."""

    tasks: int = 0
    annotations: int = 0
    ground_truth: int = 0
    predictions: int = 0
    several_ground_truths: list[int] = field(default_factory=list)

    def add(self, task: dict[str, Any]) -> None:
        annotations = task.get("annotations") or []
        starred = sum(1 for a in annotations if isinstance(a, dict) and a.get("ground_truth"))
        self.tasks += 1
        self.annotations += len(annotations)
        self.ground_truth += starred
        self.predictions += len(task.get("predictions") or [])
        if starred > 1:
            self.several_ground_truths.append(int(task["id"]))


@dataclass(frozen=True)
class Pending:
    """A complete export in a temporary file, not yet under its final name."""

    path: Path
    sha256: str
    size: int
    counts: Counts
    decisions: ReviewDecisions


def _temp(folder: Path, prefix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f"{prefix}.json.", suffix=".tmp", dir=folder)
    os.close(fd)
    return Path(name)


def _disk(action: str, path: Path, exc: OSError) -> StudioError:
    return StudioError(
        "A132", f"cannot {action} {path}: {exc}; nothing written. Free space or pass --out."
    )


def export_pass(
    client: LabelStudio,
    url: str,
    project_id: int,
    out_dir: Path,
    reviewers: frozenset[int],
    limits: ReadLimits = LIMITS,
) -> Pending:
    """Download the project's export, check it with the build's reader and
    write it in the committed format to a temporary file in `out_dir`
    (`limits`: the reader's, those of every build unless a test passes others).

    Raises StudioError A134 when the reader refuses the download (its B1xx
    error quoted), A132 when the folder cannot take the files; then no file of
    this pass is left."""
    download = _temp(out_dir, ".export-download")
    try:
        try:
            with open(download, "wb") as handle:
                export_to_file(client, url, project_id, handle)
        except OSError as exc:
            raise _disk("write the download to", download, exc) from exc
        return _convert(download, out_dir, url, project_id, reviewers, limits)
    finally:
        download.unlink(missing_ok=True)


def _convert(
    download: Path,
    out_dir: Path,
    url: str,
    project_id: int,
    reviewers: frozenset[int],
    limits: ReadLimits,
) -> Pending:
    counts = Counts()
    writer = ExportWriter(out_dir)
    pending = _temp(out_dir, ".export-pending")
    try:

        def passing(tasks: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            for task in tasks:
                writer.add(task)
                counts.add(task)
                yield task

        try:
            decisions = export_to_decisions(passing(iter_export(download, limits)), reviewers)
            with open(pending, "wb") as handle:
                sha256 = writer.finish(handle)
                handle.flush()
                os.fsync(handle.fileno())
                size = handle.tell()
        except BuildError as exc:
            raise StudioError(
                "A134",
                f"the export of project {project_id} on {url} is refused by the build's "
                f"reader: {exc}. Nothing written; fix the task named in Label Studio, then "
                "pull again.",
            ) from exc
        except OSError as exc:
            raise _disk("write", pending, exc) from exc
        if size > limits.max_export_bytes:
            raise StudioError(
                "A134",
                f"the export of project {project_id} on {url} would be {size:,} bytes, more "
                f"than build/limits.py's max_export_bytes = {limits.max_export_bytes:,}, so no "
                "build could read it. Nothing written; split the tasks over several projects.",
            )
        return Pending(pending, sha256, size, counts, decisions)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    finally:
        writer.close()


def publish(pending: Pending, out_dir: Path, name: str) -> Path:
    """Give the pending export its final `name` in `out_dir` (never over an
    existing file: A131); the temporary file is gone either way."""
    path = out_dir / name
    try:
        os.chmod(pending.path, 0o644)  # mkstemp made it private
        os.link(pending.path, path)  # fails if the target exists
    except FileExistsError as exc:
        raise StudioError(
            "A131", f"{path} exists already (same second, same content); nothing written."
        ) from exc
    except OSError as exc:
        raise _disk("write", path, exc) from exc
    finally:
        pending.path.unlink(missing_ok=True)
    return path


def discard(pending: Pending) -> None:
    """Remove a pending export that will not be published."""
    pending.path.unlink(missing_ok=True)
