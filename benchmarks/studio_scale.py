"""`studio sync` and `studio pull` at scale, against a real Label Studio.

    .venv/bin/python -m benchmarks.studio_scale --tasks 10000   # from the repository root

Writes N synthetic import tasks (documents of the scale benchmark's generator,
`benchmarks/scale/synth.py`: the committed gold recombined, 3,000-4,600
characters, each with its rule-based prediction), starts a fresh Label Studio
on a free loopback port with its data folder under `--work-dir`, and runs, each
as its own `nkcorpus` process measured by `benchmarks.scale.measure` (wall
time, peak RSS from `wait4` and from /proc): `studio sync` (all N new),
`studio sync` again (nothing to import), `studio pull` (streamed to disk).
Before that, `--calibrate` imports the same first tasks into throw-away
projects at several batch sizes and reports seconds per task and per request,
the figures behind `import_batches.BatchLimits`. Prints a table; the last line
is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ijson

from benchmarks.scale.measure import Measurement, run_measured
from benchmarks.scale.pool import read_pool
from benchmarks.scale.settings import DEFAULTS
from benchmarks.scale.synth import compose_document, pool_vocabulary
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.credentials import load_or_create_credentials
from nkcorpus.annotation.studio.import_batches import DEFAULT_LIMITS, BatchLimits, import_tasks
from nkcorpus.annotation.studio.server import running_studio, studio_binary
from nkcorpus.corpus.documents import load_documents, text_sha256
from nkcorpus.paths import default_exports

NKCORPUS = str(Path(sys.executable).with_name("nkcorpus"))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_synthetic_tasks(path: Path, count: int, seed: int = 0) -> None:
    """Write `count` import tasks as `nkcorpus tasks` writes them (one JSON list,
    reproducible by `seed`), one task in memory at a time."""
    blocks = read_pool(list(default_exports()), load_documents())
    vocabulary = pool_vocabulary(blocks)
    with path.open("w", encoding="utf-8") as out:
        for index in range(1, count + 1):
            rng = random.Random(f"{seed}:{index}")
            doc = compose_document(
                blocks, rng, rng.randint(3000, 4600), vocabulary, DEFAULTS["substitution"]
            )
            data = {
                "doc_id": f"{index:06d}_synth", "published": "2020-01-01",
                "publisher": "Synthetic Wire", "text": doc.text,
                "text_sha256": text_sha256(doc.text), "title": f"Synthetic document {index}",
                "url": f"https://example.org/{index}",
            }  # fmt: skip
            prediction = {"model_version": doc.model_version, "result": doc.predicted, "score": 1.0}
            task = json.dumps({"data": data, "predictions": [prediction]}, ensure_ascii=False)
            out.write(("[" if index == 1 else ",\n") + task)
        out.write("]\n" if count else "[]\n")


def first_tasks(path: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` tasks of the file, without reading the rest."""
    with path.open("rb") as handle:
        return list(itertools.islice(ijson.items(handle, "item", use_float=True), count))


