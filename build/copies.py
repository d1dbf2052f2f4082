"""What merging exports must not lose (`nkcorpus.build.exports.merge_tasks`
keeps the newest copy of each task id):

- B106 a task id given twice in one export (a Label Studio export never
  does; the merge would keep one copy without a word);
- B107 a gold annotation that only a superseded copy of a task holds (an
  older export stars it, the newest copy stars nothing);
- a task whose `updated_at` cannot be read is reported (B104) as that task's
  problem and left out of the merge, which orders copies by it.

Only small per-task summaries (ids of starred annotations) are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nkcorpus.build.cache_files import CacheError
from nkcorpus.build.errors import BuildError
from nkcorpus.build.exports import (
    ExportTask,
    Located,
    iter_export_places,
    merge_tasks,
    task_updated_at,
)
from nkcorpus.build.read_memo import ReadMemo
from nkcorpus.build.report import Problem
from nkcorpus.build.spill import SpillList

if TYPE_CHECKING:
    from nkcorpus.build.task_checks import CheckedTask


def gold_ids(task: Mapping[str, Any]) -> list[object]:
    """The ids of a task's starred, not-cancelled annotations (as raw as they come)."""
    annotations = task.get("annotations")
    if not isinstance(annotations, list):
        return []
    return [
        a.get("id")
        for a in annotations
        if isinstance(a, Mapping) and a.get("ground_truth") is True and not a.get("was_cancelled")
    ]


class TaskCopies:
    """What the merge must not lose: a task id given twice in one export, and
    a gold annotation that only a superseded copy of a task holds."""

    def __init__(self, problems: list[Problem], memo: ReadMemo | None = None) -> None:
        self.problems = problems
        self.memo = memo
        self.gold: dict[int, list[tuple[str, list[object]]]] = {}

    def read(self, path: Path) -> Iterator[Located]:
        """The tasks of one export, each with its place in the file
        (`iter_export_places`); a read error becomes a problem, not an exception."""
        positions: dict[int, int] = {}
        try:
            for position, (task, place) in enumerate(iter_export_places(path, memo=self.memo)):
                task_id = task["id"]
                try:  # the merge orders copies by it: a bad one is this task's problem
                    task_updated_at(task, where="this task")
                except BuildError as exc:
                    self.problems.append(
                        Problem(code=exc.code, file=str(path), task_id=task_id,
                                doc_id=task_doc_id(task), message=exc.message)
                    )  # fmt: skip
                    continue
                if task_id in positions:
                    self.problems.append(
                        Problem(
                            code="B106",
                            file=str(path),
                            task_id=task_id,
                            doc_id=task_doc_id(task),
                            message=f"task id {task_id} is given twice in this export (tasks at "
                            f"positions {positions[task_id]} and {position}); one export holds "
                            "each task once: pull a fresh export with `nkcorpus studio pull`",
                        )
                    )
                positions.setdefault(task_id, position)
                gold = gold_ids(task)
                if gold:
                    self.gold.setdefault(task_id, []).append((str(path), gold))
                yield task, place
        except CacheError:
            raise  # the cache's, not the export's: it stops the build
        except BuildError as exc:
            message = exc.message.removeprefix(f"{path}: ")  # the Problem names the file
            self.problems.append(Problem(code=exc.code, file=str(path), message=message))

    def check_winner(self, item: ExportTask) -> None:
        """B107 when the copy that won the merge has no gold but another copy has."""
        lost = [(f, ids) for f, ids in self.gold.get(item.task_id, []) if f != str(item.source)]
        if not lost or gold_ids(item.task):  # (`lost` first: it needs no parse)
            return
        where = ", ".join(f"annotation(s) {', '.join(map(str, ids))} in {f}" for f, ids in lost)
        self.problems.append(
            Problem(
                code="B107",
                file=str(item.source),
                task_id=item.task_id,
                doc_id=task_doc_id(item.task),
                message=f"the newest copy of this task has no gold annotation, but older "
                f"export(s) star {where}; the merge would drop that gold. Star the right "
                "annotation in Label Studio and pull again, or, if the review was withdrawn "
                "on purpose, `git rm` the older export(s) (git keeps their history)",
            )
        )


def task_doc_id(task: Mapping[str, Any]) -> str | None:
    data = task.get("data")
    doc_id = data.get("doc_id") if isinstance(data, Mapping) else None
    return doc_id if isinstance(doc_id, str) else None


@dataclass(frozen=True)
class MergedExports:
    """The merged tasks of some exports and what reading them found, read once
    by `build` and handed to validation, the baseline and agreement."""

    files: list[Path]
    tasks: list[ExportTask]
    problems: list[Problem]
    # what validation's workers made of each task, in the order of `tasks`
    # (`validate_exports(extras=True)`): the later readers' parts, made once,
    # kept on disk (`nkcorpus.build.spill`)
    checked: SpillList[CheckedTask] = field(default_factory=SpillList)

    def checked_or_none(self) -> Sequence[CheckedTask | None]:
        """`checked` when made for every task, else None for each (read them again)."""
        if len(self.checked) == len(self.tasks):
            return self.checked
        return [None] * len(self.tasks)


def read_merged_once(files: Iterable[Path], memo: ReadMemo | None = None) -> MergedExports:
    """`read_merged` kept for every later reader of the same exports."""
    files = [Path(f) for f in files]
    problems: list[Problem] = []
    return MergedExports(files, read_merged(files, problems, memo), problems)


def read_merged(
    files: Iterable[Path], problems: list[Problem], memo: ReadMemo | None = None
) -> list[ExportTask]:
    """Read and merge `files` (newest copy of each task wins), appending to
    `problems` whatever the merge would otherwise lose (B104, B106, B107) or
    a file cannot give (B10x, B11x); the one way `validate` and `agreement`
    read exports. `memo`: tasks read before are not parsed again
    (`nkcorpus.build.read_memo`)."""
    copies = TaskCopies(problems, memo)
    try:
        tasks = merge_tasks((path, copies.read(path)) for path in files)
    except CacheError:
        raise
    except BuildError as exc:  # an unreadable timestamp: nothing sensible to merge
        problems.append(Problem(code=exc.code, message=exc.message))
        return []
    for item in tasks:
        copies.check_winner(item)
    return tasks
