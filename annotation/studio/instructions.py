"""The project instructions Label Studio shows on the labeling screen.

`sync` stores them as the project's `expert_instruction` (HTML) with
`show_instruction` on, so annotators find the guidelines where they label: at
the top the labels, their hotkeys, attributes and values and the relations,
from the schema; below, the whole of `annotation/GUIDELINES.md` converted to
HTML (`markdown.py`), its per-label rules under their `## LABEL` headings.
The text depends only on the schema and the guidelines file, so a sync
rewrites it exactly when one of them changed.
"""

from __future__ import annotations

import html
from pathlib import Path

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import api_call
from nkcorpus.annotation.studio.markdown import inline, markdown_to_html
from nkcorpus.errors import StudioError
from nkcorpus.schema.model import AttributeSpec, LabelSchema

# Beside the package, as the schema is (`nkcorpus.schema.model.SCHEMA_FILE`):
# the guidelines that go with the schema this code was built for.
GUIDELINES_FILE = Path(__file__).resolve().parents[1] / "GUIDELINES.md"


def read_guidelines(path: Path | None = None) -> str:
    """The guidelines' Markdown (default: `GUIDELINES_FILE`); A124 if unreadable."""
    path = GUIDELINES_FILE if path is None else Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StudioError(
            "A124",
            f"cannot read the annotation guidelines {path} ({exc}), which `studio sync` shows "
            "annotators as the project instructions. Restore the file "
            "(`git checkout annotation/GUIDELINES.md`) and sync again.",
        ) from exc


def _attribute_html(attribute: AttributeSpec) -> str:
    how = "one or more values" if attribute.multiple else "one value"
    if not getattr(attribute, "required", True):
        how += ", optional"
    values = ", ".join(f"<code>{html.escape(v, quote=False)}</code>" for v in attribute.values)
    description = inline(attribute.description.strip())
    return (
        f"<li><code>{attribute.name}</code> ({how}){': ' + description if description else ''}"
        f"<br>{values}</li>"
    )


def schema_html(schema: LabelSchema) -> str:
    """The labels, attributes and relations of `schema` as HTML.

    >>> from nkcorpus.schema.model import load_schema
    >>> "<h3>PERSON <small>(hotkey p)</small></h3>" in schema_html(load_schema())
    True
    """
    out = [
        f"<h2>Labels and attributes (schema_version {schema.schema_version})</h2>",
        "<p>Select a label (or press its hotkey), then the text. Select a region to set its "
        "attributes: every attribute of every region is set unless marked optional.</p>",
    ]
    for label in schema.labels:
        hotkey = (
            f" <small>(hotkey {html.escape(label.hotkey, quote=False)})</small>"
            if label.hotkey
            else ""
        )
        out.append(f"<h3>{label.name}{hotkey}</h3>")
        out.append(f"<p>{inline(' '.join(label.description.split()))}</p>")
        if label.attributes:
            out.append("<ul>")
            out.extend(_attribute_html(a) for a in label.attributes)
            out.append("</ul>")
    if schema.relations:
        out.append("<h3>Relations</h3>")
        out.append("<ul>")
        for relation in schema.relations:
            description = inline(relation.description.strip())
            out.append(
                f"<li><code>{relation.name}</code>: {relation.head} → {relation.tail}"
                f"{': ' + description if description else ''}</li>"
            )
        out.append("</ul>")
    return "\n".join(out) + "\n"


def project_instructions(schema: LabelSchema, guidelines: str) -> str:
    """The project's `expert_instruction`: the schema, then the guidelines."""
    return f"{schema_html(schema)}<hr>\n{markdown_to_html(guidelines)}"


def update_instructions(client: LabelStudio, url: str, project_id: int, instructions: str) -> bool:
    """Store `instructions` and switch `show_instruction` on; False if both already were."""
    with api_call(url, "reading the project's instructions"):
        project = client.projects.get(project_id)
    if (project.expert_instruction or "") == instructions and project.show_instruction:
        return False
    with api_call(url, "updating the project's instructions"):
        client.projects.update(project_id, expert_instruction=instructions, show_instruction=True)
    return True
