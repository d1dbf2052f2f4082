from typing import Annotated, Literal

import datasets
import pytest
from pydantic import BaseModel

from nkcorpus.schema.features import annotation_to_feature, model_to_features
from nkcorpus.schema.records import INT32


class _Inner(BaseModel):
    name: str
    score: float | None = None


class _Row(BaseModel):
    small: Annotated[int, INT32]
    big: int
    flag: bool
    tag: Literal["a", "b"] | None = None
    tags: list[Literal["x", "y"]] = []
    inner: list[_Inner] = []


def test_features_map_every_supported_type():
    features = model_to_features(_Row)
    assert features["small"] == datasets.Value("int32")
    assert features["big"] == datasets.Value("int64")
    assert features["flag"] == datasets.Value("bool")
    assert features["tag"] == datasets.ClassLabel(names=["a", "b"])
    assert features["tags"] == datasets.List(datasets.ClassLabel(names=["x", "y"]))
    assert features["inner"] == datasets.List(
        {"name": datasets.Value("string"), "score": datasets.Value("float64")}
    )


def test_features_refuse_unmapped_types():
    with pytest.raises(TypeError, match="no datasets feature"):
        annotation_to_feature(dict[str, int])
    with pytest.raises(TypeError, match="unions"):
        annotation_to_feature(int | str)
