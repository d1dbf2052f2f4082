"""Reading one Label Studio full-JSON export, streamed and bounded.

An export is a JSON list of tasks (see `nkcorpus.annotation.studio.pull`). A
file is read one task at a time: the parser's events are assembled into each
task here, with a stack, so nesting, sizes, numbers and strings are checked as
they are read and a hostile file is refused with a coded error within the
limits of `nkcorpus.build.limits`, never exhausting memory.

Tasks are first read by the fast path of `nkcorpus.build.export_lines`
(orjson, by lines), which hands any task it cannot plainly accept to the exact
reader below. The exact reader uses ijson's pure-Python backend on purpose. The C backend (yajl2_c)
silently turns a lone high surrogate escape (`"\\ud800"`) into `?` and joins it
with any following `\\u` escape into another character, and raises a bare
UnicodeDecodeError on a lone low one; the Python backend keeps every string as
written, so the reader can refuse it and name the field. It reads ~8 MB/s.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from nkcorpus.build.errors import BuildError
from nkcorpus.build.export_lines import Fallback, iter_task_bytes, parse_task
from nkcorpus.build.limits import LIMITS, ReadLimits
from nkcorpus.build.read_memo import ReadMemo
from nkcorpus.build.task_places import TaskPlace, task_digest

_PARSER = ijson.get_backend("python")
_CHUNK = 1 << 20  # bytes per read: the granularity of max_task_bytes
_SURROGATE = re.compile("[\ud800-\udfff]")


def iter_export(
    path: Path, limits: ReadLimits = LIMITS, *, fast: bool = True
) -> Iterator[dict[str, Any]]:
    """Every task of one export, streamed, within `limits`. Raises B101 (not a
    regular file, unreadable, not JSON), B102 (not a list of task objects), B103
    (a task without an integer id) and B111-B118 (a task beyond a limit of
    `nkcorpus.build.limits`, a lone surrogate, a huge integer, a repeated key).
    `fast=False` skips the fast path (tests compare the two)."""
    for task, _ in iter_export_places(path, limits, fast=fast):
        yield task


def iter_export_places(
    path: Path, limits: ReadLimits = LIMITS, *, fast: bool = True, memo: ReadMemo | None = None
) -> Iterator[tuple[dict[str, Any], TaskPlace | None]]:
    """`iter_export`, each task with where its bytes are in the file
    (`nkcorpus.build.task_places`: a caller may drop the task and read it
    again), or None for a task the exact reader gave. With `memo`
    (`nkcorpus.build.read_memo`), a task whose bytes were read before is
    given as its skeleton (the fields the merge reads), not parsed, and the
    skeleton of each task parsed is stored."""
    path = Path(path)
    with _open_regular(path, limits) as handle:
        if handle.read(1024).lstrip()[:1] not in (b"[", b""):
            raise BuildError(
                "B102",
                f"{path}: not a Label Studio JSON export (a list of tasks); "
                "export with `nkcorpus studio pull`",
            )
        handle.seek(0)
        given = 0
        try:
            if not fast:
                raise Fallback("the exact reader was asked for")
            absolute = path.absolute()  # one Path for every place of the file
            for offset, raw in iter_task_bytes(handle, limits):
                place = TaskPlace(absolute, offset, len(raw), task_digest(raw))
                key = memo.key(place.digest, limits) if memo is not None else ""
                task = memo.load(key) if memo is not None else None
                if task is None:
                    task = parse_task(raw, limits)
                    _check_task(task, f"{path}: task at position {given}", limits)
                    if memo is not None:
                        memo.store(key, task)
                yield task, place
                given += 1
            return
        except Fallback:
            pass
        except OSError as exc:
            raise BuildError("B101", f"{path}: cannot read the export: {exc}") from exc
        handle.seek(0)
        source = _Source(handle, path, limits)
        events = _PARSER.basic_parse(source, use_float=True, buf_size=_CHUNK)
        try:
            tasks = _read_tasks(events, source)
            for _ in range(given):  # given by the fast path already
                next(tasks)
            for task in tasks:
                yield task, None
        except OSError as exc:
            raise BuildError("B101", f"{path}: cannot read the export: {exc}") from exc
        except (ijson.JSONError, ValueError) as exc:  # ValueError: a bad escape or UTF-8
            if source.refusal is not None:  # the parser saw the end of what it was let read
                raise source.refusal from None
            cause = exc if isinstance(exc, UnicodeError) else exc.__cause__ or exc.__context__
            # UTF-8 is decoded a read of 1 MiB at a time, before any task in it: no place
            what = "not valid UTF-8" if isinstance(cause, UnicodeError) else "not valid JSON"
            where = "" if isinstance(cause, UnicodeError) else f"{source.where}: "
            raise BuildError(
                "B101",
                f"{path}: {what} ({where}{str(exc)[:200]}); re-pull with `nkcorpus studio pull`",
            ) from exc
        finally:
            events.close()
        if source.refusal is not None:
            raise source.refusal


_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _refuse_special(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise BuildError(
            "B101",
            f"{path}: is {kind}, not a regular file; pass the export file itself "
            "(a JSON file written by `nkcorpus studio pull`)",
        )


def _open_regular(path: Path, limits: ReadLimits) -> BinaryIO:
    """The export opened for reading, refused before opening unless it is a
    regular file (a FIFO would block forever) no larger than the limit."""
    try:
        _refuse_special(path, path.stat().st_mode)
        # O_NONBLOCK: a FIFO swapped in after the check still cannot block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise BuildError("B101", f"{path}: cannot read the export: {exc}") from exc
    handle = os.fdopen(fd, "rb")
    try:
        info = os.fstat(fd)
        _refuse_special(path, info.st_mode)
        os.set_blocking(fd, True)
    except BaseException:
        handle.close()
        raise
    if info.st_size > limits.max_export_bytes:
        handle.close()
        raise _too_big(path, "the export", info.st_size, "max_export_bytes", limits)
    return handle


def _too_big(path: Path, what: str, size: int, name: str, limits: ReadLimits) -> BuildError:
    code = "B114" if name == "max_export_bytes" else "B115"
    fix = (
        "split the project's tasks over several exports"
        if code == "B114"
        else "split the document into several tasks, or delete annotations"
    )
    return BuildError(
        code,
        f"{path}: {what} is larger than {name} = {getattr(limits, name):,} bytes "
        f"(read {size:,}); {fix}, or raise {name} in build/limits.py if it is genuine",
    )


class _Source:
    """The export's bytes as the parser reads them, counted. Past the limit of
    the file or of the current task it records the refusal and reads as the end
    of the file, so the parser never buffers more (a task's bytes are counted
    from when the parser reached it, within one read of 1 MiB)."""

    def __init__(self, handle: BinaryIO, path: Path, limits: ReadLimits) -> None:
        self.handle, self.path, self.limits = handle, path, limits
        self.read_bytes = self.task_start = self.position = 0  # position: of the task read
        self.where = "at the start of the file"  # for parse errors
        self.refusal: BuildError | None = None

    def read(self, size: int = -1) -> bytes:
        chunk = b"" if self.refusal else self.handle.read(size)
        self.read_bytes += len(chunk)
        if self.read_bytes > self.limits.max_export_bytes:
            self.refusal = _too_big(
                self.path, "the export", self.read_bytes, "max_export_bytes", self.limits
            )
        elif self.read_bytes - self.task_start > self.limits.max_task_bytes:
            what, size = f"the task at position {self.position}", self.read_bytes - self.task_start
            self.refusal = _too_big(self.path, what, size, "max_task_bytes", self.limits)
        return b"" if self.refusal else chunk


def _read_tasks(events: Iterator[tuple[str, Any]], source: _Source) -> Iterator[dict[str, Any]]:
    """Assemble each task from the parser's events, one task in memory at a time."""
    path = source.path
    if next(events)[0] != "start_array":
        raise BuildError(
            "B102",
            f"{path}: not a Label Studio JSON export (a list of tasks); "
            "export with `nkcorpus studio pull`",
        )
    for event, _ in events:
        if event == "end_array":
            source.where = "after the list of tasks"
            break
        if event != "start_map":
            raise BuildError(
                "B102", f"{path}: item {source.position} is not a task object; re-pull the export"
            )
        source.task_start = source.read_bytes
        source.where = f"in task at position {source.position}"
        task = _Task(source).build(events)
        _check_task(task, f"{path}: task at position {source.position}", source.limits)
        source.task_start = source.read_bytes  # the next task's bytes start here
        source.where = f"after task at position {source.position}"
        yield task
        source.position += 1
    for _ in events:  # the parser itself raises on most data after the list
        raise BuildError("B101", f"{path}: data after the list of tasks; re-pull the export")


