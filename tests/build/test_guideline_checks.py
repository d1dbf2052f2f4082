"""Guideline checks as `validate` runs them (build/guideline_checks.py): which
findings are errors and which warnings, the committed gold's findings, and the
call from `validate_exports`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nkcorpus.build.guideline_checks import (
    ERROR_CODES,
    WARNING_CODES,
    gold_to_findings,
    guideline_problems,
)
from nkcorpus.build.report import Problem, ValidationReport
from nkcorpus.build.validate import validate_exports
from nkcorpus.paths import default_exports
from tests.build import annotation, documents, region, task, write_export
from tests.build.test_guideline_crossings import CROSSING, span
from tests.fixtures import v1_documents, v1_exports

TEXT = "Kim took the journey to the South."
SPANS = [
    span(TEXT, "Kim", "PERSON", "p", roles=["defector"]),
    span(TEXT, "took the journey to the South", "CROSSING", "c", **CROSSING),
]
AT = {"file": "export.json", "task_id": 7, "doc_id": "d1", "annotation_id": 70}
REVIEWER = 9
ACCEPT = {"type": "choices", "from_name": "review", "to_name": "text",
          "value": {"choices": ["accept"]}}  # fmt: skip


def test_every_code_is_an_error_or_a_warning() -> None:
    assert not ERROR_CODES & WARNING_CODES
    assert {f"B{n}" for n in range(160, 170)} == ERROR_CODES | WARNING_CODES


def test_findings_come_in_text_order_and_ignore_relations_to_missing_regions() -> None:
    relations = [{"type": "agent", "head": "gone", "tail": "c"}]
    found = gold_to_findings(SPANS, relations, TEXT)
    # B160 covers "Kim" and the CROSSING from 0; B161 the CROSSING from 4
    assert [(f.code, f.region_id, f.start, f.end) for f in found] == [
        ("B160", "p->c", 0, 33),
        ("B161", "c", 4, 33),
    ]


def test_accepted_gold_gets_errors_and_warnings_apart() -> None:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    guideline_problems(SPANS, [], TEXT, AT, errors, warnings, accepted=True)
    assert [p.code for p in errors] == ["B161"]
    assert [p.code for p in warnings] == ["B160"]
    shown = str(errors[0])
    assert shown.startswith("[B161] export.json, task 7 (doc d1), annotation 70, region c:")
    assert "start the region at 'the journey to the South' [9, 33)" in shown


def test_gold_chosen_by_the_star_alone_gets_every_finding_as_a_warning() -> None:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    guideline_problems(SPANS, [], TEXT, AT, errors, warnings, accepted=False)
    assert errors == []
    assert [p.code for p in warnings] == ["B160", "B161"]
    assert "chosen by the ground-truth star alone" in warnings[1].message
    assert "star" not in warnings[0].message  # a warning code needs no note


def _findings(report: ValidationReport, texts: dict[str, str]) -> list[tuple[str, str, int, int]]:
    """(doc_id, code, start, end) of every guideline finding on the report's gold."""
    return sorted(
        (doc_id, f.code, f.start, f.end)
        for doc_id, gold in report.gold.items()
        for f in gold_to_findings(gold.spans, gold.relations, texts[doc_id])
    )


def test_v1_gold_findings_are_the_known_ones() -> None:
    """The v1.0.0 gold (the fixture), checked: the reading's two errors (000's second
    agent, 003's governing verb), 002's three reasons linked twice and 004's long
    MOTIVE; nothing else, and no error (all its gold is starred)."""
    report = validate_exports(v1_exports(), documents=v1_documents())
    assert report.problems == []
    texts = {d.doc_id: d.text for d in documents()}
    found = _findings(report, texts)
    assert found == [
        ("000_610f827a1a73c6d9", "B160", 973, 1106),  # "crossing the border" .. "the defector"
        # Lim's three reasons from "returned to the North" [1979, 2000), a paragraph back
        ("002_f4fac74a6db6b90a", "B166", 1979, 2577),
        ("002_f4fac74a6db6b90a", "B166", 1979, 2641),
        ("002_f4fac74a6db6b90a", "B166", 1979, 2794),
        ("002_f4fac74a6db6b90a", "B167", 2534, 2577),
        ("002_f4fac74a6db6b90a", "B167", 2599, 2641),
        ("002_f4fac74a6db6b90a", "B167", 2771, 2794),
        ("003_8619a8974c0e0bd4", "B161", 742, 816),  # "took the perilous journey ..."
        ("004_cf81856647957af6", "B169", 2787, 2921),  # the 134-character MOTIVE
    ]
    assert texts["003_8619a8974c0e0bd4"][747:816].startswith("the perilous journey")


