"""`nkcorpus tag`: the annotated git tag `dataset-vX.Y.Z` of a committed release.

The Hub tag of a release is `vX.Y.Z` (`publish`); in this repository, where
`vX.Y.Z` would read as a version of the code, the same dataset version is
`dataset-vX.Y.Z`. The tag goes on the commit that added the release folder
(the last commit that added its `MANIFEST.json`), so tagging later, after
other commits, still marks the release commit. It is refused unless:

- the folder is inside a git work tree (B320);
- the folder matches its MANIFEST.json, is committed, has no uncommitted,
  untracked or ignored file, and is the same at HEAD as in the release commit
  (B321: a release never changes after its commit);
- no tag of that name points elsewhere (B322: a tag is never moved; the same
  tag on the same commit is left as it is and reported).

A failing `git tag` is B323 (e.g. no `user.name`/`user.email` for the tagger).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from nkcorpus.build.bookkeeping import parse_version, released_versions, version_folder
from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import MANIFEST_NAME, file_sha256, verify_release

TAG_PREFIX = "dataset-v"
SHOWN = 10  # uncommitted paths named in a refusal


@dataclass(frozen=True)
class TagResult:
    tag: str
    commit: str
    folder: Path
    created: bool  # False: the tag already pointed at this commit


def release_tag(version: str) -> str:
    """The git tag of a dataset version.

    >>> release_tag("1.1.0")
    'dataset-v1.1.0'
    """
    parse_version(version)
    return f"{TAG_PREFIX}{version.removeprefix('v')}"


def _git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *args], input=stdin, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
    except OSError as exc:
        raise BuildError("B320", f"cannot run git ({exc}); install git") from exc


def _out(cwd: Path, *args: str) -> str | None:
    """git's stdout, stripped, or None when it fails."""
    done = _git(cwd, *args)
    return done.stdout.strip() if done.returncode == 0 else None


def _release_folder(version: str | None, dataset_dir: Path) -> Path:
    if version is None:
        versions = released_versions(dataset_dir)
        if not versions:
            raise BuildError("B402", f"{dataset_dir}: no release to tag; build one first")
        return versions[-1]
    parse_version(version)
    folder = version_folder(dataset_dir, version)
    if not folder.is_dir():
        raise BuildError("B402", f"{folder}: no such release; check the version and --dataset-dir")
    return folder


def _refuse(folder: Path, why: str, fix: str) -> BuildError:
    return BuildError("B321", f"{folder}: {why}; {fix}")


def _release_commit(folder: Path, root: Path, rel: str) -> str:
    """The commit that added the release folder, after checking that the folder
    is committed and unchanged since (on disk and at HEAD)."""
    if problems := verify_release(folder):
        raise _refuse(folder, "differs from its MANIFEST.json: " + "; ".join(problems),
                      f"run `nkcorpus verify {folder.name}` and restore it")  # fmt: skip
    status = _out(root, "status", "--porcelain", "--untracked-files=all", "--ignored", "--", rel)
    if status:
        lines = status.splitlines()
        shown = "; ".join(lines[:SHOWN]) + (f"; ... {len(lines) - SHOWN} more" if
                                           len(lines) > SHOWN else "")  # fmt: skip
        raise _refuse(folder, f"not committed as it is on disk ({shown})",
                      "commit the release folder (git add, git commit), then tag")  # fmt: skip
    head_tree = _out(root, "rev-parse", "--verify", "--quiet", f"HEAD:{rel}")
    if not head_tree:
        raise _refuse(folder, "not in the HEAD commit", "commit the release folder, then tag")
    added = _out(root, "log", "--format=%H", "--diff-filter=A", "--", f"{rel}/{MANIFEST_NAME}")
    commit = (added or "").splitlines()[0] if added else None
    if commit is None:
        raise _refuse(folder, f"no commit adds {rel}/{MANIFEST_NAME}", "commit it, then tag")
    if _out(root, "rev-parse", "--verify", "--quiet", f"{commit}:{rel}") != head_tree:
        raise _refuse(
            folder,
            f"changed after the commit that released it ({commit[:12]}); releases never change",
            f"restore it as released (git checkout {commit[:12]} -- {rel}) and commit",
        )
    return commit


def tag_release(version: str | None, dataset_dir: Path) -> TagResult:
    """Create the annotated tag `dataset-vX.Y.Z` on the commit that added the
    release `dataset_dir/vX.Y.Z/` (default: the latest release)."""
    folder = _release_folder(version, dataset_dir).resolve()
    tag = release_tag(folder.name)
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise BuildError(
            "B320",
            f"{folder}: not inside a git work tree ({top.stderr.strip()}); tag in the "
            "repository's checkout",
        )
    root = Path(top.stdout.strip()).resolve()
    rel = folder.relative_to(root).as_posix()
    commit = _release_commit(folder, root, rel)
    existing = _out(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
    if existing:
        if existing != commit:
            raise BuildError(
                "B322",
                f"tag {tag} exists on {existing[:12]}, but {rel} was released in {commit[:12]}; "
                "a tag is never moved: check which commit is right and fix it by hand",
            )
        return TagResult(tag, commit, folder, created=False)
    sha = file_sha256(folder / MANIFEST_NAME)
    message = f"Dataset {folder.name}\n\nRelease folder {rel}/ ({MANIFEST_NAME} sha256 {sha})\n"
    made = _git(root, "tag", "--annotate", "--file=-", tag, commit, stdin=message)
    if made.returncode != 0:
        raise BuildError(
            "B323",
            f"git tag {tag} {commit[:12]} failed: {made.stderr.strip()}; fix the cause (for "
            "example set git's user.name and user.email), then tag again",
        )
    return TagResult(tag, commit, folder, created=True)
