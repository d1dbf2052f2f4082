"""Raw seed file -> text lines, with the checks that guard the corpus:
empty, binary and non-UTF-8 files are refused with a message naming the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nkcorpus.corpus.html_text import html_to_lines
from nkcorpus.errors import SeedError

SUPPORTED_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html"}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_format(path: Path) -> str:
    try:
        return SUPPORTED_SUFFIXES[Path(path).suffix.lower()]
    except KeyError:
        raise SeedError(
            "D010",
            f"{path}: unsupported file type {Path(path).suffix!r}; seeds must be .txt or .html",
        ) from None


def decode_raw(path: Path, data: bytes) -> str:
    """Decode raw bytes as UTF-8 (a BOM is allowed), refusing empty or binary input."""
    if not data.strip():
        raise SeedError("D011", f"{path}: the file is empty; remove it or add the article text")
    if b"\x00" in data:
        raise SeedError("D012", f"{path}: the file looks binary (NUL bytes); seeds must be text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedError(
            "D013",
            f"{path}: not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
            "re-save the file as UTF-8",
        ) from exc


def text_to_lines(text: str) -> list[str]:
    """Split text into lines on \\n, \\r\\n or \\r only (not on other Unicode breaks).

    >>> text_to_lines("a\\r\\nb\\rc\\n")
    ['a', 'b', 'c', '']
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def raw_lines(path: Path, data: bytes | None = None) -> list[str]:
    """The text lines of a raw seed file, the frame that manifest line numbers refer to."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    text = decode_raw(path, data)
    if file_format(path) == "html":
        return html_to_lines(text)
    return text_to_lines(text)
