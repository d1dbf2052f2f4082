"""One writer at a time for what `studio sync` and `studio pull` write.

- A sync holds `nkcorpus.lock.resource_lock("sync-<host:port>-<project>")`
  while it works: two syncs of one project would both find a task missing and
  both import it. A second sync is refused with L001 naming the holder.
  `localhost` and `127.0.0.1` name the same lock; other aliases of one server
  (another host name, an IP of another interface) do not.
- A pull holds `nkcorpus.lock.folder_lock(<exports folder>)` (its file
  `.nkcorpus.lock` in that folder) from the download to the written file.

The kernel drops a lock when its holder dies, however it dies; a record left
behind is reported once by the next holder (see `nkcorpus.lock`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from nkcorpus.lock import FolderLock, LockError, folder_lock, resource_lock


def lock_name(url: str, title: str) -> str:
    """The name of the sync lock of project `title` on `url`: `sync-<host:port>-<title>`."""
    parts = urlsplit(url)
    host = (parts.hostname or url).lower()
    host = "127.0.0.1" if host == "localhost" else host
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a malformed port: the URL fails later with a clearer error
        port = 0
    return f"sync-{host}:{port}-{title}"


def _holder(lock: FolderLock, tries: int = 20) -> str:
    """Who holds `lock`, from its record. A holder that has just taken the lock
    may not have written its record yet: read again for up to a second."""
    for attempt in range(tries):
        try:
            record = json.loads(lock.path.read_text(encoding="utf-8"))
            return (
                f"PID {record['pid']} on {record['host']} ({record['command']}, "
                f"since {record['since']})"
            )
        except (OSError, ValueError, KeyError, TypeError):
            if attempt + 1 < tries:
                time.sleep(0.05)
    return "another process"


def _stale_note(lock: FolderLock, what: str) -> str | None:
    stale = lock.stale
    if not stale:
        return None
    return (
        f"an earlier {what} (PID {stale.get('pid', '?')}, since {stale.get('since', '?')}) "
        "stopped before it finished"
    )


@contextmanager
def _held(lock: FolderLock, refusal: str, what: str) -> Iterator[str | None]:
    try:
        lock.acquire()
    except LockError as exc:
        if exc.code != "L001":
            raise
        raise LockError(
            "L001",
            f"{refusal} by {_holder(lock)}; wait for it to finish or stop it, then run the "
            f"command again (the lock {lock.path} is released as soon as it exits).",
        ) from None
    try:
        yield _stale_note(lock, what)
    finally:
        lock.release()


def project_lock(url: str, title: str) -> AbstractContextManager[str | None]:
    """Hold the sync lock of project `title` on `url`; yields a note about an
    earlier sync that died holding it, or None. LockError L001 while another
    process holds it."""
    lock = resource_lock(lock_name(url, title), command="nkcorpus studio sync")
    return _held(lock, f"project {title!r} on {url} is being synced", "sync")


def exports_lock(out_dir: Path) -> AbstractContextManager[str | None]:
    """Hold the lock of the exports folder `out_dir` (created if missing)."""
    lock = folder_lock(Path(out_dir), command="nkcorpus studio pull")
    return _held(lock, f"{out_dir} is being written", "pull")
