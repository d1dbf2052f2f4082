"""Every column of every released config, documented from one place.

`records_to_field_docs` walks the row models of `nkcorpus.schema.records` (the single
declaration of every released column: its `Field(description=..., examples=[...])`)
beside the `datasets.Features` the release is written with (the types the card's
`dataset_info` declares). The card's *Data Fields* section and the Croissant field
descriptions are both made from its result, so they cannot disagree with each other or
with `dataset_info`. Nested columns are listed under their parent with dotted paths
(`spans.start`, `agents.text`).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import datasets
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from nkcorpus.schema.model import LabelSchema

EXAMPLE_WIDTH = 60  # characters of an example shown in the card's table


@dataclass(frozen=True)
class FieldDoc:
    """One column (or nested column) of one config."""

    config: str
    path: str  # dotted below the column: "spans.start"
    type: str  # from the feature: "int32", "list of string", "class label", "list of struct"
    names: tuple[str, ...]  # class-label names, () for other types
    nullable: bool
    description: str  # "" where the record model gives none
    examples: tuple[Any, ...]
    nested: bool  # a struct or a list of structs: its keys are listed after it

    @property
    def name(self) -> str:
        return f"{self.config}.{self.path}"


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type below Annotated, `X | None` and lists, whether it is nullable)."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(options) < len(typing.get_args(annotation))
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation, nullable
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, nullable


def feature_to_type(feature: Any) -> str:
    """The card's name of a `datasets` feature's type.

    >>> feature_to_type(datasets.List(datasets.ClassLabel(names=["O"])))
    'list of class label'
    """
    if isinstance(feature, datasets.List | datasets.LargeList):
        return f"list of {feature_to_type(feature.feature)}"
    if isinstance(feature, datasets.ClassLabel):
        return "class label"
    if isinstance(feature, datasets.Value):
        return feature.dtype
    if isinstance(feature, dict):
        return "struct"
    return type(feature).__name__


def _below_lists(feature: Any) -> Any:
    while isinstance(feature, datasets.List | datasets.LargeList):
        feature = feature.feature
    return feature


def _model_docs(
    config: str, model: type[BaseModel], struct: Mapping[str, Any], prefix: str
) -> list[FieldDoc]:
    docs: list[FieldDoc] = []
    for key, info in model.model_fields.items():
        if key not in struct:
            raise ValueError(f"{config}: {prefix}{key} is in the record model but not a feature")
        feature = struct[key]
        inner, nullable = _unwrap(info.annotation)
        leaf = _below_lists(feature)
        docs.append(
            FieldDoc(
                config=config,
                path=f"{prefix}{key}",
                type=feature_to_type(feature),
                names=tuple(leaf.names) if isinstance(leaf, datasets.ClassLabel) else (),
                nullable=nullable,
                description=_text(info),
                examples=tuple(info.examples or ()),
                nested=isinstance(leaf, dict),
            )
        )
        if isinstance(inner, type) and issubclass(inner, BaseModel) and isinstance(leaf, dict):
            docs += _model_docs(config, inner, leaf, f"{prefix}{key}.")
    return docs


def _text(info: FieldInfo) -> str:
    return " ".join((info.description or "").split())


def records_to_field_docs(
    tables: Mapping[str, type[BaseModel]], features: Mapping[str, datasets.Features]
) -> list[FieldDoc]:
    """Every column of every config in `features`, nested ones after their parent, in
    the models' field order. Raises ValueError when a config or column of `features`
    has no record model field, or the reverse."""
    if sorted(tables) != sorted(features):
        raise ValueError(
            f"configs with models {sorted(tables)} != with features {sorted(features)}"
        )
    docs: list[FieldDoc] = []
    for config, model in tables.items():
        struct = dict(features[config])
        if extra := sorted(set(struct) - set(model.model_fields)):
            raise ValueError(f"{config}: columns {extra} have no record model field")
        docs += _model_docs(config, model, struct, "")
    return docs


def schema_to_field_docs(
    schema: LabelSchema, features: Mapping[str, datasets.Features] | None = None
) -> list[FieldDoc]:
    """`records_to_field_docs` of the schema's record models (features default to the
    schema's own)."""
    from nkcorpus.schema.features import schema_to_features
    from nkcorpus.schema.records import schema_to_record_models

    tables = schema_to_record_models(schema).tables()
    return records_to_field_docs(
        tables, schema_to_features(schema) if features is None else features
    )


def undocumented(docs: Sequence[FieldDoc]) -> list[str]:
    """`config.path: what is missing` for every column without a description, and every
    column that is not a struct without an example."""
    problems = []
    for doc in docs:
        missing = [
            what
            for what, lacking in (("description", not doc.description),
                                  ("example", not doc.examples and not doc.nested))
            if lacking
        ]  # fmt: skip
        if missing:
            problems.append(f"{doc.name}: no {' and no '.join(missing)}")
    return problems


def field_descriptions(docs: Sequence[FieldDoc]) -> dict[str, dict[str, str]]:
    """config -> dotted path -> description, for Croissant (class-label names are added
    there from the features)."""
    out: dict[str, dict[str, str]] = {}
    for doc in docs:
        if doc.description:
            text = doc.description + (" May be null." if doc.nullable else "")
            out.setdefault(doc.config, {})[doc.path] = text
    return out


def example_to_markdown(value: Any, width: int = EXAMPLE_WIDTH) -> str:
    """One example as inline code, cut to `width` characters.

    >>> example_to_markdown("a|b"), example_to_markdown(None), example_to_markdown("x" * 70, 8)
    ('`"a\\\\|b"`', '`null`', '`"xxxxxx…`')
    """
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _type_cell(doc: FieldDoc) -> str:
    text = doc.type + (", nullable" if doc.nullable else "")
    if doc.names:
        text += ": " + ", ".join(f"{i} `{name}`" for i, name in enumerate(doc.names))
    return text


def field_docs_to_markdown(
    docs: Sequence[FieldDoc], summaries: Mapping[str, str] | None = None
) -> str:
    """One table per config (type, meaning, example); `summaries` (config -> text) opens each."""
    parts = []
    for config in dict.fromkeys(doc.config for doc in docs):
        lines = [f"#### `{config}`", ""]
        if summaries and summaries.get(config):
            lines += [_cell(summaries[config]), ""]
        lines += ["| field | type | meaning | example |", "|---|---|---|---|"]
        for doc in (d for d in docs if d.config == config):
            example = example_to_markdown(doc.examples[0]) if doc.examples else ""
            meaning = _cell(doc.description) or "*(undocumented)*"
            lines.append(f"| `{doc.path}` | {_type_cell(doc)} | {meaning} | {example} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def relations_to_markdown(schema: LabelSchema) -> str:
    """Each relation's direction: head label -> tail label, as `documents.relations` stores it."""
    lines = [
        f"- `{r.name}`: `{r.head}` -> `{r.tail}`: {_cell(r.description) or 'no description'}"
        for r in schema.relations
    ]
    return "\n".join(lines) or "The schema declares no relation."


def statistic_value_note(docs: Sequence[FieldDoc]) -> str:
    """What `statistics.value` holds and which unit `statistics.value_unit` gives it."""
    found = {doc.path: doc for doc in docs if doc.config == "statistics"}
    lines = []
    for path in ("value", "value_unit"):
        if (doc := found.get(path)) is None:
            continue
        text = f"- `statistics.{path}` ({_type_cell(doc)}): {_cell(doc.description) or '-'}"
        if doc.examples and not doc.names:
            text += " Examples: " + ", ".join(example_to_markdown(e) for e in doc.examples) + "."
        lines.append(text)
    return "\n".join(lines)
