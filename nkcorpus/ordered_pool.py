"""Run a function over a stream of batches on a process pool, results in input
order, with a bounded number of batches in flight (so memory depends on the
batch size and the number of processes, not on the length of the stream)."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from enum import StrEnum
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")
MapInOrder = Callable[[Callable[[In], Out], Iterable[In], int], Iterator[Out]]
"""What runs a batch function over batches, results in input order: `map_in_order`
here, or another engine with the same contract (fn, items, processes)."""


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system
    tells it, else `os.cpu_count()`), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_in_order(
    fn: Callable[[In], Out],
    items: Iterable[In],
    processes: int = 1,
    *,
    ahead: int | None = None,
) -> Iterator[Out]:
    """`fn(item)` for every item, in the items' order. With `processes` > 1 the
    calls run on that many worker processes (forked where the system can, so
    workers inherit what this process has loaded), at most `ahead` (default
    2 x processes) items submitted and not yet yielded.

    >>> list(map_in_order(abs, [-2, 1, -3], processes=1))
    [2, 1, 3]
    """
    if processes <= 1:
        yield from map(fn, items)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    limit = ahead if ahead is not None else 2 * processes
    # Objects made so far are left out of the collector's passes, in the workers
    # too: a forked worker's collector would otherwise touch every inherited
    # object and copy the pages it shares with this process.
    gc.freeze()
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
    pending: deque[Future[Out]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


class Runner(StrEnum):
    """What runs a command's per-document batches (`--runner`)."""

    local = "local"  # `map_in_order`: processes on this machine
    ray = "ray"  # `nkcorpus.build.ray_runner.map_in_order_ray`: Ray Data (the `ray` extra)


def pick_runner(runner: Runner) -> MapInOrder:
    """The `MapInOrder` of `runner`; B330 (before any work) when Ray is asked for
    and not installed."""
    if runner is Runner.ray:
        from nkcorpus.build.ray_runner import map_in_order_ray, require_ray

        require_ray()
        return map_in_order_ray
    return map_in_order
