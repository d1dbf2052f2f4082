"""The synthetic project's files: a project root `nkcorpus` accepts as
`NKCORPUS_ROOT`, and exports written task by task into size-bounded files."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from nkcorpus.corpus.manifest import MANIFEST_HEADER
from nkcorpus.paths import PROJECT_NAME

REVIEWERS = "# Synthetic benchmark project: gold is the starred annotation.\nreviewers: []\n"


def write_project_files(root: Path) -> Path:
    """Create `root` with `pyproject.toml`, `seeds/manifest.yaml` (its header;
    entries are appended) and `annotation/reviewers.yaml`; return `root`."""
    (root / "seeds").mkdir(parents=True)
    (root / "annotation").mkdir()
    (root / "pyproject.toml").write_text(
        f"[project]\n{PROJECT_NAME}\n# synthetic benchmark project (benchmarks/scale)\n", "utf-8"
    )
    (root / "annotation" / "reviewers.yaml").write_text(REVIEWERS, "utf-8")
    header = MANIFEST_HEADER + "manifest_version: 1\ndocuments:\n"
    (root / "seeds" / "manifest.yaml").write_text(header, "utf-8")
    return root


def task_to_json(task: dict[str, Any], indent: bool = False) -> str:
    """One task as an element of an export's list: on one line (sorted keys, as
    Label Studio's export API sends it), or with `indent` as `studio pull`
    writes it (2-space indent, about twice the bytes).

    >>> task_to_json({"id": 1, "data": {"text": "é"}})
    '{"data": {"text": "é"}, "id": 1}'
    >>> print(task_to_json({"id": 1}, indent=True))
      {
        "id": 1
      }
    """
    if indent:
        return json.dumps([task], sort_keys=True, indent=2, ensure_ascii=False)[2:-2]
    return json.dumps(task, sort_keys=True, ensure_ascii=False)


class ExportShards:
    """Export files `folder/export-NNNNN.json` of at most `per_file` tasks each,
    written as tasks arrive (file names sort in task order)."""

    def __init__(self, folder: Path, per_file: int, indent: bool = False) -> None:
        if per_file < 1:
            raise ValueError(f"per_file must be at least 1, got {per_file}")
        folder.mkdir(parents=True)
        self.folder, self.per_file, self.indent = folder, per_file, indent
        self.paths: list[Path] = []
        self.bytes = 0
        self._handle: IO[str] | None = None
        self._count = 0

    def write(self, task: dict[str, Any] | str) -> str:
        """Append a task (or its text from `task_to_json`); return its text."""
        if self._handle is None or self._count == self.per_file:
            self._close()
            path = self.folder / f"export-{len(self.paths) + 1:05d}.json"
            self.paths.append(path)
            self._handle, self._count = path.open("w", encoding="utf-8"), 0
            self._handle.write("[\n")
        text = task if isinstance(task, str) else task_to_json(task, self.indent)
        self._handle.write(("" if self._count == 0 else ",\n") + text)
        self._count += 1
        return text

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.write("\n]\n")
            self._handle.close()
            self.bytes += self.paths[-1].stat().st_size
            self._handle = None

    def __enter__(self) -> ExportShards:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close()
