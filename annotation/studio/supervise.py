"""A tiny supervisor: run Label Studio so that it never outlives `studio up`.

Usage (by `server.start_server`, as the leader of a new session and process
group): `python -I supervise.py PARENT_PID -- COMMAND...`. Standard library
only, and nothing of nkcorpus is imported, so it starts in milliseconds.

- It asks the kernel (Linux: prctl PR_SET_PDEATHSIG) for SIGTERM when its
  parent dies, SIGKILL included, and also checks twice a second that its
  parent is still PARENT_PID (any OS, and a parent gone before the prctl).
- It runs COMMAND in its own process group, so every process Label Studio
  starts is in the group too, with PDEATHSIG SIGKILL so that COMMAND dies even
  if the supervisor itself is killed.
- On SIGTERM, SIGINT or SIGHUP, or when the parent is gone, it sends SIGTERM
  to the whole group, waits up to GRACE seconds, then SIGKILLs what is left.
  When COMMAND ends it also kills what COMMAND left in the group.
- It ends as COMMAND ended (same status, or the same signal), or by the
  signal that stopped it, so callers see what they would without it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PR_SET_PDEATHSIG = 1
GRACE = 10.0
POLL = 0.2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


PRCTL = _prctl()  # looked up before any fork: a forked child only calls it


def die_with_parent(signum: int) -> bool:
    """Ask the kernel to send `signum` to this process when its parent dies."""
    return PRCTL is not None and PRCTL(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0


def _log(message: str) -> None:
    sys.stderr.write(f"nkcorpus supervisor {os.getpid()}: {message}\n")
    sys.stderr.flush()


def _group_members() -> list[int]:
    """PIDs in this process group other than this one (Linux; elsewhere [])."""
    me, group = os.getpid(), os.getpgrp()
    members = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(entry.name) != me and int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _signal_group(signum: int) -> None:
    """`signum` to the group, this process excluded (it ignores or handles it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(os.getpgrp(), signum)


def _kill_leftovers() -> None:
    for pid in _group_members():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _end_like(status: int) -> None:
    """Exit with `status`, or die of signal -`status`."""
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
        time.sleep(1.0)  # the signal is delivered meanwhile
    sys.exit(status if status >= 0 else 128 - status)


def supervise(parent: int, argv: list[str]) -> int:
    """Run `argv` until it ends or we are told to stop; the status to end with."""
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:
        _log(f"parent {parent} is gone before the start; not starting {argv[0]}")
        return 1
    stop: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        stop.append(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)
    me = os.getpid()

    def child_setup() -> None:  # in the forked child, before exec
        die_with_parent(signal.SIGKILL)
        if os.getppid() != me:
            os.kill(os.getpid(), signal.SIGKILL)

    try:
        child = subprocess.Popen(argv, preexec_fn=child_setup)  # we have a single thread
    except OSError as exc:
        _log(f"cannot run {argv[0]}: {exc}")
        return 127
    while not stop:
        try:
            status = child.wait(POLL)
        except subprocess.TimeoutExpired:
            if not stop and os.getppid() != parent:  # no PDEATHSIG here, or it was missed
                stop.append(signal.SIGTERM)
            continue
        _ignore_stops()  # it ended by itself: end what it left behind too
        _signal_group(signal.SIGTERM)
        _kill_leftovers()
        return status
    _ignore_stops()
    why = f" (parent {parent} is gone)" if os.getppid() != parent else ""
    _log(f"{signal.Signals(stop[0]).name}{why}: stopping {argv[0]} and its process group")
    _signal_group(signal.SIGTERM)
    try:
        child.wait(GRACE)
    except subprocess.TimeoutExpired:
        _log(f"{argv[0]} ignored SIGTERM for {GRACE:.0f} s; killing it")
    _kill_leftovers()
    child.kill()
    child.wait()
    return -stop[0]


def _ignore_stops() -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def main(args: list[str]) -> None:
    if len(args) < 3 or args[1] != "--" or not args[0].isdigit():
        sys.exit("usage: supervise.py PARENT_PID -- COMMAND...")
    _end_like(supervise(int(args[0]), args[2:]))


if __name__ == "__main__":
    main(sys.argv[1:])
