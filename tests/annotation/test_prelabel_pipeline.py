"""Pattern files, model version and the pipeline (annotation/prelabel/pipeline.py)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.pipeline import (
    PATTERN_DIR,
    build_nlp,
    load_patterns,
    model_version,
    pattern_files,
)
from nkcorpus.schema.model import load_schema

GOOD = {"id": "person-test", "label": "PERSON", "pattern": [{"LOWER": {"IN": ["man", "woman"]}}]}


def _write(folder: Path, name: str, entries: list[object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [e if isinstance(e, str) else json.dumps(e) for e in entries]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_pipeline_build_nlp_is_a_blank_english_pipeline_with_a_span_ruler():
    nlp = build_nlp()
    assert nlp.lang == "en"
    assert nlp.pipe_names == [
        "nk_paragraphs",
        "sentencizer",
        "nk_numbers",
        "span_ruler",
        "nk_resolve",
    ]
    assert set(nlp.get_pipe("span_ruler").labels) == set(load_schema().label_names)


def test_pipeline_has_one_pattern_file_per_label():
    names = {path.stem for path in pattern_files()}
    assert names == {label.lower() for label in load_schema().label_names}


def test_pipeline_patterns_are_rules_not_copied_spans():
    """Every pattern has at least one token test that matches more than one
    string (a set, a regex, a shape, a number tag or a repeat)."""
    general = {"IN", "NOT_IN", "REGEX", "_", "OP", "IS_TITLE", "IS_ALPHA", "IS_PUNCT", "LIKE_NUM"}

    def is_general(token: dict) -> bool:
        return any(
            key in general or (isinstance(value, dict) and set(value) & general)
            for key, value in token.items()
        )

    for entry in load_patterns():
        assert any(is_general(token) for token in entry["pattern"]), entry["id"]


def test_pipeline_load_patterns_reports_every_bad_line(tmp_path):
    folder = _write(
        tmp_path,
        "bad.jsonl",
        [
            GOOD,
            "{not json",
            {**GOOD, "label": "PLACE"},
            {**GOOD, "id": "crossing-wrong-family"},
            {**GOOD, "focus": [1, 5]},
            {**GOOD, "keep_if": "near:NOWHERE"},
            {**GOOD, "colour": "red"},
        ],
    )
    with pytest.raises(AnnotationError, match="A202") as caught:
        load_patterns(folder)
    message = str(caught.value)
    for expected in ("bad.jsonl:2", "PLACE", "crossing-wrong-family", "focus", "NOWHERE", "colour"):
        assert expected in message
    assert "bad.jsonl:1:" not in message


def test_pipeline_load_patterns_refuses_a_family_that_disagrees_on_keep_if(tmp_path):
    folder = _write(tmp_path, "p.jsonl", [GOOD, {**GOOD, "keep_if": "near:CROSSING"}])
    with pytest.raises(AnnotationError, match=r"A202.*person-test.*keep_if"):
        load_patterns(folder)


def test_pipeline_pattern_files_requires_at_least_one(tmp_path):
    with pytest.raises(AnnotationError, match=r"A201.*no pattern files"):
        pattern_files(tmp_path)


def test_pipeline_model_version_follows_the_pattern_bytes(tmp_path):
    folder = tmp_path / "patterns"
    shutil.copytree(PATTERN_DIR, folder)
    before = model_version(folder)
    assert re.fullmatch(r"nkcorpus-prelabel-[\w.+]+-patterns-[0-9a-f]{12}", before)
    assert before == model_version(PATTERN_DIR)
    with (folder / "person.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(GOOD) + "\n")
    assert model_version(folder) != before


def test_pipeline_build_nlp_uses_the_given_pattern_folder(tmp_path):
    folder = _write(tmp_path, "person.jsonl", [GOOD])
    nlp = build_nlp(folder)
    doc = nlp("She met the man.")
    assert [(s.label_, s.text) for s in doc.spans["nk_prelabel"]] == [("PERSON", "man")]


def test_pipeline_line_breaks_end_sentences():
    doc = build_nlp()("A headline without a full stop\n\nSEOUL – A man fled to the South")
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == ["A headline without a full stop", "SEOUL – A man fled to the South"]
