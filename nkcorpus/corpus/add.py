"""Adding seed documents: put a .txt or .html file into seeds/, run
`nkcorpus seeds add`, review the appended entry. All-or-nothing: any bad file
means the manifest is left exactly as it was.

`seeds add FILE...` considers only the named files, so an odd file elsewhere
in seeds/ never blocks adding a good one; a bare `seeds add` considers every
unlisted entry of the folder (hidden names excepted) and lists each odd one
as a problem. Only regular files are opened: a symlink, directory, FIFO or
device is refused from its `lstat`, so nothing can hang on it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from nkcorpus.corpus.clean import lines_to_body
from nkcorpus.corpus.dedup import find_near_duplicates, pairs_to_groups
from nkcorpus.corpus.guess import guess_body, guess_published, guess_title
from nkcorpus.corpus.html_text import html_title
from nkcorpus.corpus.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestEntry,
    load_manifest,
    save_manifest,
)
from nkcorpus.corpus.rawtext import decode_raw, file_format, raw_lines
from nkcorpus.corpus.seedfile import (
    check_seed_path,
    read_seed_file,
    shown,
    unlisted_files,
)
from nkcorpus.errors import SeedError, ValidationFailed
from nkcorpus.lock import resource_lock


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    regrouped: dict[str, str] = field(default_factory=dict)


def file_to_entry(path: Path, data: bytes) -> ManifestEntry:
    """A new manifest entry for `path` (content `data`) with guesses, marked unreviewed."""
    lines = raw_lines(path, data)
    if not any(line.strip() for line in lines):
        raise SeedError(
            "D011", f"{shown(path)}: no visible text; remove it or add the article text"
        )
    fmt = file_format(path)
    body = guess_body(lines)
    page_title = html_title(decode_raw(path, data)) if fmt == "html" else None
    try:
        return ManifestEntry(
            doc_id=path.stem,
            file=path.name,
            format=fmt,
            sha256=hashlib.sha256(data).hexdigest(),
            title=guess_title(lines, body, page_title),
            publisher=None,
            url=None,
            published=guess_published(lines),
            language="en",
            body=body,
            group=path.stem,
            reviewed=False,
            notes="Added by `nkcorpus seeds add`: body, title and date are guesses; review them.",
        )
    except ValidationError as exc:  # the checks above should make this unreachable
        raise SeedError(
            "D048", f"{shown(path)}: cannot make a manifest entry ({exc.errors()[0]['msg']})"
        ) from exc


def regroup(seeds_dir: Path, entries: list[ManifestEntry]) -> list[ManifestEntry]:
    """Recompute every entry's near-duplicate group from the cleaned bodies."""
    texts, problems = {}, []
    for e in entries:
        path = Path(seeds_dir) / e.file
        try:
            data = read_seed_file(path)
            _check_listed(path, e, data)
            texts[e.doc_id] = lines_to_body(raw_lines(path, data), e.body, source=e.file)
        except SeedError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationFailed(
            "D045",
            "no document was added: near-duplicate groups need every listed seed; restore "
            "them (git checkout seeds/)",
            problems,
        )
    groups = pairs_to_groups(list(texts), find_near_duplicates(texts))
    return [e.model_copy(update={"group": groups[e.doc_id]}) for e in entries]


def _check_listed(path: Path, entry: ManifestEntry, data: bytes) -> None:
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise SeedError(
            "D040",
            f"{shown(path)}: doc_id {entry.doc_id!r} already exists with different content; "
            "raw seeds are never edited: restore the original (git checkout) and give the new "
            "version another name",
        )


def _taken(path: Path, other: ManifestEntry) -> str:
    return (
        f"[D042] {shown(path)}: doc_id {other.doc_id!r} is also the name of {other.file}; "
        "give one of them another NNN_ name"
    )


def _next_number(manifest: Manifest) -> int:
    numbers = [int(e.doc_id.split("_")[0]) for e in manifest.documents if e.doc_id[:3].isdigit()]
    return max(numbers, default=-1) + 1


def add_documents(seeds_dir: Path, files: list[Path] | None = None) -> AddResult:
    """Append entries for `files` (default: every unlisted entry of the folder) and
    recompute near-duplicate groups. Raises ValidationFailed listing every bad
    file; then nothing is written."""
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise SeedError("D043", f"{shown(seeds_dir)}: no such seeds folder; pass --seeds DIR")
    with resource_lock(f"seeds-{seeds_dir.resolve()}", "nkcorpus seeds add"):
        return _add_locked(seeds_dir, files)


def _add_locked(seeds_dir: Path, files: list[Path] | None) -> AddResult:
    manifest = load_manifest(seeds_dir)
    bare = files is None
    candidates = unlisted_files(seeds_dir, manifest) if bare else [Path(f) for f in files]
    candidates = list(dict.fromkeys(candidates))  # `seeds add a a` adds a once
    by_id = {e.doc_id: e for e in manifest.documents}
    by_sha = {e.sha256: e.doc_id for e in manifest.documents}
    result, new_entries, problems = AddResult(), [], []
    next_number = _next_number(manifest)
    listed = {e.file: e for e in manifest.documents}
    for path in candidates:
        try:
            if path.name in listed and path.parent.resolve() == seeds_dir.resolve():
                _check_listed(path, listed[path.name], read_seed_file(path))
                result.unchanged.append(listed[path.name].doc_id)
                continue
            check_seed_path(seeds_dir, path, next_number)
            entry = file_to_entry(path, read_seed_file(path))
        except SeedError as exc:
            problems.append(str(exc))
            continue
        existing = by_id.get(entry.doc_id)
        if existing is not None:
            if existing in new_entries:  # two new files, one doc_id: neither is added
                new_entries.remove(existing)
                problems.append(_taken(seeds_dir / existing.file, entry))
            problems.append(_taken(path, existing))
            continue
        if entry.sha256 in by_sha:
            problems.append(
                f"[D041] {shown(path)}: identical to the existing document "
                f"{by_sha[entry.sha256]!r}; remove the copy"
            )
            continue
        by_id[entry.doc_id] = entry
        by_sha[entry.sha256] = entry.doc_id
        new_entries.append(entry)
    if problems:
        hint = ""
        if bare and new_entries:
            names = " ".join(shown(seeds_dir / e.file) for e in new_entries)
            hint = f"; to add the good files alone: nkcorpus seeds add {names}"
        raise ValidationFailed("D049", f"no document was added{hint}", problems)
    entries = sorted([*manifest.documents, *new_entries], key=lambda e: e.doc_id)
    regrouped = regroup(seeds_dir, entries)
    result.added = [e.doc_id for e in new_entries]
    result.regrouped = {
        new.doc_id: new.group
        for old, new in zip(entries, regrouped, strict=True)
        if old.group != new.group and new.doc_id not in result.added
    }
    if new_entries or result.regrouped:
        try:
            save_manifest(seeds_dir, Manifest(documents=tuple(regrouped)))
        except OSError as exc:
            raise SeedError(
                "D044",
                f"{shown(seeds_dir / MANIFEST_NAME)}: cannot write the manifest "
                f"({exc.strerror or exc}); it is unchanged: make the folder writable and retry",
            ) from exc
    return result
