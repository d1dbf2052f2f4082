"""Run one contender as its own process and measure it: wall time, CPU time,
and peak memory from the operating system.

Three peaks are recorded: `rss_os`, the kernel's own figure for the process
(`ru_maxrss` of `wait4`: the largest resident set of the process or of any
descendant it waited for); `pss_tree`, the largest sum of the proportional
set sizes (`Pss` of `/proc/PID/smaps_rollup`: a page shared by k processes
counts 1/k in each) of the process and all its descendants, sampled every
`interval` seconds: what a pool of worker processes costs together; and
`rss_tree`, the same sum of resident sets, which counts every page a forked
worker shares with its parent again (kept to show the difference). Reading
`smaps_rollup` walks a process's page tables, so the tree's sets are read
every `interval` seconds (default 1 s; a 5 GB build read every 0.25 s cost
the sampler 40% of a core). The peak
reported is the larger of `rss_os` and `pss_tree`. A
contender that runs past `timeout` seconds, or whose tree passes `max_rss`
bytes, is killed (its whole process group) and reported as such.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measurement:
    """One run of one contender; `status` is ok, failed (exit code), timeout or memory."""

    status: str
    exit_code: int | None
    wall_s: float
    cpu_s: float
    rss_os: int
    rss_tree: int
    pss_tree: int
    log: str

    @property
    def peak_rss(self) -> int:
        return max(self.rss_os, self.pss_tree)

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "peak_rss": self.peak_rss}


def _parents() -> dict[int, int]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                found[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue  # the process ended while we looked
    return found


def tree_rss(root: int) -> int:
    """The summed resident set, in bytes, of `root` and every descendant."""
    return tree_memory(root)[0]


def tree_memory(root: int) -> tuple[int, int]:
    """The summed resident and proportional set sizes, in bytes, of `root`
    and every descendant."""
    parents = _parents()
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    rss = pss = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                rss += int(handle.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                pss += next(
                    int(line.split()[1]) * 1024 for line in handle if line.startswith(b"Pss:")
                )
        except (OSError, IndexError, ValueError, StopIteration):
            continue
    return rss, pss


def run_measured(
    command: Sequence[str],
    *,
    log: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 1800.0,
    max_rss: int | None = None,
    interval: float = 1.0,
) -> Measurement:
    """Run `command` (stdout and stderr to `log`) and measure it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, **(env or {})}
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=environment, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        status, peak, peak_pss, next_sample = "ok", 0, 0, 0.0
        while True:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now >= next_sample:
                rss, pss = tree_memory(process.pid)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                next_sample = now + interval
            over_time = now - started > timeout
            if over_time or (max_rss is not None and peak_pss > max_rss):
                status = "timeout" if over_time else "memory"
                os.killpg(process.pid, signal.SIGKILL)  # our own child's group, by its id
                pid, wait_status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
    process.returncode = code = os.waitstatus_to_exitcode(wait_status)
    if status == "ok" and code != 0:
        status = "failed"
    return Measurement(
        status=status,
        exit_code=code,
        wall_s=round(wall, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
        rss_os=usage.ru_maxrss * 1024,  # Linux reports KiB
        rss_tree=peak,
        pss_tree=peak_pss,
        log=str(log),
    )
