"""Review decisions mirrored into Label Studio's ground-truth flag, and the
accounts list, against a real Label Studio (the session `studio`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.annotation.studio.users import list_accounts
from tests.annotation.conftest import Studio, make_task, span

pytestmark = pytest.mark.studio

TEXT = "Kim crossed the DMZ in 2019."
ACCEPT = {"id": "rv1", "type": "choices", "from_name": "review", "to_name": "text",
          "value": {"choices": ["accept"]}}  # fmt: skip


def test_mirror_pull_stars_the_accepted_annotation_and_lists_a_broken_review(
    studio: Studio, tmp_path: Path
) -> None:
    client = connect(studio.url, studio.api_key)
    title = "nk-mirror"
    sync_project(client, studio.url, [make_task("m1", TEXT), make_task("m2", "Other.")],
                 title=title, withheld={})  # fmt: skip
    me = client.users.whoami()  # the API key's account: the reviewer of this test
    assert me.id in {a.id for a in list_accounts(client, studio.url, frozenset())}
    project = next(p for p in client.projects.list() if p.title == title)
    tasks = {t.data["doc_id"]: int(t.id) for t in client.tasks.list(project=project.id)}
    plain = client.annotations.create(
        tasks["m1"], result=[span(TEXT, "Kim", "PERSON", "p1")], project=project.id
    )
    accepted = client.annotations.create(
        tasks["m1"], result=[span(TEXT, "Kim", "PERSON", "p1"), ACCEPT], project=project.id
    )
    client.annotations.create(tasks["m2"], result=[ACCEPT], project=project.id)
    client.annotations.create(tasks["m2"], result=[ACCEPT], project=project.id)  # two: B122

    report = pull_project(client, studio.url, tmp_path, title=title, reviewers=frozenset({me.id}))
    assert report.starred_now == 1
    assert len(report.broken_reviews) == 1 and "[B122]" in report.broken_reviews[0]
    exported = {a["id"]: a for t in json.loads(report.path.read_text()) for a in t["annotations"]}
    assert exported[accepted.id]["ground_truth"] is True
    assert exported[plain.id]["ground_truth"] is False
    again = pull_project(
        client, studio.url, tmp_path / "again", title=title, reviewers=frozenset({me.id})
    )
    assert again.starred_now == 0  # already mirrored
    # not a reviewer: nothing is starred
    other = pull_project(client, studio.url, tmp_path / "other", title=title, reviewers=frozenset())
    assert other.starred_now == 0 and len(other.broken_reviews) == 2


def test_mirror_users_command_lists_ids_and_emails(studio: Studio) -> None:
    result = CliRunner().invoke(
        app, ["users", "--url", studio.url], env={"LABEL_STUDIO_API_KEY": studio.api_key}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "email", "reviewer"]
    assert any(line.split()[0].isdigit() and "@" in line for line in lines[1:])
