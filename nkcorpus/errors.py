"""Errors are interface: every failure the library raises carries a code and a
message that names the file, the record and what to do about it.

Codes by family: S schema, D seeds/documents, A annotation/Label Studio,
B build/validation. Only the CLI turns these into an exit status.
"""

from __future__ import annotations


class NkError(Exception):
    """Base of every error nkcorpus raises on purpose."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled whole (a worker process raises it; the parent re-raises it):
        the class, its attributes and its text, not the `__init__` arguments,
        which differ between subclasses."""
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[NkError], args: tuple[object, ...], state: dict[str, object]) -> NkError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class SchemaError(NkError):
    """The label schema or a generated artefact is invalid or out of date."""


class SeedError(NkError):
    """A seed document or the seed manifest is invalid."""


class ProjectNotFound(NkError, FileNotFoundError):
    """No checkout of the project around the working directory (D051)."""


class StudioError(NkError):
    """Label Studio could not be started, reached or synchronised."""


class ValidationFailed(NkError):
    """Several problems found together; `problems` holds every message."""

    def __init__(self, code: str, summary: str, problems: list[str]) -> None:
        self.problems = list(problems)
        listing = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(code, f"{summary} ({len(self.problems)} problem(s)):\n{listing}")
