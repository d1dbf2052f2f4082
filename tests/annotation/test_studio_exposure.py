"""Who can reach `studio up`'s server and by which URL: the bind rule, the public
URL, and the README's team recipe run end to end (PostgreSQL, `studio up
--public-url`, Caddy with docs/team/Caddyfile in front, TLS checked against
Caddy's own authority, a login and a sign-up through the proxy)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.studio import pidfile
from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.database import ENV_DATABASE_URL
from nkcorpus.annotation.studio.exposure import (
    check_bind,
    exposure_env,
    is_loopback,
    public_url_to_origin,
    remote_notice,
)
from nkcorpus.annotation.studio.launch import plan_launch
from nkcorpus.errors import StudioError, ValidationFailed
from nkcorpus.paths import project_root
from tests.annotation.conftest import free_port, label_studio_binary, make_task
from tests.annotation.postgres_cluster import Cluster
from tests.test_secrets import secret_forms

CADDYFILE = "docs/team/Caddyfile"
RUN_APP = "from nkcorpus.annotation.studio.cli import app; app()"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),  # all of 127.0.0.0/8 is loopback
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("annotate.example.org", False),  # a name may resolve anywhere
    ],
)
def test_exposure_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_exposure_remote_bind_needs_allow_remote() -> None:
    with pytest.raises(StudioError, match=r"\[A152\] --host 0.0.0.0 would let other machines"):
        check_bind("0.0.0.0", allow_remote=False)
    check_bind("0.0.0.0", allow_remote=True)
    check_bind("127.0.0.1", allow_remote=False)


def test_exposure_remote_notice_says_plain_http_unless_a_tls_proxy() -> None:
    notice = remote_notice("0.0.0.0")
    assert notice is not None
    assert notice.startswith("warning: listening on 0.0.0.0: other machines can reach")
    assert "plain HTTP" in notice and "TLS reverse proxy" in notice
    assert remote_notice("127.0.0.1") is None


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://annotate.example.org", "https://annotate.example.org"),
        ("https://Annotate.Example.org/", "https://annotate.example.org"),
        ("http://10.0.0.5:8443", "http://10.0.0.5:8443"),
    ],
)
def test_exposure_public_url_to_origin(url: str, origin: str) -> None:
    assert public_url_to_origin(url) == origin


def test_exposure_public_url_every_wrong_part_named() -> None:
    with pytest.raises(StudioError) as caught:
        public_url_to_origin("ftp://annotate.example.org/ls?x=1")
    message = str(caught.value)
    assert caught.value.code == "A153"
    assert "the scheme is 'ftp', not http or https" in message
    assert "it has a path ('/ls')" in message
    assert "it has a '?' or '#' part" in message


def test_exposure_public_url_with_credentials_is_not_echoed() -> None:
    with pytest.raises(StudioError, match=r"\[A153\].*user or password part") as caught:
        public_url_to_origin("https://admin:hunter2secret@annotate.example.org")
    assert "hunter2secret" not in str(caught.value)


def test_exposure_env_sets_label_studio_host_and_trusted_origin() -> None:
    assert exposure_env("https://annotate.example.org") == {
        "LABEL_STUDIO_HOST": "https://annotate.example.org",
        "LABEL_STUDIO_CSRF_TRUSTED_ORIGINS": "https://annotate.example.org",
    }
    assert exposure_env(None) == {}


def test_exposure_plan_lists_every_wrong_option(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plan_launch(
            "0.0.0.0",
            8080,
            tmp_path,
            database_url="mysql://ls@db/x",
            public_url="annotate.example.org",
            env={},
        )
    assert caught.value.code == "A154"
    assert [p[:6] for p in caught.value.problems] == ["[A150]", "[A152]", "[A153]"]


def test_exposure_plan_notices_name_the_database_and_warn_off_loopback(tmp_path: Path) -> None:
    env = {ENV_DATABASE_URL: "postgresql://ls:pw-not-shown@db:6543/labels"}
    launch = plan_launch(
        "0.0.0.0",
        8080,
        tmp_path,
        allow_remote=True,
        public_url="https://annotate.example.org/",
        env=env,
    )
    assert launch.public_url == "https://annotate.example.org"
    assert launch.notices()[0] == "database: postgresql://ls@db:6543/labels"
    assert launch.notices()[1].startswith("warning: listening on 0.0.0.0")
    assert "pw-not-shown" not in "".join(launch.notices())
    sqlite = plan_launch("127.0.0.1", 8080, tmp_path, env={})
    assert sqlite.notices() == [f"database: SQLite in {tmp_path.resolve()}"]


def test_exposure_cli_refuses_a_remote_bind_before_starting_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv("NKCORPUS_STUDIO_BIN", "/bin/true")  # never run: refused before
    data_dir = tmp_path / "ls"
    result = CliRunner().invoke(app, ["up", "--bind", "0.0.0.0", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "[A152] --host 0.0.0.0 would let other machines reach Label Studio" in result.output
    assert not data_dir.exists()


# The team recipe, end to end.


def _caddy() -> str:
    caddy = shutil.which("caddy")
    if caddy is None:
        message = "caddy is not installed: run `make proxy-env` (as root it installs Debian's)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return caddy


class Team(NamedTuple):
    public_url: str
    printed: Path
    up: subprocess.Popen[bytes]
    data_dir: Path
    database: str  # the team database's name
    cluster: Cluster
    ca: Path  # Caddy's local root certificate


def _wait_for(path: Path, text: str, process: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if text in path.read_text(errors="replace"):
            break
        time.sleep(0.3)
    content = path.read_text(errors="replace")
    assert text in content, f"never printed {text!r}:\n{content}"
    return content


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, postgres: Cluster) -> Iterator[Team]:
    """PostgreSQL, `studio up --public-url` and Caddy with the repository's
    Caddyfile, as the README's recipe runs them (the site on a free port of
    localhost, so Caddy's own authority signs its certificate)."""
    caddy, binary = _caddy(), label_studio_binary()
    root = tmp_path_factory.mktemp("team")
    database = "nkcorpus_team"
    url = postgres.create_database(database)
    ls_port, site_port = free_port(), free_port()
    public_url = f"https://localhost:{site_port}"
    wrapper = root / "Caddyfile"  # test-only globals, then the repository's file
    wrapper.write_text(
        "{\n\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n}\n"
        f"import {project_root() / CADDYFILE}\n"
    )
    caddy_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root),
        "XDG_DATA_HOME": str(root / "caddy-data"),
        "XDG_CONFIG_HOME": str(root / "caddy-config"),
        "NKCORPUS_SITE": public_url,
        "NKCORPUS_UPSTREAM": f"127.0.0.1:{ls_port}",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env |= {
        ENV_DATABASE_URL: url,
        "NKCORPUS_LOCK_DIR": str(root),
        "NKCORPUS_STUDIO_BIN": str(binary),
    }
    tasks = root / "tasks.json"
    tasks.write_text(json.dumps([make_task(f"team{i}", f"Team text {i}.") for i in range(2)]))
    data_dir = root / "ls"
    up_args = ["up", "--port", str(ls_port), "--data-dir", str(data_dir), "--tasks", str(tasks)]
    up_args += ["--public-url", public_url]
    printed = root / "up.txt"
    caddy_log = open(root / "caddy.log", "wb")  # noqa: SIM115 - closed below
    proxy = subprocess.Popen(
        [caddy, "run", "--config", str(wrapper), "--adapter", "caddyfile"],
        stdout=caddy_log,
        stderr=subprocess.STDOUT,
        env=caddy_env,
        cwd=root,
    )
    with open(printed, "wb") as output:
        up = subprocess.Popen(
            [sys.executable, "-c", RUN_APP, *up_args], stdout=output, stderr=output, env=env
        )
    try:
        _wait_for(printed, "Press Ctrl-C", up, timeout=400)
        ca = root / "caddy-data/caddy/pki/authorities/local/root.crt"
        assert proxy.poll() is None, (root / "caddy.log").read_text()
        assert ca.exists(), (root / "caddy.log").read_text()
        yield Team(public_url, printed, up, data_dir.resolve(), database, postgres, ca)
    finally:
        _stop(up)
        _stop(proxy)
        caddy_log.close()


