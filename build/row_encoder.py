"""A table's rows encoded for Arrow, by a function compiled once from its features.

`datasets.Features.encode_example` walks the features anew for every row
(about a third of a build's time on 1,000 documents). `features_to_encoder`
walks them once and returns a function doing the same work per row: a
`ClassLabel` name becomes its id, a `Value` is cast to its Python type, and
dicts and lists are walked. Anything unusual (a name not among the labels, an
int for a `ClassLabel`, a value of another type) goes to the feature's own
`encode_example`, so values and errors are those of `datasets`. One difference
is deliberate: `datasets` encodes a list only when its first non-empty element
changes when encoded; this encodes every element, which gives the same values
wherever `datasets` succeeds (an unencoded name would fail in pyarrow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import datasets
import pyarrow as pa

Encode = Callable[[Any], Any]


def features_to_encoder(features: datasets.Features) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The per-row encoder of `features`.

    >>> encode = features_to_encoder(datasets.Features(
    ...     {"tags": datasets.List(datasets.ClassLabel(names=["O", "B-X"])),
    ...      "n": datasets.Value("float64")}))
    >>> encode({"tags": ["B-X", "O"], "n": 2})
    {'tags': [1, 0], 'n': 2.0}
    """
    encode = _compile(dict(features))

    def encode_row(row: dict[str, Any]) -> dict[str, Any]:
        if row is None:
            raise ValueError("Got None but expected a dictionary instead")
        return encode(row)

    return encode_row


def _compile(feature: Any) -> Encode:
    if isinstance(feature, dict):
        fields = [(name, _compile(sub)) for name, sub in feature.items()]

        def encode_dict(value: Any) -> Any:
            if value is None:
                return None
            get = value.get
            return {name: encode(get(name)) for name, encode in fields}

        return encode_dict
    if isinstance(feature, (datasets.List, datasets.LargeList)):
        inner = _compile(feature.feature)

        def encode_list(value: Any) -> Any:
            return None if value is None else [inner(item) for item in value]

        return encode_list
    if isinstance(feature, datasets.ClassLabel):
        ids = {name: index for index, name in enumerate(feature.names)}

        def encode_label(value: Any) -> Any:
            if value is None:
                return None
            found = ids.get(value) if type(value) is str else None
            return found if found is not None else feature.encode_example(value)

        return encode_label
    if isinstance(feature, datasets.Value):
        kind = _python_type(feature.pa_type)

        def encode_value(value: Any) -> Any:
            if value is None or kind is None or type(value) is kind:
                return value
            return feature.encode_example(value)

        return encode_value
    if hasattr(feature, "encode_example"):
        return lambda value: None if value is None else feature.encode_example(value)
    return lambda value: value


def _python_type(arrow_type: pa.DataType) -> type | None:
    """The type `Value.encode_example` casts to (None: it keeps the value)."""
    if pa.types.is_boolean(arrow_type):
        return bool
    if pa.types.is_integer(arrow_type):
        return int
    if pa.types.is_floating(arrow_type):
        return float
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return str
    if pa.types.is_string_view(arrow_type):
        return str
    return None