def test_committed_gold_has_no_guideline_error_and_the_known_warnings() -> None:
    """The committed gold (every task accepted by the reviewer, 000-004 corrected):
    no error, and exactly the three warnings `nkcorpus validate annotation/exports/*.json`
    lists (checked by hand against the texts below)."""
    report = validate_exports(default_exports())
    assert report.problems == []
    assert {gold.rule for gold in report.gold.values()} == {"accepted"}
    texts = {d.doc_id: d.text for d in documents()}
    found = _findings(report, texts)
    assert found == [
        # the MOTIVE 'admitting them to South Korean society would pose a threat ...' (18 words)
        ("014_hankyoreh-2019-fishermen-deported", "B169", 801, 897),
        # 'a visiting documentary producer' [130, 161) right before 'bring them to South Korea'
        ("027_koreaherald-2025-pows-ukraine", "B160", 130, 190),
        # 'The source' [451, 461), with the roles of the agent 'his daughter', .. [567, 582)
        ("029_dailynk-father-daughter-caught", "B160", 451, 582),
    ]
    assert texts["027_koreaherald-2025-pows-ukraine"][130:161] == "a visiting documentary producer"
    assert texts["029_dailynk-father-daughter-caught"][567:582] == "cross the river"
    # accepted gold: B160 and B169 are warnings, so the same three, and nothing else
    assert sorted((w.doc_id, w.code) for w in report.warnings) == [
        (doc_id, code) for doc_id, code, _, _ in found
    ]


def _gold(result: list, accepted: bool) -> dict:
    if accepted:
        return annotation(11, [*result, ACCEPT], completed_by=REVIEWER)
    return annotation(11, result, gold=True)


@pytest.mark.parametrize("accepted", [True, False])
def test_validate_fails_on_accepted_gold_that_breaks_a_checked_rule(
    tmp_path: Path, accepted: bool
) -> None:
    doc = next(d for d in documents() if d.doc_id == "003_8619a8974c0e0bd4")
    fragment = "took the perilous journey across one of the world’s most dangerous borders"
    result = region(
        doc.text, fragment, "CROSSING", "c1", **{**CROSSING, "route": "land_border_dmz"}
    )
    path = write_export(tmp_path / "export.json", [task(4, doc, [_gold(result, accepted)])])
    report = validate_exports([path], documents=documents(), reviewers=frozenset({REVIEWER}))
    if not accepted:  # v1.0.0's way: listed as a warning, the export stays valid
        assert report.valid, [str(p) for p in report.problems]
        return
    (problem,) = report.problems
    assert (problem.code, problem.file, problem.task_id) == ("B161", str(path), 4)
    assert (problem.doc_id, problem.annotation_id, problem.region_id) == (doc.doc_id, 11, "c1")
    assert "[747, 816)" in problem.message


def test_validate_cli_prints_warnings_and_counts_them(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nkcorpus.cli import app

    doc = next(d for d in documents() if d.doc_id == "003_8619a8974c0e0bd4")
    fragment = "took the perilous journey across one of the world’s most dangerous borders"
    result = region(
        doc.text, fragment, "CROSSING", "c1", **{**CROSSING, "route": "land_border_dmz"}
    )
    path = write_export(tmp_path / "export.json", [task(4, doc, [_gold(result, False)])])
    shown = CliRunner().invoke(app, ["validate", str(path)])
    assert shown.exit_code == 0, shown.output  # a warning never fails validation
    assert "warning: [B161]" in shown.output and "0 problem(s), 1 warning(s)" in shown.output
    as_json = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert [w["code"] for w in json.loads(as_json.output)["warnings"]] == ["B161"]
