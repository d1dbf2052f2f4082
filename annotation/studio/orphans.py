"""Would a new label schema orphan existing annotations?

A labeling-config change is safe when every label, attribute, choice value and
relation that existing annotations (and drafts) use is still in the schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nkcorpus.schema.label_config import LABELS_CONTROL, TEXT_OBJECT
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.review import is_review_item


@dataclass(frozen=True)
class Orphan:
    """One thing existing annotations use that the new schema lacks."""

    kind: str  # "label", "attribute", "choice", "relation" or "control"
    name: str  # e.g. "MOTIVE", "route", "direction=sea", "agent"
    annotations: int  # how many annotations/drafts use it
    task_ids: tuple[int, ...]

    def describe(self, shown: int = 5) -> str:
        tasks = ", ".join(f"#{t}" for t in self.task_ids[:shown])
        more = f" and {len(self.task_ids) - shown} more" if len(self.task_ids) > shown else ""
        uses = f"{self.annotations} annotation(s)/draft(s)"
        return f"{self.kind} {self.name!r}: {uses}, tasks {tasks}{more}"


def _uses(result: Iterable[Mapping[str, Any]]) -> set[tuple[str, str, str]]:
    """(kind, control, value) for everything one annotation result uses."""
    found: set[tuple[str, str, str]] = set()
    for item in result:
        kind = item.get("type")
        value = item.get("value") or {}
        if kind == "relation":
            found.update(("relation", "", name) for name in item.get("labels") or [])
        elif kind == "labels" and item.get("from_name") == LABELS_CONTROL:
            found.update(("label", "", name) for name in value.get("labels") or [])
        elif is_review_item(item):
            continue  # the review control is part of every generated config
        elif kind == "choices":
            control = str(item.get("from_name"))
            found.add(("attribute", control, ""))
            found.update(("choice", control, name) for name in value.get("choices") or [])
        else:
            found.add(("control", str(item.get("from_name")), str(kind)))
        if kind != "relation" and item.get("to_name") not in (None, TEXT_OBJECT):
            found.add(("control", f"toName={item.get('to_name')}", str(kind)))
    return found


def _missing(use: tuple[str, str, str], schema: LabelSchema) -> str | None:
    """The orphan's name if the schema lacks `use`, else None."""
    kind, control, value = use
    attributes = {a.name: set(a.values) for _, a in schema.attributes}
    if kind == "label":
        return None if value in schema.label_names else value
    if kind == "relation":
        return None if value in {r.name for r in schema.relations} else value
    if kind == "attribute":
        return None if control in attributes else control
    if kind == "choice":  # a missing attribute is reported once, as an attribute
        if control not in attributes or value in attributes[control]:
            return None
        return f"{control}={value}"
    return f"{control} ({value})"


def find_orphans(tasks: Iterable[Mapping[str, Any]], schema: LabelSchema) -> list[Orphan]:
    """What the annotations and drafts of exported `tasks` use that `schema` lacks."""
    counts: dict[tuple[str, str], int] = {}
    task_sets: dict[tuple[str, str], set[int]] = {}
    for task in tasks:
        for annotation in [*(task.get("annotations") or []), *(task.get("drafts") or [])]:
            if not isinstance(annotation, Mapping):
                continue
            missing = set()
            for use in _uses(annotation.get("result") or []):
                name = _missing(use, schema)
                if name is not None:
                    missing.add((use[0], name))
            for key in missing:
                counts[key] = counts.get(key, 0) + 1
                task_sets.setdefault(key, set()).add(int(task.get("id") or 0))
    return [
        Orphan(kind, name, counts[(kind, name)], tuple(sorted(task_sets[(kind, name)])))
        for kind, name in sorted(counts)
    ]


def orphans_message(orphans: list[Orphan]) -> str:
    """Why a config change is refused, and what to do."""
    listing = "\n".join(f"  - {o.describe()}" for o in orphans)
    return (
        "the new label schema would orphan existing annotations; Label Studio's config "
        f"was NOT changed. In use but missing from schema/labels.yaml:\n{listing}\n"
        "Either keep these in schema/labels.yaml (and bump schema_version if you rename), "
        "or first change or delete those annotations in Label Studio, then sync again."
    )
