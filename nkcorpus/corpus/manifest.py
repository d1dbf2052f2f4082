"""The seed manifest (`seeds/manifest.yaml`): provenance, checksum and body
location of every raw document. Raw files are never edited; everything about
them that a human decides lives here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nkcorpus.atomic import atomic_write_text
from nkcorpus.errors import SeedError

MANIFEST_NAME = "manifest.yaml"
MANIFEST_HEADER = (
    "# Seed manifest of nk-defector-corpus. One entry per raw file in this folder.\n"
    "# `nkcorpus seeds add` appends entries and recomputes `group`; review the\n"
    "# guessed fields of an entry with `reviewed: false`, then set it to true.\n"
    "# Line numbers are 1-based and refer to the raw file's text lines\n"
    "# (for .html files: the lines of its text rendering, see `nkcorpus seeds lines`).\n"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DropRange(_Model):
    """Lines inside the body that are page chrome, not article text."""

    lines: tuple[int, int]
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> DropRange:
        first, last = self.lines
        if not 1 <= first <= last:
            raise ValueError(f"drop range {list(self.lines)} must be 1 <= first <= last")
        return self


class BodySpec(_Model):
    """Where the article body is: lines first_line..last_line, minus `drop`."""

    first_line: int = Field(ge=1)
    last_line: int = Field(ge=1)
    drop: tuple[DropRange, ...] = ()

    @model_validator(mode="after")
    def _inside(self) -> BodySpec:
        if self.last_line < self.first_line:
            raise ValueError(f"last_line {self.last_line} is before first_line {self.first_line}")
        for rng in self.drop:
            if rng.lines[0] < self.first_line or rng.lines[1] > self.last_line:
                raise ValueError(
                    f"drop range {list(rng.lines)} lies outside the body "
                    f"{self.first_line}..{self.last_line}"
                )
        return self


class ManifestEntry(_Model):
    doc_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    file: str
    format: Literal["txt", "html"]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str | None
    publisher: str | None
    url: str | None
    published: dt.date | None
    author: str | None = None
    language: str = Field(pattern=r"^[a-z]{2}$")
    body: BodySpec
    group: str
    reviewed: bool
    notes: str = ""


class Manifest(_Model):
    manifest_version: Literal[1] = 1
    documents: tuple[ManifestEntry, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Manifest:
        ids = [d.doc_id for d in self.documents]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"doc_id appears more than once: {dupes}")
        if ids != sorted(ids):
            raise ValueError("documents must be sorted by doc_id")
        return self

    def entry(self, doc_id: str) -> ManifestEntry:
        for entry in self.documents:
            if entry.doc_id == doc_id:
                return entry
        raise KeyError(doc_id)


def load_manifest(seeds_dir: Path) -> Manifest:
    """Read and check `seeds_dir/manifest.yaml`; a missing file is an empty manifest."""
    path = Path(seeds_dir) / MANIFEST_NAME
    if not path.exists():
        return Manifest()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Manifest.model_validate(raw)
    except yaml.YAMLError as exc:
        raise SeedError("D001", f"{path}: not valid YAML: {exc}. Fix the file by hand.") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SeedError("D002", f"{path}: invalid manifest: {problems}") from exc


def manifest_to_yaml(manifest: Manifest) -> str:
    """Deterministic YAML text of a manifest (field order as declared)."""
    data = manifest.model_dump(mode="json")
    for doc in data["documents"]:
        for rng in doc["body"]["drop"]:
            rng["lines"] = list(rng["lines"])
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return MANIFEST_HEADER + body


def save_manifest(seeds_dir: Path, manifest: Manifest) -> Path:
    """Write the manifest atomically: a temp file in the same folder, then rename."""
    return atomic_write_text(Path(seeds_dir) / MANIFEST_NAME, manifest_to_yaml(manifest))
