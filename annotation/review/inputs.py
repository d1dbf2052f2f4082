"""What `nkcorpus review` reads: the exports (through the one export reader),
the reviewers (`annotation/reviewers.yaml`) and the annotators per task (the
`--annotators` option, else the server, else the default)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nkcorpus.annotation.review.queue import DEFAULT_THRESHOLD, ReviewQueue, review_queue
from nkcorpus.annotation.review.urls import AnnotatorsPerTask, project_annotators
from nkcorpus.build.exports import read_exports

DEFAULT_ANNOTATORS = 2  # as `nkcorpus.annotation.studio.queue.DEFAULT_ANNOTATORS` (tested)


def review_exports(
    exports: Sequence[Path],
    *,
    url: str | None = None,
    annotators: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    reviewers_file: Path | None = None,
    api_key: str | None = None,
    data_dir: Path | None = None,
) -> ReviewQueue:
    """The review queue of `exports` (merged, newest copy of a task winning).

    `url`: the Label Studio of the links (default `$LABEL_STUDIO_URL`, else
    http://127.0.0.1:8080). `annotators`: annotators per task; None asks the
    server for each project's number, falling back to 2 when it cannot.
    Raises BuildError (B10x-B11x) for an unreadable export, AnnotationError
    A240 for an invalid reviewers file."""
    from nkcorpus.annotation.reviewers import load_reviewers
    from nkcorpus.annotation.studio.client import resolve_url

    base = resolve_url(url)
    tasks = read_exports(exports)
    reviewers = load_reviewers(reviewers_file).ids
    if annotators is not None:
        per_task = AnnotatorsPerTask(annotators, source=f"{annotators} (--annotators)")
    else:
        projects = [p for t in tasks if type(p := t.task.get("project")) is int]
        per_task = project_annotators(
            base, projects, default=DEFAULT_ANNOTATORS, api_key=api_key, data_dir=data_dir
        )
    return review_queue(
        tasks, annotators=per_task, url=base, reviewers=reviewers, threshold=threshold
    )
