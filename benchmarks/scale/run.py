"""Scale benchmark (issue 13): every contender on the same synthetic exports,
each as its own process, at N = 1,000, 10,000 and 100,000 tasks.

    .venv/bin/python -m benchmarks.scale.run --tasks 1000,10000

For each N it generates the exports once (`benchmarks.scale.generate`, kept
under `--work-dir` and reused while the parameters match), then runs, in this
order and `--repeat` times: the cold `nkcorpus build` (every config, DocBins,
Croissant), `nkcorpus validate`, the Label Studio SDK's CONLL2003 converter,
the naive route, the tokenizer floor, the build of the next version after 1% of
the tasks changed (`incremental`, in the same dataset folder), the same build
without anything the first one left (`cold_variant`, another project root and a
copy of the dataset folder; the two releases are compared byte for byte),
`nkcorpus tasks`, `nkcorpus seeds summary` and the near-duplicate grouping
alone (`dedup`). It prints the table and the ratios against the issue's
targets; its last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.scale.measure import Measurement, run_measured
from benchmarks.scale.report import machine, print_report, targets
from benchmarks.scale.settings import DEFAULTS, exports_fingerprint, parameters
from nkcorpus.ordered_pool import available_cores

REPO = Path(__file__).resolve().parents[2]
NKCORPUS = Path(sys.executable).parent / "nkcorpus"
CONTENDERS = ("build", "validate", "converter", "naive", "floor", "incremental",
              "cold_variant", "tasks", "seeds_summary", "dedup")  # fmt: skip
PER_DOCUMENT = {"tasks", "seeds_summary", "dedup"}  # their rate counts documents, not tasks


def generated(work: Path, tasks: int, seed: int, options: dict[str, Any], timeout: float) -> dict:
    """The generation of `tasks` tasks under `work`, made now unless one with the
    same parameters is there (generation is the slow part at 100,000)."""
    folder = work / f"n{tasks}-seed{seed}"
    summary = folder / "generation.json"
    pool = exports_fingerprint((REPO / "annotation" / "exports").glob("*.json"))
    wanted = parameters(tasks, seed, pool, **options)
    if summary.is_file():
        found = json.loads(summary.read_text("utf-8"))
        if found["parameters"] == wanted:
            return found
    if folder.exists():
        shutil.rmtree(folder)  # a generation of ours that died or had other parameters
    command = [sys.executable, "-m", "benchmarks.scale.generate", "--tasks", str(tasks),
               "--out", str(folder), "--seed", str(seed)]  # fmt: skip
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            command += [flag] if value else []
        else:
            command += [flag, str(value)]
    made = run_measured(command, log=work / f"generate-n{tasks}.log", cwd=REPO, timeout=timeout)
    if made.status != "ok":
        raise SystemExit(f"generation of {tasks} tasks failed ({made.status}); see {made.log}")
    return json.loads(summary.read_text("utf-8"))


def link_project(source: Path, root: Path) -> Path:
    """A project root sharing `source`'s seeds and annotation folders, with no `out/`."""
    root.mkdir(parents=True)
    shutil.copyfile(source / "pyproject.toml", root / "pyproject.toml")
    for name in ("seeds", "annotation"):
        os.symlink((source / name).resolve(), root / name, target_is_directory=True)
    return root


def release_facts(folder: Path) -> dict[str, Any]:
    """What a release holds: its configs, DocBins and Croissant file."""
    configs = sorted(p.name for p in (folder / "data").iterdir()) if folder.is_dir() else []
    docbins = sorted(p.name for p in (folder / "spacy").glob("*.spacy"))
    croissant = (folder / "croissant.json").is_file()
    complete = bool(configs and docbins and croissant)
    return {"configs": configs, "docbins": docbins, "croissant": croissant, "complete": complete}


def differing_files(a: Path, b: Path) -> list[str]:
    """Relative paths whose bytes differ between two folders (or exist in one only)."""
    names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    return sorted(
        str(n)
        for n in names
        if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, False))
    )


