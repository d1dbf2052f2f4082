"""`nkcorpus studio restore`: the rules as pure functions, and the round trip
on a real Label Studio (the session `studio`, and `studio_pg` on PostgreSQL
once tests/annotation/conftest.py provides it): fresh project, restore,
`studio pull`, compare with the committed exports, restore again."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.reviewers import Reviewer, ReviewerList, load_reviewers
from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.restore import restore_project
from nkcorpus.annotation.studio.restore_plan import (
    annotation_to_request,
    exports_to_matching,
    find_restored,
    origin_id,
)
from nkcorpus.annotation.studio.restore_predictions import (
    missing_predictions,
    parent_prediction_of,
    prediction_to_request,
)
from nkcorpus.annotation.studio.restore_report import read_exports
from nkcorpus.annotation.studio.restore_users import (
    MappedAccount,
    choose_account,
    placeholder_email,
    reviewers_on_server,
    write_reviewers,
)
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.annotation.studio.tasks_file import default_tasks_path, read_tasks
from nkcorpus.build.copies import read_merged
from nkcorpus.build.errors import BuildError
from nkcorpus.build.gold import split_annotations
from nkcorpus.errors import NkError, StudioError
from tests.annotation.conftest import FaultServer, Rule, Studio, free_port, make_task, span
from tests.fixtures import v1_exports

Task = dict[str, Any]
TEXT = "Kim Ryu crossed the DMZ in 2019 because of hunger."
ACCEPT = {"id": "rv1", "type": "choices", "from_name": "review", "to_name": "text",
          "value": {"choices": ["accept"]}}  # fmt: skip
VERSION = "restore-test-v1"
OLD_VERSION = "restore-test-v0"  # in the export only: the tasks file moved on to VERSION


def choice(region: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    """An attribute of `region` (a `labels` item from `span`)."""
    where = {k: region["value"][k] for k in ("start", "end", "text")}
    return {"id": region["id"], "from_name": name, "to_name": "text", "type": "choices",
            "value": {**where, "choices": [value]}}  # fmt: skip


KIM = span(TEXT, "Kim Ryu", "PERSON", "p1")
CROSSED = span(TEXT, "crossed the DMZ", "CROSSING", "c1")
FULL = [KIM, choice(KIM, "roles", "defector"), CROSSED,
        choice(CROSSED, "direction", "north_to_south"),
        {"type": "relation", "from_id": "p1", "to_id": "c1", "direction": "right",
         "labels": ["agent"]}]  # fmt: skip
PREDICTED = [KIM]


def annotation(ident: int, author: int, result: list[Any], **extra: Any) -> Task:
    """An exported annotation as `studio pull` writes it (the fields restore reads)."""
    return {"id": ident, "completed_by": author, "result": result, "ground_truth": False,
            "was_cancelled": False, "lead_time": 1.0, "import_id": None,
            "parent_prediction": None, "parent_annotation": None, **extra}  # fmt: skip


def exported_task(ident: int, doc_id: str, annotations: list[Task], **extra: Any) -> Task:
    task = make_task(doc_id, TEXT)
    return {"id": ident, "data": task["data"], "annotations": annotations,
            "updated_at": "2026-01-01T00:00:00Z", **extra}  # fmt: skip


def exported_prediction(ident: int, version: str, result: list[Any], score: float) -> Task:
    """A prediction as an export holds it."""
    return {"id": ident, "model_version": version, "result": result, "score": score,
            "cluster": None, "mislabeling": 0.0, "model": None, "model_run": None,
            "neighbors": None, "task": 0, "project": 1}  # fmt: skip


def synthetic_export(folder: Path) -> Path:
    """Two annotators (old ids 901, 902), a reviewer (903) who accepted a
    duplicate of 901's annotation, a skip, an annotation restored before
    (import_id 7), work on a withheld document, and predictions of an older
    model_version than the tasks file's (on r1, and on r4 with no annotation)."""
    current = exported_prediction(51, VERSION, PREDICTED, 1.0)  # sync imports it too
    old = exported_prediction(52, OLD_VERSION, [KIM, CROSSED], 0.5)
    tasks = [
        exported_task(101, "r1", [
            annotation(11, 901, FULL, lead_time=12.5, parent_prediction=51),
            annotation(12, 902, [KIM], lead_time=3.0, parent_prediction=52),
            annotation(13, 903, [*FULL, ACCEPT], ground_truth=True, parent_annotation=11),
            annotation(14, 902, [], was_cancelled=True),
        ], predictions=[current, old]),
        exported_task(102, "r2", [annotation(15, 901, [KIM], id=40, import_id=7)]),
        exported_task(103, "r3", [annotation(16, 901, [KIM])]),
        exported_task(104, "r4", [], predictions=[exported_prediction(53, OLD_VERSION, [], 0.25)]),
    ]  # fmt: skip
    path = folder / "export-20260101T000000Z-000000000000.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def synthetic_tasks() -> list[Task]:
    """What sync imports for the synthetic export (r1 with its current prediction)."""
    first = make_task("r1", TEXT, [{"model_version": VERSION, "result": PREDICTED, "score": 1.0}])
    return [first, make_task("r2", TEXT), make_task("r3", TEXT), make_task("r4", TEXT)]


