"""Against a real Label Studio (one per session, see conftest `studio`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from label_studio_sdk.client import LabelStudio
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.client import connect, find_project
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.errors import StudioError
from nkcorpus.schema.label_config import schema_to_label_config
from nkcorpus.schema.model import LabelSchema, load_schema
from tests.annotation.conftest import Studio, Task, make_task, span

pytestmark = pytest.mark.studio

# Offsets are Unicode code points; the emoji and the flag are outside the BMP
# (two UTF-16 units each), so a UTF-16 offset would be off by one or more.
TEXT = (
    "Defector 😀 Kim Ryong-il, 24, crossed the DMZ in 2019 to avoid punishment; "
    "at least 11 others 🇰🇵 followed him."
)
PREDICTION = {
    "model_version": "rules-v1",
    "score": 0.5,
    "result": [span(TEXT, "crossed the DMZ", "CROSSING", "pred-c1")],
}


def _choice(region: dict[str, Any], attribute: str, *values: str) -> dict[str, Any]:
    value = {k: region["value"][k] for k in ("start", "end", "text")}
    return {
        **region,
        "from_name": attribute,
        "type": "choices",
        "value": {**value, "choices": list(values)},
    }


def _relation(head: str, tail: str, name: str) -> dict[str, Any]:
    return {
        "type": "relation",
        "from_id": head,
        "to_id": tail,
        "direction": "right",
        "labels": [name],
    }


def _annotation_result() -> list[dict[str, Any]]:
    """What an annotator's browser submits: regions, per-region choices, relations."""
    person = span(TEXT, "Kim Ryong-il", "PERSON", "Xp1Qa9sZ0b")
    crossing = span(TEXT, "crossed the DMZ", "CROSSING", "Xc2Rb8tY1c")
    motive = span(TEXT, "to avoid punishment", "MOTIVE", "Xm3Sc7uX2d")
    statistic = span(TEXT, "at least 11", "STATISTIC", "Xs4Td6vW3e")
    regions = [person, crossing, motive, statistic]
    for region in regions:
        region["origin"] = "manual"
    return [
        *regions,
        _choice(person, "roles", "defector", "other"),
        _choice(crossing, "direction", "north_to_south"),
        _choice(crossing, "route", "land_border_dmz"),
        _choice(crossing, "status", "completed"),
        _choice(motive, "category", "crime_avoidance"),
        _choice(statistic, "qualifier", "at_least"),
        _relation(person["id"], crossing["id"], "agent"),
        _relation(crossing["id"], motive["id"], "motivated_by"),
        _relation(statistic["id"], crossing["id"], "quantifies"),
    ]


def _annotate(
    client: LabelStudio, project_id: int, doc_id: str
) -> tuple[int, list[dict[str, Any]]]:
    """Submit and star (ground truth) an annotation of `doc_id`; (task id, result)."""
    task_id = _task_id(client, project_id, doc_id)
    predictions = client.predictions.list(task=task_id)
    result = _annotation_result()
    annotation = client.annotations.create(
        task_id,
        result=result,
        lead_time=42.5,
        project=project_id,
        parent_prediction=predictions[0].id if predictions else None,
    )
    client.annotations.update(annotation.id, ground_truth=True)
    return task_id, result


def _save_draft(studio: Studio, task_id: int, result: list[dict[str, Any]]) -> None:
    """Save an unsubmitted draft, as the editor does while an annotator works."""
    response = httpx.post(
        f"{studio.url}/api/tasks/{task_id}/drafts",
        json={"result": result, "lead_time": 3.0},
        headers={"Authorization": f"Token {studio.api_key}"},
    )
    assert response.status_code == 201, response.text


def _task_id(client: LabelStudio, project_id: int, doc_id: str) -> int:
    [task] = [t for t in client.tasks.list(project=project_id) if t.data["doc_id"] == doc_id]
    return int(task.id)