@pytest.mark.studio
def test_team_up_prints_the_public_url_and_keeps_the_password_out(team: Team) -> None:
    said = team.printed.read_text()
    cluster, public = team.cluster, team.public_url
    assert f"database: postgresql://{cluster.user}@127.0.0.1:{cluster.port}/{team.database}" in said
    assert f"Label Studio is running at {public} (log in as" in said
    assert f"  project (annotators: Label All Tasks): {public}/projects/" in said
    assert f"  invite annotators (Add People, copy the invite link): {public}/organization/" in said
    assert "imported 2, already present 0" in said
    tasks = cluster.sql("SELECT count(*) FROM task", dbname=team.database)
    assert tasks == "2"  # the two tasks of the tasks file, in the team database

    record = pidfile.running_server(team.data_dir)
    assert record is not None
    places = {"printed output": said.encode()}
    places["pid file"] = pidfile.pid_path(team.data_dir).read_bytes()
    places["log"] = (team.data_dir / "label-studio.log").read_bytes()
    places["up argv"] = Path(f"/proc/{team.up.pid}/cmdline").read_bytes()
    for stat in Path("/proc").glob("[0-9]*/stat"):  # the server's whole process group
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == record.pid:
                places[f"argv of {stat.parent.name}"] = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
    forms = secret_forms(cluster.password)
    assert [name for name, raw in places.items() if any(f in raw for f in forms)] == []


