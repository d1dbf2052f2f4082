"""The `bigbio_kb` table: BigBIO's kb schema, checked as BigBIO's own tests check a dataset."""

from __future__ import annotations

from typing import Any

import datasets
import pytest

from nkcorpus.build.bigbio import gold_to_bigbio_kb
from nkcorpus.build.validate import validate_exports
from nkcorpus.corpus.release import select_released
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.model import load_schema
from nkcorpus.schema.records import schema_to_record_models
from tests.fixtures import v1_documents, v1_exports

_STRING = datasets.Value("string")
_NORMALIZED = [{"db_name": _STRING, "db_id": _STRING}]
# BigBIO's kb features, as declared in bigbio/utils/schemas/kb.py of
# github.com/bigscience-workshop/biomedical (commit 913327733b08, Dec 2024; the
# same as `kb_features` in bigbio/hub/bigbiohub.py), written as BigBIO writes them.
BIGBIO_KB = datasets.Features(
    {
        "id": _STRING,
        "document_id": _STRING,
        "passages": [
            {
                "id": _STRING,
                "type": _STRING,
                "text": datasets.Sequence(_STRING),
                "offsets": datasets.Sequence([datasets.Value("int32")]),
            }
        ],
        "entities": [
            {
                "id": _STRING,
                "type": _STRING,
                "text": datasets.Sequence(_STRING),
                "offsets": datasets.Sequence([datasets.Value("int32")]),
                "normalized": _NORMALIZED,
            }
        ],
        "events": [
            {
                "id": _STRING,
                "type": _STRING,
                "trigger": {
                    "text": datasets.Sequence(_STRING),
                    "offsets": datasets.Sequence([datasets.Value("int32")]),
                },
                "arguments": [{"role": _STRING, "ref_id": _STRING}],
            }
        ],
        "coreferences": [{"id": _STRING, "entity_ids": datasets.Sequence(_STRING)}],
        "relations": [
            {
                "id": _STRING,
                "type": _STRING,
                "arg1_id": _STRING,
                "arg2_id": _STRING,
                "normalized": _NORMALIZED,
            }
        ],
    }
)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    """The bigbio_kb rows of v1.0.0's released gold (4 documents; the fixture, so
    that new annotations do not change the counts below)."""
    schema = load_schema()
    documents = v1_documents()
    report = validate_exports(v1_exports(), documents=documents)
    released = [d for d in select_released(documents).released if d.doc_id in report.gold]
    return [
        gold_to_bigbio_kb(d.doc_id, d.text, report.gold[d.doc_id].spans,
                          report.gold[d.doc_id].relations, schema)
        for d in released
    ]  # fmt: skip


def test_bigbio_features_are_bigbio_kb_field_for_field() -> None:
    features = schema_to_features(load_schema())["bigbio_kb"]
    assert features == BIGBIO_KB
    assert list(features) == list(BIGBIO_KB)  # same column order too


def test_bigbio_one_document_by_hand() -> None:
    text = "He fled. She stayed."
    spans = [
        {"id": "p1", "start": 0, "end": 2, "label": "PERSON", "text": "He"},
        {"id": "c1", "start": 3, "end": 7, "label": "CROSSING", "text": "fled"},
    ]
    row = gold_to_bigbio_kb("d1", text, spans, [{"head": "p1", "tail": "c1", "type": "agent"}],
                            load_schema())  # fmt: skip
    assert row == {
        "id": "d1",
        "document_id": "d1",
        "passages": [{"id": "d1_text", "type": "article", "text": [text], "offsets": [[0, 20]]}],
        "entities": [
            {"id": "d1_p1", "type": "PERSON", "text": ["He"], "offsets": [[0, 2]],
             "normalized": []},
            {"id": "d1_c1", "type": "CROSSING", "text": ["fled"], "offsets": [[3, 7]],
             "normalized": []},
        ],
        "events": [
            {"id": "d1_event_c1", "type": "CROSSING",
             "trigger": {"text": ["fled"], "offsets": [[3, 7]]},
             "arguments": [{"role": "agent", "ref_id": "d1_p1"}]},
        ],
        "coreferences": [],
        "relations": [{"id": "d1_p1_agent_c1", "type": "agent", "arg1_id": "d1_p1",
                       "arg2_id": "d1_c1", "normalized": []}],
    }  # fmt: skip


def _ids(value: Any) -> list[str]:
    """Every `id` field, at any depth (BigBIO's `_assert_ids_globally_unique`)."""
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "id"] + [
            i for v in value.values() if isinstance(v, dict | list) for i in _ids(v)
        ]
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    return []


def test_bigbio_ids_are_globally_unique_and_every_reference_resolves(rows) -> None:
    ids = [i for row in rows for i in _ids(row)]
    assert len(ids) == len(set(ids))
    # 4 documents + 4 passages + 164 entities + 75 events + 84 relations (README's counts)
    assert len(ids) == 4 + 4 + 164 + 75 + 84
    for row in rows:
        entities = {e["id"] for e in row["entities"]}
        referenced = [a["ref_id"] for e in row["events"] for a in e["arguments"]]
        referenced += [r[k] for r in row["relations"] for k in ("arg1_id", "arg2_id")]
        assert set(referenced) <= entities, row["id"]


def test_bigbio_offsets_point_at_their_text_in_the_joined_passages(rows) -> None:
    """BigBIO: offsets index `" ".join(passage texts)`; with one passage, the text itself."""
    for row in rows:
        whole = " ".join(t for p in row["passages"] for t in p["text"])
        located = [*row["passages"], *row["entities"], *(e["trigger"] for e in row["events"])]
        for item in located:
            assert len(item["text"]) == len(item["offsets"]) == 1
            assert [whole[s:e] for s, e in item["offsets"]] == item["text"]


def test_bigbio_events_and_relations_agree_with_the_events_table(rows) -> None:
    events = sum(len(row["events"]) for row in rows)
    arguments = sum(len(e["arguments"]) for row in rows for e in row["events"])
    relations = sum(len(row["relations"]) for row in rows)
    assert (events, arguments, relations) == (75, 84, 84)  # every relation touches a CROSSING
    model = schema_to_record_models(load_schema()).kb_document
    for row in rows:
        model.model_validate(row)
