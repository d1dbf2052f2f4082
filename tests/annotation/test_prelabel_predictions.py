"""Doc -> Label Studio prediction (annotation/prelabel/predictions.py)."""

from __future__ import annotations

import pytest

from nkcorpus.annotation.prelabel.pipeline import build_nlp, model_version
from nkcorpus.annotation.prelabel.predictions import doc_to_prediction, region_id
from nkcorpus.corpus.documents import load_documents
from nkcorpus.schema.model import load_schema


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _check_prediction(text: str, prediction: dict) -> None:
    """Every region's text is text[start:end]; region ids are unique; choices
    and relations point at regions; names come from the schema."""
    schema = load_schema()
    regions = [r for r in prediction["result"] if r["type"] == "labels"]
    ids = [r["id"] for r in regions]
    assert len(ids) == len(set(ids))
    labels_of = {r["id"]: r["value"]["labels"][0] for r in regions}
    for item in prediction["result"]:
        if item["type"] == "relation":
            spec = schema.relation(item["labels"][0])
            assert (labels_of[item["from_id"]], labels_of[item["to_id"]]) == (
                spec.head,
                spec.tail,
            )
            assert item["direction"] == "right"
            continue
        value = item["value"]
        assert text[value["start"] : value["end"]] == value["text"]
        assert item["to_name"] == "text"
        assert item["origin"] == "prediction"
        if item["type"] == "choices":
            label, spec = schema.attribute(item["from_name"])
            assert labels_of[item["id"]] == label.name
            assert set(value["choices"]) <= set(spec.values)
        else:
            assert item["from_name"] == "label"
            assert value["labels"][0] in schema.label_names


def test_predictions_follow_the_label_studio_result_format(nlp):
    text = "A man fled to the North to avoid criminal charges."
    prediction = doc_to_prediction(nlp(text), "doc", "v1")
    _check_prediction(text, prediction)
    kinds = [(r["type"], r.get("from_name")) for r in prediction["result"]]
    assert ("labels", "label") in kinds
    assert ("choices", "direction") in kinds
    assert ("choices", "category") in kinds
    assert {r["labels"][0] for r in prediction["result"] if r["type"] == "relation"} == {
        "agent",
        "motivated_by",
    }
    assert prediction["model_version"] == "v1"


def test_predictions_choices_carry_the_id_and_offsets_of_their_region(nlp):
    prediction = doc_to_prediction(nlp("They fled to South Korea."), "doc", "v1")
    region = next(r for r in prediction["result"] if r["type"] == "labels")
    choices = [r for r in prediction["result"] if r["type"] == "choices"]
    assert choices
    for choice in choices:
        assert choice["id"] == region["id"]
        assert {k: choice["value"][k] for k in ("start", "end", "text")} == {
            k: region["value"][k] for k in ("start", "end", "text")
        }


def test_predictions_region_id_is_stable_and_distinct():
    assert region_id("a", 0, 5, "PERSON") == region_id("a", 0, 5, "PERSON")
    others = {region_id("b", 0, 5, "PERSON"), region_id("a", 1, 5, "PERSON"),
              region_id("a", 0, 6, "PERSON"), region_id("a", 0, 5, "MOTIVE")}  # fmt: skip
    assert region_id("a", 0, 5, "PERSON") not in others
    assert len(others) == 4


def test_predictions_score_is_the_share_of_labels_found(nlp):
    assert doc_to_prediction(nlp("Nothing here."), "d", "v")["score"] == 0.0
    two_labels = doc_to_prediction(nlp("A man fled to the South."), "d", "v")
    assert two_labels["score"] == 2 / len(load_schema().labels)


def test_predictions_on_every_seed_match_the_text_and_have_unique_ids(nlp, seeds_dir):
    version = model_version()
    found_labels = set()
    for document in load_documents(seeds_dir):
        doc = nlp(document.text)
        prediction = doc_to_prediction(doc, document.doc_id, version)
        _check_prediction(document.text, prediction)
        found_labels |= {
            r["value"]["labels"][0] for r in prediction["result"] if r["type"] == "labels"
        }
    assert found_labels == set(load_schema().label_names)
