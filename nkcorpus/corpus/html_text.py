"""HTML -> text lines, with the standard library parser: one line per block
element, scripts and styles dropped. Deterministic; no network, no guessing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "title",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0
        self.title_parts: list[str] = []
        self._in_title = False

    def _flush(self) -> None:
        line = _SPACES.sub(" ", "".join(self._current)).strip()
        self._current = []
        if line or (self.lines and self.lines[-1]):
            self.lines.append(line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        if not self._skip_depth:
            self._current.append(data)


def html_to_lines(html: str) -> list[str]:
    """The visible text of an HTML page, one block element per line.

    >>> html_to_lines("<p>One <b>two</b></p><script>x()</script><p>three</p>")
    ['One two', '', 'three']
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    collector._flush()
    lines = collector.lines
    while lines and not lines[-1]:
        lines.pop()
    return lines


def html_title(html: str) -> str | None:
    """The text of the page's <title>, if any."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    title = _SPACES.sub(" ", "".join(collector.title_parts)).strip()
    return title or None
