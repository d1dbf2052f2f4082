"""Generate synthetic Label Studio exports like the corpus' own, and the
synthetic project they belong to, seeded and reproducible (issue 13).

    .venv/bin/python -m benchmarks.scale.generate --tasks 1000 --out out/bench/n1000

Writes, streaming (one document in memory at a time):

- `project/`: a project root for `NKCORPUS_ROOT` (a `pyproject.toml` naming the
  project, `seeds/` with one raw `.txt` file per document and the
  `manifest.yaml` listing them, `annotation/reviewers.yaml` with no
  reviewers), so the real `nkcorpus build`, `validate`, `seeds summary` and
  `tasks` read the synthetic documents exactly as they read the seeds;
- `exports/base/export-NNNNN.json`: the tasks, `--tasks-per-file` per file (a
  file stays under the reader's 1 GiB limit), in `studio pull`'s format:
  each task has a starred gold annotation (which embeds the prediction it
  started from, as Label Studio's export does) and one prediction; a share
  (`--second-annotator`) has a second annotator's annotation, not starred;
- `exports/variant/`: the same tasks with a share (`--changed`, at least one
  task) changed: one gold region removed, a newer `updated_at`;
- `documents.jsonl`: every cleaned document, as `nkcorpus seeds clean` writes
  them; a share (`--copies`, at least one document) of the documents has a
  truncated copy (a near-duplicate, withheld by the build, without a task);
- `generation.json`: the parameters and counts, written last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from benchmarks.scale.export_tasks import changed_task, document_to_task
from benchmarks.scale.pool import Block, read_pool
from benchmarks.scale.project import ExportShards, write_project_files
from benchmarks.scale.settings import DEFAULTS, exports_fingerprint, parameters
from benchmarks.scale.synth import compose_document, pool_vocabulary, second_annotation
from nkcorpus.corpus.clean import PARAGRAPH_SEPARATOR
from nkcorpus.corpus.documents import CleanDocument, load_documents, text_sha256
from nkcorpus.corpus.manifest import BodySpec, ManifestEntry
from nkcorpus.paths import default_exports
from nkcorpus.schema.model import load_schema

PUBLISHERS = ("Synthetic Wire", "Example Daily", "Benchmark Herald", "Sample Times")


def document_for(index: int, text: str, group: str, rng: random.Random) -> CleanDocument:
    doc_id = f"{index:06d}_synth" if group == "" else f"{index:06d}_synth-copy"
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    return CleanDocument(
        doc_id=doc_id,
        text=text,
        text_sha256=text_sha256(text),
        title=f"Synthetic article {index}",
        publisher=rng.choice(PUBLISHERS),
        url=f"https://example.org/synthetic/{doc_id}",
        published=published.isoformat(),
        language="en",
        group=group or doc_id,
        source_file=f"{doc_id}.txt",
        source_sha256=hashlib.sha256((text + "\n").encode("utf-8")).hexdigest(),
    )


def manifest_entry_yaml(document: CleanDocument) -> str:
    """The document's `seeds/manifest.yaml` entry, as `manifest_to_yaml` writes one."""
    entry = ManifestEntry(
        doc_id=document.doc_id,
        file=document.source_file,
        format="txt",
        sha256=document.source_sha256,
        title=document.title,
        publisher=document.publisher,
        url=document.url,
        published=dt.date.fromisoformat(document.published or "2015-01-01"),
        language=document.language,
        body=BodySpec(first_line=1, last_line=document.text.count("\n") + 1),
        group=document.group,
        reviewed=True,
        notes="synthetic (benchmarks/scale/generate.py)",
    )
    data = entry.model_dump(mode="json")
    del data["missing"]
    return yaml.safe_dump([data], sort_keys=False, allow_unicode=True, width=100)


def _chosen(count: int, share: float, rng: random.Random) -> set[int]:
    wanted = min(count, max(1, round(count * share))) if share > 0 else 0
    return {i + 1 for i in rng.sample(range(count), wanted)}


