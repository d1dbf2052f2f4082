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


# The hash dataset/v1.0.0/MANIFEST.json records: the schema before attributes
# could be optional. Adding `required` must not change it.
V1_SCHEMA_SHA256 = "3cb76cadaff4e7f137100a15b9025f36de5466a7772b2fe9ca08bb30e4ec88d9"


def test_model_hash_of_the_declared_schema_is_the_released_one(repo_root):
    import json

    manifest = json.loads((repo_root / "dataset/v1.0.0/MANIFEST.json").read_text("utf-8"))
    assert load_schema().schema_hash == V1_SCHEMA_SHA256 == manifest["schema_sha256"]


def test_model_attributes_are_required_unless_the_schema_says_otherwise(tmp_path):
    schema = load_schema()
    assert all(attribute.required for _, attribute in schema.attributes)
    assert [a.name for a in schema.required_attributes("CROSSING")] == [
        "direction",
        "route",
        "status",
    ]
    assert schema.required_attributes("VICTIM") == []

    def optional_route(raw):
        raw["labels"][1]["attributes"][1]["required"] = False

    variant = load_schema(_write_variant(tmp_path, optional_route))
    assert not variant.attribute("route")[1].required
    assert [a.name for a in variant.required_attributes("CROSSING")] == ["direction", "status"]
    assert variant.schema_hash != schema.schema_hash  # making one optional is a change
    assert variant.canonical_dump()["labels"][1]["attributes"][1]["required"] is False


def test_model_an_explicit_required_true_hashes_like_the_default(tmp_path):
    def explicit(raw):
        for label in raw["labels"]:
            for attribute in label.get("attributes", []):
                attribute["required"] = True

    variant = load_schema(_write_variant(tmp_path, explicit))
    assert variant == load_schema()
    assert variant.schema_hash == V1_SCHEMA_SHA256


def test_model_reserves_the_review_control_name(tmp_path):
    path = _write_variant(
        tmp_path, lambda raw: raw["labels"][0]["attributes"][0].update(name="review")
    )
    with pytest.raises(SchemaError, match="'review' is reserved for the review control") as info:
        load_schema(path)
    assert info.value.code == "S002"