# ---- the rules, without a server ----------------------------------------------------


def test_restore_origin_is_import_id_else_id() -> None:
    assert origin_id({"id": 9, "import_id": None}) == 9
    assert origin_id({"id": 9, "import_id": 2}) == 2  # restored before: keeps the first id
    assert origin_id({"id": "x"}) is None


def test_restore_find_restored_by_marker_or_on_the_server_it_came_from() -> None:
    made = annotation(4, 1, [KIM])
    assert find_restored(made, [{"id": 30, "import_id": 4}]) == {"id": 30, "import_id": 4}
    # another server's native annotation 4 with other content is not it
    assert (
        find_restored(made, [{"id": 4, "import_id": None, "completed_by": 2, "result": []}]) is None
    )
    assert find_restored(made, [{"id": 31, "import_id": 5}]) is None
    # the server the export came from: same id, author and result, never imported
    assert find_restored(made, [dict(made)]) == made
    # a marker always wins over the id: restored annotation 4 (import_id 9) is not 4
    assert (
        find_restored(made, [{"id": 4, "import_id": 9, "completed_by": 1, "result": [KIM]}]) is None
    )


def test_restore_matching_notes_withheld_and_lists_missing_and_changed_documents() -> None:
    sha = make_task("r1", TEXT)["data"]["text_sha256"]
    server = [{"id": 70, "data": {"doc_id": "r1", "text_sha256": sha}},
              {"id": 71, "data": {"doc_id": "r2", "text_sha256": "other"}},
              {"id": 72, "data": {"doc_id": "r7", "text_sha256": sha}}]  # fmt: skip
    exported = [
        ("e.json", exported_task(1, "r1", [annotation(1, 1, [])])),
        ("e.json", exported_task(2, "r2", [annotation(2, 1, [])])),  # text changed
        ("e.json", exported_task(3, "r3", [annotation(3, 1, [])])),  # withheld
        ("e.json", exported_task(4, "r4", [annotation(4, 1, [])])),  # not in the project
        ("e.json", exported_task(5, "r5", [])),  # nothing to restore
        ("e.json", exported_task(6, "r7", [], predictions=[{"id": 1}])),  # predictions only
        ("e.json", exported_task(7, "r6", [], predictions=[{"id": 2}])),  # ... not in the project
    ]
    matching = exports_to_matching(exported, server, {"r3": "r1"})
    assert [(m.doc_id, m.server["id"]) for m in matching.matched] == [("r1", 70), ("r7", 72)]
    assert matching.empty == 3  # tasks 5, 6, 7
    withheld, lost = matching.notes  # predictions only: a note, not a problem
    assert "doc r3 (task 3 of e.json)" in withheld and "near-duplicate of r1" in withheld
    assert lost.startswith("doc r6 (task 7 of e.json): 1 prediction(s) (no annotation) not")
    assert "not in the project" in lost
    changed, missing = matching.problems
    assert "doc r2" in changed and "another text" in changed and "other" in changed
    assert "doc r4" in missing and "not in the project" in missing


def test_restore_request_carries_result_author_review_ground_truth_and_lead_time() -> None:
    accepted = annotation(13, 903, [*FULL, ACCEPT], ground_truth=True, lead_time=7)
    request = annotation_to_request(accepted, author=55, parent_annotation=80)
    assert request == {"result": [*FULL, ACCEPT], "completed_by": 55, "import_id": 13,
                       "ground_truth": True, "was_cancelled": False, "lead_time": 7.0,
                       "parent_annotation": 80}  # fmt: skip
    skipped = annotation_to_request(
        annotation(14, 1, [], was_cancelled=True, lead_time=None), author=2
    )
    assert skipped["was_cancelled"] is True and "lead_time" not in skipped
    assert annotation_to_request(annotation(15, 1, [], import_id=7), author=2)["import_id"] == 7


