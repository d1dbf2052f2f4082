"""Publish one release folder (``DIR/vX.Y.Z/``) to a Hugging Face dataset repo.

The folder is checked against its MANIFEST.json first; a release is uploaded
once, as one commit, and tagged ``vX.Y.Z``. An existing tag is never moved.
The same commit deletes every file an earlier upload left on the Hub repo that
the release does not hold (all but ``.gitattributes``, which the Hub needs), so
the remote folder equals the local one. The commit names the branch head the
listing was read at (``parent_commit``): a push in between fails the commit
instead of surviving it. A dry run sends nothing; with ``list_remote`` it also
reads the Hub repo's file list (read-only) to show the deletions.

Codes B70x: B700 folder, B701 manifest, B702 version, B703 files, B704 repo
id, B705 token, B706 tag exists, B707 Hub error.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import HfHubHTTPError, HFValidationError, RepositoryNotFoundError
from huggingface_hub.errors import HTTPError as _TransportHTTPError  # httpx(2) base class

from nkcorpus.build.errors import BuildError

_VERSION_DIR = re.compile(r"v(\d+\.\d+\.\d+)")
_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_HUB_ERRORS = (HfHubHTTPError, HFValidationError, _TransportHTTPError, OSError)
KEEP_ON_HUB = frozenset({".gitattributes"})  # the Hub's LFS rules: never deleted
BRANCH = "main"


@dataclass(frozen=True)
class PublishPlan:
    """What `publish` uploads: every file of the release folder, the tag it gets,
    and the Hub files it deletes (None: the Hub repo's files were not listed)."""

    repo_id: str
    version: str
    tag: str
    folder: Path
    files: tuple[tuple[str, int], ...]
    deletions: tuple[str, ...] | None = None

    def describe(self) -> str:
        """A human-readable listing: repo, tag, each file with its size, the total,
        and each file the commit deletes from the Hub repo."""
        width = max((len(path) for path, _ in self.files), default=0)
        lines = [
            f"repo:   {self.repo_id} (dataset)",
            f"tag:    {self.tag}",
            f"folder: {self.folder}",
        ]
        lines += [f"  {path:<{width}}  {size:>12,d} B" for path, size in self.files]
        total = sum(size for _, size in self.files)
        lines.append(f"total:  {len(self.files)} file(s), {total:,d} B")
        if self.deletions is None:
            lines.append(
                "delete: not listed (the Hub repo was not read; --remote lists the files of an "
                "earlier upload that this commit deletes)"
            )
        else:
            lines.append(f"delete: {len(self.deletions)} file(s) left by an earlier upload")
            lines += [f"  - {path}" for path in self.deletions]
        return "\n".join(lines)

    def with_remote(self, remote: Iterable[str]) -> PublishPlan:
        """This plan, deleting every file of `remote` the release lacks (but `.gitattributes`)."""
        local = {path for path, _ in self.files}
        return replace(self, deletions=tuple(sorted(set(remote) - local - KEEP_ON_HUB)))


def _files_on_disk(folder: Path) -> dict[str, int]:
    """Every regular file under `folder`, as POSIX relative path -> size in bytes."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()
    }


def plan_publish(version_dir: Path, repo_id: str) -> PublishPlan:
    """Check `version_dir` against its MANIFEST.json and `repo_id`; return the upload plan."""
    folder = Path(version_dir)
    match = _VERSION_DIR.fullmatch(folder.name)
    if not folder.is_dir() or match is None:
        raise BuildError("B700", f"{folder}: not a release folder vX.Y.Z; build the release first")
    version = match.group(1)
    hint = f"run `nkcorpus verify {version}` and rebuild the release"
    manifest_path = folder / "MANIFEST.json"
    try:
        manifest: Any = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError("B701", f"{manifest_path}: missing or unreadable ({exc}); {hint}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BuildError("B701", f"{manifest_path}: no 'files' mapping; {hint}")
    if manifest.get("version") != version:
        raise BuildError(
            "B702",
            f"{manifest_path}: version {manifest.get('version')!r} does not match folder "
            f"{folder.name}; {hint}",
        )
    if not _REPO_ID.fullmatch(repo_id) or ".." in repo_id or "--" in repo_id:
        raise BuildError("B704", f"repo id {repo_id!r} is not ORG/NAME (e.g. my-org/nk-defectors)")
    on_disk = _files_on_disk(folder)
    payload, listed = on_disk.keys() - {"MANIFEST.json"}, manifest["files"]
    problems = [f"{p}: on disk but not in MANIFEST.json" for p in sorted(payload - listed.keys())]
    problems += [f"{p}: in MANIFEST.json but not on disk" for p in sorted(listed.keys() - payload)]
    problems += [
        f"{p}: {on_disk[p]} bytes on disk, {e.get('bytes')} in MANIFEST.json"
        for p, e in sorted(listed.items())
        if p in payload and isinstance(e, dict) and e.get("bytes") != on_disk[p]
    ]
    if problems:
        raise BuildError(
            "B703",
            f"{folder}: files do not match MANIFEST.json: " + "; ".join(problems) + f"; {hint}",
        )
    return PublishPlan(repo_id, version, f"v{version}", folder, tuple(sorted(on_disk.items())))


def _hub_error(exc: Exception, repo_id: str, step: str, token: str) -> BuildError:
    """A BuildError for a failed Hub call, with the token scrubbed from the message."""
    detail = str(exc).replace(token, "***") if token else str(exc)
    return BuildError(
        "B707",
        f"Hugging Face Hub: {step} failed for dataset {repo_id}: {type(exc).__name__}: {detail}; "
        "check that HF_TOKEN has write access to the repo and that the Hub is reachable",
    )


def _operations(plan: PublishPlan) -> list[CommitOperationAdd | CommitOperationDelete]:
    """One commit: every file of the release added, every stale Hub file deleted."""
    deletes = [CommitOperationDelete(path_in_repo=p, is_folder=False) for p in plan.deletions or ()]
    adds = [
        CommitOperationAdd(path_in_repo=path, path_or_fileobj=str(plan.folder / path))
        for path, _ in plan.files
    ]
    return [*deletes, *adds]


def publish(
    version_dir: Path,
    repo_id: str,
    *,
    token: str | None = None,
    dry_run: bool = False,
    list_remote: bool = False,
    api: HfApi | None = None,
) -> PublishPlan:
    """Upload a checked release folder as one commit that also deletes the files an
    earlier upload left, and tag it. With `dry_run`, only plan (and with
    `list_remote`, read the Hub repo's files to name the deletions)."""
    plan = plan_publish(version_dir, repo_id)
    if dry_run and not list_remote:
        return plan
    token = token or os.environ.get("HF_TOKEN")
    if not dry_run and not token:
        raise BuildError("B705", "no Hugging Face token: set HF_TOKEN (write access) or dry-run")
    api = api if api is not None else HfApi(token=token or None)
    step = "list_repo_files"
    try:
        if dry_run:
            try:
                return plan.with_remote(api.list_repo_files(repo_id, repo_type="dataset"))
            except RepositoryNotFoundError:
                return plan.with_remote(())  # a new repo: nothing to delete
        step = "create_repo"
        api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
        step = "list_repo_refs"
        refs = api.list_repo_refs(repo_id, repo_type="dataset")
        if plan.tag in {ref.name for ref in refs.tags}:
            raise BuildError(
                "B706",
                f"dataset {repo_id} already has tag {plan.tag}; releases never change, "
                "publish a new version instead",
            )
        head = next((b.target_commit for b in refs.branches if b.name == BRANCH), None)
        step = "list_repo_files"
        remote = api.list_repo_files(repo_id, repo_type="dataset", revision=head) if head else []
        plan = plan.with_remote(remote)
        step = "create_commit"
        commit = api.create_commit(
            repo_id,
            _operations(plan),
            commit_message=f"Release v{plan.version}",
            repo_type="dataset",
            parent_commit=head,
        )
        step = "create_tag"
        api.create_tag(repo_id, tag=plan.tag, repo_type="dataset", revision=commit.oid)
    except _HUB_ERRORS as exc:
        raise _hub_error(exc, repo_id, step, token or "") from None  # the cause may carry it
    return plan
