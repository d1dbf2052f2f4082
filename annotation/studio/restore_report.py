"""What one `studio restore` did, as data and as the lines printed for the
user, and the exports it restores (read and merged as `validate` merges them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkcorpus.annotation.reviewers import ReviewerList
from nkcorpus.annotation.studio.restore_users import MappedAccount
from nkcorpus.annotation.studio.sync_report import SyncReport
from nkcorpus.build.copies import read_merged
from nkcorpus.build.report import Problem
from nkcorpus.errors import NkError, StudioError, ValidationFailed


@dataclass(frozen=True)
class RestoreReport:
    """What one restore did."""

    url: str
    title: str
    project_id: int
    synced: SyncReport | None  # the sync that created the project, if it was missing
    tasks: int  # exported tasks with annotations, matched to the project's
    empty: int  # exported tasks without annotations (their predictions are restored)
    restored: int
    present: int  # already on the server (see restore_plan)
    accounts: tuple[MappedAccount, ...]
    listed: ReviewerList  # annotation/reviewers.yaml as read
    reviewers: ReviewerList  # the same reviewers by this server's user ids
    predictions_restored: int = 0  # exported predictions the server's tasks lacked
    predictions_present: int = 0  # exported predictions already there (restore_predictions)
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    reviewers_written: Path | None = None

    def summary(self) -> str:
        """Lines for the user."""
        lines = [self.synced.summary()] if self.synced else []
        lines.append(
            f"restored {self.restored} annotation(s) and {self.predictions_restored} "
            f"prediction(s) into project {self.title!r} (id {self.project_id}) at {self.url}; "
            f"already there {self.present} annotation(s), {self.predictions_present} "
            f"prediction(s); {self.tasks} exported task(s) with annotations, {self.empty} without"
        )
        lines += [f"  {account.describe()}" for account in self.accounts]
        lines += [f"note: {note}" for note in self.notes]
        lines.append(self._reviewers_line())
        return "\n".join(lines)

    def _reviewers_line(self) -> str:
        if not self.listed.reviewers:
            return "reviewers: annotation/reviewers.yaml lists none"
        old = ", ".join(str(r.id) for r in self.listed.reviewers)
        new = ", ".join(f"{r.id} ({r.email or 'no email'})" for r in self.reviewers.reviewers)
        line = f"reviewers: annotation/reviewers.yaml lists user id(s) {old}; here: {new or 'none'}"
        if self.reviewers_written is not None:
            return f"{line}; wrote them to {self.reviewers_written}"
        if sorted(self.listed.ids) == sorted(self.reviewers.ids):
            return line
        return (
            f"{line}. Restored acceptances count on this server once reviewers.yaml lists these "
            "ids: run again with --write-reviewers when this server replaces the team's (README)"
        )

    def error(self) -> NkError | None:
        """A172 listing the annotations that could not be restored, else None."""
        if not self.problems:
            return None
        return ValidationFailed(
            "A172",
            "some exported annotations could not be restored (everything else was); fix "
            "what is listed, then restore again",
            list(self.problems),
        )


def read_exports(files: Sequence[Path]) -> list[tuple[str, Mapping[str, Any]]]:
    """(source file, task) of the merged exports; StudioError A171 when no export
    is given, ValidationFailed A170 when they cannot be read or merged."""
    if not files:
        raise StudioError(
            "A171", "no export to restore: annotation/exports/ holds none; pass --export PATH"
        )
    problems: list[Problem] = []
    merged = read_merged([Path(f) for f in files], problems)
    if problems:
        raise ValidationFailed(
            "A170",
            "the exports cannot be restored as they are (`nkcorpus validate` shows the same)",
            [str(p) for p in problems],
        )
    return [(str(item.source), item.task) for item in merged]