def run_once(
    gen: dict, folder: Path, run: Path, only: set[str], limits: dict, processes: int = 1
) -> dict:
    """Every contender once; returns name -> Measurement.to_json() (+ facts).
    `processes`: the `--processes` of the `nkcorpus` commands that take it."""
    project = folder / "project"
    shutil.rmtree(project / "out" / "cache", ignore_errors=True)  # the build starts cold
    env = {"NKCORPUS_ROOT": str(project), "TQDM_DISABLE": "1", "HF_DATASETS_OFFLINE": "1"}
    base, variant = gen["base_exports"], gen["variant_exports"]
    dataset, cold = run / "dataset", run / "cold" / "dataset"

    def build(version: str, exports: list[str], into: Path) -> list[str]:
        flags = [arg for path in exports for arg in ("--export", path)]
        return [str(NKCORPUS), "build", "--version", version, *flags, "--dataset-dir", str(into),
                "--no-progress", "--processes", str(processes)]  # fmt: skip

    module = [sys.executable, "-m", "benchmarks.scale.contenders"]
    commands = {
        "build": (build("0.0.1", base, dataset), project, env),
        "validate": ([str(NKCORPUS), "validate", *base], project, env),
        "converter": ([*module, "converter", str(folder), str(run / "converter")], REPO, {}),
        "naive": ([*module, "naive", str(folder), str(run / "naive")], REPO, {}),
        "floor": ([*module, "floor", str(folder), str(run / "floor")], REPO, {}),
        "incremental": (build("0.0.2", variant, dataset), project, env),
        "cold_variant": (build("0.0.2", variant, cold), run / "cold" / "project",
                         {**env, "NKCORPUS_ROOT": str(run / "cold" / "project")}),
        "tasks": ([str(NKCORPUS), "tasks", "--out", str(run / "tasks.json"), "--no-progress",
                   "--processes", str(processes)], project, env),
        "seeds_summary": ([str(NKCORPUS), "seeds", "summary", "--json"], project, env),
        "dedup": ([*module, "dedup", str(folder), str(run / "dedup")], REPO, {}),
    }  # fmt: skip
    results: dict[str, dict[str, Any]] = {}
    for name in CONTENDERS:
        if name not in only:
            continue
        if (
            name in {"incremental", "cold_variant"}
            and results.get("build", {}).get("status") != "ok"
        ):
            results[name] = {"status": "skipped", "why": "the cold build did not succeed"}
            continue
        if name in {"incremental", "cold_variant"} and not cold.exists():
            shutil.copytree(dataset, cold)  # v0.0.1, as the cold build of v0.0.2 finds it
            link_project(project, run / "cold" / "project")
        command, cwd, extra = commands[name]
        measured: Measurement = run_measured(
            command, log=run / "logs" / f"{name}.log", cwd=cwd, env=extra, **limits
        )
        results[name] = measured.to_json()
        if name in {"build", "incremental", "cold_variant"}:
            target = (cold if name == "cold_variant" else dataset) / (
                "v0.0.1" if name == "build" else "v0.0.2"
            )
            results[name]["release"] = release_facts(target)
    if (
        results.get("incremental", {}).get("status")
        == results.get("cold_variant", {}).get("status")
        == "ok"
    ):
        differ = differing_files(dataset / "v0.0.2", cold / "v0.0.2")
        results["incremental"]["identical_to_cold"] = not differ
        results["incremental"]["differing_files"] = differ[:20]
    return results


def median_of(repeats: list[dict[str, Any]], count: int) -> dict[str, Any]:
    """One contender over its repeats: medians of the figures, the worst status."""
    ok = [r for r in repeats if r.get("status") == "ok"]
    if len(ok) != len(repeats):
        failed = next(r for r in repeats if r.get("status") != "ok")
        return {**failed, "repeats": len(repeats)}
    merged = dict(ok[0])
    for key in ("wall_s", "cpu_s", "rss_os", "rss_tree", "pss_tree", "peak_rss"):
        merged[key] = statistics.median(r[key] for r in ok)
    merged["per_s"] = round(count / merged["wall_s"], 1) if merged["wall_s"] else None
    merged["repeats"] = len(repeats)
    return merged


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", default="1000,10000,100000", help="N values, comma-separated")
    parser.add_argument("--work-dir", type=Path, default=REPO / "out" / "bench" / "scale")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="runs per N (medians reported)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per contender")
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    parser.add_argument("--max-rss-gib", type=float, default=round(memory / 2**31, 1),
                        help="kill a contender whose process tree passes this (default: half "
                             "the machine's memory)")  # fmt: skip
    parser.add_argument("--only", default=",".join(CONTENDERS), help="contenders to run")
    parser.add_argument("--tasks-per-file", type=int, default=DEFAULTS["tasks_per_file"])
    parser.add_argument("--indent", action="store_true", help="exports in studio pull's format")
    parser.add_argument("--keep-outputs", action="store_true", help="keep releases and outputs")
    parser.add_argument("--processes", type=int, default=available_cores(),
                        help="--processes of build and tasks (default: every core)")  # fmt: skip
    args = parser.parse_args(argv)
    sizes = [int(n.replace("_", "")) for n in args.tasks.split(",") if n.strip()]
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    if unknown := only - set(CONTENDERS):
        parser.error(f"unknown contenders {sorted(unknown)}; pick from {', '.join(CONTENDERS)}")
    limits = {"timeout": args.timeout, "max_rss": int(args.max_rss_gib * 2**30)}
    args.work_dir.mkdir(parents=True, exist_ok=True)
    runs: dict[str, Any] = {}
    for n in sizes:
        options = {"tasks_per_file": args.tasks_per_file, "indent": args.indent}
        gen = generated(args.work_dir, n, args.seed, options, args.timeout * 4)
        folder = args.work_dir / f"n{n}-seed{args.seed}"
        repeats: dict[str, list[dict[str, Any]]] = {}
        for r in range(1, args.repeat + 1):
            run = folder / "runs" / f"r{r}"
            if run.exists():
                shutil.rmtree(run)
            for name, result in run_once(gen, folder, run, only, limits, args.processes).items():
                repeats.setdefault(name, []).append(result)
            if not args.keep_outputs:
                for child in run.iterdir():
                    if child.name != "logs":
                        shutil.rmtree(child) if child.is_dir() else child.unlink()
        documents = gen["documents"]
        runs[str(n)] = {
            "generation": {k: v for k, v in gen.items() if not isinstance(v, list)},
            "contenders": {
                name: median_of(found, documents if name in PER_DOCUMENT else n)
                for name, found in repeats.items()
            },
        }
    figures = {"command": " ".join(["python -m benchmarks.scale.run", *(argv or sys.argv[1:])]),
               "machine": machine(), "runs": runs}  # fmt: skip
    figures["targets"] = targets(runs)
    print_report(figures)
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
