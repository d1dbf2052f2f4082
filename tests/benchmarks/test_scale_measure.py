"""Measuring one contender (`benchmarks.scale.measure`) and holding figures
against issue 13's targets (`benchmarks.scale.report`)."""

from __future__ import annotations

import doctest
import importlib
import sys
from pathlib import Path

import pytest

from benchmarks.scale.measure import run_measured
from benchmarks.scale.report import report_lines, targets

MIB = 2**20
HOLD = "import sys, time; x = bytearray({mib} * 2**20); x[::4096] = b'1' * len(x[::4096]); "


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_peak_memory_of_one_process(tmp_path: Path) -> None:
    code = HOLD.format(mib=200) + "time.sleep(1)"
    found = run_measured(_python(code), log=tmp_path / "a.log", interval=0.1)
    assert found.status == "ok" and found.exit_code == 0
    assert found.rss_os >= 200 * MIB  # the kernel's ru_maxrss
    assert found.rss_tree >= 200 * MIB  # sampled while it slept
    assert found.wall_s >= 1.0 and found.cpu_s > 0


def test_tree_sums_a_process_and_its_children(tmp_path: Path) -> None:
    child = HOLD.format(mib=150) + "time.sleep(2)"
    parent = (
        HOLD.format(mib=100)
        + f"import subprocess; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    )
    found = run_measured(_python(parent), log=tmp_path / "b.log", interval=0.1)
    assert found.status == "ok"
    # 100 MiB held by the parent while the child holds 150 MiB: the tree holds 250 MiB
    assert found.rss_tree >= 250 * MIB
    assert found.pss_tree >= 250 * MIB  # nothing shared: proportional = resident
    # ru_maxrss is one process's peak (here also the measuring process's size at the
    # fork before exec, large inside pytest), so it is no bound on the sum
    assert found.peak_rss == max(found.rss_os, found.pss_tree)


def test_pages_a_forked_worker_shares_count_once(tmp_path: Path) -> None:
    """A forked child maps the parent's 200 MiB without copying it: the summed
    resident sets count it twice, the summed proportional sets once."""
    code = HOLD.format(mib=200) + (
        "import os\npid = os.fork()\nif pid == 0:\n    time.sleep(2); os._exit(0)\n"
        "os.waitpid(pid, 0)"
    )
    found = run_measured(_python(code), log=tmp_path / "f.log", interval=0.1)
    assert found.status == "ok"
    assert found.rss_tree >= 400 * MIB  # 200 MiB in each resident set
    assert 200 * MIB <= found.pss_tree < 300 * MIB  # 100 + 100 MiB, plus two interpreters


def test_a_contender_past_its_timeout_is_killed(tmp_path: Path) -> None:
    found = run_measured(_python("import time; time.sleep(60)"), log=tmp_path / "c.log", timeout=1)
    assert found.status == "timeout"
    assert found.exit_code == -9
    assert found.wall_s < 30


def test_a_contender_past_the_memory_cap_is_killed(tmp_path: Path) -> None:
    code = HOLD.format(mib=300) + "time.sleep(60)"
    found = run_measured(_python(code), log=tmp_path / "d.log", max_rss=100 * MIB)
    assert found.status == "memory"
    assert found.exit_code == -9


def test_a_failing_contender_is_reported_with_its_exit_code_and_log(tmp_path: Path) -> None:
    found = run_measured(_python("print('boom'); raise SystemExit(3)"), log=tmp_path / "e.log")
    assert (found.status, found.exit_code) == ("failed", 3)
    assert (tmp_path / "e.log").read_text() == "boom\n"


def _contender(wall: float, peak: int = 0, **extra: object) -> dict[str, object]:
    return {"status": "ok", "wall_s": wall, "peak_rss": peak, "cpu_s": wall, **extra}


def test_targets_from_hand_made_figures() -> None:
    runs = {
        "10000": {
            "contenders": {
                "build": _contender(40.0, 2 * 2**30),
                "converter": _contender(10.0),
                "validate": _contender(4.0),
                "floor": _contender(5.0),
                "incremental": _contender(4.0, identical_to_cold=True),
                "cold_variant": _contender(60.0),
                "tasks": _contender(20.0, per_s=500.0),
                "seeds_summary": {"status": "timeout", "wall_s": 900.0},
            }
        },
        "100000": {"contenders": {"build": _contender(400.0, 3 * 2**30)}},
    }
    found = {(t["tasks"], t["target"].split(" (")[0]): t for t in targets(runs)}
    throughput = found[(10000, "cold build throughput / converter's")]
    assert throughput["value"] == 0.25  # 10 s / 40 s
    assert throughput["note"] == "missed: 8.0x away"  # 2 / 0.25
    floor = found[(10000, "cold build time / tokenizer floor's")]
    assert (floor["value"], floor["met"]) == (8.0, False)  # 40 s / 5 s, over 1.5
    validate = found[(10000, "validate throughput / converter's")]
    assert (validate["value"], validate["note"]) == (2.5, "missed: 2.0x away")  # 10/4; 5/2.5
    incremental = found[(10000, "incremental build after 1% changed: speed-up over cold")]
    assert (incremental["value"], incremental["met"]) == (15.0, True)  # 60 s / 4 s
    assert found[(10000, "incremental release byte-identical to the cold one")]["met"] is True
    assert found[(10000, "nkcorpus tasks, documents/s")]["met"] is True  # 500 >= 200
    summary = found[(10000, "seeds summary")]
    assert summary["value"] is None and summary["met"] is None  # timed out: no figure
    growth = found[(100000, "cold build peak RSS growth 10,000 -> 100,000 tasks")]
    assert (growth["value"], growth["met"]) == (1.5, False)  # 3 GiB / 2 GiB, over 1.3
    at_100k = found[(100000, "cold build peak RSS, GiB")]
    assert (at_100k["value"], at_100k["met"]) == (3.0, False)  # not under 1 GiB
    assert found[(100000, "cold build throughput / converter's")]["met"] is None


def test_report_lines_show_every_contender_and_target() -> None:
    runs = {"20": {"contenders": {"build": {**_contender(8.0, 2**30), "per_s": 2.5},
                                  "dedup": {"status": "skipped"}}}}  # fmt: skip
    figures = {"command": "x", "machine": {"cores": 2, "memory_bytes": 2**34}, "runs": runs,
               "targets": targets(runs)}  # fmt: skip
    lines = report_lines(figures)
    assert "| 20 | build | ok | 8.0 s | 2 | 1.00 GiB | 8.0 s |" in lines
    assert "| 20 | dedup | skipped | | | | |" in lines
    assert any(line.startswith("- 20 tasks: cold build throughput") for line in lines)


@pytest.mark.parametrize(
    "name",
    ["contenders", "export_tasks", "generate", "measure", "pool", "project", "report", "run",
     "settings", "synth"],
)  # fmt: skip
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"benchmarks.scale.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
