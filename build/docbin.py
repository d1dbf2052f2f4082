"""spaCy `DocBin` files per split, ready for `spacy train`.

Each document carries its gold spans as `doc.ents` (spans never overlap) and
in `doc.spans["sc"]` (for a span categorizer). Attributes and relations are
in the Parquet tables, not here.
"""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc, DocBin

SPAN_KEY = "sc"


class DocBinWriter:
    """Collect docs per split and write `spacy/<split>.spacy`."""

    def __init__(self) -> None:
        self._bins: dict[str, DocBin] = {}

    def add(self, split: str, doc: Doc) -> None:
        self._bins.setdefault(split, DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE", "SENT_START"]))
        self._bins[split].add(doc)

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for split, docbin in sorted(self._bins.items()):
            path = folder / f"{split}.spacy"
            path.write_bytes(docbin.to_bytes())
            paths.append(path)
        return paths
