"""The files that make a release folder self-contained: what the card points to.

A release is read without the repository (a copy of the folder, or the Hub),
so the documents the card names travel with it:

- `DATASHEET.md` and `GUIDELINES.md`: copies, byte for byte, of the
  repository's `DATASHEET.md` and `annotation/GUIDELINES.md`;
- `schema/labels.yaml`: the label schema the release was built with;
- `sources.yaml`: the seed manifest's entries (`seeds/manifest.yaml`) of the
  released documents: provenance, checksums, where each body is, and the
  recorded reason for every value that could not be found;
- `LICENSE`: CC BY 4.0 for the annotations and metadata, MIT for the code,
  and that the article texts are not covered; `NOTICE`: the article texts,
  document by document, with their publishers and addresses;
- `CITATION.cff`: how to cite this version.

Every file is written atomically and never overwrites one; the build lists
them in `MANIFEST.json` with their checksums like every other file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

import nkcorpus.annotation
from nkcorpus.atomic import atomic_write_bytes, atomic_write_text
from nkcorpus.build.card import PRETTY_NAME
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.corpus.manifest import MANIFEST_HEADER, Manifest, manifest_to_yaml
from nkcorpus.schema.model import SCHEMA_FILE

AUTHORS = "nk-defector-corpus maintainers"  # DATASHEET.md, "Who created it?"
# Beside the packages, as the schema is: the repository's documents of this code.
REPO_ROOT = Path(__file__).resolve().parents[1]
DATASHEET_FILE = REPO_ROOT / "DATASHEET.md"
GUIDELINES_FILE = Path(nkcorpus.annotation.__file__).resolve().parent / "GUIDELINES.md"
CC_BY = "https://creativecommons.org/licenses/by/4.0/legalcode"
MIT = "https://opensource.org/license/mit"

COPIES = {"DATASHEET.md": DATASHEET_FILE, "GUIDELINES.md": GUIDELINES_FILE,
          "schema/labels.yaml": SCHEMA_FILE}  # fmt: skip
EXTRA_FILES = ("CITATION.cff", "DATASHEET.md", "GUIDELINES.md", "LICENSE", "NOTICE",
               "schema/labels.yaml", "sources.yaml")  # fmt: skip


def manifest_to_sources(manifest: Manifest, doc_ids: Sequence[str], version: str) -> str:
    """`sources.yaml`: the seed manifest's entries of `doc_ids`, in its own format."""
    wanted = set(doc_ids)
    kept = manifest.model_copy(
        update={"documents": tuple(e for e in manifest.documents if e.doc_id in wanted)}
    )
    header = (
        f"# Sources of the documents released in {PRETTY_NAME} v{version}: their entries in\n"
        "# the repository's seeds/manifest.yaml. `file` and `sha256` name the raw file as it\n"
        "# was fetched; `body` says which of its lines the cleaned `text` comes from;\n"
        "# `missing` records why a provenance value could not be found; `notes` says where\n"
        "# each value was read.\n"
    )
    return header + manifest_to_yaml(kept).removeprefix(MANIFEST_HEADER)


def license_text(version: str) -> str:
    """`LICENSE`: the terms the card states, in plain words, with links to the legal codes."""
    return f"""Licences of {PRETTY_NAME} v{version}

1. Annotations and metadata: CC BY 4.0

The annotations of this folder (spans, their attributes, relations, token tags,
normalised values and every table derived from them), the document metadata,
and the documentation files (README.md, DATASHEET.md, GUIDELINES.md,
sources.yaml, croissant.json, CITATION.cff, schema/) are licensed under the
Creative Commons Attribution 4.0 International licence (CC BY 4.0): you may
copy, share and adapt them for any purpose, if you give appropriate credit
(CITATION.cff says how), link to the licence and say what you changed.
Legal code: {CC_BY}

2. Code: MIT

The code that builds these files ({PRETTY_NAME}, whose version MANIFEST.json
names as `code_version`) is licensed under the MIT License: use, copy, change
and distribute it freely, keeping its copyright and licence notice; it comes
without warranty.
Legal text: {MIT}

3. Article texts: not covered

The article texts (the `text` of every document and every part of it that the
other tables and the spaCy files repeat) remain the copyright of their
publishers. Neither licence above applies to them. They are included for
non-commercial research on the annotations; check each publisher's terms
before any other use. NOTICE lists every article with its publisher and
address.
"""


def _document_line(document: CleanDocument) -> str:
    title = f'"{document.title}"' if document.title else "(no headline)"
    parts = [document.publisher or "publisher unknown", document.published or "date unknown"]
    return f"- {document.doc_id}: {title}, {', '.join(parts)}\n  {document.url or 'no address'}"


def notice_text(version: str, released: Sequence[CleanDocument]) -> str:
    """`NOTICE`: whose texts the release carries, one line per article."""
    lines = "\n".join(_document_line(d) for d in sorted(released, key=lambda d: d.doc_id))
    return f"""Article texts in {PRETTY_NAME} v{version}

The texts of the documents below are news articles. Their copyright remains
with their publishers; LICENSE (CC BY 4.0, MIT) does not cover them. They are
included for non-commercial research on the annotations: check the publisher's
terms before any other use. An address is the page the text was saved from,
which may be a republished copy; sources.yaml says which, and where each value
was read.

{lines}
"""


def citation_cff(version: str, date_released: str | None) -> str:
    """`CITATION.cff` (Citation File Format 1.2.0) for this version."""
    data = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": f"{PRETTY_NAME}: English news articles about North Korean defectors and "
        "returnees, with span, attribute and relation annotations",
        "version": version,
        **({"date-released": date_released} if date_released else {}),
        "authors": [{"name": AUTHORS}],
        "license": "CC-BY-4.0",
        "abstract": "Annotations under CC BY 4.0; the article texts remain the copyright of "
        "their publishers (see LICENSE and NOTICE).",
        "keywords": ["North Korea", "defectors", "named entity recognition",
                     "relation extraction", "event extraction", "news"],
    }  # fmt: skip
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_release_extras(
    folder: Path,
    *,
    version: str,
    released: Sequence[CleanDocument],
    manifest: Manifest,
    date_released: str | None = None,
    copies: Mapping[str, bytes] | None = None,
) -> list[str]:
    """Write the self-contained files into `folder`; return their relative paths.

    `copies` (name in `COPIES` -> bytes) replaces the repository's current files, e.g.
    to rebuild a release from the datasheet and guidelines of the commit that made it.
    """
    for name, source in COPIES.items():
        data = copies[name] if copies is not None else source.read_bytes()
        atomic_write_bytes(folder / name, data, overwrite=False)
    doc_ids = [d.doc_id for d in released]
    texts = {
        "sources.yaml": manifest_to_sources(manifest, doc_ids, version),
        "LICENSE": license_text(version),
        "NOTICE": notice_text(version, released),
        "CITATION.cff": citation_cff(version, date_released),
    }
    for name, text in texts.items():
        atomic_write_text(folder / name, text, overwrite=False)
    return sorted([*COPIES, *texts])
