"""The pre-annotation pipeline: `spacy.blank("en")` + paragraph breaks +
sentencizer + number tagger + span_ruler over the pattern files + the resolver.

Pattern files (`patterns/*.jsonl`, one per label) hold span_ruler patterns,
one JSON object a line: `id` (the pattern family, `<label>-<rule>`), `label`,
`pattern` (a token pattern), and two optional keys of our own: `focus`
(`[i, j]`: only the tokens matched by pattern elements i..j-1 form the span,
the rest is context) and `keep_if` (`"near:<LABEL>"`: keep the span only
when a span of LABEL is in its sentence or the one before).
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel import numbers  # noqa: F401  (registers nk_numbers)
from nkcorpus.annotation.prelabel.resolve import OVERLAP_PRIORITY, PatternRules
from nkcorpus.schema.model import LabelSchema, load_schema

PATTERN_DIR = Path(__file__).with_name("patterns")
CANDIDATES_KEY = "nk_candidates"
MODEL_NAME = "nkcorpus-prelabel"
PACKAGE = "nk-defector-corpus"
_ENTRY_KEYS = frozenset({"id", "label", "pattern", "focus", "keep_if"})


@Language.component("nk_paragraphs")
def nk_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break: a headline or a list item
    without final punctuation does not run into the next paragraph."""
    for token in doc[1:-1]:
        if token.is_space and "\n" in token.text:
            token.is_sent_start = False  # the break ends the sentence before it
            doc[token.i + 1].is_sent_start = True
    return doc


def pattern_files(pattern_dir: Path | None = None) -> list[Path]:
    """The pattern files, sorted by name. Raises A201 when there are none."""
    folder = PATTERN_DIR if pattern_dir is None else Path(pattern_dir)
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise AnnotationError("A201", f"{folder}: no pattern files (*.jsonl)")
    return files


def _check_entry(entry: Any, where: str, schema: LabelSchema) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: not a JSON object"]
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(entry) - _ENTRY_KEYS)]
    label, family = entry.get("label"), entry.get("id")
    if label not in schema.label_names:
        problems.append(f"{where}: label {label!r} is not one of {schema.label_names}")
    elif not isinstance(family, str) or not family.startswith(f"{label.lower()}-"):
        problems.append(f"{where}: id {family!r} must name the family as '{label.lower()}-<rule>'")
    pattern = entry.get("pattern")
    if not isinstance(pattern, list) or not pattern:
        problems.append(f"{where}: pattern must be a non-empty list of token patterns")
    focus = entry.get("focus")
    if focus is not None and not (
        isinstance(focus, list)
        and len(focus) == 2
        and all(isinstance(i, int) for i in focus)
        and 0 <= focus[0] < focus[1] <= len(pattern or [])
    ):
        problems.append(f"{where}: focus must be [i, j] with 0 <= i < j <= len(pattern)")
    keep_if = entry.get("keep_if")
    if keep_if is not None and (
        not isinstance(keep_if, str) or keep_if.removeprefix("near:") not in schema.label_names
    ):
        problems.append(f"{where}: keep_if must be 'near:<LABEL>', got {keep_if!r}")
    return problems


def load_patterns(
    pattern_dir: Path | None = None, schema: LabelSchema | None = None
) -> list[dict[str, Any]]:
    """Every pattern entry of the pattern files, checked. Raises A202 listing
    every bad line."""
    schema = schema or load_schema()
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in pattern_files(pattern_dir):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                entry = json.loads(line)
            except ValueError as exc:
                problems.append(f"{where}: not JSON ({exc})")
                continue
            found = _check_entry(entry, where, schema)
            problems.extend(found)
            if not found:
                entries.append(entry)
    keep = {}
    for entry in entries:  # one keep_if per family, since spans only carry the family id
        if keep.setdefault(entry["id"], entry.get("keep_if")) != entry.get("keep_if"):
            problems.append(f"family {entry['id']!r}: its patterns disagree on keep_if")
    if problems:
        raise AnnotationError("A202", "invalid pre-annotation patterns: " + "; ".join(problems))
    return entries


def patterns_sha256(pattern_dir: Path | None = None) -> str:
    """sha256 over the names and bytes of the pattern files."""
    digest = hashlib.sha256()
    for path in pattern_files(pattern_dir):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def model_version(pattern_dir: Path | None = None) -> str:
    """`<name>-<package version>-patterns-<sha256[:12] of the pattern files>`.

    >>> model_version().startswith("nkcorpus-prelabel-")
    True
    """
    try:
        package_version = version(PACKAGE)
    except PackageNotFoundError:
        package_version = "0+unknown"
    return f"{MODEL_NAME}-{package_version}-patterns-{patterns_sha256(pattern_dir)[:12]}"


def build_nlp(pattern_dir: Path | None = None, schema: LabelSchema | None = None) -> Language:
    """The rule-based pipeline; its final spans are in `doc.spans["nk_prelabel"]`."""
    schema = schema or load_schema()
    if sorted(OVERLAP_PRIORITY) != sorted(schema.label_names):
        raise AnnotationError(
            "A203",
            f"the overlap priority {list(OVERLAP_PRIORITY)} does not list exactly the schema's "
            f"labels {schema.label_names}; update resolve.OVERLAP_PRIORITY",
        )
    entries = load_patterns(pattern_dir, schema)
    nlp = spacy.blank("en")
    nlp.add_pipe("nk_paragraphs")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("nk_numbers")
    ruler = nlp.add_pipe(
        "span_ruler", config={"spans_key": CANDIDATES_KEY, "validate": True, "overwrite": True}
    )
    ruler.add_patterns(
        [{"label": e["label"], "pattern": e["pattern"], "id": e["id"]} for e in entries]
    )
    rules = PatternRules.from_entries(nlp.vocab, entries)
    nlp.add_pipe("nk_resolve", config={"candidates_key": CANDIDATES_KEY})
    nlp.get_pipe("nk_resolve").rules = rules
    nlp.meta["name"] = MODEL_NAME
    return nlp