class _Task:
    """One task built from parser events with a stack instead of recursion,
    refusing, as it reads, nesting beyond max_depth, more than max_task_values
    values, integers beyond max_integer, lone surrogates and repeated keys."""

    def __init__(self, source: _Source) -> None:
        self.where = f"{source.path}: task at position {source.position}"
        self.limits = source.limits
        self.stack: list[Any] = [{}]  # the containers being read, outermost first
        self.keys: list[Any] = [None]  # the key being read in each (None in a list)

    def build(self, events: Iterator[tuple[str, Any]]) -> dict[str, Any]:
        task, stack, keys, limits = self.stack[0], self.stack, self.keys, self.limits
        count = 1
        for event, value in events:
            if event == "map_key":
                self._check_string(value, key=True)
                if value in stack[-1]:
                    raise self._error(
                        "B118",
                        f"repeats the key {_show(value)} (Label Studio writes each key once, "
                        "so one copy would be lost); re-pull the export or delete one copy",
                        value,
                    )
                keys[-1] = value
                continue
            if event in ("end_map", "end_array"):
                stack.pop()
                keys.pop()
                if not stack:
                    return task
                continue
            count += 1
            if count > limits.max_task_values:
                raise self._error(
                    "B115",
                    f"has more than max_task_values = {limits.max_task_values:,} JSON values; "
                    "split the document into several tasks, or raise max_task_values in "
                    "build/limits.py if it is genuine",
                )
            if event == "string":
                self._check_string(value)
            elif event == "number" and type(value) is int and abs(value) > limits.max_integer:
                raise self._error(
                    "B113",
                    f"has the integer {_show_int(value)}, beyond ±{limits.max_integer:,} "
                    "(max_integer in build/limits.py): no id, offset or count is that large; "
                    "correct the number in Label Studio and pull again",
                )
            parent = stack[-1]
            if event in ("start_map", "start_array"):
                if len(stack) >= limits.max_depth:
                    raise self._error(
                        "B111",
                        f"is nested deeper than max_depth = {limits.max_depth} levels "
                        "(a Label Studio task needs about 8); flatten or delete that field, or "
                        "raise max_depth in build/limits.py if it is genuine",
                    )
                value = {} if event == "start_map" else []
            if type(parent) is dict:
                parent[keys[-1]] = value
            else:
                parent.append(value)
            if event in ("start_map", "start_array"):
                stack.append(value)
                keys.append(None)
        raise BuildError("B101", f"{self.where}: the export ends inside the task; re-pull it")

    def _check_string(self, value: str, key: bool = False) -> None:
        if _SURROGATE.search(value):
            raise self._error(
                "B112",
                f"has a lone surrogate escape in the {'key' if key else 'string'} "
                f"{_show(value)}: half of a UTF-16 pair, not a character, so it cannot be "
                "written to a release; correct the text (in Label Studio) and pull again",
                value if key else None,
            )

    def _error(self, code: str, problem: str, key: str | None = None) -> BuildError:
        """`problem` located by the JSON path of the value being read (or `key`)."""
        parts = []
        for depth, (container, name) in enumerate(zip(self.stack, self.keys, strict=True)):
            last = depth == len(self.stack) - 1
            if isinstance(container, dict):
                name = key if last and key is not None else name
                if name is not None:
                    parts.append(f".{name}" if str(name).isidentifier() else f"[{_show(name)}]")
            else:
                parts.append(f"[{len(container) - (0 if last else 1)}]")
        if len(parts) > 12:
            parts = [*parts[:6], "…", *parts[-4:]]
        field = "".join(parts).lstrip(".") or "the task"
        return BuildError(code, f"{self.where}, field {field}: {problem}")


