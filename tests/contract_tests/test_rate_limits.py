"""The client waits out 429 answers, against a small real loopback server, and gives up within its bound."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from contract_tests.http import Client, Policy, RateLimited, RateLimits, retry_after

PATH = "/v1/organizations/o/members/probe__x"


class Limiter(ThreadingHTTPServer):
    """Answers the next scripted statuses (429 with the given Retry-After, or None for none), then 404 JSON."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: list[tuple[int, str | None]] = []
        self.seen: list[float] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Limiter

    def do_DELETE(self) -> None:
        self.server.seen.append(time.monotonic())
        status, after = self.server.script.pop(0) if self.server.script else (404, None)
        body = b'{"error": "slow down"}' if status == 429 else b'{"error": "user probe__x is not a member of org o"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if after is not None:
            self.send_header("Retry-After", after)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def limiter() -> Iterator[Limiter]:
    server = Limiter()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_retry_after_seconds_and_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after("3") == 3 and retry_after(" 0.5 ") == 0.5 and retry_after("-4") == 0
    assert retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now) == 7
    assert retry_after(format_datetime(now - timedelta(seconds=7), usegmt=True), now) == 0
    assert retry_after(None) is None and retry_after("soon") is None and retry_after("") is None


def test_a_429_is_waited_out_and_the_same_request_sent_again(limiter: Limiter) -> None:
    limiter.script = [(429, "0.2"), (429, None), (429, "0")]
    client = Client(Policy(limiter.url), limits=RateLimits(backoff_s=0.1))
    response = client.delete(limiter.url + PATH)
    assert response.status_code == 404 and len(limiter.seen) == 4
    gaps = [b - a for a, b in zip(limiter.seen, limiter.seen[1:], strict=False)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.1  # Retry-After, then the back-off without one
    assert client.traffic.rate_limited == 3 and client.traffic.answered == 1
    assert client.sent["api"] == 4 and 0.3 <= client.traffic.waited_s < 1
    assert client.traffic.suggested_rate() is not None and not client.traffic.exhausted


def test_an_http_date_and_the_cap_on_each_wait(limiter: Limiter) -> None:
    later = datetime.now(UTC) + timedelta(seconds=3600)
    limiter.script = [(429, format_datetime(later, usegmt=True))]
    client = Client(Policy(limiter.url), limits=RateLimits(max_wait_s=0.3))
    started = time.monotonic()
    assert client.delete(limiter.url + PATH).status_code == 404
    assert 0.3 <= time.monotonic() - started < 2


def test_the_total_wait_is_bounded(limiter: Limiter) -> None:
    limiter.script = [(429, "0.2")] * 50
    client = Client(Policy(limiter.url), limits=RateLimits(budget_s=0.5, backoff_s=0.1))
    with pytest.raises(RateLimited, match="429"):
        client.delete(limiter.url + PATH)
    assert client.traffic.exhausted and client.traffic.rate_limited == 3 and client.traffic.waited_s <= 0.5
    assert client.traffic.suggested_rate() == 1  # nothing was answered
    assert client.traffic.rate_limited == len(limiter.seen)


def test_retry_after_zero_forever_still_ends(limiter: Limiter) -> None:
    limiter.script = [(429, "0")] * 100
    client = Client(Policy(limiter.url), limits=RateLimits(budget_s=0.3, backoff_s=0.05))
    with pytest.raises(RateLimited):
        client.delete(limiter.url + PATH)
    assert 2 < client.traffic.rate_limited < 20


def test_no_429_no_suggestion(limiter: Limiter) -> None:
    client = Client(Policy(limiter.url))
    assert client.delete(limiter.url + PATH).status_code == 404
    assert client.traffic.rate_limited == 0 and client.traffic.suggested_rate() is None


def test_traffic_is_plain_data_that_merges() -> None:
    from dataclasses import asdict

    from contract_tests.http import Traffic

    a = Traffic(answered=10, rate_limited=1, waited_s=0.5, first_s=100.0, last_s=101.0)
    b = Traffic(
        **asdict(Traffic(answered=10, rate_limited=2, waited_s=1.0, exhausted=True, first_s=100.5, last_s=102.0))
    )
    a.merge(b)
    assert (a.answered, a.rate_limited, a.waited_s, a.exhausted) == (20, 3, 1.5, True)
    assert a.suggested_rate() == 10  # 20 answers over 2 s
