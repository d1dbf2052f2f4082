"""Which requests are retried, how often, how patiently (a local fault server, no Label Studio)."""

from __future__ import annotations

import httpx
import pytest

from nkcorpus.annotation.studio.retry import (
    ATTEMPTS_HEADER,
    RETRYABLE_HEADER,
    RetryingTransport,
    RetryPolicy,
    attempts_of,
)
from tests.annotation.conftest import FaultServer, Rule, free_port


def _client(waits: list[float], policy: RetryPolicy | None = None) -> httpx.Client:
    return httpx.Client(transport=RetryingTransport(policy=policy, sleep=waits.append))


def test_retry_waits_double_up_to_the_cap_and_honour_retry_after() -> None:
    policy = RetryPolicy(attempts=7, base_delay=0.5, max_delay=8.0)
    assert [policy.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(1, retry_after=600.0) == 8.0


def test_retry_get_survives_a_503_and_a_body_that_breaks_off(fault_server: FaultServer) -> None:
    fault_server.rules = [Rule("GET", "/api/x", 503, times=1), Rule("GET", "/api/x", "drop", 1)]
    waits: list[float] = []
    with _client(waits) as client:
        response = client.get(f"{fault_server.url}/api/x")
    assert response.status_code == 200 and response.json() == {}
    assert response.headers[ATTEMPTS_HEADER] == "3"
    assert fault_server.count("GET") == 3
    assert waits == [0.5, 1.0]


def test_retry_gives_up_after_the_policy_attempts(fault_server: FaultServer) -> None:
    fault_server.rules = [Rule("GET", "/api/x", 500)]
    waits: list[float] = []
    with _client(waits) as client:
        response = client.get(f"{fault_server.url}/api/x")
    assert response.status_code == 500
    assert (response.headers[ATTEMPTS_HEADER], response.headers[RETRYABLE_HEADER]) == ("4", "1")
    assert fault_server.count("GET") == 4 and waits == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_retry_client_errors_are_answers(fault_server: FaultServer, status: int) -> None:
    fault_server.rules = [Rule("GET", "/api/x", status)]
    waits: list[float] = []
    with _client(waits) as client:
        assert client.get(f"{fault_server.url}/api/x").status_code == status
    assert fault_server.count("GET") == 1 and waits == []


def test_retry_post_that_may_have_arrived_is_never_resent(fault_server: FaultServer) -> None:
    fault_server.rules = [Rule("POST", "/import", "drop"), Rule("POST", "/create", 503)]
    waits: list[float] = []
    with _client(waits) as client:
        with pytest.raises(httpx.RemoteProtocolError) as dropped:
            client.post(f"{fault_server.url}/api/projects/1/import", json=[{"data": {}}])
        refused = client.post(f"{fault_server.url}/api/projects/create", json={})
    assert attempts_of(dropped.value) == (1, False)
    assert refused.status_code == 503 and refused.headers[RETRYABLE_HEADER] == "0"
    assert fault_server.count("POST") == 2 and waits == []


def test_retry_post_is_resent_when_nothing_was_sent() -> None:
    waits: list[float] = []
    with _client(waits) as client, pytest.raises(httpx.ConnectError) as refused:
        client.post(f"http://127.0.0.1:{free_port()}/api/projects/1/import", json=[])
    assert attempts_of(refused.value) == (4, True)
    assert waits == [0.5, 1.0, 2.0]


def test_retry_token_refresh_post_is_resent(fault_server: FaultServer) -> None:
    fault_server.rules = [Rule("POST", "/api/token/refresh/", 502, times=1)]
    with _client([]) as client:
        response = client.post(f"{fault_server.url}/api/token/refresh/", json={"refresh": "x"})
    assert response.status_code == 200 and fault_server.count("POST") == 2


def test_retry_patch_and_delete_are_resent(fault_server: FaultServer) -> None:
    fault_server.rules = [Rule("PATCH", ".", "drop", times=1), Rule("DELETE", ".", 504, times=1)]
    with _client([]) as client:
        assert client.patch(f"{fault_server.url}/api/projects/1", json={}).status_code == 200
        assert client.delete(f"{fault_server.url}/api/projects/1/exports/2").status_code == 200
    assert fault_server.count("PATCH") == 2 and fault_server.count("DELETE") == 2
