"""One seed file: where it may be, what it may be named, and reading it
safely (regular files only, never following a link or blocking on a FIFO,
within a size limit).

Codes: D014 missing or unreadable, D015 a symbolic link, D016 not a regular
file, D019 too big, D043 the seeds folder cannot be listed, D046 outside the
seeds folder, and the name codes of `nkcorpus.corpus.manifest.seed_name_problem`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nkcorpus.corpus.manifest import (
    MANIFEST_NAME,
    Manifest,
    seed_name_problem,
    suggest_seed_name,
)
from nkcorpus.errors import SeedError

# A news article, even as a full HTML page, is far below this; the whole file is read.
MAX_SEED_BYTES = 16 * 1024 * 1024
_KINDS = {stat.S_ISDIR: "a directory", stat.S_ISFIFO: "a FIFO (named pipe)"}
_KINDS |= {stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a device", stat.S_ISBLK: "a device"}


def shown(path: Path) -> str:
    """`path` as printed in messages: quoted and escaped when it has spaces,
    control characters or non-ASCII, so the name in the message is unambiguous."""
    text = str(path)
    return text if text.isascii() and text.isprintable() and " " not in text else repr(text)


def unlisted_files(seeds_dir: Path, manifest: Manifest) -> list[Path]:
    """Every entry of `seeds_dir` that the manifest does not list, sorted:
    not only seed-like files, so that odd ones are reported, not skipped.
    Hidden names (`.git*`, editor and lock files) are not seeds and are left out."""
    listed = {entry.file for entry in manifest.documents} | {MANIFEST_NAME}
    try:
        names = os.listdir(seeds_dir)
    except OSError as exc:
        raise SeedError(
            "D043", f"{shown(seeds_dir)}: cannot list the seeds folder ({exc.strerror or exc})"
        ) from exc
    return sorted(Path(seeds_dir) / n for n in names if n not in listed and not n.startswith("."))


def read_seed_file(path: Path) -> bytes:
    """The bytes of a seed file. Anything but a regular file is refused before
    it is opened; the open itself neither follows links nor blocks."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError) as exc:
        raise SeedError(
            "D014",
            f"{shown(path)}: cannot find it ({getattr(exc, 'strerror', None) or exc}); "
            "check the name, or copy the file into seeds/",
        ) from exc
    if stat.S_ISLNK(info.st_mode):
        raise SeedError(
            "D015",
            f"{shown(path)}: a symbolic link; seeds are regular files, never edited: replace it "
            "with a copy of its target (cp --remove-destination TARGET LINK)",
        )
    if not stat.S_ISREG(info.st_mode):
        kind = next((k for test, k in _KINDS.items() if test(info.st_mode)), "not a regular file")
        raise SeedError(
            "D016", f"{shown(path)}: {kind}, not a seed file; move it out of the seeds folder"
        )
    if info.st_size > MAX_SEED_BYTES:
        raise SeedError(
            "D019",
            f"{shown(path)}: {info.st_size} bytes, more than the {MAX_SEED_BYTES} a seed "
            "may have; save only the article page",
        )
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped after lstat
                raise SeedError("D016", f"{shown(path)}: not a regular file; move it out")
            data = handle.read(MAX_SEED_BYTES + 1)
    except OSError as exc:
        raise SeedError("D014", f"{shown(path)}: cannot read it ({exc.strerror or exc})") from exc
    if len(data) > MAX_SEED_BYTES:
        raise SeedError("D019", f"{shown(path)}: more than {MAX_SEED_BYTES} bytes; save less")
    return data


def check_seed_path(seeds_dir: Path, path: Path, next_number: int) -> None:
    """Refuse a path outside `seeds_dir` or a name that is not NNN_<ascii-slug>.txt|.html."""
    if path.parent.resolve() != Path(seeds_dir).resolve():
        raise SeedError(
            "D046",
            f"{shown(path)}: not in {shown(seeds_dir)}; copy the file into "
            f"{shown(seeds_dir)}/ first, then add it",
        )
    problem = seed_name_problem(path.name)
    if problem:
        code, why = problem
        raise SeedError(
            code,
            f"{shown(path)}: {why}; rename it to {suggest_seed_name(path.name, next_number)} "
            "(the name without extension becomes its doc_id)",
        )
