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

import shutil
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
from spacy.tokens import Doc, DocBin
from srsly.msgpack import Packer, packb, unpackb

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


# What `DocBin.add` takes of each token into its strings: text, tag_, lemma_,
# norm_, str(morph), dep_, ent_type_, ent_kb_id_, ent_id_ (each the string of
# the token's value of one attribute).
_STRING_ATTRS = [ORTH, TAG, LEMMA, NORM, MORPH, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID]


def doc_to_docbin(doc: Doc) -> bytes:
    """The map `DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)` serialises
    after `add(doc)` alone, as msgpack, not compressed (`DocBinWriter.add_packed`
    takes it). It is what `DocBin.add` and `to_bytes` make, but reads the
    tokens' strings from `doc.to_array` rather than from a `Token` per word
    (most of `DocBin.add`'s time); a test compares the two on every document.
    """
    tokens = doc.to_array(_TEMPLATE.attrs)
    if tokens.ndim == 1:
        tokens = tokens.reshape((tokens.shape[0], 1))
    spaces = numpy.asarray(doc.to_array(SPACY), dtype=bool).reshape((-1, 1))
    store = doc.vocab.strings
    values = numpy.unique(doc.to_array(_STRING_ATTRS)) if len(doc) else []
    strings = {store[int(value)] for value in values}  # 0 (unset) is ""
    for group in doc.spans.values():
        for span in group:
            strings.add(span.label_)
            if span.kb_id in store:
                strings.add(span.kb_id_)
            if span.id in store:
                strings.add(span.id_)
    msg = {
        "version": _TEMPLATE.version,
        "attrs": _TEMPLATE.attrs,
        "tokens": tokens.tobytes("C"),
        "spaces": spaces.tobytes("C"),
        "lengths": numpy.asarray([len(tokens)], dtype="int32").tobytes("C"),
        "strings": sorted(strings),
        "cats": [doc.cats],
        "flags": [{"has_unknown_spaces": doc.has_unknown_spaces}],
        "span_groups": [doc.spans.to_bytes()],
        "user_data": [packb(doc.user_data, use_bin_type=True)],
    }
    return packb(msg, use_bin_type=True)


class DocBinWriter:
    """Collect one-document DocBins per split on disk, under `spill`, and write
    `spacy/<split>.spacy`: the bytes spaCy's `DocBin.merge` then `to_bytes`
    give, streamed, so memory does not grow with the documents (only each
    split's set of strings and one length per document are held).

    A DocBin is zlib-compressed msgpack of a map whose lists and byte strings
    concatenate per document; each document's pieces are appended to files,
    and `write` emits the map with those files' contents in place. zlib's
    output does not depend on how its input is cut (a test compares with
    `DocBin.to_bytes`)."""

    def __init__(self, spill: Path) -> None:
        self.spill = spill
        self._splits: dict[str, _SplitSpill] = {}

    def add_bytes(self, split: str, data: bytes) -> None:
        """Add the docs of a serialised DocBin (attrs `DOCBIN_ATTRS`, user data stored)."""
        self.add_packed(split, zlib.decompress(data))

    def add_packed(self, split: str, data: bytes) -> None:
        """Add the docs of a DocBin's map as msgpack, not compressed (`doc_to_docbin`)."""
        if split not in self._splits:
            self._splits[split] = _SplitSpill(self.spill / split)
        # with `object_pairs_hook`, srsly skips looking up its registry of hooks (1 ms a
        # call); none applies to a DocBin's map (it holds no numpy arrays)
        msg = unpackb(data, raw=False, use_list=True, object_pairs_hook=dict)
        self._splits[split].add(msg)

    def write(self, folder: Path) -> list[Path]:
        """Write `<split>.spacy` for every split given a document, then remove `spill`."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for split, spill in sorted(self._splits.items()):
            path = folder / f"{split}.spacy"
            with path.open("wb") as handle:
                spill.write(handle)
            paths.append(path)
        shutil.rmtree(self.spill, ignore_errors=True)
        return paths


_TEMPLATE = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)  # its version and attrs
_BYTES = ("tokens", "spaces")  # byte strings concatenated over the documents
_LISTS = ("cats", "flags", "span_groups", "user_data")  # lists concatenated
_CHUNK = 1 << 20


class _SplitSpill:
    """One split's documents: byte strings and list items in files, lengths and strings held."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.files = {name: (folder / name).open("w+b") for name in (*_BYTES, *_LISTS)}
        self.lengths: list[int] = []
        self.strings: set[str] = set()
        self.packer = Packer(use_bin_type=True)  # as `srsly.msgpack_dumps`, made once

    def add(self, msg: dict[str, Any]) -> None:
        if msg["attrs"] != _TEMPLATE.attrs or "user_data" not in msg:
            raise ValueError(f"a DocBin with attrs {msg['attrs']}, not those of DOCBIN_ATTRS")
        for name in _BYTES:
            self.files[name].write(msg[name])
        for name in _LISTS:
            for item in msg[name]:
                self.files[name].write(self.packer.pack(item))
        self.lengths += numpy.frombuffer(msg["lengths"], dtype="int32").tolist()
        self.strings.update(msg["strings"])

    def write(self, handle: BinaryIO) -> None:
        """The split's DocBin, as `DocBin.to_bytes` would make it, into `handle`."""
        packer = self.packer
        compressor = zlib.compressobj()  # zlib.compress's defaults
        pack = packer.pack

        def emit(data: bytes) -> None:
            handle.write(compressor.compress(data))

        def emit_file(name: str) -> None:
            source = self.files[name]
            source.flush()
            source.seek(0)
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                emit(chunk)
            source.close()

        emit(packer.pack_map_header(10))
        emit(pack("version") + pack(_TEMPLATE.version) + pack("attrs") + pack(_TEMPLATE.attrs))
        for name in _BYTES:
            emit(pack(name) + _bin_header(self.files[name].tell()))
            emit_file(name)
        lengths = numpy.asarray(self.lengths, dtype="int32").tobytes("C")
        emit(pack("lengths") + pack(lengths) + pack("strings") + pack(sorted(self.strings)))
        for name in _LISTS:
            emit(pack(name) + packer.pack_array_header(len(self.lengths)))
            emit_file(name)
        handle.write(compressor.flush())


def _bin_header(size: int) -> bytes:
    """msgpack's header of a byte string of `size` bytes (bin 8, 16 or 32).

    >>> _bin_header(300)
    b'\\xc5\\x01,'
    """
    if size < 1 << 8:
        return b"\xc4" + size.to_bytes(1, "big")
    if size < 1 << 16:
        return b"\xc5" + size.to_bytes(2, "big")
    return b"\xc6" + size.to_bytes(4, "big")
