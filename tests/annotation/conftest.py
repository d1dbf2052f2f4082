"""Fixtures of the Label Studio tests: one real server per session, tasks in
the shape of `annotation/tasks.json`, and a fake `label-studio` executable for
testing process handling without the real server."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from nkcorpus.annotation.studio.credentials import load_or_create_credentials
from nkcorpus.annotation.studio.server import running_studio, studio_binary
from nkcorpus.errors import StudioError

Task = dict[str, Any]


class Studio(NamedTuple):
    url: str
    api_key: str


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
# A stand-in for `label-studio start`: serves /health on --port, or misbehaves.
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
