import json
import shutil

import jsonschema
import pytest

from nkcorpus.errors import SchemaError
from nkcorpus.schema.bio import schema_to_bio_tags
from nkcorpus.schema.generate import (
    GENERATED_DIR,
    check_generated,
    schema_to_files,
    stale_files,
    write_generated,
)
from nkcorpus.schema.model import load_schema


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def test_generate_committed_files_are_up_to_date(schema):
    check_generated(schema)  # raises when `nkcorpus schema write` was forgotten
    assert stale_files(schema) == []


def test_generate_check_names_stale_missing_and_foreign_files(schema, tmp_path):
    out = tmp_path / "generated"
    shutil.copytree(GENERATED_DIR, out)
    (out / "bio_tags.json").write_text("[]\n", encoding="utf-8")
    (out / "label_config.xml").unlink()
    (out / "notes.txt").write_text("hand-written\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="nkcorpus schema write") as info:
        check_generated(schema, out)
    for name in ("bio_tags.json", "label_config.xml", "notes.txt"):
        assert name in str(info.value)
    changed = write_generated(schema, out)
    assert changed == ["bio_tags.json", "label_config.xml", "notes.txt"]
    check_generated(schema, out)
    assert not (out / "notes.txt").exists()


def test_generate_is_deterministic(schema):
    assert schema_to_files(schema) == schema_to_files(load_schema())


def test_generate_bio_tags_cover_every_label(schema):
    tags = schema_to_bio_tags(schema)
    assert tags[0] == "O" and len(tags) == 1 + 2 * len(schema.labels)
    for label in schema.label_names:
        assert f"B-{label}" in tags and f"I-{label}" in tags


def test_generate_features_json_round_trips(schema):
    import datasets

    features = json.loads(schema_to_files(schema)["features.json"])
    assert list(features) == [
        "documents", "tokens", "crossings", "statistics", "annotations",
        "events", "bigbio_kb", "predictions",
    ]  # fmt: skip
    documents = datasets.Features.from_dict(features["documents"])
    span = documents["spans"].feature
    assert span["label"].names == schema.label_names
    assert span["roles"].feature.names == list(schema.attribute("roles")[1].values)
    tokens = datasets.Features.from_dict(features["tokens"])
    assert tokens["ner_tags"].feature.names == schema_to_bio_tags(schema)
    crossings = datasets.Features.from_dict(features["crossings"])
    assert {"agents", "motives", "statistics"} <= set(crossings)


def test_generate_json_schema_accepts_a_record_and_rejects_a_bad_label(schema):
    record_schema = json.loads(schema_to_files(schema)["jsonschema/documents.schema.json"])
    record = {
        "doc_id": "d1",
        "language": "en",
        "near_duplicate_group": "d1",
        "text": "He fled.",
        "spans": [
            {
                "id": "s1",
                "start": 0,
                "end": 2,
                "label": "PERSON",
                "text": "He",
                "roles": ["defector"],
            },
            {
                "id": "s2",
                "start": 3,
                "end": 7,
                "label": "CROSSING",
                "text": "fled",
                "direction": "north_to_south",
            },
        ],
        "relations": [{"head": "s1", "tail": "s2", "type": "agent"}],
    }
    jsonschema.validate(record, record_schema)
    record["spans"][0]["label"] = "PLACE"
    with pytest.raises(jsonschema.ValidationError, match="PLACE"):
        jsonschema.validate(record, record_schema)
