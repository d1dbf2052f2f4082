"""The read limits of build/limits.py: each refused with a message naming it,
and hostile exports refused by `nkcorpus validate` within a stated peak memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.exports import iter_export
from nkcorpus.build.limits import LIMITS, ReadLimits
from nkcorpus.paths import project_root

# What `nkcorpus validate` may cost reading the hostile exports below: ~200 MiB
# is the interpreter and its imports (a valid export costs the same); the worst
# measured, the 34 MiB number, peaks at ~335 MiB.
PEAK_RSS_BOUND = 512 << 20
ADDRESS_SPACE_CAP = 4 << 30  # the child is stopped (MemoryError) long before the machine is


def _export(path: Path, tasks: list[dict]) -> Path:
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def _read(path: Path, **limits: int) -> list[dict]:
    return list(iter_export(path, ReadLimits(**limits)))


def test_limits_defaults_read_the_committed_exports() -> None:
    exports = sorted((project_root() / "annotation" / "exports").glob("*.json"))
    assert exports and all(list(iter_export(path, LIMITS)) for path in exports)


def test_limits_export_bytes_refused_before_reading(tmp_path: Path) -> None:
    path = _export(tmp_path / "big.json", [{"id": 1, "data": {"text": "x" * 200}}])
    with pytest.raises(BuildError, match=r"B114.*big\.json: the export is larger than max_expo"):
        _read(path, max_export_bytes=100)
    assert len(_read(path, max_export_bytes=path.stat().st_size)) == 1


def test_limits_task_bytes_refused_while_reading(tmp_path: Path) -> None:
    path = _export(tmp_path / "t.json", [{"id": 1}, {"id": 2, "data": {"text": "x" * 5_000_000}}])
    with pytest.raises(
        BuildError, match=r"B115.*task at position 1 is larger than max_task_bytes = 2,097,152"
    ):
        _read(path, max_task_bytes=2 << 20)


def test_limits_task_values_refused_while_reading(tmp_path: Path) -> None:
    path = _export(tmp_path / "v.json", [{"id": 1, "data": {"x": [{}] * 50}}])
    with pytest.raises(BuildError, match=r"B115.*field data\.x\[46\]: has more than max_task_v"):
        _read(path, max_task_values=50)


def test_limits_depth_counts_the_task_as_level_one(tmp_path: Path) -> None:
    path = _export(tmp_path / "d.json", [{"id": 1, "data": {"x": [[]]}}])  # 4 levels
    assert _read(path, max_depth=4)[0]["data"] == {"x": [[]]}
    with pytest.raises(BuildError, match=r"B111.*field data\.x\[0\]: is nested deeper than max_d"):
        _read(path, max_depth=3)


def test_limits_text_chars(tmp_path: Path) -> None:
    path = _export(tmp_path / "x.json", [{"id": 7, "data": {"text": "é" * 11}}])
    assert _read(path, max_text_chars=11)
    with pytest.raises(BuildError, match=r"B116.*position 0 \(id 7\): data\.text has 11 char"):
        _read(path, max_text_chars=10)


def test_limits_annotations_and_predictions_per_task(tmp_path: Path) -> None:
    path = _export(tmp_path / "a.json", [{"id": 1, "annotations": [], "predictions": [{}] * 3}])
    with pytest.raises(BuildError, match=r"B117.*\(id 1\): 3 predictions, more than max_annot"):
        _read(path, max_annotations=2)


def test_limits_results_per_annotation(tmp_path: Path) -> None:
    annotations = [{"result": []}, {"result": [{}] * 4}]
    path = _export(tmp_path / "r.json", [{"id": 1, "annotations": annotations}])
    assert _read(path, max_results=4)
    with pytest.raises(BuildError, match=r"B117.*annotations\[1\]\.result: 4 items, more than"):
        _read(path, max_results=3)


def test_limits_integer_names_the_field(tmp_path: Path) -> None:
    path = _export(tmp_path / "i.json", [{"id": 1, "meta": {"n": [0, -1001]}}])
    assert _read(path, max_integer=1001)
    with pytest.raises(BuildError, match=r"B113.*field meta\.n\[1\]: has the integer -1001"):
        _read(path, max_integer=1000)


# Hostile exports, each refused by a real `nkcorpus validate` in a child process.
_NESTED = '[{"id": 1, "data": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}]"


def _hostile(folder: Path) -> dict[str, str]:
    """Write the hostile exports; name -> the code `validate` must give it."""

    def one_task(fields: str) -> str:
        return '[{"id": 1, ' + fields + "}]"

    files = {
        "nested.json": (_NESTED, "B111"),  # 200 KB; the former reader needed > 24 GB
        "surrogate.json": (one_task('"data": {"text": "\\ud800"}'), "B112"),
        "integer.json": (one_task('"annotations": [{"completed_by": 1' + "0" * 400 + "}]"), "B113"),
        # 1.1 million values in 3.3 MB
        "values.json": (one_task('"data": {"x": [' + ",".join(["{}"] * 1_100_000) + "]}"), "B115"),
        # one string longer than a task may be (counted within a read of 1 MiB)
        "text.json": (one_task('"data": {"text": "' + "x" * (34 << 20) + '"}'), "B115"),
        "number.json": (one_task('"n": ' + "1" * (34 << 20)), "B115"),
    }
    for name, (content, _) in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return {name: code for name, (_, code) in files.items()}


_MEASURE = """
import resource, subprocess, sys
cap = int(sys.argv[1])
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
run = subprocess.run(sys.argv[2:], capture_output=True, text=True, preexec_fn=limit)
sys.stdout.write(run.stdout + run.stderr)
print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(run.returncode)
"""


def _validate_measured(files: list[Path]) -> tuple[int, str, int]:
    """Exit status, output and peak RSS (bytes) of `nkcorpus validate FILES`,
    measured in a fresh parent so no other child's peak counts."""
    command = [sys.executable, "-m", "nkcorpus", "validate", *map(str, files)]
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(ADDRESS_SPACE_CAP), *command],
        capture_output=True,
        text=True,
        cwd=project_root(),
    )
    output, _, peak = run.stdout.rpartition("PEAK_KB ")
    return run.returncode, output, int(peak) * 1024


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs POSIX resource limits")
def test_limits_hostile_exports_refused_in_bounded_memory(tmp_path: Path) -> None:
    codes = _hostile(tmp_path)
    status, output, peak = _validate_measured([tmp_path / name for name in codes])
    assert status == 1, output
    for name, code in codes.items():
        assert f"[{code}] {tmp_path / name}" in output, output
    assert "Traceback" not in output and "Exception ignored" not in output, output
    assert peak < PEAK_RSS_BOUND, f"peak RSS {peak / 2**20:.0f} MiB"
