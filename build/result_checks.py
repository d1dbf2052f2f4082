"""The shape of one annotation's raw Label Studio `result`, checked before it
is read into spans (`nkcorpus.build.regions`), so that nothing is merged,
renamed or coerced without a word.

A region is one `labels` item plus one `choices` item per attribute, all with
the region's `id`, all with the same integer `start` and `end`. Relations are
`relation` items with `from_id` and `to_id`; the task-level review choice
(`nkcorpus.schema.review`) is no region. What breaks that is reported
here, with the region named:

- B136 the result, an item or its `value` is not of the expected JSON type;
- B137 a region item without an `id`;
- B138 two `labels` items, or two `choices` items of one attribute, share an
  `id` (two regions would be merged into one);
- B139 `start` or `end` is not an integer (a string, a float, a boolean);
- B143 a `choices` item without a `labels` item of its id, or with other
  offsets than it (an attribute that belongs to no region).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nkcorpus.schema.review import is_review_item

_REDRAW = "delete the region in Label Studio, draw it again and pull"
_REGION_TYPES = ("labels", "choices")
MAX_OFFSET = 2**53  # beyond any text we accept; keeps every later sum exact


@dataclass(frozen=True)
class ResultProblem:
    code: str
    region_id: str | None
    message: str


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _region_id(item: Mapping[str, Any]) -> str | None:
    value = item.get("id")
    return value if isinstance(value, str) and value.strip() else None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def result_to_problems(result: object) -> list[ResultProblem]:
    """Every structural problem of one annotation's `result`, in item order.

    >>> ok = [{"id": "a", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}]
    >>> result_to_problems(ok)
    []
    >>> twice = ok + [{"id": "a", "type": "labels",
    ...                "value": {"start": "4", "end": 7, "labels": ["PERSON"]}}]
    >>> [(p.code, p.region_id) for p in result_to_problems(twice)]
    [('B139', 'a'), ('B138', 'a')]
    """
    if result is None:
        return []
    if not isinstance(result, list):
        return [ResultProblem("B136", None, f"`result` is {_shown(result)}, not a list; re-pull")]
    problems: list[ResultProblem] = []
    labels: dict[str, tuple[object, object]] = {}
    choices: dict[tuple[str, str], tuple[int, object, object]] = {}
    for index, item in enumerate(result):
        if not isinstance(item, Mapping):
            problems.append(
                ResultProblem("B136", None, f"result item {index} is {_shown(item)}, not an object")
            )
            continue
        kind = item.get("type")
        if kind == "relation":
            continue  # endpoints and types are checked by `Checker.relations`
        if is_review_item(item):
            continue  # the task-level review mark: no region (`nkcorpus.build.gold` reads it)
        if kind not in _REGION_TYPES:
            continue  # other controls: not part of the schema's regions
        region = _region_id(item)
        value = item.get("value")
        if region is None:
            problems.append(
                ResultProblem(
                    "B137",
                    None,
                    f"result item {index} ({kind}) has no region id (id={_shown(item.get('id'))}); "
                    f"{_REDRAW}",
                )
            )
        if not isinstance(value, Mapping):
            problems.append(
                ResultProblem("B136", region, f"`value` of a {kind} item is {_shown(value)}")
            )
            continue
        if not isinstance(value.get(kind), list):
            problems.append(
                ResultProblem(
                    "B136",
                    region,
                    f"`{kind}` of a {kind} item is {_shown(value.get(kind))}, "
                    f"not a list; {_REDRAW}",
                )
            )
        start, end = value.get("start"), value.get("end")
        for name, offset in (("start", start), ("end", end)):
            if not _is_int(offset) or not 0 <= offset <= MAX_OFFSET:
                problems.append(
                    ResultProblem(
                        "B139",
                        region,
                        f"{kind} `{name}` is {_shown(offset)}, not a code-point offset "
                        f"(an integer 0..{MAX_OFFSET}); {_REDRAW}",
                    )
                )
        if region is None:
            continue  # reported above; nothing to pair it with
        if kind == "labels":
            if region in labels:
                problems.append(
                    ResultProblem(
                        "B138",
                        region,
                        f"two regions share the id {region!r} (at {_shown(labels[region])} and "
                        f"{_shown((start, end))}); they would be merged into one. Delete one "
                        "and draw it again in Label Studio, then pull",
                    )
                )
            else:
                labels[region] = (start, end)
        else:
            name = item.get("from_name")
            key = (region, str(name))
            if key in choices:
                problems.append(
                    ResultProblem(
                        "B138",
                        region,
                        f"attribute {name!r} is given twice for region {region!r} (result items "
                        f"{choices[key][0]} and {index}); set it once in Label Studio and pull",
                    )
                )
            else:
                choices[key] = (index, start, end)
    for (region, name), (index, start, end) in choices.items():
        if region not in labels:
            problems.append(
                ResultProblem(
                    "B143",
                    region,
                    f"attribute {name!r} (result item {index}) belongs to no labelled region: "
                    f"no `labels` item has the id {region!r}; delete it in Label Studio and pull",
                )
            )
        elif labels[region] != (start, end):
            problems.append(
                ResultProblem(
                    "B143",
                    region,
                    f"attribute {name!r} is set on {_shown((start, end))} but its region is at "
                    f"{_shown(labels[region])}; select the region, set the attribute again "
                    "and pull",
                )
            )
    return problems
