"""The server's environment keeps everything on the machine: no analytics, no
error reports, no other outside request; checked in the variables and in the
pages the real server sends a browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.credentials import Credentials
from nkcorpus.annotation.studio.preflight import server_env
from nkcorpus.annotation.studio.sync import sync_project
from tests.annotation.conftest import Annotator, Studio, make_task

ACCOUNT = Credentials(username="admin@example.org", password="pw-x", api_key="k" * 40)
OUTSIDE = "https://o1.ingest.sentry.io/1"


def test_server_env_switches_analytics_and_error_reports_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SENTRY_DSN", "LABEL_STUDIO_FRONTEND_SENTRY_DSN", "HEARTEX_SENTRY_DSN"):
        monkeypatch.setenv(name, OUTSIDE)  # what a user's shell might hold
    monkeypatch.setenv("LABEL_STUDIO_COLLECT_ANALYTICS", "true")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.org:3128")
    env = server_env(tmp_path, ACCOUNT)
    for prefix in ("LABEL_STUDIO_", ""):  # Label Studio reads the prefixed name first
        assert env[f"{prefix}COLLECT_ANALYTICS"] == "false"
        assert env[f"{prefix}SENTRY_DSN"] == env[f"{prefix}FRONTEND_SENTRY_DSN"] == ""
        assert env[f"{prefix}LATEST_VERSION_CHECK"] == "false"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        assert env[name] == "http://127.0.0.1:9"  # the server's own outside requests fail
    assert set(env["NO_PROXY"].split(",")) == {"127.0.0.1", "localhost", "::1"}
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path)


# Hosts of analytics and error reporting that Label Studio 1.23's templates and
# frontend know (Sentry, Google Analytics and Tag Manager), and common others.
TRACKERS = re.compile(
    r"sentry\.io|sentry-cdn|googletagmanager|google-analytics|analytics\.google|gtag\("
    r"|segment\.(io|com)|heapanalytics|heap\.io|mixpanel|hotjar|posthog|amplitude\.com"
    r"|intercom\.io|tele\.labelstud",
    re.IGNORECASE,
)
# A resource a browser loads by itself: script, style sheet, image, frame.
RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=[\"']?(?:https?:)?//([^/\"'>\s]+)",
    re.IGNORECASE,
)


def _tracking(page: str) -> list[str]:
    """Tracker names, and the hosts outside the machine that a page loads from."""
    found = {m.group(0) for m in TRACKERS.finditer(page)}
    found |= {
        host
        for host in RESOURCE.findall(page)
        if host.split(":")[0] not in {"127.0.0.1", "localhost", "[::1]"}
    }
    return sorted(found)


def test_the_page_check_finds_what_label_studio_would_configure() -> None:
    page = (
        '<script src="https://browser.sentry-cdn.com/5.17.0/bundle.min.js"></script>'
        '<link href="//fonts.example.org/a.css" rel="stylesheet">'
        '<img src="http://127.0.0.1:8080/static/x.png"><a href="https://labelstud.io/guide">'
    )
    assert _tracking(page) == ["browser.sentry-cdn.com", "fonts.example.org", "sentry-cdn"]
    assert _tracking("sentry_dsn: null, collect_analytics: false") == []


@pytest.mark.studio
def test_pages_configure_no_outside_analytics_or_error_reporting(
    studio: Studio, sign_up: Callable[[str], Annotator]
) -> None:
    client = connect(studio.url, studio.api_key)
    report = sync_project(
        client, studio.url, [make_task("tm1", "Text.")], title="nk-telemetry", withheld={}
    )
    annotator = sign_up("ann-telemetry")
    labeling = annotator.browser.get(f"/projects/{report.project_id}/data?labeling=1")
    assert labeling.status_code == 200 and "APP_SETTINGS" in labeling.text  # the app's page
    assert "sentry_dsn: null" in labeling.text
    assert "collect_analytics: false" in labeling.text
    assert _tracking(labeling.text) == []
    with httpx.Client(base_url=studio.url) as stranger:  # the pages before a login
        for path in ("/user/login/", "/user/signup/"):
            page = stranger.get(path)
            assert page.status_code == 200 and _tracking(page.text) == [], path
    tips = annotator.browser.get("/heidi-tips/")  # fetched by the server from GitHub
    assert tips.status_code != 200, "the server reached the outside for /heidi-tips/"