def test_restore_parent_prediction_is_the_server_prediction_with_same_version_and_result() -> None:
    exported = [{"id": 51, "model_version": VERSION, "result": PREDICTED}]
    server = [{"id": 90, "model_version": "other", "result": PREDICTED},
              {"id": 91, "model_version": VERSION, "result": []},
              {"id": 92, "model_version": VERSION, "result": PREDICTED}]  # fmt: skip
    assert parent_prediction_of({"parent_prediction": 51}, exported, server) == 92
    # only embedded in the annotation (a prediction deleted since): still found
    embedded = {"parent_prediction": 51, "prediction": exported[0]}
    assert parent_prediction_of(embedded, [], server) == 92
    assert parent_prediction_of({"parent_prediction": 52}, exported, server) is None


def test_restore_predictions_missing_are_those_without_same_version_and_result() -> None:
    old = exported_prediction(51, OLD_VERSION, PREDICTED, 1.0)
    new = exported_prediction(52, VERSION, PREDICTED, 1.0)
    other = exported_prediction(53, OLD_VERSION, [], 1.0)
    # the server holds what sync imported (VERSION) and a restored copy of `old`, other ids
    server = [dict(new, id=90, score=None), dict(old, id=91, mislabeling=0.5)]
    assert missing_predictions([old, new, other], server) == [other]  # score etc. do not count
    assert missing_predictions([old, old], server) == [old]  # twice exported: one more
    assert missing_predictions([], server) == []
    assert missing_predictions([old], [dict(old, result=[KIM, KIM])]) == [old]


def test_restore_prediction_request_carries_version_score_result_and_no_ids() -> None:
    exported = dict(exported_prediction(51, OLD_VERSION, PREDICTED, 0.75), cluster=3, model=8,
                    model_run=9, neighbors=[1, 2])  # fmt: skip
    assert prediction_to_request(exported, 40) == {
        "task": 40, "result": PREDICTED, "model_version": OLD_VERSION, "score": 0.75,
        "mislabeling": 0.0}  # fmt: skip
    bare = prediction_to_request({"result": [], "score": None, "model_version": None}, 41)
    assert bare == {"task": 41, "result": []}


def test_restore_account_is_export_email_then_reviewer_email_then_placeholder() -> None:
    server = {"a@x.org": 4, "r@x.org": 5, "annotator-9@nkcorpus.invalid": 6}
    assert choose_account(9, "A@x.org", "r@x.org", server) == ("a@x.org", "export email")
    assert choose_account(9, "b@x.org", "r@x.org", server) == ("r@x.org", "reviewer email")
    assert choose_account(9, "", "", server) == (placeholder_email(9), "placeholder")
    assert choose_account(8, "", "s@x.org", server) == (placeholder_email(8), "new placeholder")
    assert placeholder_email(None) == "annotator-unknown@nkcorpus.invalid"


def test_restore_reviewers_on_server_are_written_and_read_back(tmp_path: Path) -> None:
    listed = ReviewerList(reviewers=[Reviewer(id=3, email="r@x.org"), Reviewer(id=4),
                                     Reviewer(id=5, email="s@x.org")])  # fmt: skip
    mapped = {3: MappedAccount(3, 12, "r@x.org", "reviewer email"),
              1: MappedAccount(1, 13, placeholder_email(1), "placeholder")}  # fmt: skip
    # 3 restored as account 12; 4 unknown here; 5 has an account by email (id 20)
    here, notes = reviewers_on_server(listed, mapped, {"r@x.org": 12, "s@x.org": 20})
    assert [(r.id, r.email) for r in here.reviewers] == [(12, "r@x.org"), (20, "s@x.org")]
    assert len(notes) == 1 and notes[0].startswith("reviewer 4 (no email)")
    path = tmp_path / "reviewers.yaml"
    path.write_text("# who reviews\n# (comment kept)\nreviewers:\n  - id: 3\n", encoding="utf-8")
    write_reviewers(path, here)
    assert path.read_text(encoding="utf-8").startswith(
        "# who reviews\n# (comment kept)\nreviewers:"
    )
    assert load_reviewers(path).ids == frozenset({12, 20})
    with pytest.raises(StudioError, match=r"A173.*restore itself is complete"):
        write_reviewers(path / "not-a-folder" / "reviewers.yaml", here)


