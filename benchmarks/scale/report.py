"""The scale benchmark's table, and its figures held against issue 13's targets."""

from __future__ import annotations

import itertools
import os
import platform
from collections.abc import Mapping
from typing import Any

GIB = 2**30


def machine() -> dict[str, Any]:
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {"cores": os.cpu_count(), "memory_bytes": memory, "python": platform.python_version(),
            "platform": platform.platform()}  # fmt: skip


def _wall(contenders: Mapping[str, Any], name: str) -> float | None:
    found = contenders.get(name) or {}
    return found.get("wall_s") if found.get("status") == "ok" else None


def _target(
    name: str, n: int, value: float | None, goal: float | None, above: bool, why: str
) -> dict:
    """One target: met when `value` is at least (`above`) or at most `goal`;
    a figure without a goal (None) is shown for information.

    >>> _target("x", 1000, 0.25, 2.0, True, "")["note"]
    'missed: 8.0x away'
    """
    if value is None or goal is None:
        note = why if value is None else "no target"
        shown = None if value is None else round(value, 3)
        return {"target": name, "tasks": n, "value": shown, "goal": goal, "met": None,
                "note": note}  # fmt: skip
    met = value >= goal if above else value <= goal
    far = (goal / value if above else value / goal) if value else None
    note = "met" if met else f"missed: {far:.1f}x away" if far else "missed"
    return {"target": name, "tasks": n, "value": round(value, 3), "goal": goal, "met": met,
            "note": note}  # fmt: skip


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top and bottom else None


# (target, contender whose wall is divided, contender it is divided by, goal, at least?):
# a throughput ratio is the inverse ratio of the walls (same number of tasks).
WALL_RATIOS = (
    ("cold build throughput / converter's (>= 2x)", "converter", "build", 2.0, True),
    ("cold build time / tokenizer floor's (<= 1.5x)", "build", "floor", 1.5, False),
    ("validate throughput / converter's (>= 5x)", "converter", "validate", 5.0, True),
    ("incremental build after 1% changed: speed-up over cold (>= 10x)", "cold_variant",
     "incremental", 10.0, True),
)  # fmt: skip
MISSING = "a contender it needs did not run or did not succeed"


def _ok(contenders: Mapping[str, Any], name: str, key: str) -> Any:
    found = contenders.get(name) or {}
    return found.get(key) if found.get("status") == "ok" else None


def targets(runs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every target of the issue that the measured figures decide (None: not measured)."""
    out = []
    sizes = sorted(int(n) for n in runs)
    for n in sizes:
        c = runs[str(n)]["contenders"]
        for name, top, bottom, goal, above in WALL_RATIOS:
            value = _ratio(_wall(c, top), _wall(c, bottom))
            out.append(_target(name, n, value, goal, above, MISSING))
        identical = _ok(c, "incremental", "identical_to_cold")
        value = None if identical is None else float(identical)
        out.append(_target("incremental release byte-identical to the cold one (1 = yes)", n,
                           value, 1.0, True, MISSING))  # fmt: skip
        rate = _ok(c, "tasks", "per_s")
        out.append(_target("nkcorpus tasks, documents/s (>= 200)", n, rate, 200.0, True, MISSING))
        big = n >= 100_000  # the issue sets these two at 100,000 only
        name = "seeds summary (grouping included), s" + (" (<= 120 at 100k)" if big else "")
        value = _wall(c, "seeds_summary")
        out.append(_target(name, n, value, 120.0 if big else None, False, MISSING))
        peak = _ok(c, "build", "peak_rss")
        name = "cold build peak RSS, GiB" + (" (< 1 at 100k)" if big else "")
        value = peak / GIB if peak else None
        out.append(_target(name, n, value, 1.0 if big else None, False, MISSING))
    for small, large in itertools.pairwise(sizes):
        peaks = [_ok(runs[str(n)]["contenders"], "build", "peak_rss") for n in (small, large)]
        big = (small, large) == (10_000, 100_000)
        name = f"cold build peak RSS growth {small:,} -> {large:,} tasks" + (
            " (<= 1.3x)" if big else ""
        )
        value = _ratio(peaks[1], peaks[0])
        out.append(_target(name, large, value, 1.3 if big else None, False, MISSING))
    return out


def _row(n: int, name: str, found: Mapping[str, Any]) -> str:
    status = found.get("status", "?")
    if status == "skipped":
        return f"| {n:,} | {name} | skipped | | | | |"
    wall, rate = found.get("wall_s"), found.get("per_s")
    peak, cpu = found.get("peak_rss"), found.get("cpu_s")
    cells = [f"{wall:.1f} s" if wall is not None else "",
             f"{rate:,.0f}" if rate else "",
             f"{peak / GIB:.2f} GiB" if peak else "",
             f"{cpu:.1f} s" if cpu is not None else ""]  # fmt: skip
    return f"| {n:,} | {name} | {status} | " + " | ".join(cells) + " |"


def report_lines(figures: Mapping[str, Any]) -> list[str]:
    """The Markdown table of every contender, then one line per target."""
    lines = [f"machine: {figures['machine']['cores']} cores, "
             f"{figures['machine']['memory_bytes'] / GIB:.1f} GiB; command: {figures['command']}",
             "",
             "| N tasks | contender | status | wall | per s | peak RSS | CPU |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for n, run in figures["runs"].items():
        for name, found in run["contenders"].items():
            lines.append(_row(int(n), name, found))
    lines += ["", "per s: tasks per second; documents per second for tasks, seeds_summary "
              "and dedup. peak RSS: the larger of the OS's ru_maxrss and the sampled sum of "
              "proportional set sizes (PSS) over the process tree.", "",
              "targets (issue 13):"]  # fmt: skip
    for t in figures["targets"]:
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        lines.append(f"- {t['tasks']:,} tasks: {t['target']}: {value} ({t['note']})")
    return lines


def print_report(figures: Mapping[str, Any]) -> None:
    print("\n".join(report_lines(figures)), flush=True)
