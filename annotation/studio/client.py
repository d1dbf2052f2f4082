"""Talking to Label Studio through its SDK: connect, find the project, export.

Every SDK or network failure leaves this module as a StudioError that says
which server, what we were doing and what to do about it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import urllib.request
import weakref
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
from label_studio_sdk.client import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from nkcorpus.annotation.studio.retry import (
    DEFAULT_POLICY,
    RetryingTransport,
    RetryPolicy,
    attempts_in,
    attempts_of,
)
from nkcorpus.errors import StudioError

PROJECT_TITLE = "nk-defector-corpus"
DEFAULT_URL = "http://127.0.0.1:8080"
ENV_URL = "LABEL_STUDIO_URL"
TIMEOUT = 120.0
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_POLICIES: weakref.WeakKeyDictionary[LabelStudio, RetryPolicy] = weakref.WeakKeyDictionary()
_RERUN = (
    "Run the command again: `studio sync` imports only the tasks whose doc_id and text_sha256 "
    "are not in the project yet, and `studio pull` writes its file only after a complete download."
)


def resolve_url(url: str | None = None) -> str:
    """`url`, else `$LABEL_STUDIO_URL`, else the `studio up` default; no trailing slash."""
    return (url or os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


def _describe(body: Any) -> str:
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("validation_errors") or body
        return json.dumps(detail, ensure_ascii=False)[:600]
    text = str(body).strip()
    if text.startswith("<"):
        return "an HTML error page"
    return text[:600] or "no details"


def _tries(attempts: int) -> str:
    return "once" if attempts == 1 else f"{attempts} times, with growing waits"


@contextlib.contextmanager
def api_call(url: str, action: str) -> Iterator[None]:
    """Turn SDK and network errors raised inside the block into StudioErrors.

    A110 unreachable, A111 key refused, A112 other HTTP error, A114 connection
    dropped or timed out, A115 server error (5xx) after the retries of
    `retry.RetryingTransport`, A117 a request that changes something failed
    after it may have arrived, so its outcome is unknown (never re-sent)."""
    try:
        yield
    except ApiError as exc:
        status = exc.status_code
        attempts, retryable = attempts_in(exc.headers)
        if status in (401, 403):
            raise StudioError(
                "A111",
                f"Label Studio at {url} refused the API key while {action} "
                f"(HTTP {status}: {_describe(exc.body)}). Set LABEL_STUDIO_API_KEY to a "
                "valid legacy token or personal access token of an admin of this server.",
            ) from exc
        if status is not None and (status >= 500 or status in (408, 429)):
            if retryable is False:
                raise StudioError(
                    "A117",
                    f"Label Studio at {url} answered HTTP {status} while {action} "
                    f"({_describe(exc.body)}); it may have done part of it, so the request is "
                    f"not re-sent. See the server log. {_RERUN}",
                ) from exc
            raise StudioError(
                "A115",
                f"Label Studio at {url} answered HTTP {status} while {action}, tried "
                f"{_tries(attempts)} ({_describe(exc.body)}). See the server log "
                "(label-studio.log in its data folder), then run the command again.",
            ) from exc
        raise StudioError(
            "A112",
            f"Label Studio at {url} failed while {action} (HTTP {status}): {_describe(exc.body)}",
        ) from exc
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        attempts, _ = attempts_of(exc)
        raise StudioError(
            "A110",
            f"cannot reach Label Studio at {url} while {action}, tried {_tries(attempts)} "
            f"({type(exc).__name__}: {exc}). Is `nkcorpus studio up` running? Otherwise pass "
            "--url or set LABEL_STUDIO_URL.",
        ) from exc
    except httpx.TransportError as exc:
        attempts, retryable = attempts_of(exc)
        if retryable is False:
            raise StudioError(
                "A117",
                f"the connection to Label Studio at {url} broke while {action}, after the "
                f"request was sent ({type(exc).__name__}: {exc}); Label Studio may or may not "
                f"have done it, so the request is not re-sent. {_RERUN}",
            ) from exc
        raise StudioError(
            "A114",
            f"the connection to Label Studio at {url} broke while {action}, tried "
            f"{_tries(attempts)} ({type(exc).__name__}: {exc or 'no answer'}). Check that the "
            "server is still running (its log: label-studio.log in its data folder) and run "
            "the command again.",
        ) from exc
    except httpx.HTTPError as exc:
        raise StudioError(
            "A110",
            f"cannot talk to Label Studio at {url} while {action} ({type(exc).__name__}: {exc}). "
            "Check --url or LABEL_STUDIO_URL.",
        ) from exc
    except ValueError as exc:  # an answer the SDK cannot parse: not Label Studio?
        raise StudioError(
            "A112",
            f"unexpected answer from {url} while {action} ({type(exc).__name__}: {exc}); "
            "is this a Label Studio server?",
        ) from exc


def proxy_for(url: str) -> str | None:
    """The environment's proxy for `url`, as httpx would pick it, except none
    for a loopback server."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host in _LOOPBACK or urllib.request.proxy_bypass(host):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def _transport(url: str, policy: RetryPolicy | None) -> RetryingTransport:
    """Retries around a transport that uses the environment's proxy for `url`."""
    return RetryingTransport(httpx.HTTPTransport(proxy=proxy_for(url)), policy)


