"""Run every docstring example of the installed `nkcorpus` package."""

import doctest
import importlib
import pkgutil

import pytest

# The stage folders are mapped into the namespace (pyproject package-dir), so
# each is walked from its own package.
ROOTS = ("nkcorpus", "nkcorpus.schema", "nkcorpus.annotation", "nkcorpus.build")


def _modules() -> list[str]:
    names = set()
    for root in ROOTS:
        package = importlib.import_module(root)
        names.update(i.name for i in pkgutil.walk_packages(package.__path__, f"{root}."))
    return sorted(n for n in names if not n.endswith("__main__"))


@pytest.mark.parametrize("name", _modules())
def test_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
