"""The Label Studio admin account: where its data lives, and its secrets.

`nkcorpus studio up` creates the admin account and API token on the first
start of a data folder, from `LABEL_STUDIO_USERNAME`, `LABEL_STUDIO_PASSWORD`
and `LABEL_STUDIO_API_KEY` when they are set, otherwise from fresh random
secrets, and keeps them in `<data dir>/nkcorpus-credentials.json` (mode 0600).
Nothing here ever prints a password or a token.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nkcorpus.atomic import atomic_write_bytes
from nkcorpus.errors import StudioError

CREDENTIALS_FILE = "nkcorpus-credentials.json"
DATABASE_FILE = "label_studio.sqlite3"
DEFAULT_USERNAME = "admin@nkcorpus.local"
ENV_USERNAME = "LABEL_STUDIO_USERNAME"
ENV_PASSWORD = "LABEL_STUDIO_PASSWORD"
ENV_API_KEY = "LABEL_STUDIO_API_KEY"
# Label Studio stores the legacy token in a 40-character column and ignores
# tokens of 5 characters or fewer.
_LEGACY_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{6,40}$")


@dataclass(frozen=True)
class Credentials:
    """Admin login and legacy API token of one Label Studio data folder."""

    username: str
    password: str = field(repr=False)
    api_key: str = field(repr=False)


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Per-user data folder: `$XDG_DATA_HOME/nkcorpus/label-studio`, else
    `~/.local/share/nkcorpus/label-studio`."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "nkcorpus" / "label-studio"


def credentials_path(data_dir: Path) -> Path:
    return Path(data_dir) / CREDENTIALS_FILE


def read_credentials(data_dir: Path) -> Credentials | None:
    """The stored credentials of `data_dir`, or None when there are none yet.

    Tightens the file to mode 0600 if someone loosened it."""
    path = credentials_path(data_dir)
    if not path.exists():
        return None
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(raw["username"], raw["password"], raw["api_key"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StudioError(
            "A105",
            f"{path}: cannot read the stored Label Studio credentials ({type(exc).__name__}). "
            "Restore the file from a backup, or start over with an empty --data-dir.",
        ) from exc


def _new_credentials(env: Mapping[str, str]) -> Credentials:
    username = env.get(ENV_USERNAME) or DEFAULT_USERNAME
    if "@" not in username:
        raise StudioError(
            "A105",
            f"{ENV_USERNAME} must be an e-mail address (Label Studio logs in by e-mail); "
            "set it to e.g. you@example.org or unset it.",
        )
    api_key = env.get(ENV_API_KEY) or secrets.token_hex(20)
    if not _LEGACY_TOKEN.match(api_key):
        raise StudioError(
            "A105",
            f"{ENV_API_KEY} is set but is not a legacy API token (6-40 letters, digits, - or _); "
            "a personal access token cannot seed a new server. Unset it for `studio up` "
            "(a token is generated) or set it to such a token.",
        )
    password = env.get(ENV_PASSWORD) or secrets.token_urlsafe(18)
    return Credentials(username=username, password=password, api_key=api_key)


def load_or_create_credentials(
    data_dir: Path, env: Mapping[str, str] | None = None
) -> tuple[Credentials, bool]:
    """The credentials of `data_dir` and whether they were created just now.

    On first use the folder is created (mode 0700) and the credentials are
    taken from the environment or generated, then written atomically with mode
    0600. Later calls return the stored ones: the server keeps the account it
    made on its first start, whatever the environment says now.
    """
    env = os.environ if env is None else env
    data_dir = Path(data_dir)
    stored = read_credentials(data_dir)
    if stored is not None:
        return stored, False
    if (data_dir / DATABASE_FILE).exists() and not env.get(ENV_API_KEY):
        raise StudioError(
            "A105",
            f"{data_dir} holds a Label Studio database but no {CREDENTIALS_FILE}, so its admin "
            f"account is unknown. Restore that file, or set {ENV_USERNAME}, {ENV_PASSWORD} and "
            f"{ENV_API_KEY} to that account's, or use another --data-dir.",
        )
    credentials = _new_credentials(env)
    payload = {
        "username": credentials.username,
        "password": credentials.password,
        "api_key": credentials.api_key,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "note": "Label Studio admin account of `nkcorpus studio up`. Keep private.",
    }
    data = (json.dumps(payload, indent=2, sort_keys=True) + "\n").encode("utf-8")
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The temp file is created 0600 (mkstemp), so the secret is never readable by others.
        path = atomic_write_bytes(credentials_path(data_dir), data, overwrite=False)
        os.chmod(path, 0o600)
    except FileExistsError:  # another `up` won the race: use its credentials
        stored = read_credentials(data_dir)
        assert stored is not None
        return stored, False
    except OSError as exc:
        raise StudioError(
            "A105", f"{data_dir}: cannot store the Label Studio credentials: {exc}"
        ) from exc
    return credentials, True


def credentials_notice(credentials: Credentials, data_dir: Path, created: bool) -> str:
    """A line for the user: who the admin is and where the secrets are (never the secrets)."""
    where = credentials_path(data_dir)
    verb = "created" if created else "using"
    return (
        f"{verb} admin account {credentials.username}; its password and API token are in "
        f"{where} (readable only by you)"
    )


def resolve_api_key(
    api_key: str | None = None,
    data_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The API key to use and where it came from (for messages, never the key).

    Order: `api_key`, `$LABEL_STUDIO_API_KEY` (a legacy token or a personal
    access token; the SDK handles both), the credentials stored by `studio up`
    in `data_dir` (default: the per-user data folder).
    """
    env = os.environ if env is None else env
    if api_key:
        return api_key, "the given API key"
    if env.get(ENV_API_KEY):
        return env[ENV_API_KEY], f"${ENV_API_KEY}"
    folder = default_data_dir(env) if data_dir is None else Path(data_dir)
    stored = read_credentials(folder)
    if stored is not None:
        return stored.api_key, str(credentials_path(folder))
    raise StudioError(
        "A106",
        f"no Label Studio API key: set {ENV_API_KEY} (Label Studio > Account & Settings > "
        f"Personal Access Token, or the legacy token), or run `nkcorpus studio up` on this "
        f"machine so that {credentials_path(folder)} exists.",
    )
