"""Raw lines + body spec -> the cleaned article body.

The rule is fixed and documented in the datasheet: take lines
first_line..last_line, remove the drop ranges, normalise each line (Unicode
NFC, runs of spaces/tabs/no-break spaces to one space, trimmed), and join the
non-empty lines as paragraphs separated by one blank line. Deterministic.
"""

from __future__ import annotations

import re
import unicodedata

from nkcorpus.corpus.manifest import BodySpec
from nkcorpus.errors import SeedError

PARAGRAPH_SEPARATOR = "\n\n"
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise_line(line: str) -> str:
    """NFC, horizontal whitespace folded to one space, trimmed.

    >>> normalise_line("  two\\u00a0 words\\t")
    'two words'
    """
    return _HSPACE.sub(" ", unicodedata.normalize("NFC", line)).strip()


def body_lines(lines: list[str], body: BodySpec, *, source: str = "<raw>") -> list[str]:
    """The raw lines of the body, drop ranges removed. Raises when the spec
    points outside the file or at a blank first/last line."""
    if body.last_line > len(lines):
        raise SeedError(
            "D020",
            f"{source}: body.last_line {body.last_line} is past the end of the file "
            f"({len(lines)} lines); fix the manifest entry",
        )
    for name, number in (("first_line", body.first_line), ("last_line", body.last_line)):
        if not lines[number - 1].strip():
            raise SeedError(
                "D021",
                f"{source}: body.{name} {number} is a blank line; point it at article text",
            )
    dropped = {n for rng in body.drop for n in range(rng.lines[0], rng.lines[1] + 1)}
    return [lines[n - 1] for n in range(body.first_line, body.last_line + 1) if n not in dropped]


def lines_to_body(lines: list[str], body: BodySpec, *, source: str = "<raw>") -> str:
    """The cleaned body text.

    >>> spec = BodySpec(first_line=2, last_line=4)
    >>> lines_to_body(["menu", "First  para.", "", "Second para.", "footer"], spec)
    'First para.\\n\\nSecond para.'
    """
    paragraphs = [normalise_line(line) for line in body_lines(lines, body, source=source)]
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)
