"""Concurrent annotators: a load test of a Label Studio server (issue 15).

`run_annotator_load` makes a fresh project with `studio sync`'s own code (the
real labeling config, one annotator per task), signs `clients` accounts up
through the organization's invite link (Label Studio Community has no roles:
every member may annotate), and gives each its own thread and HTTP client with
its own legacy token. In `mode="queue"` (the default) they race through Label
Studio's own queue, `GET /api/projects/{id}/next` (what *Label All Tasks*
serves; it locks each task it serves to its user), submitting one annotation
per task served until the queue answers 404 for them. `mode="shares"` gives
each client every `clients`-th task by id instead, without the queue. Every
annotation is a PERSON region with its required roles whose region id is a
marker naming the run, client and submission (`load_report.MARKER`).

Bounded: loopback servers only (A160), a timeout per request, a deadline for
the run and a cap on requests per client (A161 for bad bounds). Requests go
through `retry.RetryingTransport`: a GET is retried after a transient fault, a
submission is never re-sent once it may have arrived. Afterwards the project
is pulled by `studio pull`'s code (`pull.pull_project`) and the file it wrote
is checked against what was sent (`load_report.verify_export`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import api_call, connect
from nkcorpus.annotation.studio.load_report import (
    Kind,
    LoadReport,
    Mode,
    RequestRecord,
    Submission,
    run_prefix,
    verify_export,
)
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.retry import RetryingTransport, attempts_in, attempts_of
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.errors import StudioError

TEXT = "Load task {n}: Kim Young-il crossed the border at night."
FRAGMENT = "Kim Young-il"
MAX_CLIENTS = 64
MAX_TASKS = 100_000
GIVE_UP_AFTER = 5  # failures in a row before a queue client stops


@dataclass(frozen=True)
class LoadAccount:
    """An annotator account of the load; its token is never shown."""

    email: str
    user_id: int
    token: str = field(repr=False)


def check_loopback(url: str) -> None:
    """Refuse (A160) a server that is not on this machine's loopback."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise StudioError(
            "A160",
            f"the load test runs only against a server on this machine's loopback, not {url!r}; "
            "start one with `nkcorpus studio up` and pass its http://127.0.0.1:PORT URL.",
        )


def check_bounds(tasks: int, clients: int, request_timeout: float, deadline: float) -> None:
    """Refuse (A161) every out-of-range bound at once."""
    bad = []
    if not 1 <= tasks <= MAX_TASKS:
        bad.append(f"tasks {tasks!r} (1 to {MAX_TASKS})")
    if not 1 <= clients <= MAX_CLIENTS:
        bad.append(f"clients {clients!r} (1 to {MAX_CLIENTS})")
    if not request_timeout > 0:
        bad.append(f"request timeout {request_timeout!r} s (above 0)")
    if not deadline > 0:
        bad.append(f"deadline {deadline!r} s (above 0)")
    if bad:
        raise StudioError("A161", "load test bounds out of range: " + "; ".join(bad))


