"""The compiled row encoder gives what `datasets.Features.encode_example` gives."""

from __future__ import annotations

import datasets
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nkcorpus.build.row_encoder import features_to_encoder
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import load_schema

NAMES = ["O", "B-PERSON", "I-PERSON"]
FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "n": datasets.Value("int64"),
        "x": datasets.Value("float64"),
        "ok": datasets.Value("bool"),
        "tags": datasets.List(datasets.ClassLabel(names=NAMES)),
        "spans": datasets.List(
            {"label": datasets.ClassLabel(names=NAMES), "start": datasets.Value("int32")}
        ),
    }
)


@settings(max_examples=200, deadline=None)
@given(
    id_=st.text(max_size=5) | st.none(),
    n=st.integers(-(2**40), 2**40) | st.none(),
    x=st.floats(allow_nan=False) | st.integers(-100, 100) | st.none(),
    ok=st.booleans() | st.none(),
    tags=st.lists(st.sampled_from(NAMES) | st.integers(-1, 2)),
    spans=st.lists(
        st.fixed_dictionaries({"label": st.sampled_from(NAMES), "start": st.integers(0, 99)})
    ),
)
def test_row_encoder_equals_datasets(id_, n, x, ok, tags, spans) -> None:
    """Equal wherever datasets' encoding can be written; where it cannot (it
    leaves a list unencoded when its first element is already an id, e.g.
    [0, "O"]), ours is written."""
    row = {"id": id_, "n": n, "x": x, "ok": ok, "tags": tags, "spans": spans}
    ours = features_to_encoder(FEATURES)(row)
    theirs = FEATURES.encode_example(row)
    try:
        expected = pa.Table.from_pylist([theirs], schema=FEATURES.arrow_schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        assert pa.Table.from_pylist([ours], schema=FEATURES.arrow_schema).num_rows == 1
    else:
        assert ours == theirs
        assert pa.Table.from_pylist([ours], schema=FEATURES.arrow_schema).equals(expected)


def test_row_encoder_unknown_label_is_refused_by_name() -> None:
    """datasets leaves the list as it is (and pyarrow then fails on the name);
    the encoder refuses with datasets' own message, naming the label."""
    row = {"id": "a", "n": 1, "x": 1.0, "ok": True, "tags": ["B-NOPE"], "spans": []}
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        pa.Table.from_pylist([FEATURES.encode_example(row)], schema=FEATURES.arrow_schema)
    with pytest.raises(ValueError, match="Invalid string class label B-NOPE"):
        features_to_encoder(FEATURES)(row)


def test_row_encoder_every_release_config_maps_every_label() -> None:
    """Every class label name of every config's features becomes its index."""
    for config, features in schema_to_features(load_schema()).items():
        encode = features_to_encoder(features)
        empty = {name: None for name in features}
        assert encode(empty) == features.encode_example(empty), config
