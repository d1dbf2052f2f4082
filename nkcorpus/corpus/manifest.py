"""The seed manifest (`seeds/manifest.yaml`): provenance, checksum and body
location of every raw document. Raw files are never edited; everything about
them that a human decides lives here."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

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


# A new seed file is named NNN_<ascii-slug>.txt|.html|.htm; its stem is the doc_id.
SEED_SUFFIXES_FORMAT = {".txt": "txt", ".html": "html", ".htm": "html"}
SEED_SUFFIXES = tuple(SEED_SUFFIXES_FORMAT)
SEED_STEM = re.compile(r"[0-9]{3,}_[A-Za-z0-9][A-Za-z0-9_-]*")
MAX_STEM_CHARS = 80  # doc_ids travel into Label Studio, tables and file names


def seed_name_problem(name: str) -> tuple[str, str] | None:
    """(code, why) when `name` is not a valid seed file name, else None.

    >>> seed_name_problem("005_yonhap-report.txt") is None
    True
    >>> seed_name_problem("005 my file.txt")[0]
    'D018'
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SEED_SUFFIXES:
        return "D010", "unsupported file type: a seed file must end in .txt or .html"
    if not SEED_STEM.fullmatch(stem):
        return "D018", "the name is not NNN_<ascii-slug> (3+ digits, '_', ASCII letters/digits/-/_)"
    if len(stem) > MAX_STEM_CHARS:
        return (
            "D018",
            f"the name has {len(stem)} characters before the extension, over {MAX_STEM_CHARS}",
        )
    return None


def suggest_seed_name(name: str, number: int) -> str:
    """A valid seed name close to `name`; `number` is used when it has no NNN_ prefix.

    >>> suggest_seed_name("005 Café story.txt", 9)
    '005_cafe-story.txt'
    >>> suggest_seed_name("-report", 9)
    '009_report.txt'
    >>> suggest_seed_name("-012 x", 9)
    '012_x.txt'
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SEED_SUFFIXES:
        stem, suffix = name, "txt"
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    match = re.match(r"[\W_]*([0-9]{3,})[\W_]*(.*)", ascii_stem, re.S)
    prefix, rest = (match.group(1), match.group(2)) if match else (f"{number:03d}", ascii_stem)
    slug = re.sub(r"[^a-z0-9]+", "-", rest.lower()).strip("-") or "document"
    return f"{prefix}_{slug}"[:MAX_STEM_CHARS].rstrip("-_") + f".{suffix.lower()}"


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


# Provenance fields a reviewer fills from the raw file; `missing` records why one stays null.
PROVENANCE_FIELDS = ("title", "publisher", "url", "published", "author")
# Written only where they differ from these defaults, so entries without them keep their text.
OPTIONAL_DEFAULTS = {"excerpt": False, "excerpt_note": None, "retrieved": None}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value: object) -> object:
    """A manifest date is YYYY-MM-DD (a quoted string or a YAML date), never a
    timestamp, a number or another format; the calendar is checked after this.

    >>> iso_date("2026-11-30")
    '2026-11-30'
    >>> iso_date("30/11/2026")
    Traceback (most recent call last):
    ValueError: '30/11/2026' is not a date written YYYY-MM-DD
    """
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date | None, BeforeValidator(iso_date)]


class ManifestEntry(_Model):
    doc_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    file: str
    format: Literal["txt", "html"]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str | None
    publisher: str | None
    url: str | None = Field(pattern=r"^https?://\S+$")
    published: IsoDate
    # the day the text was taken from its source (an excerpt needs it)
    retrieved: IsoDate = None
    author: str | None = None
    # field -> why it is null (the raw file and its source show none); a build
    # refuses a released document without url or title unless a reason is here
    missing: dict[str, str] = Field(default_factory=dict)
    # the file holds only the start of the article (a stored page's first ~2,000
    # characters): `excerpt_note` says what it is and from where
    excerpt: bool = False
    excerpt_note: str | None = None
    language: str = Field(pattern=r"^[a-z]{2}$")
    body: BodySpec
    group: str
    reviewed: bool
    notes: str = ""

    @model_validator(mode="after")
    def _file_matches(self) -> ManifestEntry:
        path = Path(self.file)
        if path.name != self.file or self.file in {".", ".."} or "\\" in self.file:
            raise ValueError(f"file {self.file!r} must be a plain file name inside seeds/")
        if path.stem != self.doc_id or SEED_SUFFIXES_FORMAT.get(path.suffix.lower()) != self.format:
            raise ValueError(
                f"file {self.file!r} must be the doc_id {self.doc_id!r} plus the extension "
                f"of its format {self.format!r}"
            )
        return self

    @model_validator(mode="after")
    def _missing_only_for_null_fields(self) -> ManifestEntry:
        for name, reason in self.missing.items():
            if name not in PROVENANCE_FIELDS:
                raise ValueError(
                    f"missing.{name}: not a provenance field; use one of {list(PROVENANCE_FIELDS)}"
                )
            if getattr(self, name) is not None:
                raise ValueError(f"missing.{name}: {name} has a value; delete the reason")
            if not reason.strip():
                raise ValueError(f"missing.{name}: give the reason the value cannot be found")
        return self

    @model_validator(mode="after")
    def _excerpt_provenance(self) -> ManifestEntry:
        problems = []
        if self.excerpt:
            if self.url is None:
                problems.append(
                    "an excerpt must have its url (the address whose stored copy it is); "
                    "a `missing` reason does not replace it"
                )
            if not (self.excerpt_note or "").strip():
                problems.append(
                    "an excerpt needs excerpt_note: what the file holds and from where "
                    "(e.g. 'the first 2,000 characters of the page as stored by ...')"
                )
            if self.retrieved is None:
                problems.append("an excerpt needs retrieved: the day it was taken (YYYY-MM-DD)")
        elif self.excerpt_note is not None:
            problems.append("excerpt_note is set but excerpt is not true; set both or neither")
        if self.retrieved and self.published and self.retrieved < self.published:
            problems.append(
                f"retrieved {self.retrieved} is before published {self.published}: "
                "a text cannot be taken before it appeared; fix one of the dates"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Manifest(_Model):
    manifest_version: Literal[1] = 1
    documents: tuple[ManifestEntry, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Manifest:
        ids = [d.doc_id for d in self.documents]
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)  # linear, not ids.count
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


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_manifest(seeds_dir: Path) -> Manifest:
    """Read and check `seeds_dir/manifest.yaml`; a missing file is an empty manifest."""
    path = Path(seeds_dir) / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return Manifest()
    try:
        if not path.is_file():  # a directory or FIFO would fail or hang on read
            raise OSError(f"{path} is not a regular file")
        # libyaml's loader when built (~10x faster on a large manifest); the same values
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        return Manifest.model_validate(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(
            "D003", f"{path}: cannot read the manifest ({exc}); restore it (git checkout {path})"
        ) from exc
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
        if not doc["missing"]:
            del doc["missing"]  # written only where a reason is recorded
        for name, default in OPTIONAL_DEFAULTS.items():
            if doc[name] == default:
                del doc[name]
        for rng in doc["body"]["drop"]:
            rng["lines"] = list(rng["lines"])
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return MANIFEST_HEADER + body


def save_manifest(seeds_dir: Path, manifest: Manifest) -> Path:
    """Write the manifest atomically: a temp file in the same folder, then rename."""
    return atomic_write_text(Path(seeds_dir) / MANIFEST_NAME, manifest_to_yaml(manifest))
