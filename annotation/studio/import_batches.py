"""Import tasks into Label Studio in batches that stay well inside a timeout.

Label Studio 1.23 Community imports synchronously: `POST
/api/projects/<id>/import` (the SDK's `projects.import_tasks`) validates every
prediction against the labeling config, then creates the tasks with their
predictions in one database transaction (`data_import/api.py`,
`ImportAPI.sync_import`; `tasks/serializers.py`, `BaseTaskSerializerBulk`),
so a batch lands whole or not at all. One POST for 10,000 tasks would hold
the request open for minutes and, cut off, leave its outcome unknown.

A batch is at most `BatchLimits.tasks` tasks and `BatchLimits.bytes` bytes of
JSON (one task alone may exceed it). 100 tasks is measured
(`benchmarks/studio_scale.py --calibrate`, tasks of ~4,000 characters with
their predictions, 2 shared cores): 9-16 ms per task at 100 and at 200, 10-17
at 400, 12-19 at 50, 15-28 at 25; so 100 is within 10% of the best throughput
while each request answers in 1-2 s, 60x inside the client's 120 s timeout.
The size adapts: after a batch slower than `BatchLimits.slow` seconds the next
ones are half as large, so a loaded server does not reach the timeout. Batches
are sent one after the other; a failed one stops the import with its error,
naming the batch, its documents and what to do. Re-running sync resumes:
what landed is skipped by doc_id + text_sha256 (`tasks_file.plan_import`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from label_studio_sdk.client import LabelStudio
from tqdm import tqdm

from nkcorpus.annotation.studio.client import TIMEOUT, api_call
from nkcorpus.errors import StudioError


@dataclass(frozen=True)
class BatchLimits:
    """How large one import request may be."""

    tasks: int = 100
    bytes: int = 8 << 20  # of task JSON; Label Studio accepts up to 250 MB per request
    slow: float = TIMEOUT / 8  # seconds: a batch this slow halves the next ones


DEFAULT_LIMITS = BatchLimits()


def tasks_to_batches(
    tasks: Iterable[dict[str, Any]], limits: Callable[[], BatchLimits]
) -> Iterator[list[dict[str, Any]]]:
    """`tasks` cut into batches, each within the `limits()` of its time.

    >>> [len(b) for b in tasks_to_batches([{"a": 1}] * 5, lambda: BatchLimits(tasks=2))]
    [2, 2, 1]
    >>> [len(b) for b in tasks_to_batches([{"t": "x" * 50}] * 3, lambda: BatchLimits(bytes=100))]
    [1, 1, 1]
    """
    items = iter(tasks)
    carried: tuple[dict[str, Any], int] | None = None
    while True:
        limit = limits()
        batch, size = [], 0
        if carried is not None:
            batch, size = [carried[0]], carried[1]
            carried = None
        for task in items:
            length = len(json.dumps(task, ensure_ascii=False).encode("utf-8"))
            if batch and (len(batch) >= limit.tasks or size + length > limit.bytes):
                carried = task, length
                break
            batch.append(task)
            size += length
        if not batch:
            return
        yield batch


def _doc_id(task: dict[str, Any]) -> str:
    return str((task.get("data") or {}).get("doc_id"))


def _batch_error(
    exc: StudioError, batch: Sequence[dict[str, Any]], where: str, imported: int, total: int
) -> StudioError:
    """`exc` with the batch named, its documents, and how to go on."""
    message = re.sub(
        r"\bTask (\d+)",
        lambda m: f"Task {m[1]} ({_doc_id(batch[int(m[1])])})" if int(m[1]) < len(batch) else m[0],
        exc.message,
    )
    if exc.code == "A112":
        fix = (
            "Label Studio refused this batch: correct the document(s) named (or the tasks "
            "file, `nkcorpus tasks`), then"
        )
    else:
        fix = "When the server is back (its log: label-studio.log in its data folder),"
    return StudioError(
        exc.code,
        f"{message} [import batch {where}: {len(batch)} task(s), doc_id "
        f"{_doc_id(batch[0])} to {_doc_id(batch[-1])}; {imported} of the {total} new task(s) "
        f"were imported before it and stay.] {fix} run `nkcorpus studio sync` again: it "
        "imports only the tasks not in the project yet, so it resumes at this batch.",
    )


def import_tasks(
    client: LabelStudio,
    url: str,
    project_id: int,
    tasks: Iterable[dict[str, Any]],
    total: int,
    limits: BatchLimits = DEFAULT_LIMITS,
    progress: bool = False,
) -> int:
    """Import `tasks` (`total` of them; an iterator is read as the batches go)
    in batches (see the module doc); the number imported.

    Raises the StudioError of the failed batch (A110-A117), its message
    naming the batch, or A123 when Label Studio created fewer tasks than sent."""
    current = [limits]
    imported = number = 0
    with tqdm(total=total, unit="task", desc="importing", disable=not progress) as bar:
        for batch in tasks_to_batches(tasks, lambda: current[0]):
            first, end, number = imported + 1, imported + len(batch), number + 1
            where = f"{number} (tasks {first}-{end} of {total})"
            began = time.monotonic()
            try:
                with api_call(url, f"importing tasks {first}-{end}"):
                    response = client.projects.import_tasks(project_id, request=batch)
            except StudioError as exc:
                raise _batch_error(exc, batch, where, imported, total) from exc
            if response.task_count is not None and response.task_count != len(batch):
                raise StudioError(
                    "A123",
                    f"Label Studio imported {response.task_count} of {len(batch)} tasks of "
                    f"import batch {where}; run sync again, it resumes.",
                )
            imported = end
            bar.update(len(batch))
            limit = current[0]
            if time.monotonic() - began > limit.slow and limit.tasks > 1:
                current[0] = replace(limit, tasks=max(1, limit.tasks // 2))
            bar.set_postfix(batch=current[0].tasks, refresh=False)
    return imported
