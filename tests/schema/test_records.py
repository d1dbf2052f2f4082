"""The record models: the one declaration of every released column."""

from __future__ import annotations

import typing
from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest
from pydantic import BaseModel, TypeAdapter

from nkcorpus.paths import dataset_dir
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import LabelSchema, load_schema
from nkcorpus.schema.records import event_roles, relation_direction, schema_to_record_models

V1_CONFIGS = ["documents", "tokens", "crossings", "statistics", "annotations"]


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema()


def _nested_models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _nested_models(argument)


def _columns(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, object]]:
    """(dotted column path, FieldInfo) of every field, nested ones included."""
    for name, info in model.model_fields.items():
        yield prefix + name, info
        for nested in _nested_models(info.annotation):
            yield from _columns(nested, f"{prefix}{name}.")


def test_records_every_column_of_every_table_has_a_description_and_an_example(schema) -> None:
    undocumented = [
        f"{table}.{path}"
        for table, model in schema_to_record_models(schema).tables().items()
        for path, info in _columns(model)
        if not (info.description or "").strip() or not info.examples
    ]
    assert undocumented == []


def test_records_every_example_is_a_valid_value_of_its_column(schema) -> None:
    invalid = []
    for table, model in schema_to_record_models(schema).tables().items():
        for path, info in _columns(model):
            try:
                TypeAdapter(info.annotation).validate_python(info.examples[0])
            except ValueError as exc:
                invalid.append(f"{table}.{path}: {exc}")
    assert invalid == []


def test_records_configs_keep_v1_first_then_the_new_ones(schema) -> None:
    tables = list(schema_to_record_models(schema).tables())
    assert tables == [*V1_CONFIGS, "events", "bigbio_kb", "predictions"]


@pytest.mark.parametrize("config", V1_CONFIGS)
def test_records_every_v1_column_is_still_released(schema, config: str) -> None:
    """v1.0.0's tables keep their columns (new ones are added, none renamed or dropped)."""
    v1 = pq.read_schema(dataset_dir() / "v1.0.0" / "data" / config / "train-00000-of-00001.parquet")
    assert set(v1.names) <= set(schema_to_features(schema)[config])


def test_records_new_columns_have_the_agreed_types(schema) -> None:
    features = schema_to_features(schema)
    assert features["documents"]["fold"].dtype == "int32"
    assert features["statistics"]["value_unit"].names == ["count", "share"]
    assert features["crossings"]["event_id"].dtype == "string"
    agents = features["crossings"]["agents"].feature
    statistics = features["crossings"]["statistics"].feature
    assert {"start", "end"} <= set(agents) and statistics["value_unit"].names == ["count", "share"]
    assert list(features["predictions"]) == ["doc_id", "model_version", "spans", "relations"]
    assert features["predictions"]["spans"] == features["documents"]["spans"]


def test_records_attribute_and_relation_descriptions_come_from_the_schema(schema) -> None:
    raw = schema.model_dump(mode="json")
    raw["labels"][1]["attributes"][0]["description"] = "Compass heading of the move."
    raw["relations"][0]["head"], raw["relations"][0]["tail"] = "CROSSING", "PERSON"
    models = schema_to_record_models(LabelSchema.model_validate(raw))
    assert "Compass heading of the move." in models.crossing.model_fields["direction"].description
    assert "agent: CROSSING -> PERSON" in models.relation.model_fields["type"].description


def test_records_event_roles_and_directions_come_from_the_schema(schema) -> None:
    assert {role: relation_direction(r) for role, r in event_roles(schema).items()} == {
        "agent": "agent: PERSON -> CROSSING",
        "motive": "motivated_by: CROSSING -> MOTIVE",
        "statistic": "quantifies: STATISTIC -> CROSSING",
    }
    raw = schema.model_dump(mode="json")
    raw["relations"][0]["crossings_column"] = "actors"
    variant = LabelSchema.model_validate(raw)
    assert list(event_roles(variant)) == ["actor", "motive", "statistic"]
    role = schema_to_record_models(variant).event.model_fields["arguments"]
    assert "actor from `agent: PERSON -> CROSSING`" in str(
        typing.get_args(role.annotation)[0].model_fields["role"].description
    )
