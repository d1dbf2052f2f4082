"""The generated Label Studio labeling config (schema/label_config.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from label_studio_sdk.label_interface import LabelInterface

from nkcorpus.schema.label_config import (
    LABELS_CONTROL,
    REVIEW_HEADER,
    SIDE_COLUMN_ID,
    TEXT_COLUMN_ID,
    TEXT_OBJECT,
    schema_to_label_config,
)
from nkcorpus.schema.model import LabelSchema, load_schema
from nkcorpus.schema.review import ACCEPT, ACCEPT_HINT, REVIEW_CONTROL


def _optional(*names: str) -> LabelSchema:
    """The real schema with the attributes `names` made optional."""
    raw = load_schema().model_dump(mode="json")
    for label in raw["labels"]:
        for attribute in label["attributes"]:
            if attribute["name"] in names:
                attribute["required"] = False
    return LabelSchema.model_validate(raw)


def _style(element: ET.Element) -> dict[str, str]:
    pairs = (rule.split(":", 1) for rule in (element.get("style") or "").split(";") if rule.strip())
    return {key.strip(): value.strip() for key, value in pairs}


def _by_id(root: ET.Element, id_attr: str) -> ET.Element:
    [element] = [e for e in root.iter("View") if e.get("idAttr") == id_attr]
    return element


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema()


@pytest.fixture(scope="module")
def root(schema: LabelSchema) -> ET.Element:
    return ET.fromstring(schema_to_label_config(schema))


def test_label_config_is_a_row_of_the_text_and_a_sticky_side_column(root: ET.Element) -> None:
    assert _style(root)["display"] == "flex"
    text_column, side = list(root)
    assert (text_column.get("idAttr"), side.get("idAttr")) == (TEXT_COLUMN_ID, SIDE_COLUMN_ID)
    header, text = list(text_column)
    assert (header.tag, header.get("value")) == ("Header", "$title")
    assert (text.tag, text.get("name"), text.get("value")) == ("Text", TEXT_OBJECT, "$text")
    style = _style(side)
    assert style["position"] == "sticky" and style["top"] == "0"
    assert style["overflow-y"] == "auto" and "100vh" in style["max-height"]
    assert [e.tag for e in root.iter("Text")] == ["Text"]  # the text only in the left column


def test_label_config_puts_every_control_in_the_side_column(
    root: ET.Element, schema: LabelSchema
) -> None:
    side = _by_id(root, SIDE_COLUMN_ID)
    labels = side.find("Labels")
    assert labels.get("name") == LABELS_CONTROL and labels.get("toName") == TEXT_OBJECT
    assert [lab.get("value") for lab in labels] == schema.label_names
    assert [lab.get("hotkey") for lab in labels] == [lab.hotkey for lab in schema.labels]
    assert [r.get("value") for r in side.iter("Relation")] == [r.name for r in schema.relations]
    everywhere = sorted(c.get("name") for c in root.iter("Choices"))
    in_side = sorted(c.get("name") for c in side.iter("Choices"))
    expected = sorted([a.name for _, a in schema.attributes] + [REVIEW_CONTROL])
    assert everywhere == in_side == expected
    assert len(list(root.iter("Relations"))) == len(list(side.iter("Relations"))) == 1


def test_label_config_shows_choices_only_for_their_label(
    root: ET.Element, schema: LabelSchema
) -> None:
    choices = {c.get("name"): c for c in root.iter("Choices")}
    for label, attribute in schema.attributes:
        element = choices[attribute.name]
        assert element.get("perRegion") == "true"
        # Label Studio's Required mixin skips a region whose label is not
        # `whenLabelValue` (set on the Choices itself, not only its View).
        assert element.get("visibleWhen") == "region-selected"
        assert element.get("whenTagName") == LABELS_CONTROL
        assert element.get("whenLabelValue") == label.name
        assert element.get("choice") == ("multiple" if attribute.multiple else "single")
        assert [c.get("value") for c in element] == list(attribute.values)
        box = _by_id(root, f"nk-attributes-{label.name.lower()}")
        assert element in list(box) and box.get("whenLabelValue") == label.name


def test_label_config_requires_every_required_attribute(
    root: ET.Element, schema: LabelSchema
) -> None:
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert all(attribute.required for _, attribute in schema.attributes)
    for label, attribute in schema.attributes:
        element = choices[attribute.name]
        assert element.get("required") == "true"
        message = element.get("requiredMessage")
        assert f"{label.name} region without {attribute.name}" in message
        assert "GUIDELINES" in message


def test_label_config_leaves_an_optional_attribute_unrequired() -> None:
    root = ET.fromstring(schema_to_label_config(_optional("route")))
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert choices["route"].get("required") is None
    assert choices["route"].get("requiredMessage") is None
    assert choices["direction"].get("required") == "true"


def test_label_config_has_a_task_level_review_control(root: ET.Element) -> None:
    box = _by_id(root, "nk-review")
    assert box in list(_by_id(root, SIDE_COLUMN_ID))
    header, review = list(box)
    assert (header.tag, header.get("value")) == ("Header", REVIEW_HEADER)
    assert review.tag == "Choices" and review.get("name") == REVIEW_CONTROL
    assert review.get("toName") == TEXT_OBJECT
    assert (review.get("choice"), review.get("showInline")) == ("single", "true")
    for per_region in ("perRegion", "required", "visibleWhen", "whenLabelValue"):
        assert review.get(per_region) is None, per_region
    [accept] = list(review)
    assert accept.get("value") == ACCEPT and accept.get("alias") is None  # alias would rename
    assert accept.get("hint") == ACCEPT_HINT == accept.get("html")


def test_label_config_passes_label_studios_own_validation(schema: LabelSchema) -> None:
    config = schema_to_label_config(schema)
    interface = LabelInterface(config)
    interface.validate()  # raises on a config Label Studio would refuse
    assert {c.name for c in interface.controls} == {LABELS_CONTROL, REVIEW_CONTROL} | {
        a.name for _, a in schema.attributes
    }
    clash = config.replace(f'name="{REVIEW_CONTROL}"', 'name="route"')
    assert not LabelInterface(clash).is_valid  # the same check refuses a duplicate name