def test_restore_read_exports_refuses_what_the_build_refuses(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match=r"A171.*no export to restore"):
        read_exports([])
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([exported_task(1, "r1", []), exported_task(1, "r2", [])]))
    with pytest.raises(NkError, match=r"A170(.|\n)*B106(.|\n)*task id 1 is given twice"):
        read_exports([broken])
    good = synthetic_export(tmp_path)
    assert [task["id"] for _, task in read_exports([good])] == [101, 102, 103, 104]


def test_restore_command_reports_an_unreachable_server_with_a_code(tmp_path: Path) -> None:
    export = synthetic_export(tmp_path)
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app,
        ["restore", "--url", url, "--export", str(export), "--no-progress"],
        env={"LABEL_STUDIO_API_KEY": "k" * 40},
    )
    assert result.exit_code == 1
    assert "[A110]" in result.output and "Traceback" not in result.output


# ---- on a real server ------------------------------------------------------------------

SERVERS = ("studio", "studio_pg")


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> Studio:
    """The session's Label Studio on SQLite (`studio`) or on PostgreSQL (`studio_pg`)."""
    try:
        return request.getfixturevalue(request.param)
    except pytest.FixtureLookupError:
        pytest.skip(f"tests/annotation/conftest.py has no fixture {request.param!r} yet")


# What the round trip cannot keep, and why:
# - ids (task, annotation, prediction, project, inner_id): the new server numbers its rows;
#   an annotation is compared through its marker (`import_id` = its id in the export), its
#   author through the account map, its parent annotation through the parent's marker, its
#   parent prediction through that prediction's model_version and result;
# - created_at, updated_at: the server stamps rows when the restore makes them;
# - updated_by: Label Studio sets it to the account that sent the request (the restorer);
# - unique_id: a fresh random UUID per annotation row;
# - inner_id: the task's position in the project, which skips the withheld documents.
TASK_VOLATILE = {"id", "inner_id", "project", "created_at", "updated_at", "updated_by"}
ROW_VOLATILE = {"id", "task", "project", "created_at", "updated_at", "updated_by", "unique_id",
                "created_ago"}  # fmt: skip
MAPPED = {"import_id", "completed_by", "parent_prediction", "parent_annotation", "prediction"}
# What Label Studio sets on a prediction created without these fields (sync's import, restore)
FRESH = {"cluster": None, "mislabeling": 0.0, "model": None, "model_run": None, "neighbors": None,
         "score": None}  # fmt: skip


