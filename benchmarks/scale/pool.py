"""The material of the synthetic exports: the corpus' own gold, cut into blocks.

A block is a run of consecutive paragraphs of a reviewed document, with the
gold regions, the prediction regions and the relations that lie in it.
Paragraphs that a region or a relation joins stay in one block, so every gold
region and relation survives recombination unchanged. Only reviewed tasks
(a gold annotation by the project's review rule) whose text is the current
cleaned document are used, less what the project's validator would refuse
in a new document (the released gold's known findings are exempt only there).
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkcorpus.build.exports import ExportTask, read_exports
from nkcorpus.build.gold import split_annotations
from nkcorpus.corpus.clean import PARAGRAPH_SEPARATOR
from nkcorpus.corpus.documents import CleanDocument
from nkcorpus.errors import NkError


@dataclass(frozen=True)
class Region:
    """One region: its [start, end) in the block and its result items (the
    label item and one item per attribute), as exported."""

    id: str
    start: int
    end: int
    items: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Block:
    """Consecutive paragraphs of one document with what lies in them; offsets
    are [start, end) code points into `text`."""

    source: str
    text: str
    gold: tuple[Region, ...]
    gold_relations: tuple[dict[str, Any], ...]
    predicted: tuple[Region, ...]
    predicted_relations: tuple[dict[str, Any], ...]
    model_version: str


def result_to_regions(result: Sequence[Mapping[str, Any]]) -> list[Region]:
    """Group a result's region items by region id, in order of first appearance.

    >>> items = [{"id": "a", "type": "labels", "value": {"start": 0, "end": 3}},
    ...          {"id": "a", "type": "choices", "value": {"start": 0, "end": 3}},
    ...          {"id": "r", "type": "choices", "value": {"choices": ["accept"]}},
    ...          {"type": "relation", "from_id": "a", "to_id": "a"}]
    >>> [(r.id, r.start, r.end, len(r.items)) for r in result_to_regions(items)]
    [('a', 0, 3, 2)]
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in result:
        if "start" in (item.get("value") or {}):  # not a relation nor a task-level choice
            grouped.setdefault(str(item["id"]), []).append(dict(item))
    return [
        Region(key, items[0]["value"]["start"], items[0]["value"]["end"], tuple(items))
        for key, items in grouped.items()
    ]


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """[start, end) of every paragraph of a cleaned text.

    >>> paragraph_bounds("ab\\n\\ncde")
    [(0, 2), (4, 7)]
    """
    bounds, position = [], 0
    for paragraph in text.split(PARAGRAPH_SEPARATOR):
        bounds.append((position, position + len(paragraph)))
        position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return bounds


def _paragraph_of(bounds: Sequence[tuple[int, int]], offset: int) -> int:
    for index, (start, end) in enumerate(bounds):
        if start <= offset <= end:
            return index
    raise ValueError(f"offset {offset} lies in no paragraph")


def text_to_blocks(
    source: str,
    text: str,
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Mapping[str, Any]],
    model_version: str = "",
) -> list[Block]:
    """Cut one reviewed document into blocks (see the module doc)."""
    bounds = paragraph_bounds(text)
    joined = list(range(len(bounds)))  # joined[i]: the last paragraph paragraph i is tied to
    results = {"gold": gold, "predicted": predicted}
    regions = {name: result_to_regions(result) for name, result in results.items()}
    for name, result in results.items():
        where = {r.id: (r.start, r.end) for r in regions[name]}
        spans = list(where.values())
        spans += [
            (min(where[i["from_id"]][0], where[i["to_id"]][0]),
             max(where[i["from_id"]][1], where[i["to_id"]][1]))
            for i in result if i.get("type") == "relation"
        ]  # fmt: skip
        for start, end in spans:
            first, last = _paragraph_of(bounds, start), _paragraph_of(bounds, end)
            for index in range(first, last + 1):
                joined[index] = max(joined[index], last)
    blocks, first = [], 0
    while first < len(bounds):
        last, reach = first, joined[first]
        while last < reach:
            last += 1
            reach = max(reach, joined[last])
        start, end = bounds[first][0], bounds[last][1]
        blocks.append(_cut(source, text, start, end, regions, results, model_version))
        first = last + 1
    return blocks


