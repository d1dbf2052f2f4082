"""What `studio up` decides before it starts Label Studio: where it listens,
which database it uses and which URL people open. The command and the test
fixtures (`studio_pg`) go through this one path, so a server on PostgreSQL
starts exactly as `up` starts it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.database import Database, resolve_database
from nkcorpus.annotation.studio.exposure import check_bind, public_url_to_origin, remote_notice
from nkcorpus.annotation.studio.server import START_TIMEOUT, StudioServer, running_studio
from nkcorpus.errors import NkError, ValidationFailed


@dataclass(frozen=True)
class Launch:
    """A checked `studio up`: address, data folder, database, public URL."""

    host: str
    port: int
    data_dir: Path
    database: Database | None = None
    public_url: str | None = None

    def notices(self) -> list[str]:
        """Lines for the user (never a secret): the database, and a warning when
        other machines can reach the server."""
        where = self.database.describe() if self.database else f"SQLite in {self.data_dir}"
        lines = [f"database: {where}"]
        warning = remote_notice(self.host)
        if warning:
            lines.append(warning)
        return lines

    @contextlib.contextmanager
    def running(
        self,
        credentials: Credentials,
        *,
        binary: Path | None = None,
        timeout: float = START_TIMEOUT,
        on_tick: Callable[[float], None] | None = None,
    ) -> Iterator[StudioServer]:
        """Start the server, wait until it is healthy, yield it, always stop it."""
        with running_studio(
            self.host,
            self.port,
            self.data_dir,
            credentials,
            binary=binary,
            timeout=timeout,
            on_tick=on_tick,
            database=self.database,
            public_url=self.public_url,
        ) as server:
            yield server


def plan_launch(
    host: str,
    port: int,
    data_dir: Path,
    *,
    database_url: str | None = None,
    public_url: str | None = None,
    allow_remote: bool = False,
    env: Mapping[str, str] | None = None,
) -> Launch:
    """Check every option of `studio up` and return the plan; all problems together.

    `database_url`: the `--database-url` option (else `$NKCORPUS_STUDIO_DATABASE_URL`
    in `env`, else SQLite). Raises StudioError A150 (database URL), A152
    (non-loopback address without `allow_remote`), A153 (public URL), or
    A154 listing several of them."""
    problems: list[NkError] = []
    database = origin = None
    try:
        database = resolve_database(database_url, env)
    except NkError as exc:
        problems.append(exc)
    try:
        check_bind(host, allow_remote)
    except NkError as exc:
        problems.append(exc)
    try:
        origin = public_url_to_origin(public_url) if public_url else None
    except NkError as exc:
        problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ValidationFailed(
            "A154", "the options of `studio up` are wrong", [str(p) for p in problems]
        )
    return Launch(host, port, Path(data_dir).expanduser().resolve(), database, origin)
