"""What a project's labeling config asks of the browser: the label hotkeys, each
label's attribute controls (with the header that names them on screen), the
relation types and the task-level review control, read from the XML the server
holds, so the page helpers follow the config instead of hard-coding it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    """A per-region `<Choices>` shown while a region of `label` is selected."""

    label: str
    name: str
    header: str  # the `<Header>` just before it: how the page names the control group
    values: tuple[str, ...]
    multiple: bool
    required: bool
    required_message: str | None


@dataclass(frozen=True)
class Review:
    """The task-level `<Choices>` a reviewer sets to accept an annotation."""

    name: str
    header: str
    accept: str


@dataclass(frozen=True)
class LabelingConfig:
    hotkeys: dict[str, str]  # label -> hotkey
    attributes: tuple[Attribute, ...]
    relations: tuple[str, ...]
    review: Review | None

    def attributes_of(self, label: str) -> list[Attribute]:
        return [a for a in self.attributes if a.label == label]

    def attribute(self, label: str, name: str) -> Attribute:
        [found] = [a for a in self.attributes_of(label) if a.name == name]
        return found

    @property
    def required(self) -> list[Attribute]:
        return [a for a in self.attributes if a.required]


def _true(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _header_before(parent: ET.Element, child: ET.Element) -> str | None:
    header = None
    for element in parent:
        if element is child:
            return header
        if element.tag == "Header":
            header = element.get("value")
    return None


def parse_label_config(xml: str) -> LabelingConfig:
    """The parts of a Label Studio labeling config the browser test drives."""
    root = ET.fromstring(xml)
    parents = {child: parent for parent in root.iter() for child in parent}
    hotkeys = {
        label.get("value", ""): label.get("hotkey", "")
        for labels in root.iter("Labels")
        for label in labels.iter("Label")
    }
    attributes: list[Attribute] = []
    review = None
    for choices in root.iter("Choices"):
        name = choices.get("name", "")
        header = _header_before(parents[choices], choices)
        values = tuple(c.get("value", "") for c in choices.iter("Choice"))
        if header is None:
            raise AssertionError(
                f"<Choices name={name!r}> has no <Header> before it: the browser test "
                "finds each control group by the header shown above it"
            )
        if not _true(choices.get("perRegion")):
            review = Review(name, header, values[0])
            continue
        attributes.append(
            Attribute(
                label=choices.get("whenLabelValue", ""),
                name=name,
                header=header,
                values=values,
                multiple=choices.get("choice") == "multiple",
                required=_true(choices.get("required")),
                required_message=choices.get("requiredMessage"),
            )
        )
    relations = tuple(r.get("value", "") for r in root.iter("Relation"))
    return LabelingConfig(hotkeys, tuple(attributes), relations, review)