def _cut(
    source: str,
    text: str,
    start: int,
    end: int,
    regions: Mapping[str, list[Region]],
    results: Mapping[str, Sequence[Mapping[str, Any]]],
    model_version: str,
) -> Block:
    inside: dict[str, tuple[Region, ...]] = {}
    relations: dict[str, tuple[dict[str, Any], ...]] = {}
    for name in ("gold", "predicted"):
        kept = [
            Region(r.id, r.start - start, r.end - start, r.items)
            for r in regions[name]
            if start <= r.start and r.end <= end
        ]
        ids = {r.id for r in kept}
        inside[name] = tuple(kept)
        relations[name] = tuple(
            dict(i)
            for i in results[name]
            if i.get("type") == "relation" and i["from_id"] in ids and i["to_id"] in ids
        )
    return Block(
        source=source,
        text=text[start:end],
        gold=inside["gold"],
        gold_relations=relations["gold"],
        predicted=inside["predicted"],
        predicted_relations=relations["predicted"],
        model_version=model_version,
    )


def _spans_and_relations(annotation: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An annotation's region items and relations, without task-level choices (the review)."""
    return [
        dict(item)
        for item in annotation.get("result") or []
        if item.get("type") == "relation" or "start" in (item.get("value") or {})
    ]


def _checked_gold(
    sources: Sequence[tuple[ExportTask, CleanDocument, dict[str, Any]]], rounds: int = 5
) -> dict[str, list[dict[str, Any]]]:
    """doc_id -> its gold result less what the project's validator refuses in a
    new document (the exemptions of the released gold do not carry over to
    recombined text): each refused region, or relation `head->tail`, is dropped
    (a region with its relations), and the rest checked again."""
    from nkcorpus.build.validate import validate_exports

    results = {doc.doc_id: _spans_and_relations(gold) for _, doc, gold in sources}
    for _ in range(rounds):
        renamed = {f"pool-{doc.doc_id}": doc.doc_id for _, doc, _ in sources}
        tasks, documents = [], []
        for item, doc, gold in sources:
            task = copy.deepcopy(item.task)
            task["data"]["doc_id"] = f"pool-{doc.doc_id}"
            starred = {**gold, "result": results[doc.doc_id], "ground_truth": True}
            task["annotations"] = [starred]  # the star makes it gold (no reviewers here)
            tasks.append(task)
            documents.append(doc.model_copy(update={"doc_id": f"pool-{doc.doc_id}",
                                                    "group": f"pool-{doc.doc_id}"}))  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "pool.json"
            path.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
            problems = validate_exports([path], documents, reviewers=frozenset()).problems
        if not problems:
            return results
        for problem in problems:
            if problem.region_id is None or problem.doc_id not in renamed:
                raise ValueError(f"the committed gold cannot be recombined: {problem}")
            doc_id = renamed[problem.doc_id]
            head, arrow, tail = problem.region_id.partition("->")
            results[doc_id] = [
                i for i in results[doc_id]
                if not (arrow and (i.get("from_id"), i.get("to_id")) == (head, tail))
                and not (not arrow and head in (i.get("id"), i.get("from_id"), i.get("to_id")))
            ]  # fmt: skip
    raise ValueError(f"the committed gold is still refused after {rounds} rounds of dropping")


def read_pool(exports: Sequence[Path], documents: Sequence[CleanDocument]) -> list[Block]:
    """Every block of every reviewed task of `exports` (merged as `build` merges
    them) whose text is its current cleaned document, in doc_id order, with
    what the validator would refuse in a new document dropped (`_checked_gold`)."""
    from nkcorpus.annotation.reviewers import load_reviewers

    reviewers = load_reviewers().ids
    by_id = {d.doc_id: d for d in documents}
    sources = []
    for item in sorted(read_exports(exports), key=lambda t: str(t.data.get("doc_id"))):
        doc = by_id.get(str(item.data.get("doc_id")))
        if doc is None or doc.text != item.data.get("text"):
            continue
        try:
            gold = split_annotations(item.task, source=item.source, reviewers=reviewers).gold
        except NkError:
            continue  # a task the review rule refuses (validate lists it) has no gold to use
        if gold is not None:
            sources.append((item, doc, gold))
    if not sources:
        raise ValueError("no reviewed task matches the cleaned corpus: nothing to recombine")
    checked = _checked_gold(sources)
    blocks: list[Block] = []
    for item, doc, _ in sources:
        predictions = item.task.get("predictions") or [{}]
        blocks += text_to_blocks(
            doc.doc_id,
            doc.text,
            checked[doc.doc_id],
            predictions[-1].get("result") or [],
            str(predictions[-1].get("model_version") or ""),
        )
    return blocks
