"""Helpers of the build tests: hand-made Label Studio exports over the real
cleaned seed texts."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from nkcorpus.corpus.documents import CleanDocument, load_documents

Item = dict[str, Any]


@cache
def documents() -> tuple[CleanDocument, ...]:
    """The real cleaned seeds (loaded once per session)."""
    return tuple(load_documents())


def region(text: str, fragment: str, label: str, region_id: str, **choices: Any) -> list[Item]:
    """A `labels` item for the first `fragment` of `text` plus one `choices`
    item per attribute (a str or a list of str)."""
    start = text.index(fragment)
    value = {"start": start, "end": start + len(fragment), "text": fragment}
    items = [
        {
            "id": region_id,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
            "value": {**value, "labels": [label]},
        }
    ]
    for name, chosen in choices.items():
        values = chosen if isinstance(chosen, list) else [chosen]
        items.append(
            {
                "id": region_id,
                "from_name": name,
                "to_name": "text",
                "type": "choices",
                "value": {**value, "choices": values},
            }
        )
    return items


def relation(head: str, tail: str, name: str, direction: str = "right") -> Item:
    return {
        "type": "relation",
        "from_id": head,
        "to_id": tail,
        "direction": direction,
        "labels": [name],
    }


def annotation(
    annotation_id: int,
    result: list[Item],
    *,
    gold: bool = False,
    cancelled: bool = False,
    completed_by: Any = 1,
    updated_at: str = "2026-01-01T10:00:00.000000Z",
) -> Item:
    return {
        "id": annotation_id,
        "completed_by": completed_by,
        "ground_truth": gold,
        "was_cancelled": cancelled,
        "updated_at": updated_at,
        "lead_time": 12.5,
        "result": result,
    }


def task(
    task_id: int,
    document: CleanDocument,
    annotations: list[Item],
    *,
    updated_at: str = "2026-01-01T09:00:00.000000Z",
    **data: Any,
) -> Item:
    """A task as `nkcorpus studio pull` exports it."""
    return {
        "id": task_id,
        "updated_at": updated_at,
        "data": {
            "text": document.text,
            "doc_id": document.doc_id,
            "title": document.title,
            "text_sha256": document.text_sha256,
            **data,
        },
        "annotations": annotations,
        "predictions": [],
        "drafts": [],
    }


def write_export(path: Path, tasks: list[Item]) -> Path:
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def good_result(text: str) -> list[Item]:
    """A valid annotation of seed 000: every label kind with its attributes and relations."""
    return [
        *region(text, "A man", "PERSON", "p1", roles=["defector", "returnee"]),
        *region(
            text,
            "reenter the North",
            "CROSSING",
            "c1",
            direction="south_to_north",
            route="land_border_dmz",
            status="completed",
        ),
        *region(text, "struggling to make ends meet", "MOTIVE", "m1", category="economic_hardship"),
        *region(
            text,
            "at least 34,000",
            "STATISTIC",
            "s1",
            qualifier="at_least",
            subject="arrivals_in_south",
        ),
        relation("p1", "c1", "agent"),
        relation("c1", "m1", "motivated_by"),
        relation("c1", "s1", "quantifies", direction="left"),
    ]


def mixed_tasks() -> list[Item]:
    """Six tasks on seeds 0-2: valid gold, then B152, B153, B151, B120 and a
    gold region that is not whole words."""
    doc0, doc1, doc2 = documents()[:3]
    return [
        task(1, doc0, [annotation(11, good_result(doc0.text), gold=True, completed_by=3)]),
        task(2, doc0, []),  # B152
        task(3, doc1, [], text=doc1.text + " Edited.", text_sha256="0" * 64),  # B153
        task(4, doc2, [], doc_id="999_unknown"),  # B151
        task(5, doc2, [annotation(51, [], gold=True), annotation(52, [], gold=True)]),  # B120
        task(6, doc1, [annotation(61, region(doc1.text, "x", "PERSON", "p1"), gold=True)]),
    ]
