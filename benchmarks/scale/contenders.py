"""The contenders that are not `nkcorpus` commands, each run as its own process:

    .venv/bin/python -m benchmarks.scale.contenders NAME GENERATED_FOLDER OUT_FOLDER

- `converter`: the Label Studio SDK's converter to CONLL2003
  (`label_studio_sdk.converter.Converter`, the project's labeling config) over
  the folder of base exports, what a user would otherwise run;
- `naive`: `json.load` of every export, spaCy's tokenizer over each gold
  task's text, BIO tags from its gold spans, one Arrow table written to Parquet;
- `floor`: spaCy's tokenizer alone over the cleaned texts of the tasks;
- `dedup`: the near-duplicate groups (`nkcorpus.corpus.dedup`) of every cleaned
  document, checked against the groups the generator planted.

Each prints one JSON line of counts (tasks, tokens, ...) as its last output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _documents(folder: Path) -> Iterator[dict[str, Any]]:
    with (folder / "documents.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _base_exports(folder: Path) -> list[Path]:
    return sorted((folder / "exports" / "base").glob("*.json"))


def run_converter(folder: Path, out: Path) -> dict[str, Any]:
    from label_studio_sdk.converter import Converter

    from nkcorpus.schema.generate import GENERATED_DIR

    config = (GENERATED_DIR / "label_config.xml").read_text(encoding="utf-8")
    converter = Converter(config=config, project_dir=None, download_resources=False)
    converter.convert(str(folder / "exports" / "base"), str(out), "CONLL2003", is_dir=True)
    lines = sum(1 for _ in (out / "result.conll").open(encoding="utf-8"))
    return {"conll_lines": lines}


def run_naive(folder: Path, out: Path) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import spacy

    tasks = []
    for path in _base_exports(folder):
        with path.open(encoding="utf-8") as handle:
            tasks += json.load(handle)
    tokenizer = spacy.blank("en").tokenizer
    columns: dict[str, list[Any]] = {"doc_id": [], "text": [], "tokens": [], "ner_tags": []}
    for task in tasks:
        gold = next((a for a in task["annotations"] if a.get("ground_truth")), None)
        if gold is None:
            continue
        text = task["data"]["text"]
        doc = tokenizer(text)
        tags = ["O"] * len(doc)
        for item in gold["result"]:
            if item.get("type") != "labels":
                continue
            value = item["value"]
            span = doc.char_span(value["start"], value["end"], alignment_mode="expand")
            for offset, token in enumerate(span or ()):
                tags[token.i] = ("B-" if offset == 0 else "I-") + value["labels"][0]
        columns["doc_id"].append(task["data"]["doc_id"])
        columns["text"].append(text)
        columns["tokens"].append([t.text for t in doc])
        columns["ner_tags"].append(tags)
    table = pa.table(columns)
    pq.write_table(table, out / "naive.parquet")
    return {"tasks": table.num_rows, "tokens": sum(len(t) for t in columns["tokens"])}


def run_floor(folder: Path, out: Path) -> dict[str, Any]:
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    tasks = tokens = 0
    for row in _documents(folder):
        if row["group"] == row["doc_id"]:  # a copy (withheld near-duplicate) has no task
            tasks += 1
            tokens += len(tokenizer(row["text"]))
    return {"tasks": tasks, "tokens": tokens}


def run_dedup(folder: Path, out: Path) -> dict[str, Any]:
    from nkcorpus.corpus.dedup import find_near_duplicates, pairs_to_groups

    texts, planted = {}, {}
    for row in _documents(folder):
        texts[row["doc_id"]], planted[row["doc_id"]] = row["text"], row["group"]
    pairs = find_near_duplicates(texts)
    groups = pairs_to_groups(sorted(texts), pairs)
    wrong = sorted(d for d in texts if groups[d] != planted[d])
    return {"documents": len(texts), "pairs": len(pairs), "groups_as_planted": not wrong,
            "wrong_groups": wrong[:10]}  # fmt: skip


CONTENDERS = {"converter": run_converter, "naive": run_naive, "floor": run_floor,
              "dedup": run_dedup}  # fmt: skip


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in CONTENDERS:
        print(f"usage: contenders {{{','.join(CONTENDERS)}}} GENERATED_FOLDER OUT_FOLDER")
        return 2
    name, folder, out = argv[0], Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    counts = CONTENDERS[name](folder, out)
    print(json.dumps(counts, sort_keys=True))
    return 1 if counts.get("groups_as_planted") is False else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
