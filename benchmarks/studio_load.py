"""Concurrent annotators against Label Studio: the README's figures (issue 15).

Runs `nkcorpus.annotation.studio.load.run_annotator_load` `--runs` times (each
in a fresh project of `--tasks` tasks, with the same `--clients` accounts,
signed up once), prints a table of every run and their median, then one JSON
line. Without `--url` it starts a throw-away server of its own on a free
loopback port, as `studio up` starts one: on SQLite in a temporary folder, or
with `--database postgres` on a temporary PostgreSQL cluster (the tests'
`postgres_cluster`; `make postgres-env` installs PostgreSQL). With `--url` it
loads a server already running on loopback (key: `LABEL_STUDIO_API_KEY`, else
the credentials `studio up` stored in `--data-dir`).

    .venv/bin/python benchmarks/studio_load.py --database sqlite
    .venv/bin/python benchmarks/studio_load.py --database postgres
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.credentials import load_or_create_credentials, resolve_api_key
from nkcorpus.annotation.studio.launch import plan_launch
from nkcorpus.annotation.studio.load import (
    check_bounds,
    check_loopback,
    run_annotator_load,
    sign_up_annotators,
)
from nkcorpus.annotation.studio.load_report import LoadReport, Mode
from nkcorpus.cli_errors import print_error
from nkcorpus.errors import NkError

REPO = Path(__file__).resolve().parent.parent
COLUMNS = (
    "seconds",
    "ann/s",
    "annotations",
    "failures",
    "retried",
    "lost",
    "dupl.",
    "tasks >1",
    "submit p50",
    "submit p95",
    "next p50",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def throwaway_server(database: str, folder: Path) -> Iterator[tuple[str, str]]:
    """(URL, admin API key) of a new Label Studio on `database`, stopped afterwards."""
    env: dict[str, str] = {}
    cluster = None
    if database == "postgres":
        sys.path.insert(0, str(REPO))
        from nkcorpus.annotation.studio.database import ENV_DATABASE_URL
        from tests.annotation.postgres_cluster import start_postgres

        try:
            cluster = start_postgres()
        except Exception as exc:  # ClusterUnavailable: not installed, or it cannot start
            raise SystemExit(f"error: no PostgreSQL for the benchmark: {exc}") from exc
        env[ENV_DATABASE_URL] = cluster.url
    try:
        data_dir = folder / "label-studio"
        data_dir.mkdir()
        credentials, _ = load_or_create_credentials(data_dir, env={})
        launch = plan_launch("127.0.0.1", _free_port(), data_dir, env=env)
        with launch.running(credentials, timeout=300) as server:
            yield server.url, credentials.api_key
    finally:
        if cluster is not None:
            cluster.stop()


def row(report: LoadReport) -> dict[str, float]:
    """The table's figures of one run."""
    figures = report.to_dict()
    checked, latency = figures["verification"], figures["latency_seconds"]
    return {
        "seconds": figures["seconds"],
        "ann/s": figures["annotations_per_second"],
        "annotations": checked["confirmed"],
        "failures": figures["failures"],
        "retried": figures["retried"],
        "lost": len(checked["lost"]),
        "dupl.": len(checked["duplicated"]) + len(checked["misplaced"]),
        "tasks >1": len(checked["tasks_more_than_once"]),
        "submit p50": latency["submit"]["p50"],
        "submit p95": latency["submit"]["p95"],
        "next p50": latency["next"]["p50"],
    }


def table(rows: list[dict[str, float]], median: dict[str, float]) -> str:
    """A Markdown table: one line per run, then the median."""
    lines = ["| run | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    named = [(str(n + 1), r) for n, r in enumerate(rows)] + [("median", median)]
    for name, figures in named:
        cells = [f"{figures[c]:g}" for c in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def benchmark(
    url: str, api_key: str, database: str, runs: int, tasks: int, clients: int, mode: Mode
) -> dict[str, Any]:
    """Run the load `runs` times; every run's figures and their medians."""
    accounts = sign_up_annotators(connect(url, api_key), url, clients, os.urandom(4).hex())
    reports = []
    with tempfile.TemporaryDirectory(prefix="nkcorpus-load-") as out:
        for n in range(runs):
            report = run_annotator_load(
                url, api_key, Path(out), tasks=tasks, clients=clients, mode=mode, accounts=accounts
            )
            print(f"run {n + 1}: {json.dumps(report.to_dict(), sort_keys=True)}", file=sys.stderr)
            reports.append(report)
    rows = [row(r) for r in reports]
    median = {c: statistics.median(r[c] for r in rows) for c in COLUMNS}
    return {
        "database": database,
        "cores": os.cpu_count(),
        "mode": mode,
        "tasks": tasks,
        "clients": clients,
        "runs": rows,
        "median": median,
        "all_verified": all(r.verification.ok for r in reports),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="a running loopback server instead of a throw-away one")
    parser.add_argument("--data-dir", type=Path, help="with --url: where `studio up` keeps its key")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--mode", choices=("queue", "shares"), default="queue")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    try:
        check_bounds(args.tasks, args.clients, request_timeout=60.0, deadline=1800.0)
        with contextlib.ExitStack() as stack:
            if args.url:
                check_loopback(args.url)  # before anything is sent
                url, (key, _) = args.url, resolve_api_key(None, args.data_dir)
                database = "server at " + url
            else:
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                url, key = stack.enter_context(throwaway_server(args.database, folder))
                database = args.database
            result = benchmark(url, key, database, args.runs, args.tasks, args.clients, args.mode)
    except NkError as exc:
        print_error(exc)
        return 1
    print(
        f"{database}, {result['cores']} cores, {args.clients} clients, {args.tasks} tasks, "
        f"mode {args.mode}, {args.runs} runs"
    )
    print(table(result["runs"], result["median"]))
    print(json.dumps(result, sort_keys=True))
    return 0 if result["all_verified"] else 1


if __name__ == "__main__":
    sys.exit(main())
