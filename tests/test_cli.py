import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from nkcorpus.cli import app

runner = CliRunner()


def test_cli_pipeline_writes_clean_bodies_and_summary(tmp_path, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    result = runner.invoke(app, ["pipeline", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    released = sorted(p for p in (repo_root / "dataset").rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in released}
    assert (
        "[4/6] summary" in result.output
        and (tmp_path / "tasks.json").is_file()
        and "34 documents" in result.output
    )
    assert "[6/6] load" in result.output
    assert "documents: train 26, validation 5, test 2" in result.output
    assert (tmp_path / "dataset" / "v0.0.0" / "MANIFEST.json").is_file()
    assert {p: p.stat().st_mtime_ns for p in released} == before
    rows = [json.loads(line) for line in (tmp_path / "clean" / "documents.jsonl").open()]
    assert [r["doc_id"] for r in rows] == sorted(r["doc_id"] for r in rows)
    assert len(rows) == 34 and all(r["text"] and r["text_sha256"] for r in rows)


def test_cli_summary_json(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    result = runner.invoke(app, ["seeds", "summary", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["totals"]["documents"] == 34
    assert data["near_duplicate_pairs"][0]["a"] == "001_01116437e2deb97c"


def test_cli_errors_exit_1_with_the_code_and_no_traceback(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "manifest.yaml").write_text("documents: [oops]\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "nkcorpus", "seeds", "summary", "--seeds", str(seeds)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "[D002]" in out.stderr and "manifest.yaml" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_outside_a_checkout_is_a_coded_error_not_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NKCORPUS_ROOT"}
    out = subprocess.run(
        [sys.executable, "-m", "nkcorpus", "counts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 1, out.stderr
    assert "[D051]" in out.stderr and "NKCORPUS_ROOT" in out.stderr
    assert "Traceback" not in out.stderr
