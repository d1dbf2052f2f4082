"""Rows -> Parquet, in fixed-size batches with pinned writer options.

The same rows in the same order give byte-identical files: the options below
are fixed, the Arrow schema (with the `huggingface` features metadata) comes
from the table's `datasets.Features`, and rows are buffered and written in
row groups of `BATCH_ROWS`, so memory stays bounded by one batch per file.
Rows come as Arrow tables of any size (a document's rows, made in a worker
from rows encoded by `nkcorpus.build.row_encoder`: `rows_to_arrow`); how
they are cut into tables does not change the file (a test writes the same
rows cut at random).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 256
WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


def rows_to_arrow(rows: list[dict[str, Any]], schema: pa.Schema) -> bytes:
    """Encoded rows (`nkcorpus.build.row_encoder`) as an Arrow IPC stream with
    `schema` stripped of its metadata (small to send and to cache);
    `arrow_to_table` reads it back."""
    bare = schema.remove_metadata()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, bare) as stream:
        stream.write_table(pa.Table.from_pylist(rows, schema=bare))
    return sink.getvalue().to_pybytes()


def arrow_to_table(data: bytes) -> pa.Table:
    """The table of a `rows_to_arrow` stream (zero-copy over `data`).

    >>> schema = pa.schema([("doc_id", pa.string())])
    >>> arrow_to_table(rows_to_arrow([{"doc_id": "a"}], schema)).to_pylist()
    [{'doc_id': 'a'}]
    """
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def parquet_nbytes(path: Path) -> int:
    """The in-memory (Arrow) size of a Parquet file's table, read one row group
    at a time: the sum over row groups equals `pq.read_table(path).nbytes`."""
    file = pq.ParquetFile(path)
    return sum(file.read_row_group(index).nbytes for index in range(file.num_row_groups))


class TableWriter:
    """Append Arrow tables of rows to one Parquet file; `close` writes what is buffered.

    An empty table is still written (with its schema), so every declared
    config/split file exists.
    """

    def __init__(self, path: Path, features: datasets.Features) -> None:
        self.path = path
        self.features = features
        self.schema = features.arrow_schema
        self.rows = 0
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, self.schema, **WRITER_OPTIONS)

    def write_table(self, table: pa.Table) -> None:
        """Append the rows of `table` (this file's columns; schema metadata aside)."""
        self._buffer.append(table)
        self._buffered += table.num_rows
        while self._buffered >= BATCH_ROWS:
            whole = pa.concat_tables(self._buffer)
            self._write(whole.slice(0, BATCH_ROWS))
            rest = whole.slice(BATCH_ROWS)
            self._buffer, self._buffered = [rest], rest.num_rows

    def _write(self, table: pa.Table) -> None:
        self._writer.write_table(table, row_group_size=BATCH_ROWS)
        self.rows += table.num_rows

    def _flush(self) -> None:
        if self._buffered:
            self._write(pa.concat_tables(self._buffer))
        self._buffer, self._buffered = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
