"""Admin credentials of `studio up`: made once, private, never shown."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.credentials import (
    credentials_notice,
    credentials_path,
    default_data_dir,
    load_or_create_credentials,
    read_credentials,
    resolve_api_key,
)
from nkcorpus.errors import StudioError


def test_credentials_file_is_0600_and_secret_not_printed(tmp_path: Path) -> None:
    data_dir = tmp_path / "studio"
    credentials, created = load_or_create_credentials(data_dir, env={})
    path = credentials_path(data_dir)
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert [p.name for p in data_dir.iterdir()] == [path.name]  # no temp file left
    stored = json.loads(path.read_text())
    assert stored["password"] == credentials.password and stored["api_key"] == credentials.api_key
    shown = (
        credentials_notice(credentials, data_dir, created) + repr(credentials) + str(credentials)
    )
    assert str(path) in shown
    assert credentials.password not in shown and credentials.api_key not in shown


def test_credentials_generated_secrets_are_strong_and_fresh(tmp_path: Path) -> None:
    first, _ = load_or_create_credentials(tmp_path / "a", env={})
    second, _ = load_or_create_credentials(tmp_path / "b", env={})
    assert len(first.password) >= 20 and len(first.api_key) == 40
    assert first.password != second.password and first.api_key != second.api_key


def test_credentials_second_start_reuses_stored_ones(tmp_path: Path) -> None:
    first, created = load_or_create_credentials(tmp_path, env={})
    env = {"LABEL_STUDIO_PASSWORD": "a-new-password", "LABEL_STUDIO_API_KEY": "othertoken123"}
    again, created_again = load_or_create_credentials(tmp_path, env=env)
    assert created and not created_again
    assert again == first


def test_credentials_taken_from_environment(tmp_path: Path) -> None:
    env = {
        "LABEL_STUDIO_USERNAME": "lead@example.org",
        "LABEL_STUDIO_PASSWORD": "correct horse",
        "LABEL_STUDIO_API_KEY": "0123456789abcdef0123456789abcdef01234567",
    }
    credentials, _ = load_or_create_credentials(tmp_path, env=env)
    assert (credentials.username, credentials.password, credentials.api_key) == tuple(env.values())


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LABEL_STUDIO_USERNAME": "admin"}, "must be an e-mail address"),
        (
            {"LABEL_STUDIO_API_KEY": "eyJhbGciOi.eyJ0b2tlbl90eXBlIjoi.c2ln"},
            "not a legacy API token",
        ),
    ],
)
def test_credentials_bad_environment_is_refused(
    tmp_path: Path, env: dict[str, str], problem: str
) -> None:
    with pytest.raises(StudioError, match=rf"\[A105\] .*{problem}"):
        load_or_create_credentials(tmp_path, env=env)
    assert not credentials_path(tmp_path).exists()


def test_credentials_loosened_file_is_tightened(tmp_path: Path) -> None:
    load_or_create_credentials(tmp_path, env={})
    credentials_path(tmp_path).chmod(0o644)
    assert read_credentials(tmp_path) is not None
    assert stat.S_IMODE(credentials_path(tmp_path).stat().st_mode) == 0o600


def test_credentials_corrupt_file_is_an_error(tmp_path: Path) -> None:
    credentials_path(tmp_path).write_text("{not json")
    with pytest.raises(StudioError, match=r"\[A105\] .*cannot read the stored"):
        load_or_create_credentials(tmp_path, env={})


def test_credentials_default_data_dir_follows_xdg(tmp_path: Path) -> None:
    xdg = default_data_dir({"XDG_DATA_HOME": str(tmp_path)})
    assert xdg == tmp_path / "nkcorpus" / "label-studio"
    assert default_data_dir({}).parts[-4:] == (".local", "share", "nkcorpus", "label-studio")


def test_credentials_api_key_order(tmp_path: Path) -> None:
    stored, _ = load_or_create_credentials(tmp_path, env={})
    env = {"LABEL_STUDIO_API_KEY": "from-env-123"}
    assert resolve_api_key("given-456", tmp_path, env) == ("given-456", "the given API key")
    assert resolve_api_key(None, tmp_path, env) == ("from-env-123", "$LABEL_STUDIO_API_KEY")
    assert resolve_api_key(None, tmp_path, {})[0] == stored.api_key
    with pytest.raises(StudioError, match=r"\[A106\] no Label Studio API key"):
        resolve_api_key(None, tmp_path / "empty", {})


def test_credentials_unknown_account_of_existing_database_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "label_studio.sqlite3").write_bytes(b"")
    with pytest.raises(StudioError, match=r"\[A105\] .*holds a Label Studio database but no"):
        load_or_create_credentials(tmp_path, env={})
    known = {"LABEL_STUDIO_USERNAME": "a@b.org", "LABEL_STUDIO_API_KEY": "known-token-1"}
    credentials, created = load_or_create_credentials(tmp_path, env=known)
    assert created and credentials.api_key == "known-token-1"
