"""`nkcorpus studio pull`: save the whole project as a new, immutable export file.

Files are `annotation/exports/export-<UTC time>-<sha256[:12]>.json`: deterministic
JSON (tasks, annotations and predictions in id order, `export_json`) of every
task with all its annotations and predictions, streamed from Label Studio to
disk and checked by the build's reader on the way (`pull_stream`), so memory
does not grow with the project. An existing file is never overwritten and a failed
pull leaves no file. One pull per folder at a time (`locks.exports_lock`);
temp files left by a pull that was killed while writing are removed by the
next one. Before exporting, every annotation the review rule makes gold
(`nkcorpus.build.gold`: accepted by a listed reviewer) is starred as ground
truth in Label Studio (`mirror`), so the server's API and the export agree;
tasks whose review breaks the rule are listed, not changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import (
    PROJECT_TITLE,
    connect,
    find_project,
    resolve_url,
)
from nkcorpus.annotation.studio.credentials import resolve_api_key
from nkcorpus.annotation.studio.export_json import tasks_to_json
from nkcorpus.annotation.studio.locks import exports_lock
from nkcorpus.annotation.studio.mirror import star_annotations
from nkcorpus.annotation.studio.pull_stream import discard, export_pass, publish
from nkcorpus.atomic import atomic_write_bytes
from nkcorpus.build.limits import LIMITS, ReadLimits
from nkcorpus.errors import StudioError
from nkcorpus.paths import exports_dir


def default_exports_dir() -> Path:
    """`<repo>/annotation/exports/`."""
    try:
        return exports_dir()
    except FileNotFoundError as exc:
        raise StudioError("A132", f"{exc}; or pass --out.") from exc


@dataclass(frozen=True)
class PullReport:
    """What one pull wrote."""

    path: Path
    tasks: int
    annotations: int
    ground_truth: int
    predictions: int
    several_ground_truths: tuple[int, ...]  # ids of tasks with more than one starred
    removed: tuple[str, ...] = ()  # temp files of killed pulls, deleted
    starred_now: int = 0  # accepted gold annotations starred by this pull
    broken_reviews: tuple[str, ...] = ()  # tasks whose review breaks the rule (B12x)

    def summary(self) -> str:
        lines = [f"removed {name}, left by a pull that was killed" for name in self.removed]
        if self.starred_now:
            lines.append(
                f"starred {self.starred_now} accepted annotation(s) as ground truth in Label Studio"
            )
        lines += [f"review to fix: {problem}" for problem in self.broken_reviews]
        lines += [
            f"wrote {self.path}: {self.tasks} tasks, {self.annotations} annotations "
            f"({self.ground_truth} ground truth), {self.predictions} predictions"
        ]
        if self.several_ground_truths:
            tasks = ", ".join(f"#{t}" for t in self.several_ground_truths)
            lines.append(
                f"warning: tasks {tasks} have more than one ground-truth annotation; "
                "a reviewer should star exactly one per task."
            )
        return "\n".join(lines)


def canonical_json(tasks: list[dict[str, Any]]) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys, 2-space indent, trailing newline."""
    return tasks_to_json(tasks)


def export_filename(content: bytes, now: datetime) -> str:
    """`export-<YYYYmmddTHHMMSSZ>-<sha256[:12]>.json` for `content` made at `now`."""
    return _filename(hashlib.sha256(content).hexdigest(), now)


def _filename(sha256: str, now: datetime) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"export-{stamp}-{sha256[:12]}.json"


def write_export(tasks: list[dict[str, Any]], out_dir: Path, now: datetime | None = None) -> Path:
    """Write `tasks` as a new export file in `out_dir`; its path.

    Raises StudioError A131 if that file exists already and A132 if it cannot
    be written; in both cases no file is left behind."""
    content = canonical_json(tasks)
    out_dir = Path(out_dir)
    path = out_dir / export_filename(content, now or datetime.now(UTC))
    try:
        atomic_write_bytes(path, content, overwrite=False)
        os.chmod(path, 0o644)  # the temp file was private
    except FileExistsError as exc:
        raise StudioError(
            "A131", f"{path} exists already (same second, same content); nothing written."
        ) from exc
    except OSError as exc:
        raise StudioError("A132", f"cannot write {path}: {exc}; nothing written.") from exc
    return path


def _remove_debris(out_dir: Path) -> tuple[str, ...]:
    """Delete the temp files of export writes that never finished (we hold the
    folder's lock, so nobody is writing one now); their names."""
    removed = []
    for path in sorted(Path(out_dir).glob(".export-*.json.*.tmp")):
        try:
            path.unlink()
        except OSError as exc:
            raise StudioError(
                "A133", f"cannot remove {path}, left by a killed pull: {exc}; delete it by hand."
            ) from exc
        removed.append(path.name)
    return tuple(removed)


def pull_project(
    client: LabelStudio,
    url: str,
    out_dir: Path,
    *,
    title: str = PROJECT_TITLE,
    reviewers: frozenset[int] | None = None,
    limits: ReadLimits = LIMITS,
) -> PullReport:
    """Export project `title` from `url` into a new file in `out_dir`, holding
    the folder's lock (LockError L001 while another pull writes there), after
    starring the accepted gold of `reviewers` (default `annotation/reviewers.yaml`).
    The download is checked by the build's reader within `limits` (A134)."""
    if reviewers is None:
        from nkcorpus.annotation.reviewers import load_reviewers

        reviewers = load_reviewers().ids
    project_id = find_project(client, url, title)
    if project_id is None:
        raise StudioError(
            "A113", f"{url} has no project {title!r}; run `nkcorpus studio sync` first."
        )
    with exports_lock(out_dir):
        removed = _remove_debris(out_dir)
        pending = export_pass(client, url, project_id, out_dir, reviewers, limits)
        decisions = pending.decisions
        if decisions.to_star:
            discard(pending)
            star_annotations(client, url, decisions.to_star)
            # again, with the stars
            pending = export_pass(client, url, project_id, out_dir, reviewers, limits)
        path = publish(pending, out_dir, _filename(pending.sha256, datetime.now(UTC)))
    counts = pending.counts
    return PullReport(
        path=path,
        tasks=counts.tasks,
        annotations=counts.annotations,
        ground_truth=counts.ground_truth,
        predictions=counts.predictions,
        several_ground_truths=tuple(sorted(counts.several_ground_truths)),
        removed=removed,
        starred_now=len(decisions.to_star),
        broken_reviews=decisions.broken,
    )


def pull(
    out_dir: Path,
    url: str | None = None,
    api_key: str | None = None,
    data_dir: Path | None = None,
) -> PullReport:
    """Connect (see `sync.sync` for where URL and key come from) and pull."""
    url = resolve_url(url)
    key, _ = resolve_api_key(api_key, data_dir)
    return pull_project(connect(url, key), url, out_dir)
