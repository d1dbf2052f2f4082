"""The Data Fields documentation: every column of every config, from the record models."""

from __future__ import annotations

from typing import Literal

import datasets
import pytest
from datasets import ClassLabel, List, Value
from pydantic import BaseModel, Field

from nkcorpus.build.data_fields import (
    example_to_markdown,
    field_descriptions,
    field_docs_to_markdown,
    records_to_field_docs,
    relations_to_markdown,
    schema_to_field_docs,
    statistic_value_note,
    undocumented,
)
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import load_schema


class Part(BaseModel):
    id: str = Field(description="Part id.", examples=["p1"])
    kind: Literal["a", "b"] | None = Field(None, description="Kind | sort.", examples=["b"])


class Row(BaseModel):
    doc_id: str = Field(description="Document id.", examples=["d1"])
    count: int | None = Field(None, examples=[3])  # no description
    parts: list[Part] = Field(default_factory=list, description="The parts.")


FEATURES = {
    "rows": datasets.Features(
        {
            "doc_id": Value("string"),
            "count": Value("int32"),
            "parts": List({"id": Value("string"), "kind": ClassLabel(names=["a", "b"])}),
        }
    )
}


def test_data_fields_every_released_column_is_documented() -> None:
    """Fails listing each column of each config without a description (or, for a
    column that is not a struct, without an example)."""
    problems = undocumented(schema_to_field_docs(load_schema()))
    assert problems == [], "undocumented columns:\n" + "\n".join(problems)


def test_data_fields_lists_nested_columns_with_the_released_types() -> None:
    docs = {d.name: d for d in schema_to_field_docs(load_schema())}
    features = schema_to_features(load_schema())
    # every top-level column of every config is there
    assert {n for n in docs if n.count(".") == 1} == {
        f"{config}.{column}" for config, table in features.items() for column in table
    }
    assert docs["documents.spans.start"].type == "int32"
    assert docs["documents.spans"].type == "list of struct" and docs["documents.spans"].nested
    assert docs["crossings.agents.text"].type == "string"
    assert docs["documents.spans.label"].names == ("PERSON", "CROSSING", "MOTIVE", "STATISTIC")
    assert docs["tokens.ner_tags"].type == "list of class label"
    assert docs["tokens.ner_tags"].names[:3] == ("O", "B-PERSON", "I-PERSON")
    assert docs["documents.title"].nullable and not docs["documents.doc_id"].nullable


def test_data_fields_of_hand_made_models() -> None:
    docs = records_to_field_docs({"rows": Row}, FEATURES)
    assert [(d.path, d.type, d.names, d.nullable) for d in docs] == [
        ("doc_id", "string", (), False),
        ("count", "int32", (), True),
        ("parts", "list of struct", (), False),
        ("parts.id", "string", (), False),
        ("parts.kind", "class label", ("a", "b"), True),
    ]
    # count lacks a description; parts (a list of structs) needs no example
    assert undocumented(docs) == ["rows.count: no description"]
    assert field_descriptions(docs) == {
        "rows": {
            "doc_id": "Document id.",
            "parts": "The parts.",
            "parts.id": "Part id.",
            "parts.kind": "Kind | sort. May be null.",
        }
    }
    table = field_docs_to_markdown(docs, {"rows": "One row."})
    assert table.splitlines() == [
        "#### `rows`",
        "",
        "One row.",
        "",
        "| field | type | meaning | example |",
        "|---|---|---|---|",
        '| `doc_id` | string | Document id. | `"d1"` |',
        "| `count` | int32, nullable | *(undocumented)* | `3` |",
        "| `parts` | list of struct | The parts. |  |",
        '| `parts.id` | string | Part id. | `"p1"` |',
        '| `parts.kind` | class label, nullable: 0 `a`, 1 `b` | Kind \\| sort. | `"b"` |',
    ]


def test_data_fields_refuses_models_and_features_that_differ() -> None:
    with pytest.raises(ValueError, match="configs with models"):
        records_to_field_docs({"other": Row}, FEATURES)
    extra = {"rows": datasets.Features({**FEATURES["rows"], "more": Value("string")})}
    with pytest.raises(ValueError, match=r"rows: columns \['more'\] have no record model"):
        records_to_field_docs({"rows": Row}, extra)
    fewer = {"rows": datasets.Features({"doc_id": Value("string"), "count": Value("int32")})}
    with pytest.raises(ValueError, match="parts is in the record model but not a feature"):
        records_to_field_docs({"rows": Row}, fewer)


def test_data_fields_relations_point_from_head_to_tail_label() -> None:
    lines = relations_to_markdown(load_schema()).splitlines()
    assert lines[0].startswith("- `agent`: `PERSON` -> `CROSSING`: The person who makes")
    assert [line.split(":")[0] for line in lines] == [
        "- `agent`",
        "- `motivated_by`",
        "- `quantifies`",
    ]
    assert "`STATISTIC` -> `CROSSING`" in lines[2]


def test_data_fields_statistic_value_note_names_the_unit() -> None:
    note = statistic_value_note(schema_to_field_docs(load_schema()))
    assert note.startswith("- `statistics.value` (float64, nullable):")
    assert "- `statistics.value_unit` (class label, nullable: 0 `count`, 1 `share`):" in note


def test_data_fields_example_is_cut_and_escaped() -> None:
    assert example_to_markdown("a|b") == '`"a\\|b"`'
    # json.dumps("x" * 70) is 72 characters; cut to 8: 7 of them, then the ellipsis
    assert example_to_markdown("x" * 70, 8) == '`"xxxxxx…`'
    assert example_to_markdown(["A", "man"]) == '`["A", "man"]`'
    assert example_to_markdown("a`b") == '`"a\'b"`'
