"""Record models -> Hugging Face `datasets.Features`, one per released table.

Mapping: str -> string, int -> int64 (int32 where marked `INT32`), float ->
float64, bool -> bool, Literal[...] -> ClassLabel(names), X | None -> X
(nullable), list[X] -> List(X), a nested model -> a struct of its fields.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

import datasets
from pydantic import BaseModel

from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import ArrowInt, schema_to_record_models

_SCALARS = {str: "string", float: "float64", bool: "bool"}


def annotation_to_feature(annotation: Any, metadata: tuple[Any, ...] = ()) -> Any:
    """One field type -> one `datasets` feature.

    >>> annotation_to_feature(list[Literal["a", "b"]])
    List(ClassLabel(names=['a', 'b']))
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return annotation_to_feature(base, tuple(extra))
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"only `X | None` unions map to a feature, got {annotation}")
        return annotation_to_feature(options[0], metadata)
    if origin is Literal:
        return datasets.ClassLabel(names=[str(v) for v in typing.get_args(annotation)])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return datasets.List(annotation_to_feature(item))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_to_struct(annotation)
    if annotation is int:
        widths = [m.bits for m in metadata if isinstance(m, ArrowInt)]
        return datasets.Value(f"int{widths[0] if widths else 64}")
    if annotation in _SCALARS:
        return datasets.Value(_SCALARS[annotation])
    raise TypeError(f"no datasets feature for field type {annotation!r}")


def model_to_struct(model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: annotation_to_feature(field.annotation, tuple(field.metadata))
        for name, field in model.model_fields.items()
    }


def model_to_features(model: type[BaseModel]) -> datasets.Features:
    return datasets.Features(model_to_struct(model))


def schema_to_features(schema: LabelSchema) -> dict[str, datasets.Features]:
    """Released table name -> its `datasets.Features`."""
    models = schema_to_record_models(schema)
    return {table: model_to_features(model) for table, model in models.tables().items()}
