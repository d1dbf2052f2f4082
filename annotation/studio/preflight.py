"""What must hold before a Label Studio server starts: its executable, a free
port, and its environment."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path

from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.errors import StudioError
from nkcorpus.paths import project_root

ENV_BINARY = "NKCORPUS_STUDIO_BIN"


def studio_binary(env: Mapping[str, str] | None = None) -> Path:
    """The `label-studio` executable: `$NKCORPUS_STUDIO_BIN`, else
    `<repo>/.venv-studio/bin/label-studio`."""
    env = os.environ if env is None else env
    if env.get(ENV_BINARY):
        binary = Path(env[ENV_BINARY]).expanduser()
    else:
        try:
            binary = project_root() / ".venv-studio" / "bin" / "label-studio"
        except FileNotFoundError as exc:
            raise StudioError(
                "A102", f"{exc}; or point {ENV_BINARY} at a label-studio executable."
            ) from exc
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise StudioError(
            "A102",
            f"Label Studio is not installed at {binary}. Run `make studio-env` in the "
            f"repository (it installs the server into .venv-studio), or set {ENV_BINARY}.",
        )
    return binary


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def ensure_port_free(host: str, port: int) -> None:
    """Raise StudioError A101 if `host:port` cannot be bound or already answers.

    Label Studio would silently move to the next free port; we refuse instead.
    """
    problem = None
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            sock.bind((host, port))
        except OSError as exc:
            problem = exc.strerror or str(exc)
    if problem is None:  # what Label Studio itself probes before it moves on
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                problem = "something already answers on 127.0.0.1"
    if problem is not None:
        raise StudioError(
            "A101",
            f"port {port} on {host} is already in use ({problem}). Stop whatever uses it "
            f"(is another `nkcorpus studio up` running?) or choose another with --port.",
        )


def local_url(host: str, port: int) -> str:
    """The URL a local browser uses to reach a server bound to `host`."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# Nothing leaves the machine: the corpus names private individuals. Label Studio
# 1.23 reads each setting from LABEL_STUDIO_<NAME>, else HEARTEX_<NAME>, else
# <NAME> (core/utils/params.get_env), so both the first and the bare name are set.
# - COLLECT_ANALYTICS: the server's usage log to tele.labelstud.io
#   (core/utils/contextlog.py), the Google Analytics tag of the login and
#   sign-up pages and the frontend's event log (users/templates/.../user_base.html).
# - SENTRY_DSN, FRONTEND_SENTRY_DSN: error reports to sentry.io; the settings of
#   `label-studio start` (core/settings/label_studio.py) default both to
#   HumanSignal's DSNs, and templates/base.html then loads the Sentry script from
#   browser.sentry-cdn.com. Empty turns both off.
# - LATEST_VERSION_CHECK: the PyPI version check.
# - The proxy variables send any other request the server itself makes to the
#   outside (the /heidi-tips/ view fetches tips from raw.githubusercontent.com)
#   to a closed loopback port, so it fails at once; loopback stays direct.
TELEMETRY_OFF = {
    "COLLECT_ANALYTICS": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "LATEST_VERSION_CHECK": "false",
}
NO_OUTSIDE_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there
LOOPBACK_HOSTS = "127.0.0.1,localhost,::1"


def telemetry_env() -> dict[str, str]:
    """The variables that keep the server from sending anything outside the machine."""
    env = {}
    for name, value in TELEMETRY_OFF.items():
        env[f"LABEL_STUDIO_{name}"] = env[name] = value
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = NO_OUTSIDE_PROXY
    env["NO_PROXY"] = env["no_proxy"] = LOOPBACK_HOSTS
    return env


def server_env(data_dir: Path, credentials: Credentials) -> dict[str, str]:
    """The server's environment: ours, minus Python path overrides that would leak
    this virtualenv into the server's, plus `telemetry_env()` (which wins over
    any HEARTEX_ or bare setting of ours), its settings and first-start account."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env.update(telemetry_env())
    env.update(
        {
            "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            # Secrets go through the environment, which only this user can read,
            # not the command line, which every user on the machine can.
            "LABEL_STUDIO_USERNAME": credentials.username,
            "LABEL_STUDIO_PASSWORD": credentials.password,
            "LABEL_STUDIO_USER_TOKEN": credentials.api_key,
        }
    )
    return env
