"""The database URL of `studio up`: parsing, Label Studio's environment, and
errors that name the wrong part without ever showing the password."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.annotation.studio.cli import app
from nkcorpus.annotation.studio.database import (
    ENV_DATABASE_URL,
    Database,
    database_env,
    ensure_database_reachable,
    resolve_database,
    url_to_database,
)
from nkcorpus.errors import StudioError
from tests.annotation.conftest import free_port

SECRET = "pw-Zq81-never-shown"


def test_database_url_parts() -> None:
    database = url_to_database(f"postgresql://ls:{SECRET}@db.example.org:6543/labels")
    assert database == Database("db.example.org", 6543, "ls", "labels", SECRET)
    assert database.describe() == "postgresql://ls@db.example.org:6543/labels"
    assert SECRET not in repr(database)


def test_database_url_defaults_port_and_decodes_percent_escapes() -> None:
    # "p@ss:w/rd#1" percent-encoded; "my db" in the name
    database = url_to_database("postgres://team%2Bls:p%40ss%3Aw%2Frd%231@10.0.0.5/my%20db")
    assert (database.user, database.password, database.name) == ("team+ls", "p@ss:w/rd#1", "my db")
    assert database.port == 5432


def test_database_url_sslmode_goes_to_libpq() -> None:
    database = url_to_database("postgresql://ls@db/labels?sslmode=verify-full")
    assert database.sslmode == "verify-full"
    assert database_env(database)["PGSSLMODE"] == "verify-full"
    assert database.describe() == "postgresql://ls@db:5432/labels?sslmode=verify-full"


def test_database_env_is_label_studios_postgresql_settings() -> None:
    env = database_env(Database("db", 6543, "ls", "labels", SECRET))
    expected = {
        "DJANGO_DB": "default",
        "POSTGRE_NAME": "labels",
        "POSTGRE_USER": "ls",
        "POSTGRE_PASSWORD": SECRET,
        "POSTGRE_HOST": "db",
        "POSTGRE_PORT": "6543",
    }
    # Label Studio reads LABEL_STUDIO_<NAME> first: both are set, so an inherited one loses
    assert env == expected | {f"LABEL_STUDIO_{k}": v for k, v in expected.items()}


def test_database_env_for_sqlite_names_sqlite() -> None:
    assert database_env(None) == {"DJANGO_DB": "sqlite", "LABEL_STUDIO_DJANGO_DB": "sqlite"}


def test_database_every_wrong_part_named_never_the_password() -> None:
    with pytest.raises(StudioError) as caught:
        url_to_database(f"mysql://:{SECRET}@:99999/?foo=1")
    message = str(caught.value)
    assert caught.value.code == "A150"
    for part in (
        "scheme 'mysql' is not postgresql://",
        "the port is not a number",
        "the host is missing",
        "the user is missing",
        "the database name is missing",
        "parameter 'foo' is not supported",
    ):
        assert part in message
    assert SECRET not in message
    assert "mysql://:***@:99999/?foo=1" in message


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ls:{SECRET}#x@db/labels",  # '#' unencoded: the parser sees a fragment
        f"postgresql://ls:{SECRET}?x@db/labels",  # '?' unencoded: the parser sees a query
        f"ls:{SECRET}@db/labels",  # no scheme
    ],
)
def test_database_badly_written_password_is_never_echoed(url: str) -> None:
    with pytest.raises(StudioError, match=r"\[A150\]") as caught:
        url_to_database(url)
    assert SECRET not in str(caught.value)
    assert "percent-encode" in str(caught.value)


def test_database_bad_sslmode_is_named() -> None:
    with pytest.raises(StudioError, match=r"\[A150\].*sslmode 'always' is not one of"):
        url_to_database("postgresql://ls@db/labels?sslmode=always")


def test_database_option_with_a_password_is_refused_the_variable_is_not() -> None:
    url = f"postgresql://ls:{SECRET}@db/labels"
    with pytest.raises(StudioError, match=r"\[A150\] --database-url carries a password") as caught:
        resolve_database(url, env={})
    assert SECRET not in str(caught.value)
    assert f"${ENV_DATABASE_URL}" in str(caught.value)
    assert resolve_database(None, env={ENV_DATABASE_URL: url}).password == SECRET
    # the option wins over the variable; without either it is SQLite (None)
    assert resolve_database("postgresql://other@db/x", env={ENV_DATABASE_URL: url}).user == "other"
    assert resolve_database(None, env={}) is None


def test_database_unreachable_server_is_named() -> None:
    port = free_port()  # nothing listens there
    database = Database("127.0.0.1", port, "ls", "labels", SECRET)
    with pytest.raises(StudioError, match=rf"\[A151\] PostgreSQL at 127.0.0.1:{port}") as caught:
        ensure_database_reachable(database, timeout=2)
    assert SECRET not in str(caught.value)


def test_database_reachable_server_passes() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        ensure_database_reachable(Database("127.0.0.1", port, "ls", "labels"))
    ensure_database_reachable(None)  # SQLite: nothing to reach


def test_database_cli_refuses_before_starting_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv("NKCORPUS_STUDIO_BIN", "/bin/true")  # never run: refused before
    result = CliRunner().invoke(
        app,
        [
            "up",
            "--data-dir",
            str(tmp_path / "ls"),
            "--database-url",
            f"postgresql://ls:{SECRET}@db/x",
        ],
    )
    assert result.exit_code == 1
    assert "[A150] --database-url carries a password" in result.output
    assert SECRET not in result.output
    assert not (tmp_path / "ls").exists()  # no data folder, no credentials made
