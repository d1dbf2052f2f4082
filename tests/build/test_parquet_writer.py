"""Rows written as Arrow tables of any size give the same Parquet file."""

from __future__ import annotations

import random
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

from nkcorpus.build.parquet_writer import BATCH_ROWS, TableWriter, arrow_to_table, rows_to_arrow
from nkcorpus.build.row_encoder import features_to_encoder

FEATURES = datasets.Features(
    {
        "doc_id": datasets.Value("string"),
        "tokens": datasets.List(datasets.Value("string")),
        "label": datasets.ClassLabel(names=["PERSON", "CROSSING"]),
        "spans": datasets.List(
            {"start": datasets.Value("int32"), "note": datasets.Value("string")}
        ),
    }
)


def _rows(n: int) -> list[dict]:
    pick = random.Random(n)
    return [
        {
            "doc_id": f"{i:05d}",
            "tokens": [pick.choice(["Kim", "fled", "in", "2019", ""]) for _ in range(i % 7)],
            "label": pick.choice(["PERSON", "CROSSING"]),
            "spans": [{"start": i, "note": None if i % 3 else "n"}] * (i % 3),
        }
        for i in range(n)
    ]


def _write(path: Path, pieces: list[list[dict]]) -> bytes:
    encode = features_to_encoder(FEATURES)
    with TableWriter(path, FEATURES) as writer:
        for piece in pieces:
            data = rows_to_arrow([encode(r) for r in piece], FEATURES.arrow_schema)
            writer.write_table(arrow_to_table(data))
    return path.read_bytes()


@pytest.mark.parametrize("seed", range(4))
def test_cut_anywhere_same_file(tmp_path: Path, seed: int) -> None:
    rows = _rows(3 * BATCH_ROWS + 17)
    whole = _write(tmp_path / "whole.parquet", [rows])
    pick, pieces, at = random.Random(seed), [], 0
    while at < len(rows):
        size = pick.choice([0, 1, 5, BATCH_ROWS - 1, BATCH_ROWS, 300, 700])
        pieces.append(rows[at : at + size])
        at += size
    assert _write(tmp_path / "cut.parquet", pieces) == whole
    file = pq.ParquetFile(tmp_path / "cut.parquet")
    sizes = [file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)]
    assert sizes == [BATCH_ROWS] * 3 + [17]
    assert datasets.Features.from_arrow_schema(file.schema_arrow) == FEATURES


def test_empty_table_still_written(tmp_path: Path) -> None:
    _write(tmp_path / "empty.parquet", [[]])
    assert pq.read_table(tmp_path / "empty.parquet").num_rows == 0
