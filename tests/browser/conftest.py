"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, a
fresh Label Studio with the project synced from `annotation/tasks.json`, and
one browser context per user, whose every request is recorded (requests to
anything but the loopback are recorded and aborted, so nothing leaves the
machine). On a failure every open page is saved as a screenshot under a
tmp folder whose path is printed.

Without /usr/bin/chromium or the Label Studio server the tests skip, or fail
when $CI is set (`make browser-env` installs the browser)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright

from nkcorpus.annotation.studio.client import PROJECT_TITLE, connect, find_project
from nkcorpus.annotation.studio.credentials import load_or_create_credentials
from nkcorpus.annotation.studio.server import running_studio
from nkcorpus.annotation.studio.sync import sync_project
from nkcorpus.annotation.studio.tasks_file import read_tasks
from tests.annotation.conftest import free_port, label_studio_binary
from tests.browser.labeling_config import LabelingConfig, parse_label_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
LOOPBACK_NAMES = {"localhost", "::1"}
NETWORK_SCHEMES = {"http", "https", "ws", "wss"}
ROOT = Path(__file__).resolve().parents[2]


def _skip_or_fail(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def is_loopback(url: str) -> bool:
    """Whether `url` stays on this machine (data:, blob: and about: URLs do)."""
    parts = urlsplit(url)
    if parts.scheme not in NETWORK_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    return host in LOOPBACK_NAMES or host.startswith("127.")


@dataclass
class RequestLog:
    """Every request of one browser context; those to outside hosts were aborted."""

    urls: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._record)
        context.route(lambda url: not is_loopback(url), lambda route: route.abort())

    def _record(self, request: Request) -> None:
        self.urls.append(request.url)

    @property
    def outside(self) -> list[str]:
        return [u for u in self.urls if not is_loopback(u)]


@dataclass(frozen=True)
class LabelingServer:
    """A Label Studio with the project of `annotation/tasks.json`."""

    url: str
    api_key: str
    project_id: int
    config: LabelingConfig
    tasks: dict[str, dict[str, Any]]  # doc_id -> task data as imported

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Token {self.api_key}"}
        response = httpx.request(method, self.url + path, headers=headers, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()

    def doc(self, prefix: str) -> dict[str, Any]:
        """The task data of the document whose doc_id starts with `prefix`."""
        [found] = [d for doc_id, d in self.tasks.items() if doc_id.startswith(prefix)]
        return found


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        _skip_or_fail(f"{CHROMIUM} is missing: run `make browser-env` (Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def labeling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelingServer]:
    """A fresh server, synced as `nkcorpus studio up` does."""
    binary = label_studio_binary()
    data_dir = tmp_path_factory.mktemp("label-studio-browser")
    credentials, _ = load_or_create_credentials(data_dir, env={})
    with running_studio(
        "127.0.0.1", free_port(), data_dir, credentials, binary=binary, timeout=240
    ) as server:
        client = connect(server.url, credentials.api_key)
        tasks = read_tasks(ROOT / "annotation" / "tasks.json")
        sync_project(client, server.url, tasks)
        project_id = find_project(client, server.url, PROJECT_TITLE)
        assert project_id is not None
        project = client.projects.get(project_id)
        yield LabelingServer(
            url=server.url,
            api_key=credentials.api_key,
            project_id=project_id,
            config=parse_label_config(project.label_config or ""),
            tasks={t["data"]["doc_id"]: t["data"] for t in tasks},
        )


@dataclass
class Users:
    """Opens one browser context per user; remembers every page for screenshots."""

    browser: Browser
    requests: RequestLog = field(default_factory=RequestLog)
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)

    def page(self, name: str) -> Page:
        context = self.browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        self.requests.attach(context)
        self.contexts.append(context)
        self.pages[name] = context.new_page()
        return self.pages[name]

    def screenshots(self, folder: Path) -> list[Path]:
        saved = []
        for name, page in self.pages.items():
            path = folder / f"{name}.png"
            try:
                page.screenshot(path=str(path), full_page=False)
            except Exception as exc:  # a crashed page must not hide the real failure
                path.with_suffix(".txt").write_text(f"no screenshot: {exc}\n")
            saved.append(path)
        return saved


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def users(
    chromium: Browser, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Users]:
    opened = Users(chromium)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = tmp_path_factory.mktemp("browser-failure")
        opened.screenshots(folder)
        print(f"\nbrowser screenshots of the failure: {folder}")
    for context in opened.contexts:
        context.close()


@pytest.fixture
def docs_screenshot() -> Callable[[Page, str], None]:
    """Save a small PNG of the page for the README, only when
    $NKCORPUS_DOCS_SCREENSHOTS names a folder (e.g. docs)."""
    folder = os.environ.get("NKCORPUS_DOCS_SCREENSHOTS")

    def save(page: Page, name: str) -> None:
        if not folder:
            return
        from PIL import Image

        path = Path(folder) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=128)
        small.save(path, optimize=True)
        print(f"saved {path} ({path.stat().st_size // 1024} KiB)")

    return save
