from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.reviewers import load_reviewers


def test_reviewers_committed_file_loads() -> None:
    # the reviewer account of the annotation server: the author of every accepted
    # annotation of the committed export (its 33 tasks, `completed_by` 4)
    assert load_reviewers().ids == frozenset({4})
    assert [r.email for r in load_reviewers().reviewers] == ["reviewer@nkcorpus.local"]


def test_reviewers_missing_file_means_none(tmp_path: Path) -> None:
    assert load_reviewers(tmp_path / "absent.yaml").ids == frozenset()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("reviewers:\n  - id: '3'\n", "reviewers.0.id"),
        ("reviewers:\n  - id: 0\n", "greater than or equal to 1"),
        ("reviewers:\n  - id: 3\n  - id: 3\n", r"user id\(s\) \[3\] listed twice"),
        ("reviewers:\n  - id: 3\n    role: admin\n", "reviewers.0.role"),
        ("reviewers: [", "cannot read the reviewers file"),
    ],
)
def test_reviewers_invalid_file_is_a_coded_error(tmp_path: Path, text: str, shown: str) -> None:
    path = tmp_path / "reviewers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnnotationError, match=rf"A240.*reviewers.yaml.*{shown}"):
        load_reviewers(path)
