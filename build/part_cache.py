"""A content-addressed cache of the per-document work of a build.

A document's `DocumentPart` (`nkcorpus.build.document_parts`) depends only on
its `DocumentJob` (text and provenance, gold, annotations, split, fold,
prediction), the label schema and the code. The cache keeps each part under
the sha256 of all three, so the next version's build makes again only the
documents that changed; the release is the same bytes as a cold build (a test
builds both). The code is fingerprinted by the source of every module of the
`nkcorpus.build` and `nkcorpus.schema` packages and the versions of the
libraries that make a part, so an edited module or an upgraded spaCy, even
without a version bump, never reuses a part. The cache lives under
`out/cache/build-parts/` of the project (never inside a release); deleting it
only costs time. An entry that cannot be read (a torn or foreign file) is made
again and rewritten, never trusted.

An entry is `NKPART3\\n`, the sha256 of the rest (32 bytes), the length of
the JSON that follows (8 bytes, big-endian), the JSON (orjson: doc_id, split,
the row counts and each table's length), then each table's Arrow IPC stream
and the one-document DocBin's map (msgpack, `docbin.doc_to_docbin`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel

from nkcorpus.build.cache_files import entry_path, read_entry, write_entry
from nkcorpus.build.document_parts import DocumentJob, DocumentPart
from nkcorpus.build.fingerprint import code_fingerprint as fingerprint
from nkcorpus.build.stats import RowCounts
from nkcorpus.schema.model import LabelSchema

MAGIC = b"NKPART3\n"


def default_cache_dir() -> Path:
    """`out/cache/build-parts/` of the project (`NKCORPUS_ROOT` or this checkout)."""
    from nkcorpus.paths import project_root

    return project_root() / "out" / "cache" / "build-parts"


# The libraries whose output a part holds (rows: pydantic; the Doc: spaCy, srsly).
LIBRARIES = ("spacy", "srsly", "pydantic", "pydantic-core", "numpy")


def code_fingerprint() -> str:
    """sha256 of the source of every module the per-document work can run,
    and of the versions of the `LIBRARIES` that make its output."""
    return fingerprint(("nkcorpus.build", "nkcorpus.schema"), LIBRARIES)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def job_key(job: DocumentJob, schema: LabelSchema) -> str:
    """The cache key of `job` under `schema` and the current code. Of the gold,
    what the rows hold: not the export file it was read from nor the review
    rule that chose it (a new export of unchanged gold is not a change)."""
    content = {
        "document": job.document,
        "gold": job.gold.model_dump(mode="json", exclude={"file", "rule"}),
        "annotations": job.annotations,
        "split": job.split,
        "fold": job.fold,
        "prediction": job.prediction,
    }
    body = orjson.dumps(content, default=_plain, option=orjson.OPT_SORT_KEYS)
    head = f"{code_fingerprint()}\0{schema.schema_hash}\0".encode()
    return hashlib.sha256(head + body).hexdigest()


@dataclass(frozen=True)
class PartCache:
    """Parts by key under `folder` (created on first store)."""

    folder: Path

    def load(self, key: str) -> DocumentPart | None:
        """The stored part, or None if absent or unreadable."""
        payload = read_entry(entry_path(self.folder, key, ".part"), MAGIC)
        return None if payload is None else _decode(payload)

    def store(self, key: str, part: DocumentPart) -> None:
        """Write `part` atomically (a temporary file renamed into place)."""
        head = orjson.dumps(
            {
                "doc_id": part.doc_id,
                "split": part.split,
                "tables": [[config, len(table)] for config, table in part.tables.items()],
                "counts": asdict(part.counts),
            }
        )
        payload = b"".join([len(head).to_bytes(8, "big"), head, *part.tables.values(), part.docbin])
        write_entry(entry_path(self.folder, key, ".part"), MAGIC, payload)


def _decode(data: bytes) -> DocumentPart | None:
    start = 8
    size = int.from_bytes(data[:start], "big")
    try:
        facts = orjson.loads(data[start : start + size])
        at, tables = start + size, {}
        for config, length in facts["tables"]:
            tables[config] = data[at : at + length]
            at += length
        counts = RowCounts(**facts["counts"])
        docbin = data[at:]
        return (
            DocumentPart(facts["doc_id"], facts["split"], tables, counts, docbin)
            if docbin
            else None
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
