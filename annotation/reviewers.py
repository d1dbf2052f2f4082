"""Who may accept an annotation as the gold: `annotation/reviewers.yaml`.

Label Studio Community has no roles (every member can do everything), so the
list of reviewers lives in the repository, by Label Studio user id on the
team's server; the email beside each id is for people and is not checked.
`nkcorpus studio users` lists the server's accounts with their ids.

Codes: A240 the file cannot be read or is invalid.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nkcorpus.annotation.errors import AnnotationError

REVIEWERS_FILE = "reviewers.yaml"


class Reviewer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(ge=1, le=2**53, strict=True)
    email: str = ""


class ReviewerList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reviewers: list[Reviewer] = Field(default_factory=list)

    @field_validator("reviewers")
    @classmethod
    def _unique(cls, reviewers: list[Reviewer]) -> list[Reviewer]:
        ids = [r.id for r in reviewers]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"user id(s) {repeated} listed twice")
        return reviewers

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(r.id for r in self.reviewers)


def reviewers_path() -> Path:
    from nkcorpus.paths import annotation_dir

    return annotation_dir() / REVIEWERS_FILE


def load_reviewers(path: Path | None = None) -> ReviewerList:
    """The reviewers of `path` (default `annotation/reviewers.yaml`); a missing
    file means no reviewers (only the ground-truth star then marks gold).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "reviewers.yaml"
    ...     _ = file.write_text("reviewers:\\n  - id: 3\\n    email: r@example.org\\n")
    ...     sorted(load_reviewers(file).ids)
    [3]
    """
    path = reviewers_path() if path is None else Path(path)
    if not path.exists():
        return ReviewerList()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ReviewerList.model_validate(raw if raw is not None else {})
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AnnotationError("A240", f"{path}: cannot read the reviewers file: {exc}") from exc
    except ValidationError as exc:
        shown = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise AnnotationError(
            "A240",
            f"{path}: invalid reviewers file ({shown}); it holds `reviewers:` with a list of "
            "`- id: <Label Studio user id>` and `email: ...` (see `nkcorpus studio users`)",
        ) from exc
