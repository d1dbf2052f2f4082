"""Whether a started Label Studio answers: its `/health` endpoint, waiting for it to
come up, and watching it while it serves (`nkcorpus.annotation.studio.server` starts
and stops it)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING

from nkcorpus.errors import StudioError

if TYPE_CHECKING:
    from nkcorpus.annotation.studio.server import StudioServer

START_TIMEOUT = 240.0


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether `url/health` answers 200."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until_healthy(
    server: StudioServer,
    timeout: float = START_TIMEOUT,
    on_tick: Callable[[float], None] | None = None,
) -> None:
    """Block until the server answers `/health`; `on_tick(elapsed_seconds)` is
    called about twice a second. Raises StudioError if it dies or times out."""
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if server.process.poll() is not None:
            raise StudioError(
                "A103",
                f"Label Studio exited with status {server.process.returncode} while starting. "
                f"Last lines of {server.log_path}:\n{server.log_tail()}",
            )
        if is_healthy(server.url):
            return
        if elapsed > timeout:
            raise StudioError(
                "A104",
                f"Label Studio did not answer {server.url}/health within {timeout:.0f} s. "
                f"Last lines of {server.log_path}:\n{server.log_tail()}",
            )
        if on_tick is not None:
            on_tick(elapsed)
        time.sleep(0.5)


def wait_for_exit(server: StudioServer, poll: float = 1.0) -> None:
    """Block while the server runs (Ctrl-C/SIGTERM end it through KeyboardInterrupt);
    raise StudioError A107 if it stops by itself."""
    while server.process.poll() is None:
        time.sleep(poll)
    raise StudioError(
        "A107",
        f"Label Studio stopped by itself with status {server.process.returncode}. "
        f"Last lines of {server.log_path}:\n{server.log_tail()}",
    )
