"""The project instructions: the schema's labels and attributes, then the
guidelines, stored by sync where the labeling screen shows them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.instructions import (
    GUIDELINES_FILE,
    project_instructions,
    read_guidelines,
    schema_html,
)
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.errors import StudioError
from nkcorpus.schema.model import LabelSchema, load_schema
from tests.annotation.conftest import Studio, make_task

GUIDE = "# Guide\n\n## PERSON\n\nA person.\n\n## CROSSING\n\n- **moves** across\n"


def test_the_schema_part_lists_every_label_attribute_value_and_relation() -> None:
    schema = load_schema()
    part = schema_html(schema)
    for label in schema.labels:
        assert f"<h3>{label.name} <small>(hotkey {label.hotkey})</small></h3>" in part
    for _, attribute in schema.attributes:
        how = "one or more values" if attribute.multiple else "one value"
        assert f"<li><code>{attribute.name}</code> ({how})" in part
        for value in attribute.values:
            assert f"<code>{value}</code>" in part
    for relation in schema.relations:
        assert f"<li><code>{relation.name}</code>: {relation.head} → {relation.tail}" in part


def test_an_optional_attribute_is_marked_so() -> None:
    raw = load_schema().model_dump(mode="json")
    attribute = raw["labels"][0]["attributes"][0]
    if "required" not in attribute:
        pytest.skip("this schema model has no optional attributes")
    attribute["required"] = False
    part = schema_html(LabelSchema.model_validate(raw))
    assert f"<li><code>{attribute['name']}</code> (one or more values, optional)" in part


def test_instructions_put_the_schema_first_then_each_label_rule_of_the_guidelines() -> None:
    schema = load_schema()
    instructions = project_instructions(schema, read_guidelines())
    assert instructions.startswith("<h2>Labels and attributes (schema_version ")
    headings = re.findall(r"<h2>([^<]+)</h2>", instructions)
    for label in schema.label_names:
        assert label in headings, f"no rule heading for {label}"
    assert instructions == project_instructions(schema, read_guidelines())  # deterministic
    assert project_instructions(schema, GUIDE).endswith(
        "<h1>Guide</h1>\n<h2>PERSON</h2>\n<p>A person.</p>\n<h2>CROSSING</h2>\n"
        "<ul>\n<li><strong>moves</strong> across</li>\n</ul>\n"
    )


def test_unreadable_guidelines_name_the_file_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "GUIDELINES.md"
    with pytest.raises(StudioError, match=rf"\[A124\] cannot read .*{missing}.*git checkout"):
        read_guidelines(missing)
    assert read_guidelines() == GUIDELINES_FILE.read_text(encoding="utf-8")


@pytest.mark.studio
def test_sync_shows_the_guidelines_on_the_labeling_screen(studio: Studio) -> None:
    client, title = connect(studio.url, studio.api_key), "nk-instructions"
    tasks, none = [make_task("i1", "Text.")], {}
    created = sync_project(client, studio.url, tasks, title=title, withheld=none)
    project = client.projects.get(created.project_id)
    assert project.show_instruction is True
    stored = project.expert_instruction or ""
    for label in load_schema().label_names:
        assert f"<h2>{label}</h2>" in stored  # each label's rules
        assert f"<h3>{label} <small>" in stored  # and its attributes
    assert stored == project_instructions(load_schema(), read_guidelines())  # kept as sent
    assert "instructions updated" in created.summary()

    client.projects.update(created.project_id, show_instruction=False)
    switched_off = sync_project(client, studio.url, tasks, title=title, withheld=none)
    assert (
        switched_off.instructions_updated
        and client.projects.get(created.project_id).show_instruction
    )
    same = sync_project(client, studio.url, tasks, title=title, withheld=none)
    assert not same.instructions_updated and "instructions unchanged" in same.summary()

    edited = sync_project(client, studio.url, tasks, title=title, withheld=none, guidelines=GUIDE)
    assert edited.instructions_updated
    assert "<li><strong>moves</strong> across</li>" in (
        client.projects.get(created.project_id).expert_instruction or ""
    )
