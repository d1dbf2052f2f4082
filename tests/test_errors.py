"""Errors survive pickling (a worker process raises, the parent re-raises)."""

from __future__ import annotations

import pickle

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.errors import NkError, ValidationFailed
from nkcorpus.ordered_pool import map_in_order


@pytest.mark.parametrize(
    "error",
    [
        NkError("A100", "a message"),
        BuildError("B210", "doc d: 1 span(s) off the tokens"),
        ValidationFailed("B100", "the exports are invalid", ["one", "two"]),
    ],
)
def test_errors_pickle_whole(error: NkError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.code, again.message, str(again)) == (error.code, error.message, str(error))
    assert getattr(again, "problems", None) == getattr(error, "problems", None)


def _fail(code: str) -> None:
    raise BuildError(code, f"raised in a worker for {code}")


def test_errors_cross_a_process_pool_with_their_code() -> None:
    with pytest.raises(BuildError, match=r"\[B210\] raised in a worker for B210") as caught:
        list(map_in_order(_fail, ["B210"], processes=2))
    assert caught.value.code == "B210"