def imported_predictions(task: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A tasks-file task's predictions as a pull shows them once sync imported
    them, without the volatile fields."""
    return [{**FRESH, **p} for p in task.get("predictions") or []]


def _prediction(prediction: Mapping[str, Any] | None) -> Any:
    if not isinstance(prediction, Mapping):
        return prediction
    return {k: v for k, v in prediction.items() if k not in ROW_VOLATILE}


def _order(prediction: Any) -> str:
    return json.dumps(prediction, sort_keys=True)


def comparable(tasks: list[Task], authors: Mapping[int, int] | None = None) -> dict[str, Any]:
    """Tasks by doc_id without volatile fields; ids replaced by what they stand
    for. `authors` maps the export's user ids to this server's (None: as given)."""
    out = {}
    for task in tasks:
        predictions = {p["id"]: p for p in task.get("predictions") or []}
        origins = {a["id"]: origin_id(a) for a in task.get("annotations") or []}
        kept = {k: v for k, v in task.items() if k not in TASK_VOLATILE}
        kept["predictions"] = sorted((_prediction(p) for p in predictions.values()), key=_order)
        rows = []
        for made in task.get("annotations") or []:
            row = {k: v for k, v in made.items() if k not in ROW_VOLATILE | MAPPED}
            row["origin"] = origin_id(made)
            author = made["completed_by"]
            row["author"] = authors[author] if authors is not None else author
            row["parent_prediction"] = _prediction(predictions.get(made["parent_prediction"]))
            row["parent_annotation"] = origins.get(made["parent_annotation"])
            row["prediction"] = _prediction(made.get("prediction"))
            rows.append(row)
        kept["annotations"] = sorted(rows, key=lambda r: r["origin"])
        out[task["data"]["doc_id"]] = kept
    return out


@pytest.mark.studio
def test_restore_round_trip_of_the_committed_exports(server: Studio, tmp_path: Path) -> None:
    """The export v1.0.0 was released from (`tests/fixtures`, byte for byte as it was
    committed; annotation/exports/ now holds the export of the server that restored it)."""
    client = connect(server.url, server.api_key)
    title = f"nk-restore-{os.urandom(3).hex()}"
    exports = v1_exports()
    report = restore_project(
        client, server.url, exports, title=title, tasks=read_tasks(default_tasks_path()),
        reviewers=ReviewerList(),
    )  # fmt: skip
    assert report.synced is not None and report.synced.project_created  # sync made it
    # committed: 5 tasks; 000, 002, 003, 004 with one gold each; 001 (withheld) without any
    assert (report.restored, report.present, report.tasks, report.empty) == (4, 0, 4, 1)
    assert report.error() is None
    [account] = report.accounts  # v1.0.0's gold is all by user 1 of the first server
    assert (account.old_id, account.email) == (1, "annotator-1@nkcorpus.invalid")

    # predictions: 000, 002, 003, 004 hold one each in the exports, of model_version
    # nkcorpus-prelabel-0.1.0-..., and sync imported the tasks file's (0.2.0-...): 4 made, 0 there
    assert (report.predictions_restored, report.predictions_present) == (4, 0)
    # 001's prediction is noted, not restored: its document is withheld
    assert len(report.notes) == 1 and "doc 001_01116437e2deb97c" in report.notes[0]

    first = pull_project(client, server.url, tmp_path / "first", title=title, reviewers=frozenset())
    pulled = json.loads(first.path.read_text(encoding="utf-8"))
    problems: list[Any] = []
    committed = [item.task for item in read_merged(exports, problems)]
    assert problems == []
    expected = comparable(committed, {1: account.new_id})
    withheld = expected.pop("001_01116437e2deb97c")  # sync never imports it
    assert withheld["annotations"] == []  # so nothing of it is lost
    # What may differ from the exports, and only that (each asserted, then set as pulled):
    # - a task's predictions also hold those sync imported from the current tasks file that no
    #   exported prediction equals (same model_version and result); `total_predictions` too;
    # - an annotation's `prediction`, Label Studio's snapshot of the task's prediction of the
    #   project's model_version when the annotation was made (its API cannot set it), is the
    #   tasks file's prediction of the model_version sync shows;
    # - a task's `data` is the tasks file's: same doc_id, text and text_sha256, and metadata
    #   (url, publisher) as the seeds give them now.
    tasks_file = {t["data"]["doc_id"]: t for t in read_tasks(default_tasks_path())}
    shown = report.synced.model_version
    extra = 0
    for doc_id, task in expected.items():
        now = imported_predictions(tasks_file[doc_id])
        exported = [(p["model_version"], p["result"]) for p in task["predictions"]]
        new = [p for p in now if (p["model_version"], p["result"]) not in exported]
        task["predictions"] = sorted(task["predictions"] + new, key=_order)
        task["total_predictions"] += len(new)
        extra += len(new)
        [snapshot] = [p for p in now if p["model_version"] == shown]
        for row in task["annotations"]:
            row["prediction"] = snapshot
        data = tasks_file[doc_id]["data"]
        for key in ("doc_id", "text", "text_sha256"):
            assert task["data"][key] == data[key], (doc_id, key)
        task["data"] = data
    assert extra == 4  # one 0.2.0 prediction on each of the 4 restored tasks
    actual = comparable(pulled)
    # tasks of documents added since the exports were pulled (29 when the corpus had 34 seeds:
    # 33 imported, 001 withheld, minus the 4 of the exports): as the tasks file gives them
    added = {doc_id: actual.pop(doc_id) for doc_id in set(actual) - set(expected)}
    assert set(added) == set(tasks_file) - set(expected) - {"001_01116437e2deb97c"}
    for doc_id, task in added.items():
        assert (task["data"], task["annotations"]) == (tasks_file[doc_id]["data"], [])
        assert task["predictions"] == sorted(imported_predictions(tasks_file[doc_id]), key=_order)
    assert actual == expected  # annotations, their parents (restored predictions) included
    assert sum(len(t["annotations"]) for t in actual.values()) == 4
    assert all(a["ground_truth"] for t in actual.values() for a in t["annotations"])
    assert all(
        a["parent_prediction"] is not None for t in actual.values() for a in t["annotations"]
    )

    again = restore_project(client, server.url, exports, title=title, reviewers=ReviewerList())
    assert (again.restored, again.present, again.synced) == (0, 4, None)
    assert (again.predictions_restored, again.predictions_present) == (0, 4)
    second = pull_project(
        client, server.url, tmp_path / "second", title=title, reviewers=frozenset()
    )
    repulled = json.loads(second.path.read_text(encoding="utf-8"))
    for key in ("annotations", "predictions"):  # nothing new
        ids = sorted(a["id"] for t in pulled for a in t[key])
        assert sorted(a["id"] for t in repulled for a in t[key]) == ids


def _sign_up(url: str, api_key: str, email: str, password: str) -> None:
    """Sign up through the organization's invite link, as a reviewer does."""
    invite = httpx.get(f"{url}/api/invite", headers={"Authorization": f"Token {api_key}"})
    link = invite.json()["invite_url"]
    with httpx.Client(base_url=url, timeout=60) as browser:
        browser.get(link)
        done = browser.post(
            link,
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], "email": email,
                  "password": password},
            headers={"Referer": f"{url}{link}"},
        )  # fmt: skip
    assert done.status_code == 302, f"sign-up of {email} failed: {done.status_code}"


