"""The dataset folder around its releases: version names, the bookkeeping
files, and the debris of builds that died.

`DIR/CHANGELOG.md` (one entry per version, newest first, each compared with
its predecessor) and `DIR/README.md` (the card that points `load_dataset` at
the latest version) are a pure function of the release folders: every fact
comes from a folder's `MANIFEST.json`, Parquet files and card, so nothing is
lost when a build dies after putting its folder in place. Under the folder's
lock, every build first removes debris and rewrites stale bookkeeping, then
rewrites it after its release; `nkcorpus repair` does the first part alone,
and `nkcorpus verify` reports what it would change.

Codes: B301 a version that is not X.Y.Z; B307 the bookkeeping or debris
cannot be written or removed; B404 bookkeeping differs from the release
folders; B405 debris of a build that died; B406 a release folder whose facts
cannot be read.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.card import folder_card
from nkcorpus.build.changelog import CHANGELOG, README, changelog_text, release_facts
from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import verify_release
from nkcorpus.lock import LockError, folder_lock

# Each part of X.Y.Z: ASCII digits only, no leading zero, at most 6 digits (< 10**6).
# The cap keeps folder names, tags and sort keys small: a number of thousands of
# digits would overflow the file-name limit (255 bytes) and Python's int parsing
# limit (4300 digits), and no real release count comes near a million.
_PART = r"(0|[1-9][0-9]{0,5})"
_VERSION = re.compile(rf"{_PART}\.{_PART}\.{_PART}")
DEBRIS = (".building-*", f".{CHANGELOG}.*.tmp", f".{README}.*.tmp")


def parse_version(text: str) -> tuple[int, int, int]:
    """`"1.0.0"` -> (1, 0, 0); raises B301 for anything but X.Y.Z."""
    match = _VERSION.fullmatch(text.removeprefix("v"))
    if not match:
        raise BuildError(
            "B301",
            f"version {text!r} is not X.Y.Z (e.g. 1.0.0): three numbers of 1 to 6 ASCII "
            "digits, without leading zeros, separated by dots",
        )
    return (int(match[1]), int(match[2]), int(match[3]))


def version_folder(dataset_dir: Path, version: str) -> Path:
    """`dataset_dir/vX.Y.Z`; raises B301 unless `version` is X.Y.Z (a leading v is accepted)."""
    parse_version(version)
    return dataset_dir / f"v{version.removeprefix('v')}"


def released_versions(dataset_dir: Path) -> list[Path]:
    """The version folders of `dataset_dir`, oldest first."""
    folders = [p for p in dataset_dir.glob("v*") if p.is_dir() and _VERSION.fullmatch(p.name[1:])]
    return sorted(folders, key=lambda p: parse_version(p.name))


def expected_bookkeeping(versions: Sequence[Path]) -> dict[str, str]:
    """File name -> text of `CHANGELOG.md` and `README.md` for these release
    folders (oldest first); empty when there is none."""
    if not versions:
        return {}
    return {CHANGELOG: changelog_text(versions), README: folder_card(release_facts(versions[-1]))}


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def bookkeeping_problems(dataset_dir: Path) -> list[str]:
    """[B404] lines for every bookkeeping file that differs from its derivation."""
    versions = released_versions(dataset_dir)
    problems = []
    for name, text in expected_bookkeeping(versions).items():
        path = dataset_dir / name
        current = _current(path)
        if current == text:
            continue
        if current is None:
            what = "missing or unreadable"
        elif name == CHANGELOG:
            lacking = [f.name for f in versions if f"\n## {f.name}\n" not in current]
            what = f"lacks {', '.join(lacking)}" if lacking else "differs"
        elif f"v{versions[-1].name[1:]}/data/" not in current:
            what = f"does not point at the latest version, {versions[-1].name}"
        else:
            what = "differs"
        problems.append(
            f"[B404] {path}: {what} (it is generated from the release folders; a build "
            "died before updating it, or it was edited); run `nkcorpus repair`"
        )
    return problems


def find_debris(dataset_dir: Path) -> list[Path]:
    """Scratch folders and temp files that only a build that died leaves behind."""
    return sorted({path for pattern in DEBRIS for path in dataset_dir.glob(pattern)})


def debris_problems(dataset_dir: Path) -> list[str]:
    return [
        f"[B405] {path}: left by a build that died; the next build or `nkcorpus repair` removes it"
        for path in find_debris(dataset_dir)
    ]


def remove_debris(dataset_dir: Path) -> list[Path]:
    """Remove what `find_debris` finds (call under the folder's lock); the removed paths."""
    removed = find_debris(dataset_dir)
    try:
        for path in removed:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    except OSError as exc:
        raise _write_error(dataset_dir, exc, "remove the debris of a build that died") from exc
    return removed


def write_bookkeeping(dataset_dir: Path) -> list[str]:
    """Rewrite every bookkeeping file that differs from its derivation (call
    under the folder's lock); the names rewritten."""
    rewritten = []
    for name, text in expected_bookkeeping(released_versions(dataset_dir)).items():
        path = dataset_dir / name
        if _current(path) != text:
            try:
                atomic_write_text(path, text)
            except OSError as exc:
                raise _write_error(dataset_dir, exc, f"write {name}") from exc
            rewritten.append(name)
    return rewritten


def _write_error(dataset_dir: Path, exc: OSError, what: str) -> BuildError:
    where = exc.filename or dataset_dir
    return BuildError(
        "B307",
        f"cannot {what} in {dataset_dir}: {exc.strerror or exc} ({where}); every release "
        f"folder is complete, only the bookkeeping is behind: make {dataset_dir} and its "
        "files writable, then run `nkcorpus repair`",
    )


def recover(dataset_dir: Path, echo: Callable[[str], None]) -> int:
    """Remove debris and rewrite stale bookkeeping, saying what was done (under
    the lock); how many paths it changed."""
    removed = remove_debris(dataset_dir)
    for path in removed:
        echo(f"removed {path.name}: left by a build that died")
    rewritten = write_bookkeeping(dataset_dir)
    for name in rewritten:
        echo(f"rewrote {dataset_dir / name} from the release folders")
    return len(removed) + len(rewritten)


def _no_release(dataset_dir: Path, version: str | None = None) -> BuildError:
    return BuildError("B402", f"no release {version or ''} in {dataset_dir}; build one first")


def repair(dataset_dir: Path, echo: Callable[[str], None]) -> int:
    """`nkcorpus repair`: `recover` under the lock of `dataset_dir`; how many paths changed."""
    if not released_versions(dataset_dir) and not find_debris(dataset_dir):
        raise _no_release(dataset_dir)
    with folder_lock(dataset_dir) as lock:
        if lock.stale:
            echo(f"took over the lock left by PID {lock.stale.get('pid', '?')}, which died")
        return recover(dataset_dir, echo)


@dataclass
class DatasetCheck:
    """`nkcorpus verify`: each release's problems, then the folder's (B404, B405)."""

    releases: dict[str, list[str]] = field(default_factory=dict)
    folder: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.folder and not any(self.releases.values())


def verify_dataset(dataset_dir: Path, version: str | None = None) -> DatasetCheck:
    """Every release (or one) against its manifest; without `version`, also the
    bookkeeping and debris, unless a build holds the folder's lock (see `note`)."""
    folders = released_versions(dataset_dir) if version is None else [
        version_folder(dataset_dir, version)
    ]  # fmt: skip
    if not folders or not folders[0].is_dir():
        raise _no_release(dataset_dir, version)
    check = DatasetCheck({folder.name: verify_release(folder) for folder in folders})
    if version is not None:
        return check
    lock = folder_lock(dataset_dir)
    try:
        lock.acquire()
    except LockError as exc:
        if exc.code == "L001":  # its scratch folder is work in progress, not debris
            check.note = f"bookkeeping and debris not checked: {exc.message}"
            return check
        lock = None  # a read-only folder: no build can be writing it
    try:
        check.folder = debris_problems(dataset_dir)
        if any(check.releases.values()):
            check.note = "bookkeeping not checked: restore the damaged release(s) first"
        else:
            check.folder += bookkeeping_problems(dataset_dir)
    finally:
        if lock is not None:
            lock.release()
    return check
