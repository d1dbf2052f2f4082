"""Checking a load run against its pull (`verify_export`) and its figures,
on hand-made exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nkcorpus.annotation.studio.load import load_result
from nkcorpus.annotation.studio.load_report import (
    LoadReport,
    RequestRecord,
    Submission,
    nearest_rank,
    verify_export,
)

RUN = "ab12"
TEXT = "Load task 1: Kim Young-il crossed the border at night."


def _annotation(marker: str, author: int) -> dict[str, Any]:
    return {"completed_by": author, "result": load_result(marker, TEXT)}


def _sent(client: int, task: int, marker: str, confirmed: bool = True) -> Submission:
    return Submission(client, task, 100 + client, f"load-{RUN}-{marker}", confirmed)


def _export() -> list[dict[str, Any]]:
    """Five tasks: 1 fine, 2 twice-served (two clients), 3 the same annotation
    twice, 4 by the wrong author, 5 an earlier run's and an unconfirmed one."""
    return [
        {"id": 1, "annotations": [_annotation(f"load-{RUN}-c0-0", 100)]},
        {"id": 2, "annotations": [_annotation(f"load-{RUN}-c0-1", 100),
                                  _annotation(f"load-{RUN}-c1-0", 101)]},
        {"id": 3, "annotations": [_annotation(f"load-{RUN}-c1-1", 101),
                                  _annotation(f"load-{RUN}-c1-1", 101)]},
        {"id": 4, "annotations": [_annotation(f"load-{RUN}-c2-0", 999)]},
        {"id": 5, "annotations": [_annotation("load-0000-c0-0", 100),
                                  _annotation(f"load-{RUN}-c2-1", 102)]},
        {"id": 6, "annotations": []},
    ]  # fmt: skip


def test_verify_export_finds_lost_duplicated_and_misplaced_annotations() -> None:
    sent = [
        _sent(0, 1, "c0-0"),
        _sent(0, 2, "c0-1"),
        _sent(1, 2, "c1-0"),
        _sent(1, 3, "c1-1"),
        _sent(2, 4, "c2-0"),
        _sent(2, 5, "c2-1", confirmed=False),  # no 201, but it arrived
        _sent(2, 6, "c2-2"),  # confirmed, absent: lost
    ]
    checked = verify_export(_export(), sent, RUN)
    # confirmed: 7 sent - 1 unconfirmed = 6; exactly once where sent: c0-0, c0-1, c1-0 = 3
    assert (checked.confirmed, checked.found_once) == (6, 3)
    assert checked.lost == (f"load-{RUN}-c2-2",)
    assert checked.duplicated == (f"load-{RUN}-c1-1",)
    assert checked.misplaced == (f"load-{RUN}-c2-0",)  # author 999, not 102
    assert checked.unconfirmed_found == 1
    # tasks 1-5 hold this run's annotations (5's earlier-run one does not count); 6 none
    assert (checked.tasks, checked.tasks_annotated) == (6, 5)
    assert checked.tasks_more_than_once == (2, 3)
    assert not checked.ok


def test_verify_export_of_a_clean_run_is_ok() -> None:
    checked = verify_export(_export()[:2], [_sent(0, 1, "c0-0"), _sent(0, 2, "c0-1"),
                                            _sent(1, 2, "c1-0")], RUN)  # fmt: skip
    assert checked.ok and (checked.confirmed, checked.found_once) == (3, 3)


def test_a_marker_never_sent_is_misplaced() -> None:
    checked = verify_export(_export()[:1], [], RUN)
    assert checked.misplaced == (f"load-{RUN}-c0-0",) and not checked.ok


@pytest.mark.parametrize(
    ("q", "expected"),
    # 10 values 1..10: rank ceil(q * 10), so 0.5 -> 5th, 0.95 -> 10th, 0.1 -> 1st
    [(0.5, 5.0), (0.95, 10.0), (0.1, 1.0), (1.0, 10.0)],
)
def test_nearest_rank(q: float, expected: float) -> None:
    assert nearest_rank([float(v) for v in range(10, 0, -1)], q) == expected


def test_nearest_rank_of_nothing_is_zero() -> None:
    assert nearest_rank([], 0.5) == 0.0


def test_report_figures() -> None:
    requests = (
        RequestRecord(0, "next", None, 200, 0.2, 1),
        RequestRecord(0, "submit", 1, 201, 0.4, 1),
        RequestRecord(1, "next", None, 503, 3.0, 4, "HTTP 503"),
        RequestRecord(1, "next", None, 404, 0.1, 1),
        RequestRecord(1, "submit", 2, None, 60.0, 1, "ReadTimeout"),
    )
    sent = (_sent(0, 1, "c0-0"), _sent(1, 2, "c1-0", confirmed=False))
    checked = verify_export(_export()[:1], sent, RUN)
    report = LoadReport("http://127.0.0.1:1", 9, "queue", 2, 0.5, requests, sent, checked,
                        Path("x.json"))  # fmt: skip
    figures = report.to_dict()
    assert figures["annotations_per_second"] == 2.0  # 1 confirmed / 0.5 s
    assert figures["requests"] == {"next": 3, "submit": 2}
    assert (figures["failures"], figures["retried"]) == (2, 1)
    assert figures["failure_kinds"] == {"next: HTTP 503": 1, "submit: ReadTimeout": 1}
    # next: 0.1, 0.2, 3.0 -> p50 the 2nd (ceil 1.5), p95 the 3rd; submit: 0.4, 60.0
    assert figures["latency_seconds"]["next"] == {"p50": 0.2, "p95": 3.0, "max": 3.0}
    assert figures["latency_seconds"]["submit"] == {"p50": 0.4, "p95": 60.0, "max": 60.0}
    assert figures["verification"]["ok"] is True