def _logs_in(url: str, email: str, password: str) -> bool:
    with httpx.Client(base_url=url, timeout=60) as browser:
        browser.get("/user/login/")
        answer = browser.post(
            "/user/login/",
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], "email": email,
                  "password": password},
            headers={"Referer": f"{url}/user/login/"},
        )  # fmt: skip
        return answer.status_code == 302


@pytest.mark.studio
def test_restore_brings_back_authors_and_review_decisions(server: Studio, tmp_path: Path) -> None:
    client = connect(server.url, server.api_key)
    title = f"nk-restore-review-{os.urandom(3).hex()}"
    email, password = f"reviewer-{os.urandom(3).hex()}@example.org", os.urandom(8).hex()
    _sign_up(server.url, server.api_key, email, password)  # the reviewer, before the restore
    reviewer = next(u for u in client.users.list() if u.email == email)
    listed = ReviewerList(reviewers=[Reviewer(id=903, email=email)])  # ids of the first server
    export = synthetic_export(tmp_path)
    report = restore_project(client, server.url, [export], title=title, tasks=synthetic_tasks(),
                             reviewers=listed, withheld={"r3": "r1"})  # fmt: skip
    # r1: 4 annotations, r2: 1; r3 is withheld (noted, not restored); r4: a prediction only
    assert (report.restored, report.present, report.tasks, report.empty) == (5, 0, 2, 1)
    # predictions: r1's 52 and r4's 53 (OLD_VERSION) made; r1's 51 (VERSION) imported by sync
    assert (report.predictions_restored, report.predictions_present) == (2, 1)
    assert len(report.notes) == 1 and "doc r3" in report.notes[0] and report.error() is None
    accounts = {a.old_id: a for a in report.accounts}
    assert accounts[903].new_id == int(reviewer.id) and accounts[903].how == "reviewer email"
    assert accounts[901].email == "annotator-901@nkcorpus.invalid"
    assert accounts[902].email == "annotator-902@nkcorpus.invalid"
    assert report.reviewers.ids == frozenset({int(reviewer.id)})
    assert _logs_in(server.url, email, password)  # control: a real account logs in
    for tried in ("", "password", accounts[901].email):  # a placeholder never does
        assert not _logs_in(server.url, accounts[901].email, tried)

    pull = pull_project(client, server.url, tmp_path / "pulled", title=title,
                        reviewers=report.reviewers.ids)  # fmt: skip
    assert pull.broken_reviews == ()
    tasks = {t["data"]["doc_id"]: t for t in json.loads(pull.path.read_text(encoding="utf-8"))}
    r1 = {a["import_id"]: a for a in tasks["r1"]["annotations"]}
    assert sorted(r1) == [11, 12, 13, 14] and [
        a["import_id"] for a in tasks["r2"]["annotations"]
    ] == [7]
    assert {k: r1[k]["completed_by"] for k in r1} == {
        11: accounts[901].new_id, 12: accounts[902].new_id, 13: int(reviewer.id),
        14: accounts[902].new_id}  # fmt: skip
    assert r1[11]["result"] == FULL and r1[13]["result"] == [*FULL, ACCEPT]
    assert [k for k in r1 if r1[k]["ground_truth"]] == [13]
    assert [k for k in r1 if r1[k]["was_cancelled"]] == [14]
    assert (r1[11]["lead_time"], r1[12]["lead_time"]) == (12.5, 3.0)
    assert r1[13]["parent_annotation"] == r1[11]["id"]
    versions = {p["model_version"]: p for p in tasks["r1"]["predictions"]}
    assert sorted(versions) == [OLD_VERSION, VERSION] and len(tasks["r1"]["predictions"]) == 2
    assert (
        versions[OLD_VERSION]["result"] == [KIM, CROSSED] and versions[OLD_VERSION]["score"] == 0.5
    )
    assert r1[11]["parent_prediction"] == versions[VERSION]["id"]
    assert r1[12]["parent_prediction"] == versions[OLD_VERSION]["id"]  # restored, then its parent
    [r4] = tasks["r4"]["predictions"]
    assert (r4["model_version"], r4["result"], r4["score"], tasks["r4"]["annotations"]) == (
        OLD_VERSION, [], 0.25, [])  # fmt: skip
    # the gold rule: the reviewer's acceptance is the gold with this server's ids ...
    assert split_annotations(tasks["r1"], reviewers=report.reviewers.ids).gold["import_id"] == 13
    # ... and would stop the build with the first server's ids
    with pytest.raises(BuildError, match=r"B121"):
        split_annotations(tasks["r1"], reviewers=listed.ids)
    write_reviewers(tmp_path / "reviewers.yaml", report.reviewers)
    assert load_reviewers(tmp_path / "reviewers.yaml").ids == report.reviewers.ids

    again = restore_project(client, server.url, [export], title=title, reviewers=listed,
                            withheld={"r3": "r1"})  # fmt: skip
    assert (again.restored, again.present) == (0, 5)
    assert (again.predictions_restored, again.predictions_present) == (0, 3)


