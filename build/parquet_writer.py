"""Rows -> Parquet, in fixed-size batches with pinned writer options.

The same rows in the same order give byte-identical files: the options below
are fixed, the Arrow schema (with the `huggingface` features metadata) comes
from the table's `datasets.Features`, and rows are buffered and written in
row groups of `BATCH_ROWS`, so memory stays bounded by one batch per file.
Rows are encoded (class label names to ids) by `nkcorpus.build.row_encoder`.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from nkcorpus.build.row_encoder import features_to_encoder

BATCH_ROWS = 256
WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


def parquet_nbytes(path: Path) -> int:
    """The in-memory (Arrow) size of a Parquet file's table, read one row group
    at a time: the sum over row groups equals `pq.read_table(path).nbytes`."""
    file = pq.ParquetFile(path)
    return sum(file.read_row_group(index).nbytes for index in range(file.num_row_groups))


class TableWriter:
    """Append rows (plain dicts) to one Parquet file; `close` writes what is buffered.

    An empty table is still written (with its schema), so every declared
    config/split file exists.
    """

    def __init__(self, path: Path, features: datasets.Features) -> None:
        self.path = path
        self.features = features
        self.schema = features.arrow_schema
        self._encode = features_to_encoder(features)
        self.rows = 0
        self._buffer: list[dict[str, Any]] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, self.schema, **WRITER_OPTIONS)

    def write(self, row: dict[str, Any]) -> None:
        self.write_encoded([self._encode(row)])

    def write_encoded(self, rows: list[dict[str, Any]]) -> None:
        """Append rows already encoded by `features_to_encoder` of this table's features."""
        for row in rows:
            self._buffer.append(row)
            if len(self._buffer) >= BATCH_ROWS:
                self._flush()

    def _flush(self) -> None:
        if self._buffer:
            table = pa.Table.from_pylist(self._buffer, schema=self.schema)
            self._writer.write_table(table, row_group_size=BATCH_ROWS)
            self.rows += len(self._buffer)
            self._buffer = []

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
