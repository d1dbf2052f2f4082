"""A small Markdown to HTML converter for the guidelines, with the stdlib only.

It knows what `annotation/GUIDELINES.md` uses: `#` headings, paragraphs,
`-`/`*` and numbered lists (nested by indentation, items continued on
indented lines), fenced code blocks, `>` quotes, and inline `code`, **bold**
and *italic*. A link `[text](target)` keeps its text only: relative targets
would be broken in Label Studio and outside ones lead away from the machine.
A table is kept as preformatted text. Everything else is a paragraph.

The output is deterministic and uses only tags and characters that Label
Studio's sanitizer (bleach, on `expert_instruction`) keeps unchanged, so a
project's stored instructions compare equal to a fresh conversion.
"""

from __future__ import annotations

import html
import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*\)")
_HELD = re.compile("\ue000(\\d+)\ue001")


def inline(text: str) -> str:
    """Escape `text` and render its inline code, bold, italic and link texts.

    >>> inline("a **b** `c<d>` *e* [f](g.md) & h")
    'a <strong>b</strong> <code>c&lt;d&gt;</code> <em>e</em> f &amp; h'
    """
    codes: list[str] = []

    def hold(match: re.Match[str]) -> str:  # code spans are literal: set them aside
        codes.append(f"<code>{html.escape(match.group(1), quote=False)}</code>")
        return f"\ue000{len(codes) - 1}\ue001"

    text = html.escape(_LINK.sub(r"\1", _CODE.sub(hold, text)), quote=False)
    text = _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", text))
    return _HELD.sub(lambda m: codes[int(m.group(1))], text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Converter:
    def __init__(self, markdown: str) -> None:
        self.lines = markdown.replace("\r\n", "\n").replace("\t", "    ").split("\n")
        self.pos = 0
        self.out: list[str] = []

    def run(self) -> str:
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip():
                self.pos += 1
            elif heading := _HEADING.match(line):
                level = len(heading.group(1))
                self.out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
                self.pos += 1
            elif _FENCE.match(line):
                self._fenced()
            elif line.lstrip().startswith(">"):
                self._quote()
            elif line.lstrip().startswith("|"):
                self._table()
            elif _ITEM.match(line):
                self._list(_indent(line))
            elif re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*", line):
                self.out.append("<hr>")
                self.pos += 1
            else:
                self._paragraph()
        return "\n".join(self.out) + "\n"

    def _ends_paragraph(self, line: str) -> bool:
        stripped = line.lstrip()
        return (
            not stripped
            or bool(_HEADING.match(line) or _FENCE.match(line) or _ITEM.match(line))
            or stripped.startswith((">", "|"))
        )

    def _paragraph(self) -> None:
        text = [self.lines[self.pos].strip()]
        self.pos += 1
        while self.pos < len(self.lines) and not self._ends_paragraph(self.lines[self.pos]):
            text.append(self.lines[self.pos].strip())
            self.pos += 1
        self.out.append(f"<p>{inline(' '.join(text))}</p>")

    def _fenced(self) -> None:
        fence = _FENCE.match(self.lines[self.pos])
        assert fence is not None
        self.pos += 1
        body = []
        while self.pos < len(self.lines) and not self.lines[self.pos].strip().startswith(
            fence.group(1)
        ):
            body.append(self.lines[self.pos])
            self.pos += 1
        self.pos += 1  # the closing fence (or the end)
        self.out.append(f"<pre><code>{html.escape(chr(10).join(body), quote=False)}</code></pre>")

    def _quote(self) -> None:
        body = []
        while self.pos < len(self.lines) and self.lines[self.pos].lstrip().startswith(">"):
            body.append(self.lines[self.pos].lstrip()[1:].removeprefix(" "))
            self.pos += 1
        self.out.append(f"<blockquote>\n{_Converter(chr(10).join(body)).run()}</blockquote>")

    def _table(self) -> None:
        rows = []
        while self.pos < len(self.lines) and self.lines[self.pos].lstrip().startswith("|"):
            rows.append(self.lines[self.pos].strip())
            self.pos += 1
        self.out.append(f"<pre>{html.escape(chr(10).join(rows), quote=False)}</pre>")

    def _list(self, indent: int) -> None:
        first = _ITEM.match(self.lines[self.pos])
        assert first is not None
        tag = "ol" if first.group(2)[0].isdigit() else "ul"
        self.out.append(f"<{tag}>")
        while self.pos < len(self.lines):
            item = _ITEM.match(self.lines[self.pos])
            if item is None or _indent(self.lines[self.pos]) != indent:
                break
            self.pos += 1
            text = [item.group(3).strip()]
            nested: list[str] = []
            while self.pos < len(self.lines):
                line = self.lines[self.pos]
                if not line.strip():
                    following = self.pos + 1
                    if following < len(self.lines) and _indent(self.lines[following]) > indent:
                        self.pos += 1  # a blank line inside the item
                        continue
                    break
                if _indent(line) <= indent:
                    break
                if _ITEM.match(line):  # a nested list
                    mark = len(self.out)
                    self._list(_indent(line))
                    nested.extend(self.out[mark:])
                    del self.out[mark:]
                    continue
                text.append(line.strip())
                self.pos += 1
            body = inline(" ".join(text))
            self.out.append(
                f"<li>{body}" + ("\n" + "\n".join(nested) + "\n" if nested else "") + "</li>"
            )
        self.out.append(f"</{tag}>")


def markdown_to_html(markdown: str) -> str:
    """The HTML of `markdown` (see the module doc for what is understood).

    >>> print(markdown_to_html("# T\\n\\nSome *text*\\nwrapped.\\n\\n- a\\n  b\\n  - c\\n- d"))
    <h1>T</h1>
    <p>Some <em>text</em> wrapped.</p>
    <ul>
    <li>a b
    <ul>
    <li>c</li>
    </ul>
    </li>
    <li>d</li>
    </ul>
    <BLANKLINE>
    """
    return _Converter(markdown).run()
