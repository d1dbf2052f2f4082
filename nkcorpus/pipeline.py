"""The main job, end to end on the embedded defaults: check the schema's
generated files, clean the seeds, pre-annotate them into Label Studio tasks,
summarise the corpus. Each step is a library call; the CLI prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nkcorpus.annotation.tasks import TasksSummary, write_tasks
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.summary import CorpusSummary, summarise
from nkcorpus.corpus.write import write_clean_jsonl
from nkcorpus.paths import project_root
from nkcorpus.schema.generate import check_generated
from nkcorpus.schema.model import LabelSchema, load_schema


@dataclass(frozen=True)
class PipelineResult:
    schema: LabelSchema
    clean_path: Path
    tasks: TasksSummary
    summary: CorpusSummary


def run_pipeline(
    out_dir: Path | None = None, echo: Callable[[str], None] = print
) -> PipelineResult:
    """Run every step; raise at the first failing one. Writes only under `out_dir`
    (default `<repo>/out/`), never into released data."""
    root = project_root()
    out_dir = Path(out_dir) if out_dir is not None else root / "out"
    seeds = root / "seeds"

    echo("[1/4] schema: checking generated files")
    schema = load_schema()
    check_generated(schema)
    echo(f"      schema v{schema.schema_version} ({schema.schema_hash[:12]}) up to date")

    echo("[2/4] seeds: cleaning article bodies")
    documents = load_documents(seeds)
    clean_path = write_clean_jsonl(documents, out_dir / "clean" / "documents.jsonl")
    echo(f"      {len(documents)} documents -> {clean_path}")

    echo("[3/4] tasks: rule-based pre-annotation")
    tasks = write_tasks(documents, out_dir / "tasks.json", progress=False)
    regions = ", ".join(f"{label} {n}" for label, n in tasks.regions.items())
    echo(f"      {tasks.tasks} tasks ({regions}) -> {tasks.out_path}")

    echo("[4/4] summary")
    summary = summarise(seeds)
    return PipelineResult(schema=schema, clean_path=clean_path, tasks=tasks, summary=summary)
