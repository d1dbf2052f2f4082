"""Talking to Label Studio through its SDK: connect, find the project, export.

Every SDK or network failure leaves this module as a StudioError that says
which server, what we were doing and what to do about it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
from label_studio_sdk.client import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.types import (
    LseAnnotationFilterOptionsRequest,
    SerializationOptionRequest,
    SerializationOptionsRequest,
)

from nkcorpus.errors import StudioError

PROJECT_TITLE = "nk-defector-corpus"
DEFAULT_URL = "http://127.0.0.1:8080"
ENV_URL = "LABEL_STUDIO_URL"


def resolve_url(url: str | None = None) -> str:
    """`url`, else `$LABEL_STUDIO_URL`, else the `studio up` default; no trailing slash."""
    return (url or os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


def _describe(body: Any) -> str:
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("validation_errors") or body
        return json.dumps(detail, ensure_ascii=False)[:600]
    return str(body)[:600]


@contextlib.contextmanager
def api_call(url: str, action: str) -> Iterator[None]:
    """Turn SDK and network errors raised inside the block into StudioErrors."""
    try:
        yield
    except ApiError as exc:
        if exc.status_code in (401, 403):
            raise StudioError(
                "A111",
                f"Label Studio at {url} refused the API key while {action} "
                f"(HTTP {exc.status_code}: {_describe(exc.body)}). Set LABEL_STUDIO_API_KEY to a "
                "valid legacy token or personal access token of an admin of this server.",
            ) from exc
        raise StudioError(
            "A112",
            f"Label Studio at {url} failed while {action} "
            f"(HTTP {exc.status_code}): {_describe(exc.body)}",
        ) from exc
    except httpx.HTTPError as exc:
        raise StudioError(
            "A110",
            f"cannot reach Label Studio at {url} while {action} ({type(exc).__name__}: {exc}). "
            "Is `nkcorpus studio up` running? Otherwise pass --url or set LABEL_STUDIO_URL.",
        ) from exc
    except ValueError as exc:  # an answer the SDK cannot parse: not Label Studio?
        raise StudioError(
            "A112",
            f"unexpected answer from {url} while {action} ({type(exc).__name__}: {exc}); "
            "is this a Label Studio server?",
        ) from exc


def connect(url: str, api_key: str) -> LabelStudio:
    """An SDK client for `url`, checked by asking the server who we are.

    `api_key` may be a legacy token (sent as `Token ...`) or a personal access
    token, i.e. a JWT refresh token, which the SDK exchanges for short-lived
    access tokens (sent as `Bearer ...`) by itself.
    """
    with api_call(url, "connecting"):
        client = LabelStudio(base_url=url, api_key=api_key, timeout=120)
        client.users.whoami()
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
    """Every task of the project with all its annotations (including skipped and
    ground-truth ones) and full predictions: Label Studio's JSON export made
    through an export snapshot, which (unlike the quick export) can include
    predictions in full. The snapshot is deleted afterwards.

    Annotators appear by user id only. Drafts are draft ids unless `drafts`,
    since a full draft carries its author's e-mail address.
    """
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
            raw = b"".join(exports.download(project_id, snapshot.id, export_type="JSON"))
        finally:
            with contextlib.suppress(ApiError, httpx.HTTPError):
                exports.delete(project_id, snapshot.id)
    try:
        tasks = json.loads(raw)
    except ValueError as exc:
        raise StudioError(
            "A130", f"the export of project {project_id} on {url} is not JSON: {exc}"
        ) from exc
    if not isinstance(tasks, list):
        raise StudioError("A130", f"the export of project {project_id} is not a list of tasks")
    return tasks
