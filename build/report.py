"""The outcome of validating exports: every problem found, and the gold,
unreviewed and annotator records that passed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, SerializerFunctionWrapHandler, field_serializer

from nkcorpus.build.gold import GoldRule
from nkcorpus.errors import ValidationFailed


class Problem(BaseModel):
    """One thing wrong, with where it is; `str()` gives the full message."""

    code: str
    file: str | None = None
    task_id: int | None = None
    doc_id: str | None = None
    annotation_id: int | None = None
    region_id: str | None = None
    message: str

    def __str__(self) -> str:
        where = [self.file or "<exports>"]
        if self.task_id is not None:
            where.append(f"task {self.task_id} (doc {self.doc_id})")
        if self.annotation_id is not None:
            where.append(f"annotation {self.annotation_id}")
        if self.region_id is not None:
            where.append(f"region {self.region_id}")
        return f"[{self.code}] {', '.join(where)}: {self.message}"


class GoldDocument(BaseModel):
    """The valid gold spans and relations of one reviewed task, and which step of the
    review rule chose them (`nkcorpus.build.gold`; None: not recorded). Not released:
    the card says it (`nkcorpus.build.card_sections.gold_to_rules`)."""

    doc_id: str
    task_id: int
    file: str
    spans: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    rule: GoldRule | None = None


class Unreviewed(BaseModel):
    """A task without a gold annotation: left out of the release."""

    doc_id: str | None
    task_id: int
    file: str


class ValidationReport(BaseModel):
    """Everything `validate_exports` found; `valid` when `problems` is empty.

    From `validate_exports`, `gold` and `annotations` are on disk
    (`nkcorpus.build.spill`): each read gives a fresh copy."""

    files: list[str]
    tasks: int
    problems: list[Problem]
    gold: Mapping[str, GoldDocument]
    unreviewed: list[Unreviewed]
    annotations: Sequence[dict[str, Any]]
    reanchored: list[str] = []  # with --reanchor: every moved or dropped span of a stale task
    reviewers: list[int] = []  # the reviewers' user ids the gold was chosen with
    # problems that fail nothing (`nkcorpus.build.guideline_checks`): listed, not raised
    warnings: list[Problem] = []

    @field_serializer("gold", "annotations", mode="wrap")
    def _spilled(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        """Dump spilled values as the dict and list they stand for."""
        return handler(dict(value.items()) if isinstance(value, Mapping) else list(value))

    @property
    def valid(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        """Raise ValidationFailed (B100) listing every problem, if any."""
        if self.problems:
            summary = f"the exports {', '.join(self.files)} are invalid"
            raise ValidationFailed("B100", summary, [str(p) for p in self.problems])