def task_documents(
    index: int,
    seed: int,
    blocks: Sequence[Block],
    vocabulary: Any,
    substitution: float,
    copy_ids: set[int],
) -> tuple[random.Random, Any, list[CleanDocument]]:
    """Task `index`'s composed document and, if planted, its truncated copy:
    the task's random stream (for what the caller draws next), the composition
    and the documents to write."""
    rng = random.Random(f"{seed}:{index}")
    synthetic = compose_document(blocks, rng, rng.randint(3000, 4600), vocabulary, substitution)
    document = document_for(index, synthetic.text, "", rng)
    written = [document]
    if index in copy_ids:
        paragraphs = synthetic.text.split(PARAGRAPH_SEPARATOR)
        keep = max(1, len(paragraphs) * 4 // 5)
        text = PARAGRAPH_SEPARATOR.join(paragraphs[:keep])
        written.append(document_for(index, text, document.doc_id, rng))
    return rng, synthetic, written


class DocumentFiles:
    """The seed files, manifest entries and `documents.jsonl` lines of the
    generated documents (a context manager: the two files are closed after)."""

    def __init__(self, out: Path, project: Path) -> None:
        self.seeds = project / "seeds"
        self.manifest = (self.seeds / "manifest.yaml").open("a", encoding="utf-8")
        self.jsonl = (out / "documents.jsonl").open("w", encoding="utf-8")

    def write(self, documents: Sequence[CleanDocument]) -> None:
        for doc in documents:
            (self.seeds / doc.source_file).write_text(doc.text + "\n", "utf-8")
            self.manifest.write(manifest_entry_yaml(doc))
            self.jsonl.write(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False,
                                        sort_keys=True) + "\n")  # fmt: skip

    def __enter__(self) -> DocumentFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.manifest.close()
        self.jsonl.close()


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """`--tasks` in 1..999,999 and an empty `--out`, or the parser's error."""
    if args.tasks < 1 or args.tasks > 999_999:
        parser.error("--tasks must be 1..999999 (doc ids have six digits)")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; pick a new folder")


def generate(
    out: Path,
    tasks: int,
    *,
    seed: int = 0,
    exports: Sequence[Path] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Write everything the module doc lists under `out`; return generation.json's
    content. `options`: those of `benchmarks.scale.settings.DEFAULTS`."""
    started = time.perf_counter()
    exports = list(exports or default_exports())
    params = parameters(tasks, seed, exports_fingerprint(exports), **options)
    tasks_per_file, indent = params["tasks_per_file"], params["indent"]
    second_annotator, substitution = params["second_annotator"], params["substitution"]
    changed, copies = params["changed"], params["copies"]
    blocks: list[Block] = read_pool(exports, load_documents())
    vocabulary = pool_vocabulary(blocks)
    schema = load_schema()
    values = {a.name: a.values for label in schema.labels for a in label.attributes
              if not a.multiple}  # fmt: skip
    picker = random.Random(f"{seed}:choices")
    changed_ids, copy_ids = _chosen(tasks, changed, picker), _chosen(tasks, copies, picker)
    counts = {"documents": 0, "gold_regions": 0, "second_annotations": 0, "characters": 0}
    project = write_project_files(out / "project")
    base = ExportShards(out / "exports" / "base", tasks_per_file, indent)
    variant = ExportShards(out / "exports" / "variant", tasks_per_file, indent)
    with base, variant, DocumentFiles(out, project) as files:
        for index in range(1, tasks + 1):
            rng, synthetic, written = task_documents(
                index, seed, blocks, vocabulary, substitution, copy_ids
            )
            document = written[0]
            files.write(written)
            share = rng.random() < second_annotator
            second = second_annotation(synthetic.gold, rng, values) if share else None
            task = document_to_task(index, document, synthetic, second)
            text = base.write(task)
            variant.write(changed_task(task, rng) if index in changed_ids else text)
            counts["documents"] += len(written)
            counts["gold_regions"] += synthetic.gold_regions
            counts["second_annotations"] += second is not None
            counts["characters"] += len(document.text)
    summary = {
        "parameters": params,
        "tasks": tasks,
        **counts,
        "copies": sorted(f"{i:06d}_synth-copy" for i in copy_ids),
        "changed_tasks": sorted(changed_ids),
        "export_bytes": base.bytes,
        "base_exports": [str(p) for p in base.paths],
        "variant_exports": [str(p) for p in variant.paths],
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "generation.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    return summary


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    for name, default in DEFAULTS.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true")
        else:
            parser.add_argument(flag, type=type(default), default=default)
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    options = {name: getattr(args, name) for name in DEFAULTS}
    summary = generate(args.out, args.tasks, seed=args.seed, **options)
    print(json.dumps({k: v for k, v in summary.items() if not isinstance(v, list)}))


if __name__ == "__main__":
    main()
