"""Which database the Label Studio of `studio up` uses: SQLite in its data
folder (the default, for one person) or PostgreSQL (for a team).

PostgreSQL is given as a URL, `postgresql://USER:PASSWORD@HOST:PORT/NAME`,
in `$NKCORPUS_STUDIO_DATABASE_URL` or `--database-url`, and becomes Label
Studio's own settings (`DJANGO_DB`, `POSTGRE_NAME`, `_USER`, `_PASSWORD`,
`_HOST`, `_PORT`) in the environment of the server process, which only this
user can read. The password never goes on a command line, in a log or in a
message: `--database-url` with a password is refused (every user on the
machine can read a command line), `Database.describe()` leaves it out, and
errors name the part of the URL that is wrong, never its value when that
part is the password.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from nkcorpus.errors import StudioError

ENV_DATABASE_URL = "NKCORPUS_STUDIO_DATABASE_URL"
SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432
# libpq's sslmode values; psycopg (libpq) reads $PGSSLMODE, which Label Studio's
# settings have no field for.
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database for Label Studio (None stands for SQLite)."""

    host: str
    port: int
    user: str
    name: str
    password: str = field(default="", repr=False)
    sslmode: str | None = None

    def describe(self) -> str:
        """The URL without the password, for messages and logs."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?sslmode={self.sslmode}" if self.sslmode else ""
        return f"postgresql://{self.user}@{host}:{self.port}/{self.name}{query}"


def _redacted(url: str) -> str:
    """`url` with everything between the user name and the last `@` masked
    (however the password is written: `#`, `?` or `/` in it confuse a URL parser).

    >>> _redacted("postgresql://ls:pa#ss@db/labels")
    'postgresql://ls:***@db/labels'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    if "@" not in rest:
        return url
    userinfo, _, tail = rest.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}{sep}{user}{':***' if colon else ''}@{tail}"


def url_to_database(url: str, *, origin: str = f"${ENV_DATABASE_URL}") -> Database:
    """The PostgreSQL database of `url`; StudioError A150 naming every wrong part.

    >>> url_to_database("postgresql://ls:s3cret@db.example.org/labels").describe()
    'postgresql://ls@db.example.org:5432/labels'
    """
    parts = urlsplit(url.strip())
    problems: list[str] = []
    if parts.scheme not in SCHEMES:
        problems.append(f"scheme {parts.scheme or '(none)'!r} is not postgresql://")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        problems.append("the port is not a number from 1 to 65535")
        port = DEFAULT_PORT
    host = unquote(parts.hostname or "")
    if not host:
        problems.append("the host is missing (postgresql://USER@HOST/NAME)")
    user = unquote(parts.username or "")
    if not user:
        problems.append("the user is missing (postgresql://USER@HOST/NAME)")
    name = unquote(parts.path.lstrip("/"))
    if not name or "/" in name:
        problems.append("the database name is missing or has a '/' (postgresql://USER@HOST/NAME)")
    query = parse_qsl(parts.query, keep_blank_values=True)
    sslmode = None
    for key, value in query:
        if key == "sslmode" and value in SSLMODES:
            sslmode = value
        elif key == "sslmode":
            problems.append(f"sslmode {value!r} is not one of {', '.join(SSLMODES)}")
        else:
            problems.append(f"parameter {key!r} is not supported (only sslmode)")
    if parts.fragment:
        problems.append("the URL has a '#' part")
    if problems:
        raise StudioError(
            "A150",
            f"{origin} is not a usable PostgreSQL URL ({_redacted(url.strip())}): "
            + "; ".join(problems)
            + ". Write it as postgresql://USER:PASSWORD@HOST:PORT/NAME "
            "(percent-encode @ : / ? # in the password).",
        )
    password = unquote(parts.password or "")
    return Database(host, port, user, name, password, sslmode)


def resolve_database(option: str | None, env: Mapping[str, str] | None = None) -> Database | None:
    """The database of `studio up`: `--database-url`, else `$NKCORPUS_STUDIO_DATABASE_URL`,
    else None (SQLite in the data folder).

    An option that carries a password is refused (A150): a command line is
    readable by every user of the machine; the variable is not."""
    env = os.environ if env is None else env
    if option:
        database = url_to_database(option, origin="--database-url")
        if database.password:
            raise StudioError(
                "A150",
                f"--database-url carries a password ({database.describe()} with one), and a "
                "command line is visible to every user of this machine. Put the URL in "
                f"${ENV_DATABASE_URL} instead (e.g. in a file readable only by you that "
                "the service loads), or give the password through ~/.pgpass or $PGPASSWORD.",
            )
        return database
    if env.get(ENV_DATABASE_URL):
        return url_to_database(env[ENV_DATABASE_URL])
    return None


def _both(name: str, value: str) -> dict[str, str]:
    """Label Studio reads LABEL_STUDIO_<NAME> before <NAME>: set both, so that
    nothing inherited wins over ours."""
    return {f"LABEL_STUDIO_{name}": value, name: value}


def database_env(database: Database | None) -> dict[str, str]:
    """The server-process variables that select `database` (None: SQLite).

    >>> database_env(None)["DJANGO_DB"]
    'sqlite'
    """
    if database is None:
        return _both("DJANGO_DB", "sqlite")
    env = _both("DJANGO_DB", "default")  # Label Studio's name for its PostgreSQL settings
    env |= _both("POSTGRE_NAME", database.name)
    env |= _both("POSTGRE_USER", database.user)
    # Empty: Django passes no password and libpq looks in ~/.pgpass and $PGPASSWORD.
    env |= _both("POSTGRE_PASSWORD", database.password)
    env |= _both("POSTGRE_HOST", database.host)
    env |= _both("POSTGRE_PORT", str(database.port))
    if database.sslmode:
        env["PGSSLMODE"] = database.sslmode
    return env


def ensure_database_reachable(database: Database | None, timeout: float = 5.0) -> None:
    """Raise StudioError A151 if nothing accepts connections at the database's
    host and port (a Unix socket folder as host is not checked)."""
    if database is None or database.host.startswith("/"):
        return
    try:
        with socket.create_connection((database.host, database.port), timeout=timeout):
            return
    except OSError as exc:
        problem = exc.strerror or type(exc).__name__
    raise StudioError(
        "A151",
        f"PostgreSQL at {database.host}:{database.port} cannot be reached ({problem}) for "
        f"database {database.describe()}. Start PostgreSQL (e.g. `systemctl start "
        "postgresql`), or fix the host and port of the database URL.",
    )
