"""Every error code the package can raise is explained in the README section
"When something goes wrong", and every code that section lists still exists.

Codes are found in the installed source folders (`nkcorpus/`, `schema/`,
`annotation/`, `build/`) by reading their syntax trees, not by grepping text:
a string that is exactly a code (`BuildError("B101", ...)`,
`self._add("B131", ...)`) and a code in brackets inside a message or f-string
(`f"[D042] {path}: ..."`) count; docstrings and comments do not, since they
only mention codes raised elsewhere. A code assembled at run time (an
f-string such as `f"B1{n}"`) cannot be listed, so it fails the test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("nkcorpus", "schema", "annotation", "build")
SECTION = "When something goes wrong"

CODE = re.compile(r"[ABDLS]\d{3}")
BRACKETED = re.compile(r"\[([ABDLS]\d{3})\]")
PARTIAL = re.compile(r"(?:^|\[)[ABDLS]\d{0,2}$")  # an f-string part that a value completes
TABLE_ROW = re.compile(r"^\|\s*`?([ABDLS]\d{3})`?\s*\|", re.MULTILINE)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings (module, class, function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def codes_in_source(source: str, name: str = "<string>") -> tuple[set[str], list[str]]:
    """The error codes a module's code uses, and the places where a code is
    built at run time (which no table can list)."""
    tree = ast.parse(source, filename=name)
    skip = _docstrings(tree)
    codes: set[str] = set()
    built: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if CODE.fullmatch(node.value):
                codes.add(node.value)
            codes.update(BRACKETED.findall(node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = node.values
            for part, following in zip(parts, [*parts[1:], None], strict=True):
                if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                    continue
                if isinstance(following, ast.FormattedValue) and PARTIAL.search(part.value):
                    built.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return codes, built


def codes_in_package(root: Path = ROOT) -> dict[str, list[str]]:
    """Every code used under the source folders -> the files that use it."""
    where: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            name = str(path.relative_to(root))
            codes, built = codes_in_source(path.read_text(encoding="utf-8"), name)
            assert not built, f"error codes built at run time cannot be documented: {built}"
            for code in codes:
                where.setdefault(code, []).append(name)
    return where


def section(readme: str, title: str = SECTION) -> str:
    """The text from the `## title` heading to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}[ \t]*\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    if match is None:
        raise AssertionError(f"README.md has no '## {title}' section")
    return match.group(1)


def codes_in_section(text: str) -> set[str]:
    """The codes that begin a table row of the section (`| B101 | ... |`)."""
    return set(TABLE_ROW.findall(text))


def compare(used: set[str], listed: set[str]) -> list[str]:
    """Failure messages: codes the README misses, and codes it lists in vain."""
    messages = []
    if missing := sorted(used - listed):
        messages.append(f"codes raised but not in '## {SECTION}': {', '.join(missing)}")
    if stale := sorted(listed - used):
        messages.append(f"codes in '## {SECTION}' that no code raises: {', '.join(stale)}")
    return messages


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    used = codes_in_package()
    listed = codes_in_section(section((ROOT / "README.md").read_text(encoding="utf-8")))
    problems = compare(set(used), listed)
    assert not problems, "\n".join(problems)


def test_each_code_is_listed_once() -> None:
    rows = TABLE_ROW.findall(section((ROOT / "README.md").read_text(encoding="utf-8")))
    twice = sorted({code for code in rows if rows.count(code) > 1})
    assert not twice, f"codes listed more than once: {', '.join(twice)}"


def test_the_scan_finds_codes_in_every_family() -> None:
    families = {code[0] for code in codes_in_package()}
    assert families == set("ABDLS")


def test_codes_in_source_reads_literals_and_bracketed_messages_not_docstrings() -> None:
    source = '''
"""Module doc: raises B999."""
def f(path):
    """[B998] in a docstring does not count."""
    raise BuildError("B101", f"cannot read {path}")
def g(path):
    message = f"[D042] {path}: clash"
    return check("A205", message), "[L002] plain"
'''
    codes, built = codes_in_source(source)
    assert codes == {"B101", "D042", "A205", "L002"}
    assert built == []


def test_codes_in_source_flags_a_code_built_at_run_time() -> None:
    codes, built = codes_in_source('def f(n):\n    raise BuildError(f"B1{n:02d}", "x")\n')
    assert codes == set()
    assert len(built) == 1 and "f'B1{n:02d}'" in built[0]
    _, bracketed = codes_in_source('def f(n):\n    return f"[S0{n}] bad"\n')
    assert len(bracketed) == 1


def test_section_stops_at_the_next_heading_and_a_missing_code_is_named() -> None:
    readme = (
        "# x\n\n## When something goes wrong\n\n| code | what happened | what to do |\n"
        "| --- | --- | --- |\n| `B101` | unreadable | fix it |\n| S001 | bad | fix |\n\n"
        "## Later\n\n| B102 | not in the section | - |\n"
    )
    listed = codes_in_section(section(readme))
    assert listed == {"B101", "S001"}
    problems = compare({"B101", "B102", "S001"}, listed)
    assert problems == [f"codes raised but not in '## {SECTION}': B102"]
    assert compare({"B101"}, listed) == [f"codes in '## {SECTION}' that no code raises: S001"]


def test_a_readme_without_the_section_fails() -> None:
    with pytest.raises(AssertionError, match="no '## When something goes wrong' section"):
        section("# x\n\n## Something else\n")
