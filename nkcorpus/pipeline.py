"""The main job, end to end on the embedded defaults: check the schema's
generated files, clean the seeds, pre-annotate them into Label Studio tasks,
summarise the corpus, build a release from the committed gold into a scratch
folder and load it back with `datasets.load_dataset`. Each step is a library
call; the CLI prints. Released versions under `dataset/` are never touched."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nkcorpus.annotation.tasks import TasksSummary, write_tasks
from nkcorpus.build.release import build_release
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.summary import CorpusSummary, summarise
from nkcorpus.corpus.write import write_clean_jsonl
from nkcorpus.paths import default_exports, project_root
from nkcorpus.schema.generate import check_generated
from nkcorpus.schema.model import LabelSchema, load_schema


@dataclass(frozen=True)
class PipelineResult:
    schema: LabelSchema
    clean_path: Path
    tasks: TasksSummary
    summary: CorpusSummary
    release: Path
    loaded: dict[str, dict[str, int]]  # config -> split -> rows, as load_dataset read them


SCRATCH_VERSION = "0.0.0"


def run_pipeline(
    out_dir: Path | None = None, echo: Callable[[str], None] = print
) -> PipelineResult:
    """Run every step; raise at the first failing one. Writes only under `out_dir`
    (default `<repo>/out/`), never into released data."""
    root = project_root()
    out_dir = Path(out_dir) if out_dir is not None else root / "out"
    seeds = root / "seeds"

    echo("[1/6] schema: checking generated files")
    schema = load_schema()
    check_generated(schema)
    echo(f"      schema v{schema.schema_version} ({schema.schema_hash[:12]}) up to date")

    echo("[2/6] seeds: cleaning article bodies")
    documents = load_documents(seeds)
    clean_path = write_clean_jsonl(documents, out_dir / "clean" / "documents.jsonl")
    echo(f"      {len(documents)} documents -> {clean_path}")

    echo("[3/6] tasks: rule-based pre-annotation")
    tasks = write_tasks(documents, out_dir / "tasks.json", progress=False)
    regions = ", ".join(f"{label} {n}" for label, n in tasks.regions.items())
    echo(f"      {tasks.tasks} tasks ({regions}) -> {tasks.out_path}")

    echo("[4/6] summary")
    summary = summarise(seeds)

    echo("[5/6] build: a scratch release from the committed gold")
    scratch = out_dir / "dataset"
    shutil.rmtree(scratch, ignore_errors=True)  # scratch only: never dataset/
    built = build_release(
        SCRATCH_VERSION, default_exports(root), scratch, documents=documents, schema=schema,
        progress=False,
    )  # fmt: skip
    echo(f"      {built.documents} documents -> {built.folder} ({built.files} files)")

    echo("[6/6] load: datasets.load_dataset on the scratch release")
    loaded = load_release(built.folder)
    for config, splits in loaded.items():
        echo(f"      {config}: " + ", ".join(f"{k} {v}" for k, v in splits.items()))
    return PipelineResult(schema, clean_path, tasks, summary, built.folder, loaded)


def load_release(folder: Path) -> dict[str, dict[str, int]]:
    """Rows per split of every config, as `datasets.load_dataset(folder, config)` reads them."""
    import datasets

    from nkcorpus.schema.features import schema_to_features

    out = {}
    for config in schema_to_features(load_schema()):
        loaded = datasets.load_dataset(str(folder), config, cache_dir=str(folder.parent / ".hf"))
        out[config] = {split: len(rows) for split, rows in loaded.items()}
    return out