def test_integration_sync_twice_annotate_pull_roundtrip(
    studio: Studio, write_tasks: Callable[[list[Task]], Path], tmp_path: Path
) -> None:
    runner, env = CliRunner(), {"LABEL_STUDIO_API_KEY": studio.api_key}
    tasks = [make_task("d1", TEXT, [PREDICTION]), make_task("d2", "Second."), make_task("d3", "3.")]
    sync_args = ["sync", "--url", studio.url, "--tasks", str(write_tasks(tasks))]
    first = runner.invoke(app, sync_args, env=env)
    assert first.exit_code == 0, first.output
    assert "imported 3, already present 0, changed 0" in first.output
    assert "annotators per task set to 2" in first.output  # a new project's default
    second = runner.invoke(app, [*sync_args, "--annotators", "3"], env=env)
    assert second.exit_code == 0, second.output
    assert "imported 0, already present 3, changed 0" in second.output
    assert "annotators per task set to 3" in second.output

    client = connect(studio.url, studio.api_key)
    project_id = find_project(client, studio.url)
    assert project_id is not None
    project = client.projects.get(project_id)
    assert project.show_collab_predictions and project.model_version == "rules-v1"
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (3, 100)
    assert (project.label_config or "").strip() == schema_to_label_config(load_schema()).strip()
    task_id, result = _annotate(client, project_id, "d1")
    _save_draft(studio, _task_id(client, project_id, "d3"), [span("3.", "3", "STATISTIC", "d")])

    tasks[1] = make_task("d2", "Second, edited.")  # same doc_id, new text: reported, not imported
    changed = runner.invoke(
        app, ["sync", "--url", studio.url, "--tasks", str(write_tasks(tasks))], env=env
    )
    assert "imported 0, already present 2, changed 1" in changed.output, changed.output
    assert "annotators per task unchanged: 3" in changed.output  # kept without --annotators
    assert "d2: text changed since import" in changed.output
    assert client.projects.get(project_id).task_number == 3

    pulled = runner.invoke(
        app, ["pull", "--url", studio.url, "--out", str(tmp_path / "exports")], env=env
    )
    assert pulled.exit_code == 0, pulled.output
    [path] = (tmp_path / "exports").glob("*.json")  # next to it: the folder's lock file
    assert path.name.startswith("export-") and path.suffix == ".json"
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert client.users.whoami().email not in path.read_text(encoding="utf-8")  # ids only
    assert (
        path.read_text(encoding="utf-8")
        == json.dumps(exported, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )
    assert sorted(t["data"]["doc_id"] for t in exported) == ["d1", "d2", "d3"]
    [task] = [t for t in exported if t["id"] == task_id]
    assert task["data"]["text"] == TEXT
    [annotation] = task["annotations"]
    assert annotation["ground_truth"] is True
    assert annotation["result"] == result  # every region, choice and relation, exactly
    for item in annotation["result"]:
        if "value" in item:
            value = item["value"]
            assert TEXT[value["start"] : value["end"]] == value["text"]
    [draft_task] = [t for t in exported if t["data"]["doc_id"] == "d3"]
    assert len(draft_task["drafts"]) == 1 and isinstance(draft_task["drafts"][0], int)
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "rules-v1"
    assert prediction["result"] == PREDICTION["result"]


def _schema_edit(
    drop_label: str | None = None, add_label: str | None = None, drop_value: str | None = None
) -> LabelSchema:
    raw: dict[str, Any] = load_schema().model_dump(mode="json")
    for label in raw["labels"]:
        for attribute in label["attributes"]:
            attribute["values"] = [v for v in attribute["values"] if v != drop_value]
    if drop_label:
        raw["labels"] = [lab for lab in raw["labels"] if lab["name"] != drop_label]
        raw["relations"] = [r for r in raw["relations"] if drop_label not in (r["head"], r["tail"])]
    if add_label:
        raw["labels"].append({"name": add_label, "description": "x", "color": "#000000"})
    return LabelSchema.model_validate(raw)


def test_integration_config_change_that_orphans_annotations_is_refused(studio: Studio) -> None:
    client, title = connect(studio.url, studio.api_key), "nk-orphan-check"
    tasks = [make_task("o1", TEXT), make_task("o2", TEXT)]
    report = sync_project(client, studio.url, tasks, title=title)
    _annotate(client, report.project_id, "o1")
    crossing = span(TEXT, "crossed the DMZ", "CROSSING", "draft-c")
    draft = [crossing, _choice(crossing, "route", "sea")]  # "sea" is used in this draft only
    _save_draft(studio, _task_id(client, report.project_id, "o2"), draft)
    before = client.projects.get(report.project_id).label_config

    with pytest.raises(
        StudioError,
        match=r"(?s)\[A121\].*choice 'route=sea': 1 annotation\(s\)/draft\(s\), tasks #",
    ):
        sync_project(client, studio.url, None, schema=_schema_edit(drop_value="sea"), title=title)

    with pytest.raises(StudioError, match=r"(?s)\[A121\].*label 'MOTIVE'.*relation 'motivated_by'"):
        sync_project(
            client, studio.url, None, schema=_schema_edit(drop_label="MOTIVE"), title=title
        )
    assert client.projects.get(report.project_id).label_config == before

    added = sync_project(
        client, studio.url, None, schema=_schema_edit(add_label="PLACE"), title=title
    )
    assert added.config_updated
    assert 'value="PLACE"' in (client.projects.get(report.project_id).label_config or "")
    restored = sync_project(client, studio.url, None, title=title)  # PLACE is unused: fine
    assert restored.config_updated and not restored.project_created


@pytest.mark.filterwarnings("ignore:The `parse_obj` method is deprecated")  # inside the SDK
def test_integration_personal_access_token_works(studio: Studio, tmp_path: Path) -> None:
    personal = connect(studio.url, studio.api_key).tokens.create().token
    client = connect(studio.url, personal)
    assert not client._client_wrapper._tokens_client._use_legacy_token  # JWT -> Bearer
    report = sync_project(client, studio.url, [make_task("t1", "Token text.")], title="nk-pat")
    assert (report.imported, report.project_created) == (1, True)
    pulled = pull_project(client, studio.url, tmp_path, title="nk-pat")
    assert (pulled.tasks, pulled.annotations) == (1, 0)
    assert pulled.path.parent == tmp_path


def test_integration_wrong_api_key_is_refused(studio: Studio) -> None:
    with pytest.raises(StudioError, match=r"\[A111\] .*refused the API key"):
        connect(studio.url, "not-the-right-token-123")


def test_integration_pull_without_project_says_sync_first(studio: Studio, tmp_path: Path) -> None:
    client = connect(studio.url, studio.api_key)
    with pytest.raises(StudioError, match=r"\[A113\] .*run `nkcorpus studio sync` first"):
        pull_project(client, studio.url, tmp_path, title="nk-no-such-project")
    assert list(tmp_path.iterdir()) == []


STRANGER = "stranger@example.org"


def test_integration_signup_without_invite_is_refused(studio: Studio) -> None:
    with httpx.Client(base_url=studio.url) as browser:
        form = browser.get("/user/signup/")
        token = browser.cookies["csrftoken"]
        response = browser.post(
            "/user/signup/",
            data={"csrfmiddlewaretoken": token, "email": STRANGER, "password": "long-password-1"},
            headers={"Referer": f"{studio.url}/user/signup/"},
        )
    assert form.status_code == 200
    assert response.status_code == 403 and "CSRF" not in response.text
    emails = [user.email for user in connect(studio.url, studio.api_key).users.list()]
    assert emails and STRANGER not in emails
