"""Label Studio's full JSON export, streamed to a file: never whole in memory.

Label Studio 1.23 (Community, no Redis) writes an export snapshot while
answering the POST that creates it (`data_export/mixins.py`,
`export_to_file`: one line of JSON, tasks serialised in batches), then serves
the file from `/api/projects/<id>/exports/<pk>/download`. The SDK's transport
here (`retry.RetryingTransport`) reads every body whole before handing it
over, so the download goes through a plain httpx transport of its own, with
the same retry policy: a GET, re-sent after a dropped connection or a 5xx by
starting the file over. Snapshot creation gets the long `timeout` rather than
the client's per-request one, since the server works for the whole POST
(58 s for 10,000 tasks of ~4,000 characters with predictions, 2 shared cores;
the 185 MB download then took 3 s).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, BinaryIO

import httpx
from label_studio_sdk.client import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.types import (
    LseAnnotationFilterOptionsRequest,
    SerializationOptionRequest,
    SerializationOptionsRequest,
)

from nkcorpus.annotation.studio.client import TIMEOUT, api_call, proxy_for, retry_policy_of
from nkcorpus.annotation.studio.retry import (
    ATTEMPTS_HEADER,
    RETRY_STATUSES,
    RETRYABLE_HEADER,
    RetryPolicy,
    mark_attempts,
)
from nkcorpus.errors import StudioError

CHUNK = 1 << 20  # bytes per write while downloading


def export_to_file(
    client: LabelStudio,
    url: str,
    project_id: int,
    handle: BinaryIO,
    *,
    drafts: bool = False,
    timeout: float = 600.0,
) -> int:
    """Write every task of the project with all its annotations (including
    skipped and ground-truth ones) and full predictions into `handle` (from its
    start; truncated first), as Label Studio's JSON export; the bytes written.
    The snapshot is deleted afterwards.

    Annotators appear by user id only. Drafts are draft ids unless `drafts`,
    since a full draft carries its author's e-mail address. Raises StudioError
    A130 when the snapshot fails or takes longer than `timeout` seconds."""
    options = SerializationOptionsRequest(
        predictions=SerializationOptionRequest(only_id=False),
        drafts=SerializationOptionRequest(only_id=not drafts),
        annotations__completed_by=SerializationOptionRequest(only_id=True),
    )
    everything = LseAnnotationFilterOptionsRequest(usual=True, ground_truth=True, skipped=True)
    exports = client.projects.exports
    with api_call(url, f"exporting project {project_id}"):
        snapshot = exports.create(
            project_id,
            title="nkcorpus studio pull",
            serialization_options=options,
            annotation_filter_options=everything,
            request_options={"timeout_in_seconds": int(timeout)},
        )
        try:
            started = time.monotonic()
            status = snapshot.status
            while status != "completed":
                if status == "failed" or time.monotonic() - started > timeout:
                    raise StudioError(
                        "A130",
                        f"export snapshot {snapshot.id} of project {project_id} on {url} "
                        f"ended as {status!r}; see the server log, then pull again.",
                    )
                time.sleep(1.0)
                status = exports.get(project_id, snapshot.id).status
            path = f"{url}/api/projects/{project_id}/exports/{snapshot.id}/download"
            return _download(client, path, handle, retry_policy_of(client))
        finally:
            with contextlib.suppress(ApiError, httpx.HTTPError):
                exports.delete(project_id, snapshot.id)


def _download(client: LabelStudio, url: str, handle: BinaryIO, policy: RetryPolicy) -> int:
    """GET `url` into `handle`, chunk by chunk, retried by `policy` (a GET may
    be sent again); the bytes written. Errors leave as the SDK's (ApiError
    with the attempt headers) or httpx's (marked), for `client.api_call`."""
    wrapper = client._client_wrapper  # the SDK's auth: legacy token or refreshed PAT
    transport = httpx.HTTPTransport(proxy=proxy_for(url))
    with httpx.Client(
        transport=transport, timeout=TIMEOUT, follow_redirects=True, trust_env=False
    ) as http:
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= policy.attempts
            handle.seek(0)
            handle.truncate()
            try:
                with http.stream(
                    "GET", url, params={"exportType": "JSON"}, headers=wrapper.get_headers()
                ) as response:
                    if response.status_code in RETRY_STATUSES and not last:
                        time.sleep(policy.delay(attempt))
                        continue
                    if response.status_code >= 400:
                        raise _api_error(response, attempt)
                    written = 0
                    for chunk in response.iter_bytes(CHUNK):
                        handle.write(chunk)
                        written += len(chunk)
                    handle.flush()
                    return written
            except httpx.TransportError as exc:
                if last:
                    mark_attempts(exc, attempt, True)
                    raise
                time.sleep(policy.delay(attempt))


def _api_error(response: httpx.Response, attempt: int) -> ApiError:
    response.read()
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = response.text
    headers = {**response.headers, ATTEMPTS_HEADER: str(attempt), RETRYABLE_HEADER: "1"}
    return ApiError(status_code=response.status_code, headers=headers, body=body)
