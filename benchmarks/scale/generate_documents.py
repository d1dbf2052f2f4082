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

from benchmarks.scale.generate import _chosen, document_for, manifest_entry_yaml
from benchmarks.scale.pool import read_pool
from benchmarks.scale.project import write_project_files
from benchmarks.scale.settings import exports_fingerprint, parameters
from benchmarks.scale.synth import compose_document, pool_vocabulary
from nkcorpus.corpus.clean import PARAGRAPH_SEPARATOR
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
    manifest = (project / "seeds" / "manifest.yaml").open("a", encoding="utf-8")
    jsonl = (out / "documents.jsonl").open("w", encoding="utf-8")
    with manifest, jsonl:
        for index in range(1, tasks + 1):
            rng = random.Random(f"{seed}:{index}")
            length = rng.randint(3000, 4600)
            text = compose_document(blocks, rng, length, vocabulary, params["substitution"]).text
            document = document_for(index, text, "", rng)
            written = [document]
            if index in copy_ids:
                paragraphs = text.split(PARAGRAPH_SEPARATOR)
                kept = PARAGRAPH_SEPARATOR.join(paragraphs[: max(1, len(paragraphs) * 4 // 5)])
                written.append(document_for(index, kept, document.doc_id, rng))
            for doc in written:
                (project / "seeds" / doc.source_file).write_text(doc.text + "\n", "utf-8")
                manifest.write(manifest_entry_yaml(doc))
                jsonl.write(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False,
                                       sort_keys=True) + "\n")  # fmt: skip
            counts["documents"] += len(written)
            counts["characters"] += len(document.text)
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
    if args.tasks < 1 or args.tasks > 999_999:
        parser.error("--tasks must be 1..999999 (doc ids have six digits)")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; pick a new folder")
    summary = generate_documents(args.out, args.tasks, seed=args.seed)
    print(json.dumps({k: v for k, v in summary.items() if not isinstance(v, (list, dict))}))


if __name__ == "__main__":
    main()
