"""The documents of a scale-benchmark generation without its exports, for the
`seeds_summary` and `dedup` contenders at 100,000 documents (full exports of
100,000 tasks are about 7 GB; the documents alone about 0.8 GB).

    .venv/bin/python -m benchmarks.scale.generate_documents --tasks 100000 --out DIR

Writes `DIR/project/` (the project root with `seeds/` and its manifest) and
`DIR/documents.jsonl`, byte for byte what `benchmarks.scale.generate` writes
for the same `--tasks`, `--seed` and committed exports (the same random draws,
the planted truncated copies included), and `DIR/generation.json` with
`"documents_only": true`. Run the two contenders on it:

    NKCORPUS_ROOT=DIR/project .venv/bin/nkcorpus seeds summary --json
    .venv/bin/python -m benchmarks.scale.contenders dedup DIR DIR/runs/dedup
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.scale.generate import DocumentFiles, _chosen, check_arguments, task_documents
from benchmarks.scale.pool import read_pool
from benchmarks.scale.project import write_project_files
from benchmarks.scale.settings import exports_fingerprint, parameters
from benchmarks.scale.synth import pool_vocabulary
from nkcorpus.corpus.documents import load_documents
from nkcorpus.paths import default_exports


def generate_documents(out: Path, tasks: int, *, seed: int = 0) -> dict[str, Any]:
    """Write the documents of `tasks` synthetic tasks (and their planted
    copies) under `out`; return generation.json's content."""
    started = time.perf_counter()
    exports = list(default_exports())
    params = parameters(tasks, seed, exports_fingerprint(exports))
    blocks = read_pool(exports, load_documents())
    vocabulary = pool_vocabulary(blocks)
    picker = random.Random(f"{seed}:choices")
    _chosen(tasks, params["changed"], picker)  # drawn first by `generate`: same copies
    copy_ids = _chosen(tasks, params["copies"], picker)
    project = write_project_files(out / "project")
    counts = {"documents": 0, "characters": 0}
    substitution = params["substitution"]
    with DocumentFiles(out, project) as files:
        for index in range(1, tasks + 1):
            _, _, written = task_documents(index, seed, blocks, vocabulary, substitution, copy_ids)
            files.write(written)
            counts["documents"] += len(written)
            counts["characters"] += len(written[0].text)
    summary = {
        "parameters": params,
        "documents_only": True,
        "tasks": tasks,
        **counts,
        "copies": sorted(f"{i:06d}_synth-copy" for i in copy_ids),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "generation.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    return summary


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    summary = generate_documents(args.out, args.tasks, seed=args.seed)
    print(json.dumps({k: v for k, v in summary.items() if not isinstance(v, (list, dict))}))


if __name__ == "__main__":
    main()
