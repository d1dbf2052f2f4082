"""Adding seed documents: put a .txt or .html file into seeds/, run
`nkcorpus seeds add`, review the appended entry. All-or-nothing: any bad file
means the manifest is left exactly as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nkcorpus.corpus.clean import lines_to_body
from nkcorpus.corpus.dedup import find_near_duplicates, pairs_to_groups
from nkcorpus.corpus.guess import guess_body, guess_published, guess_title
from nkcorpus.corpus.html_text import html_title
from nkcorpus.corpus.manifest import Manifest, ManifestEntry, load_manifest, save_manifest
from nkcorpus.corpus.rawtext import SUPPORTED_SUFFIXES, decode_raw, file_format, raw_lines
from nkcorpus.corpus.rawtext import file_sha256 as sha256_of
from nkcorpus.errors import SeedError, ValidationFailed

_IGNORED = {"manifest.yaml"}


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    regrouped: dict[str, str] = field(default_factory=dict)


def unlisted_files(seeds_dir: Path, manifest: Manifest) -> list[Path]:
    """Seed-like files in `seeds_dir` that have no manifest entry, sorted."""
    listed = {entry.file for entry in manifest.documents}
    return sorted(
        path
        for path in Path(seeds_dir).iterdir()
        if path.is_file()
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and path.name not in listed
        and path.name not in _IGNORED
    )


def file_to_entry(path: Path) -> ManifestEntry:
    """A new manifest entry for `path` with best-effort guesses, marked unreviewed."""
    data = path.read_bytes()
    lines = raw_lines(path, data)
    if not any(line.strip() for line in lines):
        raise SeedError("D011", f"{path}: no visible text; remove it or add the article text")
    fmt = file_format(path)
    body = guess_body(lines)
    page_title = html_title(decode_raw(path, data)) if fmt == "html" else None
    return ManifestEntry(
        doc_id=path.stem,
        file=path.name,
        format=fmt,
        sha256=sha256_of(path),
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


def regroup(seeds_dir: Path, entries: list[ManifestEntry]) -> list[ManifestEntry]:
    """Recompute every entry's near-duplicate group from the cleaned bodies."""
    texts = {
        e.doc_id: lines_to_body(raw_lines(Path(seeds_dir) / e.file), e.body, source=e.file)
        for e in entries
    }
    groups = pairs_to_groups(list(texts), find_near_duplicates(texts))
    return [e.model_copy(update={"group": groups[e.doc_id]}) for e in entries]


def add_documents(seeds_dir: Path, files: list[Path] | None = None) -> AddResult:
    """Append entries for `files` (default: every unlisted seed file) and
    recompute near-duplicate groups. Raises ValidationFailed listing every bad
    file; then nothing is written."""
    seeds_dir = Path(seeds_dir)
    manifest = load_manifest(seeds_dir)
    candidates = unlisted_files(seeds_dir, manifest) if files is None else [Path(f) for f in files]
    by_id = {e.doc_id: e for e in manifest.documents}
    by_sha = {e.sha256: e.doc_id for e in manifest.documents}
    result, new_entries, problems = AddResult(), [], []
    for path in candidates:
        if path.resolve().parent != seeds_dir.resolve():
            problems.append(f"{path}: copy the file into {seeds_dir}/ first, then add it")
            continue
        try:
            entry = file_to_entry(path)
        except (SeedError, OSError) as exc:
            problems.append(str(exc))
            continue
        existing = by_id.get(entry.doc_id)
        if existing is not None:
            if existing.sha256 == entry.sha256:
                result.unchanged.append(entry.doc_id)
            else:
                problems.append(
                    f"[D040] {path}: doc_id {entry.doc_id!r} already exists with different "
                    "content; raw seeds are never edited: give the new file another name"
                )
            continue
        if entry.sha256 in by_sha:
            problems.append(
                f"[D041] {path}: identical to the existing document {by_sha[entry.sha256]!r}; "
                "remove the copy"
            )
            continue
        by_sha[entry.sha256] = entry.doc_id
        new_entries.append(entry)
    if problems:
        raise ValidationFailed("D049", "no document was added", problems)
    entries = sorted([*manifest.documents, *new_entries], key=lambda e: e.doc_id)
    regrouped = regroup(seeds_dir, entries)
    result.added = [e.doc_id for e in new_entries]
    result.regrouped = {
        new.doc_id: new.group
        for old, new in zip(entries, regrouped, strict=True)
        if old.group != new.group and new.doc_id not in result.added
    }
    if new_entries or result.regrouped:
        save_manifest(seeds_dir, Manifest(documents=tuple(regrouped)))
    return result
