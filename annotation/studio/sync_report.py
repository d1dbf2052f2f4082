"""What one `studio sync` did, as data and as the lines printed for the user."""

from __future__ import annotations

from dataclasses import dataclass

from nkcorpus.annotation.studio.queue import Overlap, WithheldDoc
from nkcorpus.annotation.studio.review_tab import ReviewTab
from nkcorpus.annotation.studio.tasks_file import ChangedDoc


@dataclass(frozen=True)
class SyncReport:
    """What one sync did."""

    url: str
    title: str
    project_id: int
    project_created: bool
    config_updated: bool
    imported: int
    present: int
    changed: tuple[ChangedDoc, ...]
    model_version: str | None
    interrupted: str | None = None  # an earlier sync that died holding the lock
    overlap: Overlap | None = None
    instructions_updated: bool = False
    withheld: tuple[WithheldDoc, ...] = ()
    review_tab: ReviewTab | None = None

    @property
    def project_url(self) -> str:
        """The project's task list in the browser."""
        return f"{self.url}/projects/{self.project_id}/data"

    def warnings(self) -> list[str]:
        """Withheld documents still in the annotators' queue."""
        return [w for doc in self.withheld for w in doc.warnings()]

    def summary(self) -> str:
        """Lines for the user."""
        project = "created" if self.project_created else "found"
        config = "updated" if self.config_updated else "unchanged"
        instructions = "updated" if self.instructions_updated else "unchanged"
        lines = [f"note: {self.interrupted}"] if self.interrupted else []
        lines += [
            f"project {self.title!r} (id {self.project_id}) {project} at {self.url}; "
            f"labeling config {config}; instructions {instructions}",
        ]
        if self.overlap is not None:
            lines.append(self.overlap.describe())
        lines.append(
            f"imported {self.imported}, already present {self.present}, "
            f"changed {len(self.changed)}, withheld {len(self.withheld)}"
        )
        if self.review_tab is not None:
            lines.append(self.review_tab.describe())
        if self.model_version:
            lines.append(f"annotators see predictions of model_version {self.model_version!r}")
        lines.extend(f"  changed: {doc.describe()}" for doc in self.changed)
        lines.extend(f"  {doc.describe()}" for doc in self.withheld)
        lines.extend(f"warning: {w}" for w in self.warnings())
        return "\n".join(lines)