def _check_task(task: dict[str, Any], where: str, limits: ReadLimits) -> None:
    """A complete task: an integer id (B103), and its text, annotations,
    predictions and result lists within their limits (B116, B117)."""
    task_id = task.get("id")
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise BuildError(
            "B103",
            f"{where} has no integer `id` (got {_show(task_id)}); "
            "use a full JSON export from `nkcorpus studio pull`",
        )
    where = f"{where} (id {task_id})"
    data = task.get("data")
    text = data.get("text") if isinstance(data, dict) else None
    if isinstance(text, str) and len(text) > limits.max_text_chars:
        raise BuildError(
            "B116",
            f"{where}: data.text has {len(text):,} characters, more than max_text_chars = "
            f"{limits.max_text_chars:,} (spaCy's nlp.max_length); split the document into "
            "several, or raise max_text_chars in build/limits.py (and nlp.max_length) if genuine",
        )
    for field in ("annotations", "predictions"):
        items = task.get(field)
        if not isinstance(items, list):
            continue
        if len(items) > limits.max_annotations:
            raise BuildError(
                "B117",
                f"{where}: {len(items):,} {field}, more than max_annotations = "
                f"{limits.max_annotations}; delete the surplus in Label Studio and pull again, "
                "or raise max_annotations in build/limits.py if genuine",
            )
        for index, item in enumerate(items):
            result = item.get("result") if isinstance(item, dict) else None
            if isinstance(result, list) and len(result) > limits.max_results:
                raise BuildError(
                    "B117",
                    f"{where}, field {field}[{index}].result: {len(result):,} items, more than "
                    f"max_results = {limits.max_results:,}; split the document into several "
                    "tasks, or raise max_results in build/limits.py if genuine",
                )


def _show(value: object, width: int = 60) -> str:
    """`value` for a message: repr (which escapes lone surrogates), shortened."""
    text = _show_int(value) if type(value) is int else repr(value)
    return text if len(text) <= width else f"{text[: width - 1]}…"


def _show_int(value: int) -> str:
    if abs(value) < 10**30:
        return str(value)
    return f"{'-' if value < 0 else ''}~10**{int(abs(value).bit_length() * 0.30103)}"
