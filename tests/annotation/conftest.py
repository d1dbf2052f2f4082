"""Fixtures of the Label Studio tests: one real server per session, tasks in
the shape of `annotation/tasks.json`, and a fake `label-studio` executable for
testing process handling without the real server."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
import stat
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

from nkcorpus.annotation.studio import retry
from nkcorpus.annotation.studio.credentials import Credentials, load_or_create_credentials
from nkcorpus.annotation.studio.database import ENV_DATABASE_URL
from nkcorpus.annotation.studio.launch import plan_launch
from nkcorpus.annotation.studio.server import StudioServer, running_studio, studio_binary
from nkcorpus.errors import StudioError
from tests.annotation.postgres_cluster import Cluster, ClusterUnavailable, start_postgres

Task = dict[str, Any]


class Studio(NamedTuple):
    url: str
    api_key: str


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gone(pid: int) -> bool:
    """Whether `pid` has exited (a zombie nobody reaped counts as exited)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def wait_until_gone(pids: list[int], deadline: float = 60.0) -> list[int]:
    """Poll until every pid is gone or `deadline` seconds passed; those still alive."""
    end = time.monotonic() + deadline
    while time.monotonic() < end and not all(gone(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if not gone(p)]


def label_studio_binary() -> Path:
    """The installed `label-studio`; without it the test skips, or fails when $CI is set."""
    try:
        return studio_binary()
    except StudioError as exc:
        message = f"Label Studio server not installed: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A real Label Studio on a free loopback port with a fresh data folder.

    Without the server installed this skips, or fails when $CI is set."""
    try:
        binary = studio_binary()
    except StudioError as exc:
        message = f"Label Studio server not installed: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    data_dir = tmp_path_factory.mktemp("label-studio")
    credentials, _ = load_or_create_credentials(data_dir, env={})
    with running_studio(
        "127.0.0.1", free_port(), data_dir, credentials, binary=binary, timeout=240
    ) as server:
        yield Studio(server.url, credentials.api_key)


def make_task(doc_id: str, text: str, predictions: list[dict[str, Any]] | None = None) -> Task:
    """A task as `nkcorpus tasks` writes it."""
    return {
        "data": {
            "text": text,
            "doc_id": doc_id,
            "title": f"Title of {doc_id}",
            "publisher": "Test Daily",
            "url": f"https://example.org/{doc_id}",
            "published": "2024-05-01",
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
        "predictions": predictions if predictions is not None else [],
    }


def span(text: str, fragment: str, label: str, region_id: str) -> dict[str, Any]:
    """A `labels` result item for the first `fragment` in `text` (code point offsets)."""
    start = text.index(fragment)
    return {
        "id": region_id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {
            "start": start,
            "end": start + len(fragment),
            "text": fragment,
            "labels": [label],
        },
    }


@pytest.fixture
def write_tasks(tmp_path: Path) -> Callable[[list[Task]], Path]:
    """Write tasks to a JSON file in tmp_path; its path."""

    def write(tasks: list[Task], name: str = "tasks.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        return path

    return write


FAKE_SERVER = """\
#!{python}
# A stand-in for `label-studio start`: serves /health on --port, or misbehaves
# (FAKE_STUDIO_MODE crash, stubborn, silent, family).
import http.server, os, signal, sys, time
args = sys.argv[1:]
port = int(args[args.index("--port") + 1])
host = args[args.index("--internal-host") + 1]
mode = os.environ.get("FAKE_STUDIO_MODE", "serve")
print("fake label-studio", " ".join(args), flush=True)
open(os.environ["FAKE_STUDIO_PIDFILE"], "w").write(str(os.getpid()))
if mode == "crash":
    print("boom: cannot start", flush=True)
    sys.exit(3)
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "silent":
    time.sleep(600)
if mode == "family":  # a worker process of its own, which ignores SIGTERM
    import subprocess
    worker = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
    child = subprocess.Popen([sys.executable, "-c", worker])
    open(os.environ["FAKE_STUDIO_PIDFILE"] + ".child", "w").write(str(child.pid))
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(b'{{"status": "UP"}}')
    def log_message(self, *a):
        pass
http.server.HTTPServer((host, port), Health).serve_forever()
"""


@pytest.fixture
def fake_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `label-studio` (see FAKE_SERVER); behaviour via $FAKE_STUDIO_MODE,
    its pid in $FAKE_STUDIO_PIDFILE."""
    path = tmp_path / "bin" / "label-studio"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(FAKE_SERVER.format(python=sys.executable)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("NKCORPUS_STUDIO_BIN", str(path))
    monkeypatch.setenv("FAKE_STUDIO_PIDFILE", str(tmp_path / "fake.pid"))
    return path


@dataclass
class Rule:
    """What `FaultServer` does with requests matching `method` and `path` (a regex):
    `action` is an HTTP status to answer, "drop" (headers and part of the body,
    then the connection is closed) or "drop_after_forward" (forwarded to the
    upstream server, which does the work, then dropped the same way); `times`
    matching requests (None: all) once the server has seen `after` requests."""

    method: str
    path: str
    action: int | str
    times: int | None = None
    after: int = 0


class FaultServer:
    """A loopback HTTP server in a thread that answers by its `rules`, else
    forwards to `upstream` (a fault-injecting proxy), else answers `{}`.
    `requests` lists (method, path) of every request it received."""

    def __init__(self, upstream: str | None = None) -> None:
        self.upstream = urlsplit(upstream) if upstream else None
        self.rules: list[Rule] = []
        self.requests: list[tuple[str, str]] = []
        self._mutex = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def count(self, method: str, path: str = ".*") -> int:
        return sum(1 for m, p in self.requests if m == method and re.search(path, p))

    def _rule_for(self, method: str, path: str) -> Rule | None:
        with self._mutex:
            self.requests.append((method, path))
            for rule in self.rules:
                if rule.method != method or not re.search(rule.path, path):
                    continue
                if len(self.requests) <= rule.after or rule.times == 0:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def _forward(self, method: str, path: str, body: bytes, headers: Any) -> tuple[int, Any, bytes]:
        assert self.upstream is not None
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        skip = {"host", "connection", "accept-encoding", "content-length"}
        sent = {k: v for k, v in headers.items() if k.lower() not in skip}
        try:
            conn.request(method, path, body=body or None, headers=sent)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                rule = server._rule_for(self.command, self.path)
                action = rule.action if rule else "forward"
                if isinstance(action, int):
                    self._answer(action, [], json.dumps({"detail": "injected"}).encode())
                    return
                if action == "drop":
                    self._drop()
                    return
                if server.upstream is None:
                    self._answer(200, [], b"{}")
                    return
                status, headers, data = server._forward(self.command, self.path, body, self.headers)
                if action == "drop_after_forward":
                    self._drop()
                    return
                self._answer(status, headers, data)

            def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response(status)
                skip = {"content-length", "transfer-encoding", "connection", "server", "date"}
                for key, value in headers:
                    if key.lower() not in skip:
                        self.send_header(key, value)
                if not any(k.lower() == "content-type" for k, _ in headers):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _drop(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b'[{"id": 1, "data": {"te')
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A FaultServer without upstream: answers by its rules, else 200 `{}`."""
    server = FaultServer()
    yield server
    server.close()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> retry.RetryPolicy:
    """The default retry policy, without its waits."""
    policy = retry.RetryPolicy(base_delay=0.0, max_delay=0.0)
    monkeypatch.setattr(retry, "DEFAULT_POLICY", policy)
    return policy


class Annotator(NamedTuple):
    """A user who signed up through the invite link, logged in in `browser`."""

    email: str
    browser: httpx.Client


def csrf_headers(browser: httpx.Client, url: str) -> dict[str, str]:
    """What Django wants with a changing request of a logged-in browser session."""
    return {"X-CSRFToken": browser.cookies["csrftoken"], "Referer": f"{url}/"}


@pytest.fixture
def sign_up(studio: Studio) -> Iterator[Callable[[str], Annotator]]:
    """Sign a new user up on the session's server through the organization's
    invite link, as a new annotator does in the browser: `sign_up("name")`
    gives an Annotator logged in as a unique name@example.org."""
    response = httpx.get(
        f"{studio.url}/api/invite", headers={"Authorization": f"Token {studio.api_key}"}
    )
    assert response.status_code == 200, response.text
    invite = response.json()["invite_url"]  # /user/signup/?token=...
    browsers: list[httpx.Client] = []

    def sign_up(name: str) -> Annotator:
        email = f"{name}.{os.urandom(4).hex()}@example.org"
        browser = httpx.Client(base_url=studio.url, timeout=60)
        browsers.append(browser)
        browser.get(invite)
        done = browser.post(
            invite,
            data={
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "email": email,
                "password": f"pw-{os.urandom(8).hex()}",
            },
            headers={"Referer": f"{studio.url}{invite}"},
        )
        assert done.status_code == 302, f"sign-up of {email} failed: {done.status_code}"
        return Annotator(email, browser)

    yield sign_up
    for browser in browsers:
        browser.close()


# PostgreSQL (issue 15): a throw-away cluster, and a Label Studio on it that
# starts as `studio up` starts one (`launch.plan_launch`, the database URL in
# $NKCORPUS_STUDIO_DATABASE_URL as the README's team recipe has it).


class PgStudio(NamedTuple):
    """The session's Label Studio on PostgreSQL, with what tests of the
    server itself need (its process, data folder, credentials, cluster)."""

    studio: Studio
    server: StudioServer
    data_dir: Path
    credentials: Credentials
    cluster: Cluster


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A PostgreSQL cluster of its own on a free loopback port, with a role and
    database for Label Studio; removed afterwards. Without PostgreSQL installed
    (`make postgres-env`) or when it cannot start this skips, or fails when $CI is set."""
    try:
        cluster = start_postgres()
    except ClusterUnavailable as exc:
        message = f"PostgreSQL test cluster cannot start: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def studio_pg_server(
    tmp_path_factory: pytest.TempPathFactory, postgres: Cluster
) -> Iterator[PgStudio]:
    """A real Label Studio on the `postgres` cluster, started by `studio up`'s code."""
    binary = label_studio_binary()
    data_dir = tmp_path_factory.mktemp("label-studio-pg")
    credentials, _ = load_or_create_credentials(data_dir, env={})
    launch = plan_launch("127.0.0.1", free_port(), data_dir, env={ENV_DATABASE_URL: postgres.url})
    with launch.running(credentials, binary=binary, timeout=240) as server:
        studio = Studio(server.url, credentials.api_key)
        yield PgStudio(studio, server, launch.data_dir, credentials, postgres)


@pytest.fixture(scope="session")
def studio_pg(studio_pg_server: PgStudio) -> Studio:
    """Like `studio`, on PostgreSQL: tests can take either."""
    return studio_pg_server.studio
