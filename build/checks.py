"""Region and relation checks of one schema: the pydantic row models of the
release, plus what a model cannot see (offsets against the text, an attribute
set on another label's region, a required attribute left unset, relation
endpoints and allowed label pairs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from nkcorpus.build.report import Problem
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import record_models

_RELABEL = "fix it in Label Studio and pull again"
_SPAN_KEYS = ("id", "start", "end", "label", "text")
_UNSET = (None, [], "")  # an attribute with one of these values is not set


class Checker:
    """Region and relation checks of one schema; appends to `problems`."""

    def __init__(self, schema: LabelSchema, problems: list[Problem]) -> None:
        self.schema, self.problems = schema, problems
        self.models = record_models(schema)

    def spans(self, spans: list[dict[str, Any]], text: str, **where: Any) -> list[dict[str, Any]]:
        valid = []
        for span in spans:
            count = len(self.problems)
            at = {**where, "region_id": span["id"]}
            span = self._without_unset(span)
            self._ownership(span, at)
            self._required(span, at)
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

    def _without_unset(self, span: dict[str, Any]) -> dict[str, Any]:
        """`span` without its unset attributes (null, an empty list or string):
        an unset attribute takes the row model's default instead of being an
        invalid choice, and `_required` reports it when the schema requires it."""
        names = {a.name for _, a in self.schema.attributes}
        return {k: v for k, v in span.items() if k not in names or v not in _UNSET}

    def _required(self, span: Mapping[str, Any], at: dict[str, Any]) -> None:
        """B146: a required attribute of the region's label that is unset:
        Label Studio refuses such a submit, but an API-made or older
        annotation can still carry one."""
        label = span.get("label")
        if not isinstance(label, str):
            return  # no single label: B131 names it
        for attribute in self.schema.required_attributes(label):
            if span.get(attribute.name) in _UNSET:
                message = (
                    f"{label} region {span.get('text')!r} has no {attribute.name} "
                    f"(one of {list(attribute.values)}): select the region in Label Studio, "
                    f"choose a {attribute.name} and update; GUIDELINES gives the rule"
                )
                self._add("B146", message, **at)

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
