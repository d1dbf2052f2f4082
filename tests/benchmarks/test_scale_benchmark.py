"""The scale benchmark end to end at a small N, so that it cannot rot: every
contender runs as its own process on generated exports, the table and the
JSON line come out, and every figure is there and positive. No timing
assertions: speed targets live in the benchmark (`benchmarks/README.md`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.scale.run import CONTENDERS, REPO

TASKS = 12


def test_a_small_run_prints_the_table_and_one_json_line(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks.scale.run", "--tasks", str(TASKS),
               "--work-dir", str(tmp_path), "--tasks-per-file", "5"]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.rstrip("\n").split("\n")
    assert "| N tasks | contender | status | wall | per s | peak RSS | CPU |" in lines
    rows = [line for line in lines if line.startswith(f"| {TASKS} | ")]
    assert [row.split(" | ")[1] for row in rows] == list(CONTENDERS)
    figures = json.loads(lines[-1])  # the last line is the JSON object
    run = figures["runs"][str(TASKS)]
    generation = run["generation"]
    # 12 tasks in files of 5: 3 files; 0.5% of 12 rounds to 0, so one planted copy
    assert (generation["tasks"], generation["documents"]) == (TASKS, TASKS + 1)
    assert generation["export_bytes"] > 0 and generation["gold_regions"] > 0
    for name in CONTENDERS:
        found = run["contenders"][name]
        assert found["status"] == "ok", (name, Path(found["log"]).read_text()[-2000:])
        assert found["wall_s"] > 0 and found["cpu_s"] > 0 and found["per_s"] > 0, name
        assert found["peak_rss"] > 0 and found["rss_os"] > 0, name
    for name in ("build", "incremental", "cold_variant"):
        release = run["contenders"][name]["release"]
        assert release["complete"] and "tokens" in release["configs"], name
        assert release["croissant"] and release["docbins"], name
    assert run["contenders"]["incremental"]["identical_to_cold"] is True
    measured = [t for t in figures["targets"] if t["goal"] is not None]
    assert measured and all(t["value"] is not None and t["value"] > 0 for t in measured)
    assert figures["machine"]["cores"] >= 1
    assert figures["command"].startswith("python -m benchmarks.scale.run --tasks 12")
