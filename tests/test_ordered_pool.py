"""The ordered process pool (nkcorpus/ordered_pool.py) that `tasks` and `build` share."""

from __future__ import annotations

import os

import pytest

from nkcorpus.ordered_pool import available_cores, map_in_order


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_ordered_pool_keeps_the_input_order_across_processes():
    results = list(map_in_order(_square_and_pid, range(20), processes=2))
    assert [square for square, _ in results] == [n * n for n in range(20)]
    assert os.getpid() not in {pid for _, pid in results}  # the work ran in workers


def test_ordered_pool_with_one_process_runs_here():
    results = list(map_in_order(_square_and_pid, [3, 1], processes=1))
    assert results == [(9, os.getpid()), (1, os.getpid())]


def test_ordered_pool_pulls_at_most_ahead_items_before_the_first_result():
    pulled: list[int] = []

    def items():
        for n in range(10):
            pulled.append(n)
            yield n

    results = map_in_order(_square_and_pid, items(), processes=2, ahead=3)
    assert next(results)[0] == 0
    assert pulled == [0, 1, 2]  # 3 submitted, the first one yielded
    assert [square for square, _ in results] == [n * n for n in range(1, 10)]


def test_ordered_pool_raises_a_workers_exception():
    with pytest.raises(ValueError, match="invalid literal"):
        list(map_in_order(int, ["1", "x", "3"], processes=2))


def test_ordered_pool_counts_at_least_one_core():
    assert 1 <= available_cores() <= (os.cpu_count() or 1)