def load_task(n: int) -> dict[str, Any]:
    """Task `n` of a load project, in the shape of `annotation/tasks.json`."""
    text = TEXT.format(n=n)
    data = {"text": text, "doc_id": f"load-{n:05d}", "title": f"Load task {n}"}
    data["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {"data": data, "predictions": []}


def load_result(marker: str, text: str) -> list[dict[str, Any]]:
    """A PERSON region over FRAGMENT of `text` with its required roles, its id `marker`.

    >>> [r["value"]["text"] for r in load_result("m", TEXT.format(n=1))]
    ['Kim Young-il', 'Kim Young-il']
    """
    start = text.index(FRAGMENT)
    value = {"start": start, "end": start + len(FRAGMENT), "text": FRAGMENT}
    base = {"id": marker, "to_name": "text", "origin": "manual"}
    labels = {**value, "labels": ["PERSON"]}
    roles = {**value, "choices": ["defector"]}
    return [
        {**base, "from_name": "label", "type": "labels", "value": labels},
        {**base, "from_name": "roles", "type": "choices", "value": roles},
    ]


def sign_up_annotators(admin: LabelStudio, url: str, count: int, run: str) -> list[LoadAccount]:
    """`count` new accounts signed up through the organization's invite link (read
    with the `admin` client), as a person does, each with its legacy API token
    (read in its own session). Raises StudioError A160 off loopback, A11x when
    the server cannot be reached or refuses."""
    check_loopback(url)
    with api_call(url, "reading the invite link"):
        link = str(admin.organizations.invites.get_invite_link().invite_url)
    accounts = []
    for n in range(count):
        email = f"{run_prefix(run)}{n}@example.org"
        with (
            api_call(url, f"signing load annotator {email} up"),
            httpx.Client(base_url=url, timeout=60, trust_env=False) as browser,
        ):
            browser.get(link)
            form = {"csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""), "email": email}
            form["password"] = os.urandom(12).hex()  # never used again
            signed = browser.post(link, data=form, headers={"Referer": f"{url}{link}"})
            token = browser.get("/api/current-user/token")
            me = browser.get("/api/current-user/whoami")
            if (signed.status_code, token.status_code, me.status_code) != (302, 200, 200):
                raise StudioError(
                    "A112",
                    f"signing load annotator {email} up on {url} failed (sign-up HTTP "
                    f"{signed.status_code}, token {token.status_code}); see the server log.",
                )
            accounts.append(LoadAccount(email, int(me.json()["id"]), str(token.json()["token"])))
    return accounts


class _Client:
    """One annotator: its own HTTP client, requests and submissions."""

    def __init__(self, n: int, account: LoadAccount, url: str, run: str, timeout: float) -> None:
        self.n, self.account, self.run = n, account, run
        self.http = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Token {account.token}"},
            timeout=timeout,
            transport=RetryingTransport(httpx.HTTPTransport()),
            trust_env=False,
        )
        self.records: list[RequestRecord] = []
        self.sent: list[Submission] = []

    def _request(self, kind: Kind, task: int | None, path: str, **body: Any) -> httpx.Response:
        """Send and record; raises httpx.HTTPError after recording it."""
        started = time.perf_counter()
        method, want = ("POST", 201) if kind == "submit" else ("GET", 200)
        try:
            response = self.http.request(method, path, **body)
        except httpx.HTTPError as exc:
            took = time.perf_counter() - started
            attempts = attempts_of(exc)[0]
            error = type(exc).__name__
            self.records.append(RequestRecord(self.n, kind, task, None, took, attempts, error))
            raise
        took, attempts = time.perf_counter() - started, attempts_in(response.headers)[0]
        status = response.status_code
        fine = status == want or (kind == "next" and status == 404)
        error = "" if fine else f"HTTP {status}"
        self.records.append(RequestRecord(self.n, kind, task, status, took, attempts, error))
        return response

    def submit(self, project_id: int, task: int, text: str) -> bool:
        """Submit one annotation of `task`; whether the server confirmed it."""
        marker = f"{run_prefix(self.run)}c{self.n}-{len(self.sent)}"
        body = {"result": load_result(marker, text), "lead_time": 1.0}
        path = f"/api/tasks/{task}/annotations/?project={project_id}"
        try:
            confirmed = self._request("submit", task, path, json=body).status_code == 201
        except httpx.HTTPError:
            confirmed = False
        self.sent.append(Submission(self.n, task, self.account.user_id, marker, confirmed))
        return confirmed

    def run_queue(self, project_id: int, end: float, cap: int) -> None:
        """Take tasks from the project's queue until it has none left for us."""
        failures = 0
        while time.monotonic() < end and len(self.records) < cap and failures < GIVE_UP_AFTER:
            try:
                response = self._request("next", None, f"/api/projects/{project_id}/next")
            except httpx.HTTPError:
                failures += 1
                continue
            if response.status_code == 404:
                return
            if response.status_code != 200:
                failures += 1
                continue
            try:
                task = response.json()
                task_id, text = int(task["id"]), str(task["data"]["text"])
            except (ValueError, KeyError, TypeError):
                self.records[-1] = replace(self.records[-1], error="not a task")
                failures += 1
                continue
            done = self.submit(project_id, task_id, text)
            failures = 0 if done else failures + 1

    def run_shares(self, project_id: int, share: Sequence[tuple[int, str]], end: float) -> None:
        """Annotate the tasks of `share` in order."""
        for task, text in share:
            if time.monotonic() >= end:
                return
            self.submit(project_id, task, text)


def make_load_project(
    admin: LabelStudio, url: str, title: str, tasks: int
) -> tuple[int, list[tuple[int, str]]]:
    """Project `title` with `tasks` load tasks, made by `studio sync`'s code (the
    real labeling config) with one annotator per task; its id and (task id, text)
    of every task, in id order."""
    made = sync_project(
        admin,
        url,
        [load_task(n) for n in range(tasks)],
        title=title,
        annotators=1,
        withheld={},
        guidelines="A load test of concurrent annotators.",
    )
    with api_call(url, f"listing the tasks of project {made.project_id}"):
        listed = admin.tasks.list(project=made.project_id, page_size=500, fields="task_only")
        return made.project_id, sorted((int(t.id), str((t.data or {})["text"])) for t in listed)


def run_annotator_load(
    url: str,
    api_key: str,
    out_dir: Path,
    *,
    tasks: int = 500,
    clients: int = 8,
    mode: Mode = "queue",
    accounts: Sequence[LoadAccount] | None = None,
    request_timeout: float = 60.0,
    deadline: float = 1800.0,
) -> LoadReport:
    """Make project `nk-load-<run>` with `tasks` tasks, let `clients` annotators
    (new accounts unless `accounts` are given) annotate it at once, then pull it
    into `out_dir` and check the pull. Raises StudioError A160 for a URL off
    loopback and A161 for bad bounds; failed requests are recorded, not raised."""
    check_loopback(url)
    check_bounds(tasks, clients, request_timeout, deadline)
    if accounts is not None and len(accounts) < clients:
        raise StudioError("A161", f"{clients} clients need {clients} accounts, got {len(accounts)}")
    run = os.urandom(4).hex()
    admin, title = connect(url, api_key), f"nk-load-{run}"
    project_id, listed = make_load_project(admin, url, title, tasks)
    accounts = list(accounts or sign_up_annotators(admin, url, clients, run))
    workers = [_Client(n, accounts[n], url, run, request_timeout) for n in range(clients)]
    start, end = threading.Barrier(clients + 1), time.monotonic() + deadline

    def work(client: _Client) -> None:
        start.wait()
        if mode == "queue":
            client.run_queue(project_id, end, cap=4 * tasks + 10)
        else:
            client.run_shares(project_id, listed[client.n :: clients], end)

    try:
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(work, client) for client in workers]
            start.wait()
            began = time.perf_counter()
            for future in futures:
                future.result()
            seconds = time.perf_counter() - began
    finally:
        for client in workers:
            client.http.close()
    pulled = pull_project(admin, url, out_dir, title=title, reviewers=frozenset())
    exported = json.loads(pulled.path.read_text(encoding="utf-8"))
    sent = tuple(s for client in workers for s in client.sent)
    requests = tuple(r for client in workers for r in client.records)
    checked = verify_export(exported, sent, run)
    return LoadReport(url, project_id, mode, clients, seconds, requests, sent, checked, pulled.path)