@pytest.mark.studio
def test_team_login_and_sign_up_through_caddy_over_verified_tls(team: Team) -> None:
    credentials = json.loads((team.data_dir / "nkcorpus-credentials.json").read_text())
    public = team.public_url
    tls = ssl.create_default_context(cafile=team.ca)  # Caddy's own authority, checked
    with httpx.Client(base_url=public, verify=tls, timeout=60) as browser:
        page = browser.get("/user/login/")
        assert page.status_code == 200, page.text[:300]
        # Django checks the browser's Origin against the server's own scheme and
        # host; behind a TLS proxy they differ unless the public URL is trusted.
        login = browser.post(
            "/user/login/",
            data={
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "email": credentials["username"],
                "password": credentials["password"],
            },
            headers={"Origin": public, "Referer": f"{public}/user/login/"},
        )
        assert login.status_code == 302, login.text[:500]
        me = browser.get("/api/current-user/whoami")
        assert me.json()["email"] == credentials["username"]
        projects = browser.get("/projects/")
        assert f'hostname: "{public}"' in projects.text  # links and API calls use it
        invite = browser.get("/api/invite").json()["invite_url"]  # /user/signup/?token=...
        assert invite.startswith("/user/signup/?token=")

    with httpx.Client(base_url=public, verify=tls, timeout=60) as newcomer:
        newcomer.get(invite)
        email = f"annotator.{os.urandom(4).hex()}@example.org"
        signed = newcomer.post(
            invite,
            data={
                "csrfmiddlewaretoken": newcomer.cookies["csrftoken"],
                "email": email,
                "password": f"pw-{os.urandom(8).hex()}",
            },
            headers={"Origin": public, "Referer": f"{public}{invite}"},
        )
        assert signed.status_code == 302, signed.text[:500]
        assert newcomer.get("/api/current-user/whoami").json()["email"] == email

    with pytest.raises(httpx.ConnectError):  # the certificate is checked, not waved through
        httpx.get(f"{public}/user/login/", timeout=30)
