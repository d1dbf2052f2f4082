"""Who can reach the Label Studio of `studio up`, and by which URL.

By default it listens on loopback only. Listening on any other address needs
`--allow-remote` (A152): Label Studio speaks plain HTTP, so logins, API
tokens and annotations cross the network readable unless a TLS reverse proxy
sits in front (README, "A server for a team"). `--public-url` is the address
people use (the proxy's `https://...`): Label Studio builds its links from it
(`LABEL_STUDIO_HOST`), it accepts logins posted from it (Django's CSRF check
compares the browser's origin with the server's, which behind a TLS proxy
differ in scheme: `CSRF_TRUSTED_ORIGINS`), and `up` prints it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from nkcorpus.errors import StudioError

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or name to bind) is this machine's loopback only.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
    (True, False)
    """
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to, it is not ours to assume


def check_bind(host: str, allow_remote: bool) -> None:
    """Raise StudioError A152 for a non-loopback `host` without `allow_remote`."""
    if is_loopback(host) or allow_remote:
        return
    raise StudioError(
        "A152",
        f"--host {host} would let other machines reach Label Studio, which speaks plain "
        "HTTP: passwords, API tokens and annotations would cross the network readable. "
        "Keep the default 127.0.0.1 behind a TLS reverse proxy (README: A server for a "
        "team), or add --allow-remote to listen on it anyway.",
    )


def remote_notice(host: str) -> str | None:
    """The warning `up` prints when it listens beyond loopback, else None."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}: other machines can reach Label Studio. Traffic is "
        "plain HTTP (passwords, API tokens and annotations readable on the way) unless a "
        "TLS reverse proxy sits in front (README: A server for a team)."
    )


def public_url_to_origin(url: str) -> str:
    """The public URL as Label Studio wants it: `scheme://host[:port]`, no trailing
    slash. StudioError A153 naming every wrong part.

    >>> public_url_to_origin("https://annotate.example.org/")
    'https://annotate.example.org'
    """
    parts = urlsplit(url.strip())
    problems = []
    if parts.scheme not in ("http", "https"):
        problems.append(f"the scheme is {parts.scheme or '(none)'!r}, not http or https")
    if not parts.hostname:
        problems.append("the host name is missing")
    if "@" in parts.netloc:
        problems.append("it has a user or password part")
    try:
        parts.port  # noqa: B018 - validates it
    except ValueError:
        problems.append("the port is not a number from 1 to 65535")
    if parts.path not in ("", "/"):
        problems.append(
            f"it has a path ({parts.path!r}); serve Label Studio at the root of its own name"
        )
    if parts.query or parts.fragment:
        problems.append("it has a '?' or '#' part")
    if problems:
        shown = url if "@" not in url else "(not shown: it has a user part)"
        raise StudioError(
            "A153",
            f"--public-url {shown}: " + "; ".join(problems) + ". Give the address people "
            "open, e.g. https://annotate.example.org.",
        )
    return f"{parts.scheme}://{parts.netloc}".lower()


def exposure_env(public_url: str | None) -> dict[str, str]:
    """The server-process variables for `public_url` (an origin; None: none)."""
    if public_url is None:
        return {}
    # Label Studio reads LABEL_STUDIO_<NAME> first: an inherited bare HOST stays unused.
    return {"LABEL_STUDIO_HOST": public_url, "LABEL_STUDIO_CSRF_TRUSTED_ORIGINS": public_url}
