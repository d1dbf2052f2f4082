"""The frozen pre-annotation rules: which rules the held-out figure is measured with.

Before any new document was read for the corpus' second round, the rules (every
file of the rule-based pre-annotator: its code and its pattern files) were
hashed and recorded in `frozen.json`. The commit that added `frozen.json` holds
exactly those files, so the frozen pre-annotator can be re-run from git later,
however the rules change afterwards. The held-out pre-annotation figure of the
card is measured with the frozen rules on documents added after the freeze.

The record also names what the rules were written from and how to recognise
their predictions: `documents_seen`, the doc_ids of `seeds/manifest.yaml` at that
commit (a released document not listed is *held out*), and `patterns_sha256`,
the pattern files' hash that every prediction's `model_version` embeds
(`nkcorpus.annotation.prelabel.pipeline.model_version`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from nkcorpus.annotation.errors import AnnotationError

PRELABEL_DIR = Path(__file__).parent
FROZEN_FILE = PRELABEL_DIR / "frozen.json"


def rule_files(root: Path = PRELABEL_DIR) -> list[Path]:
    """The files that make up the rules: the pre-annotator's code and patterns, sorted.

    >>> [p.name for p in rule_files()][:2]
    ['__init__.py', 'attributes.py']
    """
    files = [*root.glob("*.py"), *(root / "patterns").glob("*.jsonl")]
    return sorted(p for p in files if p.name != "frozen.py")


def files_sha256(files: dict[str, bytes]) -> str:
    """sha256 over (relative name, bytes) pairs in name order.

    >>> files_sha256({"a": b"1"}) == files_sha256({"a": b"1"})
    True
    """
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def rules_sha256(read: Callable[[str], bytes] | None = None, names: list[str] | None = None) -> str:
    """The rules' hash: of the working tree's rule files, or of `names` read with `read`."""
    if names is None:
        names = [p.relative_to(PRELABEL_DIR).as_posix() for p in rule_files()]
    read = read or (lambda name: (PRELABEL_DIR / name).read_bytes())
    return files_sha256({name: read(name) for name in names})


def read_frozen(path: Path = FROZEN_FILE) -> dict[str, object]:
    """The freeze record: `sha256`, the `files` it covers, `frozen_at` and why."""
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class FrozenRules:
    """What the build needs of the freeze record."""

    sha256: str  # of every rule file (`rules_sha256`)
    patterns_sha256: str  # of the pattern files, as `model_version` embeds it
    documents_seen: frozenset[str]  # doc_ids the rules were written from

    def is_frozen_model(self, model_version: str) -> bool:
        """Whether a prediction's `model_version` names the frozen pattern files.

        >>> rules = FrozenRules("r" * 64, "c261a659633b" + "0" * 52, frozenset())
        >>> rules.is_frozen_model("nkcorpus-prelabel-0.2.0-patterns-c261a659633b")
        True
        >>> rules.is_frozen_model("nkcorpus-prelabel-0.2.0-patterns-000000000000")
        False
        """
        return model_version.endswith(f"-patterns-{self.patterns_sha256[:12]}")

    def held_out(self, doc_ids: Iterable[str]) -> list[str]:
        """The doc_ids the rules never saw, sorted.

        >>> FrozenRules("r", "p", frozenset({"000"})).held_out(["005", "000"])
        ['005']
        """
        return sorted(set(doc_ids) - self.documents_seen)


def load_frozen(path: Path = FROZEN_FILE) -> FrozenRules:
    """The freeze record as `FrozenRules`; A207 names every missing or malformed field."""
    try:
        record = read_frozen(path)
    except (OSError, ValueError) as exc:
        raise AnnotationError(
            "A207", f"{path}: cannot read the freeze record ({exc}); restore it from git"
        ) from exc
    record = record if isinstance(record, dict) else {}
    problems = [
        f"`{name}` is not a hex string"
        for name in ("sha256", "patterns_sha256")
        if not (isinstance(record.get(name), str) and len(record[name]) == 64)
    ]
    seen = record.get("documents_seen")
    if not (isinstance(seen, list) and all(isinstance(d, str) for d in seen)):
        problems.append("`documents_seen` is not a list of doc_ids")
    if problems:
        raise AnnotationError(
            "A207",
            f"{path}: {'; '.join(problems)}; restore the file from git (its fields are written "
            "once, at the freeze)",
        )
    return FrozenRules(str(record["sha256"]), str(record["patterns_sha256"]), frozenset(seen))
