"""spaCy `DocBin` files per split (`spacy/<split>.spacy`), ready for `spacy train`
and joinable to the Parquet tables.

Each `Doc` carries, readable with plain spaCy
(`DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)`):

- `doc.ents`: the gold spans (they never overlap), `Span.label_` the label and
  `Span.id_` the span id (`documents.spans.id`);
- `doc.spans["sc"]`: the same spans, with the same ids, for a span categorizer;
- `doc.user_data`, stored with `DocBin(store_user_data=True)`, string keys:
  - `"doc_id"` (str): the document's id, as in every table;
  - `"split"` (str): `train`, `validation` or `test`;
  - `"fold"` (int or None): its cross-validation fold (`documents.fold`);
  - `"spans"`: the gold spans exactly as the `documents.spans` column (id,
    start, end, label, text and every attribute; class labels as names; an
    unset attribute None, or empty for a multi-choice one);
  - `"relations"`: the gold relations as `documents.relations` (head, tail,
    type; head and tail are span ids).

msgpack, which stores `user_data`, hands lists back as tuples. The join key
to the Parquet rows is (`user_data["doc_id"]`, `Span.id_`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin

SPAN_KEY = "sc"
DOCBIN_ATTRS = ["ORTH", "ENT_IOB", "ENT_TYPE", "ENT_ID", "SENT_START"]
USER_DATA_KEYS = ("doc_id", "split", "fold", "spans", "relations")


def document_row_to_user_data(row: Mapping[str, Any], split: str) -> dict[str, Any]:
    """The `doc.user_data` entries of one document from its `documents` row.

    >>> document_row_to_user_data({"doc_id": "d1", "fold": 0, "spans": [], "relations": []},
    ...                           "train")
    {'doc_id': 'd1', 'split': 'train', 'fold': 0, 'spans': [], 'relations': []}
    """
    return {
        "doc_id": row["doc_id"],
        "split": split,
        "fold": row["fold"],
        "spans": [dict(span) for span in row["spans"]],
        "relations": [dict(relation) for relation in row["relations"]],
    }


class DocBinWriter:
    """Collect docs per split and write `spacy/<split>.spacy`."""

    def __init__(self) -> None:
        self._bins: dict[str, DocBin] = {}

    def add(self, split: str, doc: Doc) -> None:
        self._bins.setdefault(split, DocBin(attrs=DOCBIN_ATTRS, store_user_data=True))
        self._bins[split].add(doc)

    def add_bytes(self, split: str, data: bytes) -> None:
        """Add the docs of a serialised DocBin (same attrs): the same file as adding them."""
        self._bins.setdefault(split, DocBin(attrs=DOCBIN_ATTRS, store_user_data=True))
        self._bins[split].merge(DocBin(store_user_data=True).from_bytes(data))

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for split, docbin in sorted(self._bins.items()):
            path = folder / f"{split}.spacy"
            path.write_bytes(docbin.to_bytes())
            paths.append(path)
        return paths
