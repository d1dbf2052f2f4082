"""Property-based tests of `validate` and `build` (hypothesis).

Valid Label Studio exports are generated over the real cleaned seeds: gold
spans on token boundaries that never overlap, every attribute set from the
schema, relations of allowed label pairs, plus annotator annotations,
cancelled ones and predictions. Mutated exports change one thing anywhere in
such an export (a type, a missing key, a huge or negative number, a lone
surrogate, a long string, deep nesting, a repeated task or region, a relation
to nowhere, an overlap, stale text). The properties:

- `validate` never raises; an invalid export gives coded problems, each
  naming the file (and the task, annotation and region when there is one);
- a valid export builds, and every gold span comes back from the release's
  `documents` table with the same id, offsets, label, text and attributes:
  count in = count out.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nkcorpus.build.guideline_text import sentence_doc
from nkcorpus.build.release import build_release
from nkcorpus.build.validate import validate_exports
from nkcorpus.cli import app
from nkcorpus.corpus.release import select_released
from nkcorpus.schema.model import load_schema
from tests.build import annotation, documents, relation, task, write_export

SCHEMA = load_schema()
RELEASED = tuple(select_released(documents()).released)
CODE = re.compile(r"^[A-Z]\d{3}$")
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples on every run: CI is reproducible
)


def _token_edges(text: str) -> list[tuple[int, int]]:
    return [(t.idx, t.idx + len(t)) for t in sentence_doc(text) if not t.is_space]


@st.composite
def gold_results(draw: st.DrawFn, text: str) -> list[dict[str, Any]]:
    """A valid gold `result`: disjoint token-aligned spans, attributes, relations."""
    edges = _token_edges(text)
    cuts = sorted(draw(st.sets(st.integers(0, len(edges)), min_size=2, max_size=16)))
    items: list[dict[str, Any]] = []
    spans: list[tuple[str, str]] = []
    for number, (left, right) in enumerate(zip(cuts[::2], cuts[1::2], strict=False)):
        if left == right:
            continue
        width = draw(st.integers(1, min(6, right - left)))
        start, end = edges[left][0], edges[left + width - 1][1]
        label = draw(st.sampled_from(SCHEMA.label_names))
        region_id = f"r{number}-{draw(st.sampled_from(['a', 'Zz', 'é', '_']))}"
        value = {"start": start, "end": end, "text": text[start:end]}
        items.append({"id": region_id, "from_name": "label", "to_name": "text",
                      "type": "labels", "value": {**value, "labels": [label]}})  # fmt: skip
        for attribute in SCHEMA.label(label).attributes:
            values = list(attribute.values)
            if attribute.multiple:
                chosen = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
            else:
                chosen = [draw(st.sampled_from(values))]
            items.append({"id": region_id, "from_name": attribute.name, "to_name": "text",
                          "type": "choices", "value": {**value, "choices": chosen}})  # fmt: skip
        spans.append((region_id, label))
    for spec in SCHEMA.relations:
        heads = [i for i, lab in spans if lab == spec.head]
        tails = [i for i, lab in spans if lab == spec.tail]
        if heads and tails and draw(st.booleans()):
            head, tail = draw(st.sampled_from(heads)), draw(st.sampled_from(tails))
            items.append(relation(head, tail, spec.name))
    return items


@st.composite
def valid_exports(draw: st.DrawFn) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(RELEASED), min_size=1, max_size=3, unique_by=id))
    tasks = []
    for number, doc in enumerate(chosen, start=1):
        annotations = [annotation(number * 100, draw(gold_results(doc.text)), gold=True)]
        if draw(st.booleans()):
            annotations.append(
                annotation(number * 100 + 1, draw(gold_results(doc.text)), completed_by=2)
            )
        if draw(st.booleans()):
            annotations.append(annotation(number * 100 + 2, [], cancelled=True, completed_by=3))
        item = task(number, doc, annotations)
        item["predictions"] = [{"id": number, "model_version": "m", "result": []}]
        tasks.append(item)
    return tasks


def _gold_in(tasks: list[dict[str, Any]]) -> dict[str, list[tuple]]:
    """doc_id -> the (id, start, end, label, text, attributes) of every gold region."""
    out: dict[str, list[tuple]] = {}
    for item in tasks:
        [gold] = _gold_of(item)
        text = item["data"]["text"]
        regions: dict[str, dict[str, Any]] = {}
        for result in gold.get("result") or []:
            if result.get("type") == "labels":
                value = result["value"]
                start, end = value["start"], value["end"]
                regions.setdefault(result["id"], {}).update(
                    start=start, end=end, label=value["labels"][0],
                    text=value.get("text", text[start:end]),
                )  # fmt: skip
            elif result.get("type") == "choices":
                regions.setdefault(result["id"], {})[result["from_name"]] = sorted(
                    result["value"]["choices"]
                )
        out[item["data"]["doc_id"]] = sorted(_span_key(i, r) for i, r in regions.items())
    return out


def _span_key(region_id: str, span: dict[str, Any]) -> tuple:
    attributes = tuple(
        sorted(
            (k, tuple(sorted(v)) if isinstance(v, list) else (v,))
            for k, v in span.items()
            if k not in ("id", "start", "end", "label", "text") and v not in (None, [])
        )
    )
    return (region_id, span["start"], span["end"], span["label"], span["text"], attributes)


@given(tasks=valid_exports())
@settings(SETTINGS, max_examples=60)
def test_valid_exports_validate_with_every_gold_span(tmp_path: Path, tasks: list) -> None:
    path = write_export(tmp_path / "export.json", tasks)
    report = validate_exports([path], documents=documents())
    assert report.valid, [str(p) for p in report.problems]
    out = {
        doc_id: sorted(_span_key(s["id"], s) for s in gold.spans)
        for doc_id, gold in report.gold.items()
    }
    assert out == _gold_in(tasks)  # count in = count out, field by field
    kept = sum(len([a for a in t["annotations"] if not a["was_cancelled"]]) for t in tasks)
    assert len(report.annotations) == kept


@given(tasks=valid_exports())
@settings(SETTINGS, max_examples=6)
def test_valid_exports_build_and_give_back_every_span(
    tmp_path_factory: pytest.TempPathFactory, tasks: list
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = write_export(folder / "export.json", tasks)
    summary = build_release(
        "1.0.0", [path], folder / "dataset", documents=documents(), progress=False
    )
    out: dict[str, list[tuple]] = {}
    for table in (summary.folder / "data" / "documents").glob("*.parquet"):
        for row in pq.read_table(table).to_pylist():
            for span in row["spans"]:
                assert row["text"][span["start"] : span["end"]] == span["text"]
            labels = SCHEMA.label_names
            out[row["doc_id"]] = sorted(
                _span_key(s["id"], {**s, "label": labels[s["label"]], **_names(s)})
                for s in row["spans"]
            )
    assert out == _gold_in(tasks)


def _names(span: dict[str, Any]) -> dict[str, Any]:
    """ClassLabel indices of the Parquet row back to the schema's value names."""
    named: dict[str, Any] = {}
    for _, attribute in SCHEMA.attributes:
        value = span.get(attribute.name)
        if value is None:
            continue
        names = list(attribute.values)
        named[attribute.name] = [names[v] for v in value] if attribute.multiple else names[value]
    return named