@pytest.mark.studio
def test_restore_after_a_lost_answer_completes_without_duplicates(
    server: Studio, tmp_path: Path
) -> None:
    client = connect(server.url, server.api_key)
    title = f"nk-restore-resume-{os.urandom(3).hex()}"
    export, withheld = synthetic_export(tmp_path), {"r3": "r1"}
    sync_project(client, server.url, synthetic_tasks(), title=title, withheld=withheld)
    project = next(p for p in client.projects.list() if p.title == title)
    r1 = next(int(t.id) for t in client.tasks.list(project=project.id) if t.data["doc_id"] == "r1")
    proxy = FaultServer(upstream=server.url)
    # r1's first annotation (11) is made, then its answer is lost: the restore stops there
    proxy.rules.append(Rule("POST", rf"/api/tasks/{r1}/annotations", "drop_after_forward", 1))
    try:
        with pytest.raises(StudioError, match=r"A117"):
            restore_project(connect(proxy.url, server.api_key), proxy.url, [export], title=title,
                            reviewers=ReviewerList(), withheld=withheld)  # fmt: skip
    finally:
        proxy.close()
    resumed = restore_project(client, server.url, [export], title=title,
                              reviewers=ReviewerList(), withheld=withheld)  # fmt: skip
    # 5 in all: 11 had arrived, 12, 13, 14 (r1) and the one of r2 are restored now
    assert (resumed.restored, resumed.present) == (4, 1)
    # r1's OLD_VERSION prediction was made before 11: there; r4's comes after r1: made now
    assert (resumed.predictions_restored, resumed.predictions_present) == (1, 2)
    pulled = json.loads(
        pull_project(
            client, server.url, tmp_path / "p", title=title, reviewers=frozenset()
        ).path.read_text(encoding="utf-8")
    )
    made = {a["import_id"]: a for t in pulled for a in t["annotations"]}
    markers = sorted(a["import_id"] for t in pulled for a in t["annotations"])
    assert markers == [7, 11, 12, 13, 14]  # each once
    assert made[13]["parent_annotation"] == made[11]["id"]  # found again by its marker
    versions = sorted(p["model_version"] for t in pulled for p in t["predictions"])
    assert versions == [OLD_VERSION, OLD_VERSION, VERSION]  # r1's two and r4's, each once
