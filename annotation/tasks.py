"""Cleaned documents -> the Label Studio import file (`annotation/tasks.json`).

One task per document, `data` from the document, one rule-based prediction.
The bytes depend only on the documents and the pattern files: tasks sorted
by doc_id, `json.dumps(ensure_ascii=False, indent=2, sort_keys=True)` plus a
newline, written atomically.

Documents are pre-annotated in batches (`tasks_batches.records_to_batch`, a
pure function), on `processes` worker processes, and the file is written as
the batches come back in order: memory depends on the batch size and the
number of processes, not on the number of documents, and the bytes do not
depend on either.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from spacy.language import Language
from tqdm import tqdm

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.pipeline import model_version
from nkcorpus.annotation.tasks_batches import (
    ITEM_INDENT,
    TASK_FIELDS,
    TaskBatch,
    document_to_record,
    document_to_task,
    entries_to_batch,
    records_to_batch,
    use_pipeline,
)
from nkcorpus.atomic import atomic_write_text
from nkcorpus.corpus.manifest import load_manifest
from nkcorpus.errors import NkError, ValidationFailed
from nkcorpus.ordered_pool import MapInOrder, map_in_order
from nkcorpus.paths import seeds_dir as default_seeds_dir
from nkcorpus.schema.model import load_schema

__all__ = [
    "TASK_FIELDS",
    "TasksSummary",
    "document_to_task",
    "tasks_to_json",
    "write_atomically",
    "write_seed_tasks",
    "write_tasks",
]  # fmt: skip
T = TypeVar("T")


class TasksSummary(BaseModel):
    """What `write_tasks` wrote."""

    model_config = ConfigDict(frozen=True)

    out_path: Path
    tasks: int
    model_version: str
    regions: dict[str, int]
    relations: dict[str, int]
    sha256: str


def tasks_to_json(tasks: Sequence[dict[str, Any]]) -> str:
    """The canonical text of a tasks file.

    >>> tasks_to_json([{"data": {"b": 1, "a": "é"}}])
    '[\\n  {\\n    "data": {\\n      "a": "é",\\n      "b": 1\\n    }\\n  }\\n]\\n'
    """
    return json.dumps(list(tasks), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (`nkcorpus.atomic`), so readers see
    the old file or the new one. Raises A211."""
    try:
        atomic_write_text(Path(path), text)
    except OSError as exc:
        raise AnnotationError("A211", f"{path}: cannot write the tasks file: {exc}") from exc


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(doc_ids: Iterable[str], batch_size: int, processes: int) -> None:
    """Raises A210 (repeated doc_ids), A212 (batch size), A213 (processes)."""
    repeated = sorted(k for k, n in Counter(doc_ids).items() if n > 1)
    if repeated:
        raise AnnotationError("A210", f"doc_id(s) {repeated} occur more than once; one task each")
    if batch_size < 1:
        raise AnnotationError("A212", f"batch_size must be at least 1, got {batch_size}")
    if processes < 1:
        raise AnnotationError("A213", f"processes must be at least 1, got {processes}")


def _stream_to_file(
    path: Path, batches: Iterable[TaskBatch], total: int, progress: bool, seeds: str = "seeds"
) -> TasksSummary:
    """Write the batches' tasks as one JSON list to a temporary file beside
    `path`, then rename it over `path` (A211 when that fails). Seed problems
    of every batch are raised together (D039) and nothing is written."""
    digest, regions, relations = hashlib.sha256(), Counter[str](), Counter[str]()
    problems: list[str] = []
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AnnotationError("A211", f"{path}: cannot write the tasks file: {exc}") from exc
    try:
        bar = tqdm(total=total, desc="pre-annotating", unit="doc", disable=not progress)
        with os.fdopen(fd, "wb") as handle, bar:
            for batch in batches:
                if batch.error is not None:
                    raise AnnotationError(*batch.error)
                problems.extend(batch.problems)
                for text in batch.texts:
                    chunk = (",\n" if count else "[\n") + ITEM_INDENT + text
                    data = chunk.encode("utf-8")
                    handle.write(data)
                    digest.update(data)
                    count += 1
                regions.update(batch.regions)
                relations.update(batch.relations)
                bar.update(len(batch.texts) + len(batch.problems))
            end = b"\n]\n" if count else b"[]\n"
            handle.write(end)
            digest.update(end)
            handle.flush()
            os.fsync(handle.fileno())
        if problems:
            raise ValidationFailed("D039", f"{seeds}: seeds do not match the manifest", problems)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, NkError):
            raise
        raise AnnotationError("A211", f"{path}: cannot write the tasks file: {exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    schema = load_schema()
    return TasksSummary(
        out_path=path,
        tasks=count,
        model_version=model_version(),
        regions={label: regions[label] for label in schema.label_names},
        relations={r.name: relations[r.name] for r in schema.relations},
        sha256=digest.hexdigest(),
    )


def _run(
    work: Callable[[list[T]], TaskBatch],
    items: Sequence[T],
    out_path: Path,
    batch_size: int,
    processes: int,
    progress: bool,
    seeds: str = "seeds",
    runner: MapInOrder = map_in_order,
) -> TasksSummary:
    processes = min(processes, max(1, -(-len(items) // batch_size)))  # no idle workers
    with closing(runner(work, _batched(items, batch_size), processes)) as batches:
        return _stream_to_file(Path(out_path), batches, len(items), progress, seeds)


def write_tasks(
    documents: Iterable[Any],
    out_path: Path,
    batch_size: int = 32,
    *,
    nlp: Language | None = None,
    progress: bool = True,
    processes: int = 1,
) -> TasksSummary:
    """Pre-annotate `documents` (objects with the `TASK_FIELDS`) and write the
    Label Studio import file. A custom `nlp` reaches worker processes only
    where they are forked (Linux). Raises A210, A211, A212, A213."""
    ordered = sorted(documents, key=lambda d: d.doc_id)
    _check((d.doc_id for d in ordered), batch_size, processes)
    use_pipeline(nlp)  # before the pool forks, so workers inherit it
    records = [document_to_record(d) for d in ordered]
    work = partial(records_to_batch, batch_size=batch_size)
    return _run(work, records, out_path, batch_size, processes, progress)


def write_seed_tasks(
    out_path: Path,
    seeds_dir: Path | None = None,
    batch_size: int = 32,
    *,
    progress: bool = True,
    processes: int = 1,
    runner: MapInOrder = map_in_order,
) -> TasksSummary:
    """`write_tasks` over every document of the seeds' manifest, each cleaned
    inside its batch, so no more than the batches in flight are in memory.
    `runner` maps the batches (default: local processes; a Ray runner builds
    the default pipeline once in each of its workers).
    Raises D039 listing every seed that does not match the manifest (and then
    writes nothing), and what `write_tasks` raises."""
    folder = Path(seeds_dir) if seeds_dir is not None else default_seeds_dir()
    entries = sorted(load_manifest(folder).documents, key=lambda e: e.doc_id)
    _check((e.doc_id for e in entries), batch_size, processes)
    use_pipeline()
    work = partial(entries_to_batch, folder, batch_size=batch_size)
    return _run(work, entries, out_path, batch_size, processes, progress, str(folder), runner)
