"""The schema's own model: what `labels.yaml` may declare, and its checks.

The YAML file is the single declaration; these pydantic models only say what a
valid declaration looks like. Every other artefact is derived from a loaded
`LabelSchema` (see `nkcorpus.schema.generate`).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nkcorpus.errors import SchemaError
from nkcorpus.schema.review import REVIEW_CONTROL

SCHEMA_FILE = Path(__file__).with_name("labels.yaml")

# Field names a span record already uses; an attribute may not take them.
RESERVED_FIELDS = frozenset({"id", "start", "end", "label", "text", "head", "tail", "type"})
# Control names the labeling config uses besides the attributes' own.
RESERVED_CONTROLS = frozenset({REVIEW_CONTROL})
_LABEL_NAME = re.compile(r"^[A-Z][A-Z_]*$")
_SNAKE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AttributeSpec(_Frozen):
    """A per-region choice of one label (a Label Studio `<Choices perRegion>`).

    A `required` attribute (the default) must be set on every region of its
    label: Label Studio refuses the submit without it and `validate` reports
    it (B146). `required: false` in labels.yaml makes it optional.
    """

    name: str
    description: str = ""
    values: tuple[str, ...] = Field(min_length=1)
    multiple: bool = False
    required: bool = True

    @field_validator("name")
    @classmethod
    def _name_is_snake_case(cls, name: str) -> str:
        if not _SNAKE_NAME.match(name):
            raise ValueError(f"attribute name {name!r} must be snake_case")
        if name in RESERVED_FIELDS:
            raise ValueError(f"attribute name {name!r} is reserved for span fields")
        if name in RESERVED_CONTROLS:
            raise ValueError(f"attribute name {name!r} is reserved for the review control")
        return name

    @field_validator("values")
    @classmethod
    def _values_unique_snake_case(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in values if not _SNAKE_NAME.match(v)]
        if bad:
            raise ValueError(f"choice values must be snake_case, got {bad}")
        if len(set(values)) != len(values):
            raise ValueError(f"choice values repeat: {list(values)}")
        return values


class LabelSpec(_Frozen):
    """A span label and the attributes an annotator sets on its regions."""

    name: str
    description: str
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    hotkey: str | None = Field(default=None, min_length=1, max_length=1)
    attributes: tuple[AttributeSpec, ...] = ()

    @field_validator("name")
    @classmethod
    def _name_is_upper(cls, name: str) -> str:
        if not _LABEL_NAME.match(name):
            raise ValueError(f"label name {name!r} must be UPPER_CASE")
        return name


class RelationSpec(_Frozen):
    """A directed relation type and the one (head label, tail label) pair it allows."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    head: str
    tail: str
    description: str = ""
    # The list column of the released `crossings` table that holds this
    # relation's other end (only for relations that touch CROSSING).
    crossings_column: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")


class LabelSchema(_Frozen):
    """The whole label schema, version `schema_version`."""

    schema_version: int = Field(ge=1)
    labels: tuple[LabelSpec, ...] = Field(min_length=1)
    relations: tuple[RelationSpec, ...] = ()

    @model_validator(mode="after")
    def _names_resolve(self) -> LabelSchema:
        label_names = [label.name for label in self.labels]
        if len(set(label_names)) != len(label_names):
            raise ValueError(f"label names repeat: {label_names}")
        # Label Studio identifies each <Choices> by name across the whole config.
        attribute_names = [a.name for label in self.labels for a in label.attributes]
        if len(set(attribute_names)) != len(attribute_names):
            raise ValueError(f"attribute names must be unique across labels: {attribute_names}")
        relation_names = [r.name for r in self.relations]
        if len(set(relation_names)) != len(relation_names):
            raise ValueError(f"relation names repeat: {relation_names}")
        for relation in self.relations:
            for end in (relation.head, relation.tail):
                if end not in label_names:
                    raise ValueError(
                        f"relation {relation.name!r} names label {end!r}, "
                        f"which is not one of {label_names}"
                    )
        return self

    # Lookups -----------------------------------------------------------------

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    def label(self, name: str) -> LabelSpec:
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(name)

    def relation(self, name: str) -> RelationSpec:
        for relation in self.relations:
            if relation.name == name:
                return relation
        raise KeyError(name)

    @property
    def attributes(self) -> list[tuple[LabelSpec, AttributeSpec]]:
        """Every (label, attribute) pair, in declaration order."""
        return [(label, a) for label in self.labels for a in label.attributes]

    def required_attributes(self, label: str) -> list[AttributeSpec]:
        """The attributes every region of `label` must set (none for an unknown label)."""
        if label not in self.label_names:
            return []
        return [a for a in self.label(label).attributes if a.required]

    def attribute(self, name: str) -> tuple[LabelSpec, AttributeSpec]:
        for label, attribute in self.attributes:
            if attribute.name == name:
                return label, attribute
        raise KeyError(name)

    def canonical_dump(self) -> dict[str, object]:
        """The schema as JSON data, defaults that predate a field left out.

        `required: true` is the default of an attribute and is omitted, so a
        schema that marks nothing optional dumps (and hashes) exactly as it
        did before attributes could be optional.
        """
        data = self.model_dump(mode="json")
        for label in data["labels"]:
            for attribute in label["attributes"]:
                if attribute["required"]:
                    del attribute["required"]
        return data

    @cached_property
    def schema_hash(self) -> str:
        """sha256 of the canonical JSON of the schema; changes with any edit that matters."""
        canonical = json.dumps(self.canonical_dump(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_schema(path: Path | None = None) -> LabelSchema:
    """Read and check a schema file (default: the packaged `labels.yaml`).

    >>> load_schema().label("CROSSING").attributes[0].name
    'direction'
    """
    path = SCHEMA_FILE if path is None else Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError("S001", f"{path}: cannot read the schema file: {exc}") from exc
    try:
        return LabelSchema.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SchemaError("S002", f"{path}: invalid schema: {problems}. Fix labels.yaml.") from exc
