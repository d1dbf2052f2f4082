"""The fast path of the export reader gives what the exact reader gives, or falls back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkcorpus.build.errors import BuildError
from nkcorpus.build.export_lines import Fallback, iter_task_bytes, parse_task
from nkcorpus.build.export_reader import iter_export
from nkcorpus.build.limits import LIMITS, ReadLimits
from nkcorpus.paths import default_exports
from tests.fixtures import v1_exports


def _read(path: Path, limits: ReadLimits = LIMITS, *, fast: bool) -> list | str:
    """The tasks read, or the refusal's code and message."""
    try:
        return list(iter_export(path, limits, fast=fast))
    except BuildError as exc:
        return f"{exc.code}: {exc}"


def _fast_only(path: Path, limits: ReadLimits = LIMITS) -> list:
    """The tasks by the fast path alone; Fallback if it cannot decide. Each
    task's offset must give back its bytes (`TaskPlace` reads them again)."""
    data = path.read_bytes()
    with path.open("rb") as handle:
        located = list(iter_task_bytes(handle, limits))
    for offset, raw in located:
        assert data[offset : offset + len(raw)] == raw
    return [parse_task(raw, limits) for _, raw in located]


def _write(path: Path, tasks: list, layout: str) -> Path:
    if layout == "indent":  # `nkcorpus studio pull`
        text = json.dumps(tasks, indent=2, ensure_ascii=False)
    elif layout == "lines":  # the benchmark's generator
        text = "[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n]\n"
    else:
        text = json.dumps(tasks)
    path.write_text(text, encoding="utf-8")
    return path


def test_export_lines_committed_exports_read_fast_and_equal() -> None:
    exports = [*default_exports(), *v1_exports()]
    assert len(exports) >= 2
    for path in exports:
        fast = _fast_only(path)  # raises Fallback if the fast path could not read it all
        assert fast == list(iter_export(path, fast=False))
        assert [t["id"] for t in fast] == [t["id"] for t in iter_export(path)]


@pytest.mark.parametrize("layout", ["indent", "lines"])
def test_export_lines_both_layouts_take_the_fast_path(tmp_path: Path, layout: str) -> None:
    tasks = [{"id": 1, "data": {"text": 'say "x": \\'}}, {"id": 2, "data": {}}]
    assert _fast_only(_write(tmp_path / "e.json", tasks, layout)) == tasks


def test_export_lines_compact_export_falls_back_and_reads(tmp_path: Path) -> None:
    tasks = [{"id": 1, "data": {"text": "a"}}, {"id": 2}]
    path = _write(tmp_path / "e.json", tasks, "compact")
    with pytest.raises(Fallback, match="own"):
        _fast_only(path)
    assert list(iter_export(path)) == tasks


# Each line is a task (the list written by hand); every case must fall back to
# the exact reader, whose result both readers must then share.
HOSTILE = {
    "repeated key": '{"id": 1, "data": {"a": 1, "a": 2}}',
    "repeated key, colon in a string": '{"id": 1, "x": ": y", "x": 2}',
    "lone surrogate": '{"id": 1, "data": {"text": "\\ud800"}}',
    "surrogate pair": '{"id": 1, "data": {"text": "\\ud83d\\ude00"}}',
    "integer beyond 64 bits": '{"id": 1, "n": 18446744073709551616}',
    "integer beyond max_integer": '{"id": 1, "n": 9223372036854775808}',
    "negative beyond": '{"id": 1, "n": -9223372036854775809}',
    "infinite float": '{"id": 1, "n": 1e400}',
    "too deep": '{"id": 1, "d": ' + "[" * 70 + "]" * 70 + "}",
    "not an object": "[1, 2]",
    "no id": '{"data": {}}',
    "bool id": '{"id": true}',
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_export_lines_hostile_tasks_are_judged_by_the_exact_reader(
    tmp_path: Path, case: str
) -> None:
    path = tmp_path / "e.json"
    path.write_text('[\n{"id": 0},\n' + HOSTILE[case] + ',\n{"id": 9}\n]\n', encoding="utf-8")
    assert _read(path, fast=True) == _read(path, fast=False)


@pytest.mark.parametrize(
    "text",
    [
        '[\n{"id": 1}\n{"id": 2}\n]\n',  # no comma
        '[\n{"id": 1},\n]\n',  # a comma before the end
        '[\n{"id": 1}\n]\n{"id": 2}\n',  # data after the list
        '[\n{"id": 1}\n',  # the end missing
        '[\n  {\n    "id": 1\n',  # ends inside a task
        '[\n{"id": 1} {"id": 2}\n]\n',  # two on a line
    ],
)
def test_export_lines_layout_errors_fall_back(tmp_path: Path, text: str) -> None:
    path = tmp_path / "e.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Fallback):
        _fast_only(path)
    assert _read(path, fast=True) == _read(path, fast=False)


def test_export_lines_limits_fall_back_to_the_same_refusal(tmp_path: Path) -> None:
    tasks = [{"id": i, "r": list(range(20))} for i in range(3)]
    path = _write(tmp_path / "e.json", tasks, "indent")
    for limits in (ReadLimits(max_task_values=20), ReadLimits(max_depth=1)):
        refused = _read(path, limits, fast=True)
        assert isinstance(refused, str)
        assert refused.startswith(("B115", "B111"))
        assert refused == _read(path, limits, fast=False)


# JSON values the exact reader keeps as they are (floats that round-trip, no NaN).
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(_values, min_size=1, max_size=4),
    layout=st.sampled_from(["indent", "lines"]),
)
def test_export_lines_equals_the_exact_reader(tmp_path: Path, data: list, layout: str) -> None:
    tasks = [{"id": index, "data": value} for index, value in enumerate(data)]
    path = _write(tmp_path / "e.json", tasks, layout)
    assert _read(path, fast=True) == _read(path, fast=False)
