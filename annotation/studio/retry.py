"""Which failed requests to Label Studio are sent again, and when.

Every request of the SDK client goes through `RetryingTransport` (the SDK's own
retries are switched off in `client.connect`: it re-sends any request,
imports included, after a 5xx or a dropped connection, which imports a batch
twice). The policy:

- Nothing was sent (connection refused, connect timeout): retried, whatever
  the method; the server may be restarting.
- The request may have reached the server (the connection dropped, no answer
  in time, or the answer was 408/429/500/502/503/504): retried only when
  sending it twice does no harm: GET, HEAD, OPTIONS, PUT, DELETE; PATCH, since
  every PATCH we send sets fields to absolute values; and the POST that
  exchanges a personal access token for an access token.
- Any other POST (creating a project or an export snapshot, importing tasks)
  is never re-sent once it may have arrived: the caller reports that its
  outcome is unknown. Re-running `studio sync` is safe, since it imports only
  the doc_id + text_sha256 not in the project yet.
- Other answers (400, 401, 403, 404, ...) are answers: never retried.

Waits double from `base_delay` up to `max_delay` (0.5, 1, 2 s by default: four
attempts over 3.5 s); a Retry-After header is honoured up to `max_delay`. The
body of a retried request is read inside the retry loop, so a connection that
drops halfway through a download is retried too (the SDK buffers every body,
downloads included, anyway). The final response carries
the number of attempts and whether the request could be retried in the
headers `ATTEMPTS_HEADER` and `RETRYABLE_HEADER`; a transport error carries
them as attributes (see `attempts_of`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
SAFE_POST_PATHS = ("/api/token/refresh/",)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
ATTEMPTS_HEADER = "x-nkcorpus-attempts"
RETRYABLE_HEADER = "x-nkcorpus-retryable"
_ATTEMPTS = "nkcorpus_attempts"
_RETRYABLE = "nkcorpus_retryable"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; `attempts` counts the first try."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1 for the first)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return min(self.base_delay * 2 ** (retry - 1), self.max_delay)


DEFAULT_POLICY = RetryPolicy()


def may_resend(request: httpx.Request) -> bool:
    """Whether sending `request` twice does no harm (see the module doc)."""
    if request.method in IDEMPOTENT_METHODS:
        return True
    return request.method == "POST" and request.url.path.endswith(SAFE_POST_PATHS)


def _retry_after(headers: httpx.Headers) -> float | None:
    try:
        return float(headers["retry-after"])
    except (KeyError, ValueError):
        return None


def mark_attempts(exc: Exception, attempts: int, retryable: bool) -> None:
    setattr(exc, _ATTEMPTS, attempts)
    setattr(exc, _RETRYABLE, retryable)


def attempts_of(exc: BaseException) -> tuple[int, bool | None]:
    """(attempts made, whether the request could be retried) for an error that
    left `RetryingTransport`; (1, None) when it never went through one."""
    return getattr(exc, _ATTEMPTS, 1), getattr(exc, _RETRYABLE, None)


def attempts_in(headers: Mapping[str, str] | None) -> tuple[int, bool | None]:
    """The same, from the headers of a final response (e.g. an SDK ApiError's)."""
    found = {k.lower(): v for k, v in (headers or {}).items()}
    try:
        attempts = int(found.get(ATTEMPTS_HEADER, "1"))
    except ValueError:
        attempts = 1
    retryable = found.get(RETRYABLE_HEADER)
    return attempts, None if retryable is None else retryable == "1"


class RetryingTransport(httpx.BaseTransport):
    """An httpx transport that retries transient failures by `policy`."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.transport = transport or httpx.HTTPTransport()
        self.policy = policy or DEFAULT_POLICY
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resend = may_resend(request)
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.policy.attempts
            response = None
            try:
                response = self.transport.handle_request(request)
                response.read()  # a body that breaks off counts as a dropped connection
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if last:  # nothing was sent, so any request could have been retried
                    mark_attempts(exc, attempt, True)
                    raise
                self.sleep(self.policy.delay(attempt))
                continue
            except httpx.TransportError as exc:
                if response is not None:
                    response.close()
                if last or not resend:
                    mark_attempts(exc, attempt, resend)
                    raise
                self.sleep(self.policy.delay(attempt))
                continue
            if resend and response.status_code in RETRY_STATUSES and not last:
                response.close()
                self.sleep(self.policy.delay(attempt, _retry_after(response.headers)))
                continue
            response.headers[ATTEMPTS_HEADER] = str(attempt)
            response.headers[RETRYABLE_HEADER] = "1" if resend else "0"
            return response

    def close(self) -> None:
        self.transport.close()
