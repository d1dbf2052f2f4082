"""Writing cleaned documents: deterministic JSON Lines, atomically."""

from __future__ import annotations

import json
from pathlib import Path

from nkcorpus.atomic import atomic_write_text
from nkcorpus.corpus.documents import CleanDocument


def documents_to_jsonl(documents: list[CleanDocument]) -> str:
    """One sorted-key JSON object per document, in doc_id order."""
    rows = sorted(documents, key=lambda d: d.doc_id)
    return "".join(
        json.dumps(d.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) + "\n"
        for d in rows
    )


def write_clean_jsonl(documents: list[CleanDocument], out: Path) -> Path:
    return atomic_write_text(Path(out), documents_to_jsonl(documents))