# --- mutations ---------------------------------------------------------------

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([-1, 0, 2**53 + 1, 2**62, 1e308, -0.0, 12.5]),
    st.sampled_from(["", "12", "PERSON", "\ud800", "x" * 100_000, "é" * 50, "\x00"]),
    st.just({}),
    st.just([]),
    st.just([[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]),
    st.text(max_size=20),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON tree."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _parent(tree: Any, path: tuple) -> Any:
    for step in path[:-1]:
        tree = tree[step]
    return tree


@st.composite
def mutated_exports(draw: st.DrawFn) -> list[Any]:
    tasks: list[Any] = copy.deepcopy(draw(valid_exports()))
    kind = draw(st.sampled_from(["replace", "delete", "duplicate", "overlap", "stale", "relation"]))
    if kind == "stale":
        tasks[0]["data"]["text"] += " Edited later."
        return tasks
    if kind == "relation":
        gold = tasks[0]["annotations"][0]["result"]
        gold.append(relation(draw(st.text(max_size=5)), "nowhere", "agent"))
        return tasks
    if kind == "overlap":
        gold = tasks[0]["annotations"][0]["result"]
        labels = [r for r in gold if r["type"] == "labels"]
        assume(labels)
        extra = copy.deepcopy(draw(st.sampled_from(labels)))
        extra["id"] = "overlap-" + extra["id"]
        gold.append(extra)
        return tasks
    paths = [p for p in _paths(tasks) if p]
    path = draw(st.sampled_from(paths))
    parent = _parent(tasks, path)
    if kind == "replace":
        parent[path[-1]] = draw(HOSTILE)
    elif kind == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif kind == "delete":
        parent.pop(path[-1])
    elif isinstance(parent, list):
        parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
    else:
        parent[path[-1]] = [parent[path[-1]], copy.deepcopy(parent[path[-1]])]
    return tasks


@given(tasks=mutated_exports())
@settings(SETTINGS, max_examples=300)
def test_mutated_exports_never_raise_and_name_every_problem(tmp_path: Path, tasks: list) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=True), encoding="utf-8")
    report = validate_exports([path], documents=documents())  # must not raise
    for problem in report.problems:
        assert CODE.match(problem.code), problem
        assert problem.file == str(path), problem
        assert str(path) in str(problem) and problem.message.strip()
        if problem.region_id is not None:
            assert problem.task_id is not None and problem.annotation_id is not None, problem
    event(
        "valid"
        if report.valid
        else "refused: " + ",".join(sorted({p.code for p in report.problems}))
    )
    if report.valid:  # a harmless mutation: every gold span is still kept, as it was
        out = {
            doc_id: sorted(_span_key(s["id"], s) for s in gold.spans)
            for doc_id, gold in report.gold.items()
        }
        expected = _gold_in([t for t in tasks if _starred(t)])
        assert out == expected
        assert len(report.unreviewed) == len(tasks) - len(expected)


def _starred(item: dict[str, Any]) -> bool:
    return len(_gold_of(item)) == 1


def _gold_of(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a
        for a in item.get("annotations") or []
        if isinstance(a, dict) and a.get("ground_truth") is True and not a.get("was_cancelled")
    ]


@given(tasks=mutated_exports())
@settings(SETTINGS, max_examples=25)
def test_mutated_exports_give_exit_1_or_build(
    tmp_path_factory: pytest.TempPathFactory, tasks: list
) -> None:
    folder = tmp_path_factory.mktemp("mutant")
    path = folder / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=True), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code in (0, 1), checked.output
    assert not isinstance(checked.exception, Exception) or isinstance(
        checked.exception, SystemExit
    ), repr(checked.exception)
    if checked.exit_code == 1:
        assert re.search(r"\[[A-Z]\d{3}\] " + re.escape(str(path)), checked.output)
        return
    try:
        build_release("1.0.0", [path], folder / "dataset", documents=documents(), progress=False)
    except Exception as exc:  # only a coded, reported refusal is acceptable
        from nkcorpus.errors import NkError

        assert isinstance(exc, NkError), repr(exc)
