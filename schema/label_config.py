"""Schema -> Label Studio labeling config (XML).

The screen is one flex row: the title and the text on the left, and on the
right a sticky side column (`SIDE_COLUMN_ID`) that stays in view while the
text scrolls. The column holds the labels, the attribute controls of the
selected region and the task-level review control; `<Relations>` renders
nothing itself (Label Studio offers the relation types in its own Relations
panel), so where it sits does not matter.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from nkcorpus.schema.model import AttributeSpec, LabelSchema, LabelSpec
from nkcorpus.schema.review import ACCEPT, ACCEPT_HINT, REVIEW_CONTROL

# Names the rest of the tool relies on: the span control, the text object.
LABELS_CONTROL = "label"
TEXT_OBJECT = "text"

# The layout: element ids (Label Studio's `idAttr`) a browser can target.
ROW_ID = "nk-layout"
TEXT_COLUMN_ID = "nk-text-column"
SIDE_COLUMN_ID = "nk-side-column"
ATTRIBUTES_BOX_ID = "nk-attributes"
REVIEW_BOX_ID = "nk-review"
REVIEW_HEADER = "Review (reviewers only)"
ROW_STYLE = "display: flex; flex-direction: row; align-items: flex-start; gap: 16px"
TEXT_COLUMN_STYLE = "flex: 1 1 0; min-width: 0"
# Sticky against Label Studio's scrolling main content (`.lsf-main-content`);
# its height is the window's less Label Studio's own bars, hence the margin.
SIDE_COLUMN_STYLE = (
    "flex: 0 0 320px; width: 320px; position: sticky; top: 0; align-self: flex-start; "
    "max-height: calc(100vh - 160px); overflow-y: auto; padding: 0 8px 8px 12px; "
    "border-left: 1px solid #ddd; box-sizing: border-box"
)


def _escape(value: str) -> str:
    return quoteattr(value)


def label_view_id(label: LabelSpec) -> str:
    """The `idAttr` of the box of `label`'s attribute controls."""
    return f"nk-attributes-{label.name.lower()}"


def required_message(label: LabelSpec, attribute: AttributeSpec) -> str:
    """What Label Studio shows when a submit lacks a required attribute."""
    how_many = "at least one" if attribute.multiple else "one"
    return (
        f"{label.name} region without {attribute.name}: select the highlighted region and "
        f"choose {how_many} of {', '.join(attribute.values)}. GUIDELINES gives the rule."
    )


def _attribute_lines(label: LabelSpec) -> list[str]:
    when = f'visibleWhen="region-selected" whenTagName="{LABELS_CONTROL}" ' + (
        f"whenLabelValue={_escape(label.name)}"
    )
    lines = [f"      <View idAttr={_escape(label_view_id(label))} {when}>"]
    for attribute in label.attributes:
        choice = "multiple" if attribute.multiple else "single"
        required = (
            f' required="true" requiredMessage={_escape(required_message(label, attribute))}'
            if attribute.required
            else ""
        )
        lines.append(f"        <Header value={_escape(f'{label.name}: {attribute.name}')}/>")
        lines.append(
            f'        <Choices name={_escape(attribute.name)} toName="{TEXT_OBJECT}" '
            f'perRegion="true" choice="{choice}" showInline="true"{required} {when}>'
        )
        for value in attribute.values:
            lines.append(f"          <Choice value={_escape(value)}/>")
        lines.append("        </Choices>")
    lines.append("      </View>")
    return lines


def schema_to_label_config(schema: LabelSchema) -> str:
    """The Label Studio labeling config for `schema`.

    Spans are `<Labels name="label" toName="text">` over `<Text name="text">`;
    each attribute is a per-region `<Choices>` shown only while a region of its
    label is selected, `required` unless the schema makes it optional;
    relations are `<Relations>`; `<Choices name="review">` is the task-level
    review mark (`nkcorpus.schema.review`).

    >>> from nkcorpus.schema.model import load_schema
    >>> '<Labels name="label" toName="text"' in schema_to_label_config(load_schema())
    True
    """
    lines = [
        f"<!-- Generated from schema/labels.yaml (schema_version {schema.schema_version}, "
        f"sha256 {schema.schema_hash[:12]}) by `nkcorpus schema write`. Do not edit. -->",
        f'<View idAttr="{ROW_ID}" style="{ROW_STYLE}">',
        f'  <View idAttr="{TEXT_COLUMN_ID}" style="{TEXT_COLUMN_STYLE}">',
        '    <Header value="$title"/>',
        f'    <Text name="{TEXT_OBJECT}" value="$text"/>',
        "  </View>",
        f'  <View idAttr="{SIDE_COLUMN_ID}" style="{SIDE_COLUMN_STYLE}">',
        '    <Header value="Labels" size="5"/>',
        f'    <Labels name="{LABELS_CONTROL}" toName="{TEXT_OBJECT}">',
    ]
    for label in schema.labels:
        hotkey = f" hotkey={_escape(label.hotkey)}" if label.hotkey else ""
        lines.append(
            f"      <Label value={_escape(label.name)} background={_escape(label.color)}"
            f"{hotkey} hint={_escape(label.description)}/>"
        )
    lines.append("    </Labels>")
    lines.append(f'    <View idAttr="{ATTRIBUTES_BOX_ID}">')
    for label in schema.labels:
        if label.attributes:
            lines += _attribute_lines(label)
    lines.append("    </View>")
    if schema.relations:
        # Renders nothing here: Label Studio offers the types in its Relations panel.
        lines.append("    <Relations>")
        for relation in schema.relations:
            lines.append(f"      <Relation value={_escape(relation.name)}/>")
        lines.append("    </Relations>")
    lines += [
        f'    <View idAttr="{REVIEW_BOX_ID}">',
        f'      <Header value={_escape(REVIEW_HEADER)} size="5"/>',
        f'      <Choices name="{REVIEW_CONTROL}" toName="{TEXT_OBJECT}" choice="single" '
        'showInline="true">',
        f"        <Choice value={_escape(ACCEPT)} html={_escape(ACCEPT_HINT)} "
        f"hint={_escape(ACCEPT_HINT)}/>",
        "      </Choices>",
        "    </View>",
        "  </View>",
        "</View>",
    ]
    return "\n".join(lines) + "\n"
