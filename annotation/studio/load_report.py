"""What a load run of concurrent annotators (`load.run_annotator_load`) did:
every request with its latency and outcome, every annotation sent, and the
pulled export checked against them (`verify_export`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Mode = Literal["queue", "shares"]
Kind = Literal["next", "submit"]
MARKER = "load"  # region ids of a load: load-<run>-c<client>-<n>


@dataclass(frozen=True)
class RequestRecord:
    """One request of one client; `status` None when no answer came, `error`
    empty when it went as expected (a 404 of the queue means: nothing left)."""

    client: int
    kind: Kind
    task: int | None
    status: int | None
    seconds: float
    attempts: int  # 1, or more when the transport retried it
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


@dataclass(frozen=True)
class Submission:
    """An annotation a client sent; `confirmed` when the server answered 201."""

    client: int
    task: int
    author: int  # the client's user id
    marker: str  # the id of its region
    confirmed: bool


@dataclass(frozen=True)
class LoadVerification:
    """The pulled export against what was sent, matched by task + author + marker."""

    confirmed: int  # answered 201
    found_once: int  # of those: in the export exactly once, on their task, by their author
    lost: tuple[str, ...]  # confirmed, absent from the export
    duplicated: tuple[str, ...]  # a marker in more than one annotation
    misplaced: tuple[str, ...]  # on another task, by another author, or never sent
    unconfirmed_found: int  # sent without a 201 (outcome unknown) yet in the export
    tasks: int  # tasks of the project
    tasks_annotated: int  # with at least one annotation of this run
    tasks_more_than_once: tuple[int, ...]  # task ids with two or more annotations of this run

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.misplaced)


def run_prefix(run: str) -> str:
    """The start of every marker of run `run`.

    >>> run_prefix("ab12")
    'load-ab12-'
    """
    return f"{MARKER}-{run}-"


def verify_export(
    tasks: Sequence[dict[str, Any]], sent: Sequence[Submission], run: str
) -> LoadVerification:
    """Look every annotation of `sent` up in the exported `tasks` (authors as
    user ids, as `studio pull` writes them). The regions of one annotation share
    its marker, so an annotation counts once however many regions it has."""
    seen: Counter[str] = Counter()
    where: dict[str, tuple[int, int]] = {}
    per_task: Counter[int] = Counter()
    for task in tasks:
        for annotation in task.get("annotations") or []:
            ids = {str(r.get("id", "")) for r in annotation.get("result") or []}
            markers = {i for i in ids if i.startswith(run_prefix(run))}
            if markers:
                per_task[int(task["id"])] += 1
            for marker in markers:
                seen[marker] += 1
                where[marker] = (int(task["id"]), int(annotation.get("completed_by") or 0))
    sent_by = {s.marker: (s.task, s.author) for s in sent}
    misplaced = {m for m, place in where.items() if sent_by.get(m) != place}
    confirmed = [s for s in sent if s.confirmed]
    return LoadVerification(
        confirmed=len(confirmed),
        found_once=sum(1 for s in confirmed if seen[s.marker] == 1 and s.marker not in misplaced),
        lost=tuple(sorted(s.marker for s in confirmed if not seen[s.marker])),
        duplicated=tuple(sorted(m for m, n in seen.items() if n > 1)),
        misplaced=tuple(sorted(misplaced)),
        unconfirmed_found=sum(1 for s in sent if not s.confirmed and seen[s.marker]),
        tasks=len(tasks),
        tasks_annotated=len(per_task),
        tasks_more_than_once=tuple(sorted(t for t, n in per_task.items() if n > 1)),
    )


def nearest_rank(values: Sequence[float], q: float) -> float:
    """The `q` quantile of `values` by nearest rank (0.0 for none).

    >>> nearest_rank([4.0, 1.0, 3.0, 2.0], 0.5), nearest_rank([4.0, 1.0, 3.0, 2.0], 0.95)
    (2.0, 4.0)
    """
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class LoadReport:
    """What one load run did, and what the pull holds afterwards."""

    url: str
    project_id: int
    mode: Mode
    clients: int
    seconds: float  # from the start of the first client to the end of the last
    requests: tuple[RequestRecord, ...]
    sent: tuple[Submission, ...]
    verification: LoadVerification
    export: Path  # the file `studio pull`'s code wrote

    @property
    def annotations_per_second(self) -> float:
        """Confirmed annotations per second of the run."""
        return self.verification.confirmed / self.seconds if self.seconds > 0 else 0.0

    @property
    def failures(self) -> tuple[RequestRecord, ...]:
        return tuple(r for r in self.requests if r.failed)

    def latency(self, kind: Kind) -> dict[str, float]:
        """Median, 95th percentile and maximum seconds of the `kind` requests."""
        values = [r.seconds for r in self.requests if r.kind == kind]
        return {
            "p50": round(nearest_rank(values, 0.5), 4),
            "p95": round(nearest_rank(values, 0.95), 4),
            "max": round(max(values, default=0.0), 4),
        }

    def to_dict(self) -> dict[str, Any]:
        """The figures, without tokens or per-request rows, for one JSON line."""
        failures = Counter(f"{r.kind}: {r.error}" for r in self.failures)
        return {
            "mode": self.mode,
            "clients": self.clients,
            "seconds": round(self.seconds, 3),
            "annotations_per_second": round(self.annotations_per_second, 2),
            "requests": {
                k: sum(1 for r in self.requests if r.kind == k) for k in ("next", "submit")
            },
            "retried": sum(1 for r in self.requests if r.attempts > 1),
            "failures": len(self.failures),
            "failure_kinds": dict(sorted(failures.items())),
            "latency_seconds": {k: self.latency(k) for k in ("next", "submit")},
            "verification": {**asdict(self.verification), "ok": self.verification.ok},
        }
