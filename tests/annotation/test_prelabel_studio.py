"""The pre-annotation against a real Label Studio (conftest `studio`): the
predictions of `nkcorpus tasks` import unchanged, and a starred annotation in
a real export is what `prelabel-report` scores."""

from __future__ import annotations

import json

import pytest

from nkcorpus.annotation.score import prelabel_report
from nkcorpus.annotation.studio.client import connect, fetch_export
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.annotation.studio.tasks_file import read_tasks
from nkcorpus.annotation.tasks import write_tasks
from nkcorpus.corpus.documents import load_documents

pytestmark = pytest.mark.studio


def test_prelabel_studio_imports_predictions_unchanged_and_scores_its_export(
    studio, tmp_path, seeds_dir
):
    path = tmp_path / "tasks.json"
    summary = write_tasks(load_documents(seeds_dir), path, progress=False)
    ours = {t["data"]["doc_id"]: t for t in read_tasks(path)}
    client = connect(studio.url, studio.api_key)
    report = sync_project(
        client, studio.url, list(ours.values()), title="nk-prelabel-check", withheld={}
    )
    assert report.imported == len(ours)

    exported = fetch_export(client, studio.url, report.project_id)
    assert sorted(t["data"]["doc_id"] for t in exported) == sorted(ours)
    for task in exported:
        [prediction] = task["predictions"]
        mine = ours[task["data"]["doc_id"]]["predictions"][0]
        assert prediction["model_version"] == summary.model_version
        assert prediction["result"] == mine["result"]

    starred = exported[0]
    result = [{**item, "origin": "manual"} for item in starred["predictions"][0]["result"]]
    annotation = client.annotations.create(starred["id"], result=result, project=report.project_id)
    client.annotations.update(annotation.id, ground_truth=True)
    export_path = tmp_path / "export.json"
    export_path.write_text(
        json.dumps(fetch_export(client, studio.url, report.project_id)), encoding="utf-8"
    )
    scored = prelabel_report(export_path)
    assert (scored.tasks_scored, scored.tasks_skipped) == (1, len(ours) - 1)
    for row in scored.scores:
        if row.gold:
            assert (row.exact.f1, row.overlap.f1) == (1.0, 1.0), row.label
