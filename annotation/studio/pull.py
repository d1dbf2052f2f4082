"""`nkcorpus studio pull`: save the whole project as a new, immutable export file.

Files are `annotation/exports/export-<UTC time>-<sha256[:12]>.json`: deterministic
JSON (tasks, annotations and predictions in id order) of every task with all its
annotations and predictions. An existing file is never overwritten and a failed
pull leaves no file. One pull per folder at a time (`locks.exports_lock`);
temp files left by a pull that was killed while writing are removed by the
next one. Before exporting, every annotation the review rule makes gold
(`nkcorpus.build.gold`: accepted by a listed reviewer) is starred as ground
truth in Label Studio (`mirror`), so the server's API and the export agree;
tasks whose review breaks the rule are listed, not changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import (
    PROJECT_TITLE,
    connect,
    fetch_export,
    find_project,
    resolve_url,
)
from nkcorpus.annotation.studio.credentials import resolve_api_key
from nkcorpus.annotation.studio.locks import exports_lock
from nkcorpus.annotation.studio.mirror import export_to_decisions, star_annotations
from nkcorpus.atomic import atomic_write_bytes
from nkcorpus.errors import StudioError
from nkcorpus.paths import exports_dir

# Label Studio renders these relative to the time of the export ("3 minutes");
# they would make two exports of the same data differ.
VOLATILE_KEYS = frozenset({"created_ago"})


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


def _by_id(items: list[Any]) -> list[Any]:
    """`items` (objects with an `id`, or bare ids) in id order."""
    return sorted(items, key=lambda item: item.get("id", 0) if isinstance(item, dict) else item)


def _normalised(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks in id order, their annotations, drafts and predictions too."""
    tasks = _drop_volatile(tasks)
    for task in tasks:
        for key in ("annotations", "drafts", "predictions"):
            if isinstance(task.get(key), list):
                task[key] = _by_id(task[key])
    return _by_id(tasks)


def _drop_volatile(value: Any) -> Any:
    """`value` without VOLATILE_KEYS; task `data` (the document) is left alone."""
    if isinstance(value, dict):
        return {
            k: v if k == "data" else _drop_volatile(v)
            for k, v in value.items()
            if k not in VOLATILE_KEYS
        }
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def canonical_json(tasks: list[dict[str, Any]]) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys, 2-space indent, trailing newline."""
    text = json.dumps(_normalised(tasks), sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def export_filename(content: bytes, now: datetime) -> str:
    """`export-<YYYYmmddTHHMMSSZ>-<sha256[:12]>.json` for `content` made at `now`."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"export-{stamp}-{hashlib.sha256(content).hexdigest()[:12]}.json"


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
) -> PullReport:
    """Export project `title` from `url` into a new file in `out_dir`, holding
    the folder's lock (LockError L001 while another pull writes there), after
    starring the accepted gold of `reviewers` (default `annotation/reviewers.yaml`)."""
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
        tasks = fetch_export(client, url, project_id)
        decisions = export_to_decisions(tasks, reviewers)
        if decisions.to_star:
            star_annotations(client, url, decisions.to_star)
            tasks = fetch_export(client, url, project_id)  # with the stars
        path = write_export(tasks, out_dir)
    starred = {
        int(t["id"]): sum(1 for a in t.get("annotations") or [] if a.get("ground_truth"))
        for t in tasks
    }
    return PullReport(
        path=path,
        tasks=len(tasks),
        annotations=sum(len(t.get("annotations") or []) for t in tasks),
        ground_truth=sum(starred.values()),
        predictions=sum(len(t.get("predictions") or []) for t in tasks),
        several_ground_truths=tuple(sorted(t for t, n in starred.items() if n > 1)),
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
