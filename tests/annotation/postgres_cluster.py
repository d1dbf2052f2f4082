"""A throw-away PostgreSQL cluster for the tests: Debian's `postgresql` package
(`make postgres-env`), a fresh cluster in a temporary folder, a free loopback
port, a role with a random password and its database; `stop()` removes it all.

`initdb` refuses to run as root, so under root the cluster belongs to an
unprivileged account: the package's own `postgres` account, else `nobody`.
Its superuser connects only through the Unix socket in the cluster's folder,
which only that account can open; the role Label Studio uses logs in over TCP
on 127.0.0.1 with its password (scram-sha-256). The password reaches `psql`
on standard input or in its environment, never on a command line.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from nkcorpus.annotation.studio.supervise import die_with_parent

SUPERUSER = "nkcorpus_admin"
OS_USERS = ("postgres", "nobody")  # under root: the first that exists
START_TIMEOUT = 60.0


class ClusterUnavailable(Exception):
    """PostgreSQL is not installed, or the cluster could not start."""


def postgres_bindir() -> Path:
    """The folder of `initdb`, `postgres`, `psql`: $PATH, else Debian's newest
    /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not versions:
        raise ClusterUnavailable(
            "PostgreSQL is not installed (no initdb on $PATH or in /usr/lib/postgresql/*/bin): "
            "run `make postgres-env` (as root it installs Debian's postgresql package)"
        )
    return versions[-1].parent


def _os_user() -> pwd.struct_passwd:
    """The account that owns the cluster: ourselves, or under root an unprivileged one."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    for name in OS_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ClusterUnavailable(f"running as root and none of the accounts {OS_USERS} exists")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running throw-away cluster and the role and database made for Label Studio."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    dbname: str
    folder: Path
    account: pwd.struct_passwd = field(repr=False)
    bindir: Path = field(repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """postgresql://USER:PASSWORD@127.0.0.1:PORT/DBNAME (the password is hex)."""
        return self.database_url(self.dbname)

    def database_url(self, dbname: str) -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{dbname}"

    @property
    def log_path(self) -> Path:
        return self.folder / "postgres.log"

    def _run(self, argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a client program as the cluster's account (never with a secret in argv)."""
        as_owner = os.geteuid() == 0
        return subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.folder,
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"},
            user=self.account.pw_uid if as_owner else None,
            group=self.account.pw_gid if as_owner else None,
            extra_groups=[] if as_owner else None,
        )

    def tool(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run PostgreSQL's client program `name` (pg_dump, pg_restore, createdb...)
        as the cluster's account and superuser, through the socket."""
        argv = [str(self.bindir / name), "-h", str(self.folder), "-p", str(self.port)]
        return self._run([*argv, "-U", SUPERUSER, *args])

    def sql(self, statements: str, dbname: str = "postgres") -> str:
        """Run `statements` as the superuser through the socket (psql -At); stdout."""
        argv = [str(self.bindir / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
        argv += ["-h", str(self.folder), "-p", str(self.port), "-U", SUPERUSER, "-d", dbname]
        done = self._run(argv, stdin=statements)
        if done.returncode != 0:
            raise ClusterUnavailable(f"psql failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout.strip()

    def query(self, statement: str) -> str:
        """Run `statement` in the Label Studio database (as the superuser); stdout."""
        return self.sql(statement, dbname=self.dbname)

    def create_database(self, dbname: str) -> str:
        """Another empty database owned by the role; its URL."""
        self.sql(f'CREATE DATABASE "{dbname}" OWNER "{self.user}";')
        return self.database_url(dbname)

    def stop(self) -> None:
        """Stop the server (fast shutdown, then SIGKILL) and remove the folder."""
        try:
            if self.process is not None and self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGINT)  # fast shutdown
                try:
                    self.process.wait(30)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(30)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _wait_ready(cluster: Cluster, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    isready = [str(cluster.bindir / "pg_isready"), "-q", "-h", str(cluster.folder)]
    isready += ["-p", str(cluster.port), "-U", SUPERUSER]
    while time.monotonic() < deadline:
        if cluster.process is None or cluster.process.poll() is not None:
            break
        if cluster._run(isready).returncode == 0:
            return
        time.sleep(0.2)
    tail = cluster.log_path.read_text(errors="replace")[-3000:] if cluster.log_path.exists() else ""
    raise ClusterUnavailable(f"PostgreSQL did not start on port {cluster.port}:\n{tail}")


def start_postgres(parent: Path | None = None) -> Cluster:
    """Start a fresh cluster in a new folder under `parent` (default: the system's
    temporary folder, which the cluster's account can reach) with a role and a
    database for Label Studio; raises ClusterUnavailable with the reason."""
    bindir = postgres_bindir()
    account = _os_user()
    folder = Path(tempfile.mkdtemp(prefix="nkcorpus-pg-", dir=parent))
    os.chown(folder, account.pw_uid, account.pw_gid)  # mode 0700 from mkdtemp
    password = secrets.token_hex(16)
    cluster = Cluster(
        "127.0.0.1", 0, "nkcorpus_ls", password, "nkcorpus_ls", folder, account, bindir
    )
    try:
        initdb = [str(bindir / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER]
        initdb += ["-E", "UTF8", "--locale=C", "--auth-local=trust"]
        initdb += ["--auth-host=scram-sha-256", "--no-sync", "--no-instructions"]
        done = cluster._run(initdb)
        if done.returncode != 0:
            raise ClusterUnavailable(f"initdb failed as {account.pw_name}: {done.stderr.strip()}")
        for _attempt in range(3):  # the free port may be taken before postgres binds it
            cluster.port = _free_port()
            cluster.process = _spawn(cluster)
            try:
                _wait_ready(cluster, START_TIMEOUT)
                break
            except ClusterUnavailable:
                if cluster.process.poll() is None:  # alive but not ready: give up
                    raise
        else:
            raise ClusterUnavailable(
                f"PostgreSQL exited on start three times; see {cluster.log_path}:\n"
                + cluster.log_path.read_text(errors="replace")[-3000:]
            )
        cluster.sql(
            f"CREATE ROLE {cluster.user} LOGIN PASSWORD '{password}';\n"
            f"CREATE DATABASE {cluster.dbname} OWNER {cluster.user};\n"
        )
    except BaseException:
        if cluster.process is not None:
            cluster.stop()
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster


def _spawn(cluster: Cluster) -> subprocess.Popen[bytes]:
    """`postgres` in the foreground as the cluster's account, on 127.0.0.1 only.
    The kernel sends it SIGINT (fast shutdown) when the thread that started it
    ends, this process killed by SIGKILL included: no cluster outlives the tests."""
    argv = [str(cluster.bindir / "postgres"), "-D", str(cluster.folder / "data")]
    argv += ["-p", str(cluster.port), "-k", str(cluster.folder)]
    argv += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=100"]
    as_owner = os.geteuid() == 0
    with open(cluster.log_path, "ab") as log:
        if as_owner:
            os.chown(cluster.log_path, cluster.account.pw_uid, cluster.account.pw_gid)
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cluster.folder,
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"},
            user=cluster.account.pw_uid if as_owner else None,
            group=cluster.account.pw_gid if as_owner else None,
            extra_groups=[] if as_owner else None,
            start_new_session=True,
            preexec_fn=lambda: die_with_parent(signal.SIGINT),  # after the switch of user
        )
