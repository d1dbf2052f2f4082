"""Run the build's per-document batch function under Ray Data (the `ray` extra).

`map_in_order_ray` has the contract of `nkcorpus.ordered_pool.MapInOrder`:
`(fn, items, processes)` -> `fn(item)` for every item, in the items' order,
so `build_release(..., runner=map_in_order_ray)` writes the same bytes as the
local process pool. The items are taken in windows; each window becomes a
Ray dataset (`ray.data.from_items`, one pickled item a row) mapped by
`map_batches` on `processes` tasks, and its results come back in order.

Unless the process is already connected to a Ray cluster (then it is used
and left running), a local instance is started for the run and shut down
after it: `processes` CPUs, no dashboard, no usage statistics, a random
token kept in the environment (not in ~/.ray), every address on the
loopback (Ray would otherwise bind its servers to the machine's network
address), and Ray's processes get an HTTP proxy that does not exist, so
their cloud-provider probes (169.254.169.254, metadata.google.internal)
fail on the loopback instead of leaving the machine. Its session files go
to a temporary folder, removed afterwards.

An exception `fn` raises in a worker is raised again here, as itself (an
`NkError` keeps its code and message), when its item's turn comes.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from typing import Any, TypeVar

from nkcorpus.build.errors import BuildError

In = TypeVar("In")
Out = TypeVar("Out")

INSTALL = "pip install 'nk-defector-corpus[ray]'"
WINDOW = 64  # items (batches of documents) per Ray dataset
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there
RAY_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_USAGE_STATS_PROMPT_ENABLED": "0",
    # Ray's switch for a single-machine instance: every address on the loopback.
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    **{name: _CLOSED for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")},
    **{name: ",".join(LOOPBACK) for name in ("no_proxy", "NO_PROXY")},
}

# Ray's notes on what this module chose on purpose (token auth, no progress bars, timings).
QUIET = {
    "ray._private.authentication.authentication_token_setup": logging.ERROR,
    "ray.data._internal.progress": logging.ERROR,
    "ray.data._internal.execution.streaming_executor": logging.WARNING,
}


def require_ray() -> Any:
    """`ray` with `ray.data`, or B330 naming the extra to install."""
    try:
        ray = importlib.import_module("ray")
        importlib.import_module("ray.data")
    except ImportError as exc:
        raise BuildError(
            "B330",
            f"--runner ray needs Ray Data, which is not installed ({exc}); "
            f"install the extra: {INSTALL}, or run with --runner local",
        ) from exc
    return ray


@lru_cache(maxsize=1)
def _token() -> str:
    """This process' token for its Ray instances (one per process: Ray's
    driver keeps the first token it reads)."""
    return secrets.token_hex(32)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`os.environ` updated with `values` inside the block, restored after
    (and `RAY_AUTH_MODE`, which `ray.init` sets)."""
    saved = {name: os.environ.get(name) for name in [*values, "RAY_AUTH_MODE"]}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _start(ray: Any, processes: int, folder: str) -> None:
    """`ray.init` of a local instance whose files go to `folder` (B331 if it
    cannot start, or is not on the loopback)."""
    constants = ray._private.ray_constants  # read when `ray` was imported, maybe before
    cluster, constants.ENABLE_RAY_CLUSTER = constants.ENABLE_RAY_CLUSTER, False
    try:
        with _environment(RAY_ENV | {"RAY_AUTH_TOKEN": _token()}):  # inherited at init
            ray.init(
                num_cpus=processes, num_gpus=0, include_dashboard=False, log_to_driver=False,
                logging_level=logging.WARNING, _temp_dir=folder,
            )  # fmt: skip
    except Exception as exc:  # Ray's start-up failures have no common base
        raise BuildError(
            "B331", f"a local Ray instance cannot start in {folder}: {exc}; "
            "check /dev/shm and free memory, or run with --runner local",
        ) from exc  # fmt: skip
    finally:
        constants.ENABLE_RAY_CLUSTER = cluster
    address = ray.util.get_node_ip_address()
    if address not in LOOPBACK:
        raise BuildError(
            "B331", f"the local Ray instance is on {address}, not the loopback; "
            "run with --runner local",
        )  # fmt: skip


@contextmanager
def local_ray(processes: int) -> Iterator[Any]:
    """A Ray instance for one run: the connected one, else a local one (see the
    module's docstring), shut down and its files removed after."""
    with _environment(RAY_ENV):  # read by `import ray` in this process too
        ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    folder = tempfile.mkdtemp(prefix="nkray-")  # short: Ray's socket paths must be
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    try:
        _start(ray, processes, folder)
        yield ray
    finally:
        if ray.is_initialized():
            ray.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _dump_outcome(ok: bool, value: Any) -> bytes:
    """A result, or an exception (as its class, args and attributes when it
    does not survive pickling, e.g. an `NkError`), as bytes."""
    if not ok:
        try:
            pickle.loads(pickle.dumps(value))
        except Exception:
            value = (type(value), value.args, vars(value))
            return pickle.dumps(("rebuild", value))
    return pickle.dumps(("ok" if ok else "error", value))


def _load_outcome(data: bytes) -> Any:
    """The result `_dump_outcome` wrote; an exception is raised."""
    kind, value = pickle.loads(data)
    if kind == "ok":
        return value
    if kind == "rebuild":
        cls, args, attributes = value
        value = cls.__new__(cls, *args)
        value.args = args
        vars(value).update(attributes)
    raise value


class _Apply:
    """The `map_batches` function: `fn` over each pickled item of a batch."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        outcomes = []
        for data in batch.column("item").to_pylist():
            try:
                outcomes.append(_dump_outcome(True, self.fn(pickle.loads(data))))
            except Exception as exc:
                outcomes.append(_dump_outcome(False, exc))
        return pa.table(
            {"index": batch.column("index"), "outcome": pa.array(outcomes, pa.large_binary())}
        )


def map_in_order_ray(
    fn: Callable[[In], Out],
    items: Iterable[In],
    processes: int = 1,
    *,
    window: int = WINDOW,
) -> Iterator[Out]:
    """`fn(item)` for every item, in the items' order, run by Ray Data on
    `processes` tasks (a `nkcorpus.ordered_pool.MapInOrder`). At most `window`
    items and their results are held here at once. Ray starts with the first
    item (none: it never starts). `fn` and the items must pickle.

    >>> list(map_in_order_ray(abs, []))
    []
    """
    iterator = iter(items)
    chunk = list(islice(iterator, window))
    if not chunk:
        return
    with local_ray(processes) as ray:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        start = 0
        while chunk:
            rows = [
                {"index": start + i, "item": pickle.dumps(item)} for i, item in enumerate(chunk)
            ]
            dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
                _Apply(fn), batch_size=1, batch_format="pyarrow",
                compute=ray.data.TaskPoolStrategy(size=min(processes, len(rows))),
            )  # fmt: skip
            waiting: dict[int, bytes] = {}
            end = start + len(rows)
            for row in dataset.iter_rows():
                waiting[row["index"]] = row["outcome"]
                while start in waiting:  # in order even if rows came out of it
                    yield _load_outcome(waiting.pop(start))
                    start += 1
            if start != end:  # Ray Data lost a row: never write a release without it
                raise RuntimeError(f"Ray Data returned items up to {start} of {end}")
            chunk = list(islice(iterator, window))
