"""CHANGELOG.md entries embed the diff: per changed document what changed,
and the documents that moved between splits (two tiny releases of seed 000,
built by `build_release`, and a hand-made third folder)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nkcorpus.build.bookkeeping import repair, verify_dataset
from nkcorpus.build.changelog import CHANGELOG, changelog_text, release_entry
from nkcorpus.build.manifest import MANIFEST_NAME
from nkcorpus.build.release import build_release
from tests.build import annotation, documents, good_result, task, write_export
from tests.build.test_diff import DOC, second_result


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("changelog")
    doc = documents()[0]
    first = write_export(
        root / "export-1.json", [task(1, doc, [annotation(11, good_result(doc.text), gold=True)])]
    )
    newer = annotation(
        12, second_result(doc.text), gold=True, updated_at="2026-02-01T10:00:00.000000Z"
    )
    second = write_export(root / "export-2.json", [task(1, doc, [newer])])
    for version, exports in (("1.0.0", [first]), ("1.1.0", [first, second])):
        build_release(version, exports, root / "dataset", documents=documents(), progress=False)
    return root / "dataset"


def _entry(changelog: str, version: str) -> list[str]:
    """The lines of one entry, without its heading and the blank line after it."""
    entry = changelog.split(f"## v{version}\n\n", 1)[1].split("\n## ", 1)[0]
    return entry.rstrip("\n").splitlines()


def test_changelog_entry_names_what_changed_in_each_document(dataset: Path) -> None:
    lines = _entry((dataset / CHANGELOG).read_text(encoding="utf-8"), "1.1.0")
    # spans: v1.0.0's CROSSING 1, MOTIVE 1, PERSON 1, STATISTIC 1, minus MOTIVE m1, plus PERSON p2.
    assert lines[0].endswith("; spans: CROSSING 1, PERSON 2, STATISTIC 1; schema_version 1.")
    assert lines[1:] == [
        "",
        "Compared with v1.0.0:",
        f"- documents changed (1): {DOC}",
        f"  - {DOC}: spans: CROSSING (1 changed), MOTIVE (1 removed), PERSON (1 added); "
        "relations: agent (1 added), motivated_by (1 removed)",
        "",
        "| label | added | removed | changed |",
        "|---|---:|---:|---:|",
        "| CROSSING | 0 | 0 | 1 |",
        "| MOTIVE | 0 | 1 | 0 |",
        "| PERSON | 1 | 0 | 0 |",
    ]
    assert _entry((dataset / CHANGELOG).read_text(encoding="utf-8"), "1.0.0")[2] == (
        "First release."
    )


def test_changelog_entry_names_a_split_move_and_repair_keeps_it(
    dataset: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "dataset"
    shutil.copytree(dataset, copy)
    moved = copy / "v1.2.0"
    shutil.copytree(copy / "v1.1.0", moved)  # same documents; 000 moves train -> validation
    manifest = json.loads((moved / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest.update(splits={DOC: "validation"}, version="1.2.0")
    (moved / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    assert release_entry(moved, copy / "v1.1.0").splitlines()[4:] == [  # after heading, stats
        "Compared with v1.1.0:",
        "- documents moved between splits (1):",
        f"  - {DOC}: train -> validation (the corpus had no validation document)",
        "- splits added (1): validation",
        "- splits removed (1): train",
    ]
    assert not verify_dataset(copy).ok  # CHANGELOG.md lacks v1.2.0 until repaired
    repair(copy, lambda _line: None)
    changelog = (copy / CHANGELOG).read_text(encoding="utf-8")
    assert changelog == changelog_text([copy / "v1.0.0", copy / "v1.1.0", moved])
    assert (
        changelog.index("## v1.2.0") < changelog.index("## v1.1.0") < changelog.index("## v1.0.0")
    )
    assert f"  - {DOC}: train -> validation" in changelog
