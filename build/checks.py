"""Region and relation checks of one schema: the pydantic row models of the
release, plus what a model cannot see (offsets against the text, an attribute
set on another label's region, relation endpoints and allowed label pairs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from nkcorpus.build.report import Problem
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models

_RELABEL = "fix it in Label Studio and pull again"
_SPAN_KEYS = ("id", "start", "end", "label", "text")


class Checker:
    """Region and relation checks of one schema; appends to `problems`."""

    def __init__(self, schema: LabelSchema, problems: list[Problem]) -> None:
        self.schema, self.problems = schema, problems
        self.models = schema_to_record_models(schema)

    def spans(self, spans: list[dict[str, Any]], text: str, **where: Any) -> list[dict[str, Any]]:
        valid = []
        for span in spans:
            count = len(self.problems)
            at = {**where, "region_id": span["id"]}
            self._ownership(span, at)
            try:
                model = self.models.span.model_validate(span)
            except ValidationError as exc:
                for error in exc.errors():
                    self._add("B131", self._span_error(span, error), **at)
                continue
            start, end = model.start, model.end
            if not start < end <= len(text):
                self._add(
                    "B133",
                    f"offsets [{start}, {end}) fall outside the text "
                    f"(length {len(text)}) or are empty; redraw the region",
                    **at,
                )
            elif text[start:end] != model.text:
                self._add(
                    "B134",
                    f"text[{start}:{end}] is {text[start:end]!r}, but the region "
                    f"says {model.text!r}; redraw the region",
                    **at,
                )
            if len(self.problems) == count:
                valid.append(model.model_dump(mode="json"))
        return valid

    def _ownership(self, span: Mapping[str, Any], at: dict[str, Any]) -> None:
        """An attribute of another label set on this region (the row model allows it)."""
        attributes = {a.name: owner.name for owner, a in self.schema.attributes}
        label = span.get("label")
        for name in sorted(span.keys() & attributes.keys()):
            if label in self.schema.label_names and attributes[name] != label:
                message = (
                    f"attribute {name!r} belongs to {attributes[name]}, not to {label}; "
                    f"remove the choice or relabel ({_RELABEL})"
                )
                self._add("B132", message, **at)

    def _span_error(self, span: Mapping[str, Any], error: Mapping[str, Any]) -> str:
        field, bad = str(error["loc"][0]), error.get("input")
        if field == "label":
            return (
                f"label {bad!r} is not in the schema ({', '.join(self.schema.label_names)}); "
                f"relabel the region ({_RELABEL}) or declare the label in labels.yaml"
            )
        if error["type"] == "extra_forbidden":
            return f"attribute {field!r} is not in the schema; remove the choice ({_RELABEL})"
        if field in {a.name for _, a in self.schema.attributes}:
            _, spec = self.schema.attribute(field)
            if isinstance(bad, list):
                return f"{field} takes one choice, got {bad}; keep one ({_RELABEL})"
            return f"{field} = {bad!r} is not one of {list(spec.values)}; choose again ({_RELABEL})"
        return f"{field} = {span.get(field)!r}: {error['msg']}; {_RELABEL}"

    def relations(
        self, relations: list[dict[str, Any]], labels: Mapping[str, Any], **where: Any
    ) -> list[dict[str, Any]]:
        valid = []
        names = [r.name for r in self.schema.relations]
        for relation in relations:
            at = {**where, "region_id": f"{relation['head']}->{relation['tail']}"}
            try:
                model = self.models.relation.model_validate(relation)
            except ValidationError:
                self._add(
                    "B140",
                    f"relation type {relation['type']!r} is not one of {names}; "
                    f"relabel the relation ({_RELABEL})",
                    **at,
                )
                continue
            missing = [e for e in (model.head, model.tail) if e not in labels]
            if missing:
                self._add(
                    "B141",
                    f"{model.type} relation points to missing region(s) "
                    f"{missing}; delete the relation ({_RELABEL})",
                    **at,
                )
                continue
            spec, pair = self.schema.relation(model.type), (labels[model.head], labels[model.tail])
            if pair != (spec.head, spec.tail):
                self._add(
                    "B142",
                    f"{model.type} links {pair[0]} -> {pair[1]}, but the schema "
                    f"allows {spec.head} -> {spec.tail} only; fix the relation "
                    f"({_RELABEL})",
                    **at,
                )
                continue
            valid.append(model.model_dump(mode="json"))
        return valid

    def _add(self, code: str, message: str, **where: Any) -> None:
        self.problems.append(Problem(code=code, message=message, **where))