def calibrate(url: str, key: str, tasks: list[dict[str, Any]], sizes: Sequence[int]) -> list[dict]:
    """Import `tasks` into a fresh project per batch size; seconds per task and per request."""
    client = connect(url, key)
    config = Path("schema/generated/label_config.xml").read_text(encoding="utf-8")
    rows = []
    for size in sizes:
        project = client.projects.create(title=f"calibrate-{size}", label_config=config)
        started = time.perf_counter()
        import_tasks(
            client, url, int(project.id), tasks, len(tasks), BatchLimits(tasks=size, slow=1e9)
        )
        seconds = time.perf_counter() - started
        requests = -(-len(tasks) // size)
        rows.append({
            "batch_size": size, "tasks": len(tasks), "seconds": round(seconds, 2),
            "ms_per_task": round(1000 * seconds / len(tasks), 2),
            "s_per_request": round(seconds / requests, 2),
        })  # fmt: skip
        client.projects.delete(int(project.id))
    return rows


def _row(name: str, m: Measurement, n: int) -> dict[str, Any]:
    """The figures of one step; its peak RSS is the sampled one of its process
    tree (`rss_tree`): `wait4`'s `rss_os` also counts what the child held as a
    fork of this process before it ran `nkcorpus`."""
    row = {"step": name, "tasks": n, **m.to_json(), "tasks_per_s": round(n / m.wall_s, 1)}
    return {**row, "peak_rss": m.rss_tree}


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work_dir).resolve()
    shutil.rmtree(work / "studio", ignore_errors=True)
    shutil.rmtree(work / "exports", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tasks_file = work / "tasks.json"
    # in a process of its own, so that the measured children do not inherit its memory
    write = ["--write-tasks", str(tasks_file), "--tasks", str(args.tasks), "--seed", str(args.seed)]
    subprocess.run([sys.executable, "-m", "benchmarks.studio_scale", *write], check=True)
    generated = round(time.perf_counter() - started, 1)
    credentials, _ = load_or_create_credentials(work / "studio", env={})

    figures: dict[str, Any] = {
        "tasks": args.tasks, "tasks_file_bytes": tasks_file.stat().st_size,
        "generate_s": generated, "cores": os.cpu_count(), "batch_size": DEFAULT_LIMITS.tasks,
        "command": " ".join(["python -m benchmarks.studio_scale", *sys.argv[1:]]),
    }  # fmt: skip
    with running_studio(
        "127.0.0.1", free_port(), work / "studio", credentials, binary=studio_binary(), timeout=300
    ) as server:
        sizes = [int(s) for s in args.calibrate.split(",") if s]
        sample = first_tasks(tasks_file, args.calibrate_tasks)
        figures["calibration"] = calibrate(server.url, credentials.api_key, sample, sizes)
        env = {"LABEL_STUDIO_API_KEY": credentials.api_key, "LABEL_STUDIO_URL": server.url}
        steps = [
            ("sync", [NKCORPUS, "studio", "sync", "--tasks", str(tasks_file)]),
            ("sync again", [NKCORPUS, "studio", "sync", "--tasks", str(tasks_file)]),
            ("pull", [NKCORPUS, "studio", "pull", "--out", str(work / "exports")]),
        ]
        rows = []
        for number, (name, command) in enumerate(steps):
            log = work / "logs" / f"{number}-{name.replace(' ', '-')}.log"
            measured = run_measured(command, log=log, env=env, timeout=args.timeout)
            rows.append(_row(name, measured, args.tasks))
            print(log.read_text(encoding="utf-8").strip()[-600:], flush=True)
            if measured.status != "ok":
                break
        figures["steps"] = rows
    pulled = sorted((work / "exports").glob("export-*.json"))
    figures["export_bytes"] = pulled[0].stat().st_size if pulled else None
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calibrate", default="25,50,100,200,400", help="batch sizes ('' none)")
    parser.add_argument("--calibrate-tasks", type=int, default=400)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per step")
    parser.add_argument("--work-dir", default="out/bench/studio-scale")
    parser.add_argument("--write-tasks", help="only write the tasks file (used by the run)")
    args = parser.parse_args(argv)
    if args.write_tasks:
        write_synthetic_tasks(Path(args.write_tasks), args.tasks, args.seed)
        return
    figures = run(args)
    for row in figures.get("calibration", []):
        print(
            f"calibrate batch {row['batch_size']:>4}: {row['ms_per_task']:>6.2f} ms/task, "
            f"{row['s_per_request']:>6.2f} s/request"
        )
    print(f"{'step':<11} {'tasks':>6} {'wall s':>8} {'tasks/s':>8} {'peak RSS MB':>12} status")
    for row in figures["steps"]:
        print(
            f"{row['step']:<11} {row['tasks']:>6} {row['wall_s']:>8.1f} {row['tasks_per_s']:>8.1f} "
            f"{row['peak_rss'] / 2**20:>12.0f} {row['status']}"
        )
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
