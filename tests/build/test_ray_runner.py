"""The Ray Data runner on a real local Ray instance: results in input order,
errors raised as themselves, and a release byte-identical to the local build.

Without Ray (the `ray` extra) these tests skip, or fail when $CI is set."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.build import release_files
from nkcorpus.build.document_parts import jobs_to_parts
from nkcorpus.build.errors import BuildError
from nkcorpus.build.ray_runner import map_in_order_ray, require_ray
from nkcorpus.build.release import build_release
from nkcorpus.build.task_checks import check_tasks
from nkcorpus.cli import app
from tests.fixtures import v1_documents, v1_exports


@pytest.fixture
def ray_installed() -> None:
    """Skip without Ray, or fail when $CI is set (like the Label Studio tests)."""
    if importlib.util.find_spec("ray") is None:
        message = "Ray is not installed: pip install 'nk-defector-corpus[ray]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _ray_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("nkray-*")}


def test_ray_runner_yields_in_order_raises_in_turn_and_shuts_down(ray_installed: None) -> None:
    # Early items sleep longest (0.3 s for 0 ... 0.05 s for 5), so on 2 workers they
    # finish after later ones; windows of 3 items: 3 Ray datasets for items 0-7.
    def slow_square(x: int) -> tuple[int, str, tuple[str | None, str | None]]:
        import ray

        time.sleep(0.05 * (6 - x % 6))
        if x == 6:
            raise BuildError("B210", f"span off the tokens in document {x}")
        seen = (os.environ.get("RAY_USAGE_STATS_ENABLED"), os.environ.get("https_proxy"))
        return x * x, ray.util.get_node_ip_address(), seen

    before, proxy = _ray_folders(), os.environ.get("http_proxy")
    items = iter(range(8))  # a one-pass iterator, as a build's batches are
    out = []
    with pytest.raises(BuildError, match=r"\[B210\] span off the tokens in document 6") as caught:
        for value in map_in_order_ray(slow_square, items, 2, window=3):
            out.append(value)
    assert [square for square, _, _ in out] == [0, 1, 4, 9, 16, 25]  # x * x, x = 0..5
    assert (caught.value.code, caught.value.message) == (
        "B210",
        "span off the tokens in document 6",
    )
    # every worker: on the loopback, no usage statistics, HTTP beyond it to a closed port
    assert {(ip, seen) for _, ip, seen in out} == {("127.0.0.1", ("0", "http://127.0.0.1:9"))}
    import ray

    assert not ray.is_initialized()  # shut down, after an error too
    assert _ray_folders() <= before  # its session folder is gone
    assert os.environ.get("http_proxy") == proxy  # Ray's environment did not leak


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_ray_runner_builds_the_same_release_as_the_local_runner(
    ray_installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(release_files, "BATCH_DOCUMENTS", 1)  # one document a batch
    batches: list[object] = []

    def counted(fn, items: Iterator[object]) -> Iterator[object]:
        for item in items:
            batches.append(fn)
            yield item

    def ray_runner(fn, items, processes):
        return map_in_order_ray(fn, counted(fn, items), processes)

    def build(folder: Path, **runner) -> Path:
        return build_release(
            "1.0.0", v1_exports(), folder, documents=v1_documents(), progress=False, **runner
        ).folder

    local = build(tmp_path / "local")  # the default runner, one process
    with_ray = build(tmp_path / "ray", runner=ray_runner, processes=2)
    assert batches.count(check_tasks) == 1  # its 5 tasks are checked in one batch
    assert batches.count(jobs_to_parts) == 4  # v1.0.0 releases 4 documents (001 withheld)
    assert _files(with_ray) == _files(local)
    assert "data/documents/train-00000-of-00001.parquet" in _files(local)


def test_build_cli_runner_ray_without_ray_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(BuildError, match=r"\[B330\].*pip install 'nk-defector-corpus\[ray\]'"):
        require_ray()
    dataset = tmp_path / "dataset"
    args = ["build", "--version", "1.0.0", "--export", str(v1_exports()[0]),
            "--dataset-dir", str(dataset), "--no-progress", "--runner", "ray"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "B330" in result.output and "nk-defector-corpus[ray]" in result.output
    assert not dataset.exists() or not any(dataset.glob("v*"))  # nothing was built


def test_ray_runner_pre_annotates_the_same_tasks_file(ray_installed: None, tmp_path: Path) -> None:
    """`nkcorpus tasks` on Ray Data: the committed seeds, 4 documents a batch."""
    from nkcorpus.annotation.tasks import write_seed_tasks

    local = write_seed_tasks(tmp_path / "local.json", batch_size=4, progress=False)
    on_ray = write_seed_tasks(
        tmp_path / "ray.json", batch_size=4, progress=False, processes=2, runner=map_in_order_ray
    )
    assert on_ray.tasks == local.tasks >= 33  # the committed seeds: 33 documents (v1.2.0)
    assert (tmp_path / "ray.json").read_bytes() == (tmp_path / "local.json").read_bytes()
