"""Provenance check of a release: every released document names its source.

A user who cites or re-fetches an article needs its address and headline. The
seed manifest holds them (`url`, `title`), filled from the raw file; where a
value cannot be found, the entry records why under `missing` (for example
`missing: {title: "the page has no headline"}`). A build refuses (B310, every
problem listed, each B311) a released document whose url or title is null
with no recorded reason. Withheld near-duplicates are not released and not
checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.corpus.manifest import MANIFEST_NAME, Manifest
from nkcorpus.errors import ValidationFailed

REQUIRED = ("url", "title")  # a released document has these, or a recorded reason


def provenance_problems(
    released: Sequence[CleanDocument],
    manifest: Manifest,
    source: Path | str = f"seeds/{MANIFEST_NAME}",
) -> list[str]:
    """One message per released document missing from `manifest`, and per
    released document and field that is null without a reason recorded there."""
    entries = {e.doc_id: e for e in manifest.documents}
    problems = []
    for document in sorted(released, key=lambda d: d.doc_id):
        entry = entries.get(document.doc_id)
        if entry is None:
            problems.append(
                f"[B311] {source}, doc {document.doc_id}: released but not in the manifest; "
                f"add its raw file with `nkcorpus seeds add seeds/{document.source_file}`"
            )
            continue
        for name in REQUIRED:
            if getattr(document, name) is None and not entry.missing.get(name, "").strip():
                problems.append(
                    f"[B311] {source}, doc {document.doc_id}: released with no {name} and no "
                    f"recorded reason; fill `{name}` from the raw file {document.source_file} "
                    "(or the page it was saved from), or record why it cannot be found: "
                    f'`missing: {{{name}: "..."}}` in its entry'
                )
    return problems


def check_provenance(
    released: Sequence[CleanDocument],
    manifest: Manifest,
    source: Path | str = f"seeds/{MANIFEST_NAME}",
) -> None:
    """Raise B310, listing every problem, when a released document is not in the
    manifest or lacks url or title without a recorded reason.

    >>> from nkcorpus.corpus.documents import load_documents
    >>> from nkcorpus.corpus.manifest import load_manifest
    >>> from nkcorpus.paths import seeds_dir
    >>> check_provenance(load_documents(), load_manifest(seeds_dir())) is None
    True
    """
    problems = provenance_problems(released, manifest, source)
    if problems:
        raise ValidationFailed(
            "B310",
            f"{source}: released documents lack provenance; nothing was released",
            problems,
        )
