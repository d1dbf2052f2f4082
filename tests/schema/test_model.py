from pathlib import Path

import pytest
import yaml

from nkcorpus.errors import SchemaError
from nkcorpus.schema.model import SCHEMA_FILE, load_schema


def _write_variant(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_model_loads_the_declared_schema():
    schema = load_schema()
    assert schema.label_names == ["PERSON", "CROSSING", "MOTIVE", "STATISTIC"]
    assert [(r.name, r.head, r.tail) for r in schema.relations] == [
        ("agent", "PERSON", "CROSSING"),
        ("motivated_by", "CROSSING", "MOTIVE"),
        ("quantifies", "STATISTIC", "CROSSING"),
    ]
    label, roles = schema.attribute("roles")
    assert label.name == "PERSON" and roles.multiple
    assert schema.attribute("qualifier")[1].values[:2] == ("exact", "at_least")


def test_model_hash_changes_with_content(tmp_path):
    variant = _write_variant(tmp_path, lambda raw: raw["labels"][0].update(description="x"))
    assert load_schema(variant).schema_hash != load_schema().schema_hash


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["labels"].append(dict(raw["labels"][0])), "label names repeat"),
        (lambda raw: raw["relations"][0].update(tail="PLACE"), "names label 'PLACE'"),
        (
            lambda raw: raw["labels"][1]["attributes"][0].update(name="roles"),
            "unique across labels",
        ),
        (lambda raw: raw["labels"][0]["attributes"][0].update(name="start"), "reserved"),
        (lambda raw: raw["labels"][2]["attributes"][0]["values"].append("other"), "repeat"),
        (lambda raw: raw["labels"][0].update(name="person"), "UPPER_CASE"),
        (lambda raw: raw["labels"][0].update(colour="#ffffff"), "Extra inputs"),
    ],
)
def test_model_rejects_invalid_schema(tmp_path, mutate, message):
    path = _write_variant(tmp_path, mutate)
    with pytest.raises(SchemaError, match=message) as info:
        load_schema(path)
    assert str(path) in str(info.value) and info.value.code == "S002"


def test_model_unreadable_file_names_path(tmp_path):
    with pytest.raises(SchemaError, match="cannot read") as info:
        load_schema(tmp_path / "missing.yaml")
    assert "missing.yaml" in str(info.value)
