"""Schema -> Label Studio labeling config (XML)."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from nkcorpus.schema.model import LabelSchema

# Names the rest of the tool relies on: the span control, the text object.
LABELS_CONTROL = "label"
TEXT_OBJECT = "text"


def _escape(value: str) -> str:
    return quoteattr(value)


def schema_to_label_config(schema: LabelSchema) -> str:
    """The Label Studio labeling config for `schema`.

    Spans are `<Labels name="label" toName="text">` over `<Text name="text">`;
    each attribute is a per-region `<Choices>` shown only while a region of its
    label is selected; relations are `<Relations>`.

    >>> from nkcorpus.schema.model import load_schema
    >>> '<Labels name="label" toName="text"' in schema_to_label_config(load_schema())
    True
    """
    lines = [
        f"<!-- Generated from schema/labels.yaml (schema_version {schema.schema_version}, "
        f"sha256 {schema.schema_hash[:12]}) by `nkcorpus schema write`. Do not edit. -->",
        "<View>",
        '  <Header value="$title"/>',
        f'  <Labels name="{LABELS_CONTROL}" toName="{TEXT_OBJECT}">',
    ]
    for label in schema.labels:
        hotkey = f" hotkey={_escape(label.hotkey)}" if label.hotkey else ""
        lines.append(
            f"    <Label value={_escape(label.name)} background={_escape(label.color)}"
            f"{hotkey} hint={_escape(label.description)}/>"
        )
    lines.append("  </Labels>")
    if schema.relations:
        lines.append("  <Relations>")
        for relation in schema.relations:
            lines.append(f"    <Relation value={_escape(relation.name)}/>")
        lines.append("  </Relations>")
    lines.append(f'  <Text name="{TEXT_OBJECT}" value="$text"/>')
    for label in schema.labels:
        if not label.attributes:
            continue
        lines.append(
            f'  <View visibleWhen="region-selected" whenTagName="{LABELS_CONTROL}" '
            f"whenLabelValue={_escape(label.name)}>"
        )
        for attribute in label.attributes:
            choice = "multiple" if attribute.multiple else "single"
            lines.append(f"    <Header value={_escape(f'{label.name}: {attribute.name}')}/>")
            lines.append(
                f'    <Choices name={_escape(attribute.name)} toName="{TEXT_OBJECT}" '
                f'perRegion="true" choice="{choice}" showInline="true" '
                f'visibleWhen="region-selected" whenTagName="{LABELS_CONTROL}" '
                f"whenLabelValue={_escape(label.name)}>"
            )
            for value in attribute.values:
                lines.append(f"      <Choice value={_escape(value)}/>")
            lines.append("    </Choices>")
        lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"
