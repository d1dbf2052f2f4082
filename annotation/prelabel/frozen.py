"""The frozen pre-annotation rules: which rules the held-out figure is measured with.

Before any new document was read for the corpus' second round, the rules (every
file of the rule-based pre-annotator: its code and its pattern files) were
hashed and recorded in `frozen.json`. The commit that added `frozen.json` holds
exactly those files, so the frozen pre-annotator can be re-run from git later,
however the rules change afterwards. The held-out pre-annotation figure of the
card is measured with the frozen rules on documents added after the freeze.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

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