def retry_policy_of(client: LabelStudio) -> RetryPolicy:
    """The retry policy `client` was connected with (`connect`)."""
    return _POLICIES.get(client, DEFAULT_POLICY)


def connect(url: str, api_key: str, policy: RetryPolicy | None = None) -> LabelStudio:
    """An SDK client for `url`, checked by asking the server who we are.

    `api_key` may be a legacy token (sent as `Token ...`) or a personal access
    token, i.e. a JWT refresh token, which the SDK exchanges for short-lived
    access tokens (sent as `Bearer ...`) by itself. Transient failures are
    retried by `policy` (see `retry`); the SDK's own retries are off.
    """
    with api_call(url, "connecting"):
        http = httpx.Client(
            transport=_transport(url, policy),
            timeout=TIMEOUT,
            follow_redirects=True,
            trust_env=False,  # the proxy is chosen by _transport; no netrc
        )
        client = LabelStudio(
            base_url=url, api_key=api_key, timeout=TIMEOUT, max_retries=0, httpx_client=http
        )
        client.users.whoami()
    _POLICIES[client] = policy or DEFAULT_POLICY
    return client


def find_project(client: LabelStudio, url: str, title: str = PROJECT_TITLE) -> int | None:
    """The id of the one project titled exactly `title`, or None."""
    with api_call(url, f"looking for project {title!r}"):
        ids = [p.id for p in client.projects.list(title=title, page_size=100) if p.title == title]
    if len(ids) > 1:
        raise StudioError(
            "A113",
            f"{url} has {len(ids)} projects titled {title!r} (ids {sorted(ids)}); "
            "rename or delete all but one in Label Studio.",
        )
    return ids[0] if ids else None


def fetch_export(
    client: LabelStudio,
    url: str,
    project_id: int,
    *,
    drafts: bool = False,
    timeout: float = 600.0,
) -> list[dict[str, Any]]:
    """Every task of the project, in memory (see `snapshot.export_to_file`,
    which streams it to a file: `studio pull` uses that). The download goes
    to a temporary file first, so only the parsed tasks are held."""
    from nkcorpus.annotation.studio.snapshot import export_to_file

    with tempfile.TemporaryFile() as handle:
        export_to_file(client, url, project_id, handle, drafts=drafts, timeout=timeout)
        handle.seek(0)
        try:
            tasks = json.load(handle)
        except ValueError as exc:
            raise StudioError(
                "A130", f"the export of project {project_id} on {url} is not JSON: {exc}"
            ) from exc
    if not isinstance(tasks, list):
        raise StudioError("A130", f"the export of project {project_id} is not a list of tasks")
    return tasks
