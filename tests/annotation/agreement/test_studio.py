"""`nkcorpus agreement` on what two annotators submitted to a real Label
Studio (the session `studio`), as `studio pull` exports it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.sync import sync_project
from tests.annotation.conftest import Annotator, Studio, make_task, span
from tests.annotation.review.test_studio import TEXT, _submit, _user_id

pytestmark = pytest.mark.studio


def _person(region_id: str, fragment: str, role: str) -> list[dict[str, Any]]:
    """A PERSON region with its required roles, as the editor submits it."""
    labels = span(TEXT, fragment, "PERSON", region_id)
    choice = {**labels, "from_name": "roles", "type": "choices",
              "value": {**labels["value"], "choices": [role]}}  # fmt: skip
    del choice["value"]["labels"]
    return [labels, choice]


def test_agreement_measures_two_real_annotators_from_a_pull(
    studio: Studio, sign_up: Callable[[str], Annotator], tmp_path: Path
) -> None:
    """Issue 12: `nkcorpus agreement` on what two annotators submitted to a real
    server, as `studio pull` exports it."""
    from nkcorpus.annotation.agreement.report import measure_agreement

    client = connect(studio.url, studio.api_key)
    title = "nk-agreement-real"
    report = sync_project(client, studio.url, [make_task("ag1", TEXT)], title=title, withheld={})
    [task] = client.tasks.list(project=report.project_id)
    first, second = sign_up("ag-a"), sign_up("ag-b")
    second_result = [*_person("b1", "Kim", "returnee"), *_person("b2", "Lee", "other")]
    _submit(
        studio, first, int(task.id), report.project_id, {"result": _person("a1", "Kim", "expert")}
    )
    _submit(studio, second, int(task.id), report.project_id, {"result": second_result})
    pulled = pull_project(client, studio.url, tmp_path, title=title, reviewers=frozenset())
    measured = measure_agreement([pulled.path], reviewers=frozenset())
    assert measured.documents == 1
    assert sorted(measured.annotators) == sorted([_user_id(first), _user_id(second)])
    # Kim matched, Lee only in the second: F1 = 2 * 1 / (1 + 2)
    assert measured.figures["spans.exact.ALL"].value == pytest.approx(2 / 3)
    assert measured.figures["spans.overlap.ALL"].value == pytest.approx(2 / 3)
