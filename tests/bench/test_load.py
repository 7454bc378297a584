"""`bench.load`: reading wrk 4.1 `--latency` output and the Lua hook's status counts, and writing that hook."""

from __future__ import annotations

import re
import subprocess
from typing import cast

import pytest

from bench.load import LoadResult, finish_wrk, lua_script, parse_wrk
from bench.scenarios import Scenario
from bench.settings import BenchError

# A clean stub run on the Recoup 200 path, as wrk 4.1 prints it (the bench-status lines come from the hook's done()).
CLEAN_200 = """\
Running 10s test @ http://127.0.0.1:40123/api/organizations/members?organization_id=org-1&account_id=acc-9
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.21ms    1.05ms  22.10ms   89.12%
    Req/Sec     7.85k   512.33     8.90k    71.00%
  Latency Distribution
     50%    3.02ms
     75%    3.51ms
     90%    4.20ms
     99%    7.85ms
  156234 requests in 10.00s, 22.35MB read
Requests/sec:  15617.40
Transfer/sec:      2.23MB
bench-status 200 156234
"""

# The Recoup 403 path with trouble: socket errors, and some 500s among the expected 403s.
TROUBLED_403 = """\
Running 10s test @ http://127.0.0.1:40125/api/organizations/members?organization_id=org-2&account_id=acc-9
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   610.33us  402.17us  15.02ms   92.40%
    Req/Sec    12.10k     1.02k   14.20k    68.50%
  Latency Distribution
     50%  512.00us
     75%  701.00us
     90%  980.00us
     99%    2.10ms
  240812 requests in 10.10s, 41.57MB read
  Socket errors: connect 1, read 12, write 0, timeout 3
  Non-2xx or 3xx responses: 240812
Requests/sec:  23842.77
Transfer/sec:      4.12MB
bench-status 500 17
bench-status 403 240795
"""

# A slow server (Prism-like): latencies in seconds; wrk pads a one-letter unit with a trailing space.
SLOW_200 = (
    "Running 10s test @ http://127.0.0.1:40127/api/organizations/members?organization_id=org-1&account_id=acc-9\n"
    "  2 threads and 50 connections\n"
    "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
    "    Latency   870.41ms  210.02ms   1.98s    75.00%\n"
    "    Req/Sec    30.12     12.40    60.00     66.00%\n"
    "  Latency Distribution\n"
    "     50%  850.12ms\n"
    "     75%  990.00ms\n"
    "     90%     1.20s \n"
    "     99%     1.42s \n"
    "  571 requests in 10.10s, 101.23KB read\n"
    "Requests/sec:     56.54\n"
    "Transfer/sec:     10.02KB\n"
    "bench-status 200 571\n"
)

# A ten-minute soak: wrk writes the duration in minutes.
SOAK_200 = """\
Running 10m test @ http://127.0.0.1:40129/api/organizations/members?organization_id=org-1&account_id=acc-9
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.40ms    1.21ms  48.00ms   90.02%
    Req/Sec     7.41k   601.00     9.02k    70.11%
  Latency Distribution
     50%    3.20ms
     75%    3.80ms
     90%    4.60ms
     99%    9.10ms
  8891234 requests in 10.00m, 1.24GB read
Requests/sec:  14818.72
Transfer/sec:      2.12MB
bench-status 200 8891234
"""


def scenario(method: str = "DELETE", headers: tuple[tuple[str, str], ...] = ()) -> Scenario:
    return Scenario("recoup_200", "Recoup 200 (removal)", method, "/api/organizations/members?x=1", headers, 200)


def wrk_output(*, p50: str, p99: str, duration: str = "10.00s") -> str:
    """CLEAN_200 with other figures, the percentile lines padded exactly as wrk's print_units pads them."""

    def line(pct: int, value: str) -> str:
        pad = 2 - sum(1 for c in value[-2:] if c.isalpha())
        return f"{pct:>7}%" + value.rjust(10 - pad) + " " * pad

    text = CLEAN_200.replace("     50%    3.02ms", line(50, p50)).replace("     99%    7.85ms", line(99, p99))
    return text.replace("in 10.00s,", f"in {duration},")


def test_clean_run() -> None:
    result = parse_wrk(CLEAN_200, 200)
    assert result == LoadResult(
        requests=156234,
        seconds=10.0,
        rps=15617.40,
        p50_ms=3.02,
        p99_ms=7.85,
        socket_errors=0,
        statuses={200: 156234},
        expected=200,
    )
    assert (result.unexpected, result.errors) == (0, 0)


def test_requests_per_second_comes_from_the_summary_not_the_thread_table() -> None:
    # The Req/Sec row (7.85k per thread) and the average latency (3.21ms) must not be taken for the figures.
    result = parse_wrk(CLEAN_200, 200)
    assert result.rps == 15617.40
    assert result.p50_ms == 3.02


def test_socket_errors_and_unexpected_statuses_are_errors() -> None:
    result = parse_wrk(TROUBLED_403, 403)
    assert result.requests == 240812
    assert result.seconds == 10.1
    assert result.rps == 23842.77
    assert (result.p50_ms, result.p99_ms) == (0.512, 2.1)
    assert result.socket_errors == 1 + 12 + 0 + 3
    assert result.statuses == {403: 240795, 500: 17}
    assert result.unexpected == 17
    assert result.errors == 16 + 17


def test_the_expected_status_decides_what_is_an_error() -> None:
    # Wrk's own "Non-2xx or 3xx responses" line is not what counts: a 403 run of all 403s is clean.
    as_403 = parse_wrk(TROUBLED_403.replace("bench-status 500 17\n", ""), 403)
    assert as_403.unexpected == 0
    assert as_403.errors == as_403.socket_errors == 16
    as_200 = parse_wrk(CLEAN_200, 404)
    assert as_200.unexpected == 156234
    assert as_200.errors == 156234


def test_latency_in_seconds() -> None:
    result = parse_wrk(SLOW_200, 200)
    assert result.p50_ms == 850.12
    assert result.p99_ms == 1420.0
    assert result.rps == 56.54
    assert result.requests == 571


def test_duration_in_minutes() -> None:
    result = parse_wrk(SOAK_200, 200)
    assert result.seconds == 600.0
    assert result.requests == 8891234
    assert result.statuses == {200: 8891234}


@pytest.mark.parametrize(
    ("value", "ms"),
    [("412.00us", 0.412), ("7.85ms", 7.85), ("1.42s", 1420.0), ("1.05m", 63_000.0), ("0.00us", 0.0)],
)
def test_percentile_units(value: str, ms: float) -> None:
    result = parse_wrk(wrk_output(p50="1.00ms", p99=value), 200)
    assert result.p99_ms == pytest.approx(ms)
    assert result.p50_ms == 1.0


@pytest.mark.parametrize(("duration", "seconds"), [("999.00ms", 0.999), ("10.10s", 10.1), ("1.50m", 90.0)])
def test_duration_units(duration: str, seconds: float) -> None:
    assert parse_wrk(wrk_output(p50="1.00ms", p99="2.00ms", duration=duration), 200).seconds == seconds


def test_no_status_lines_means_no_status_counts() -> None:
    result = parse_wrk(CLEAN_200.replace("bench-status 200 156234\n", ""), 200)
    assert result.statuses == {}
    assert result.errors == 0


def test_status_lines_must_stand_alone() -> None:
    text = CLEAN_200 + "note: bench-status 500 3\nbench-status 500 3 extra\n"
    assert parse_wrk(text, 200).statuses == {200: 156234}


def test_output_without_a_summary_is_refused() -> None:
    with pytest.raises(BenchError, match="cannot read wrk's output"):
        parse_wrk("unable to connect to 127.0.0.1:40123 Connection refused\n", 200)
    with pytest.raises(BenchError, match="cannot read wrk's output"):
        parse_wrk(CLEAN_200.replace("Requests/sec:  15617.40\n", ""), 200)


def test_output_without_latency_distribution_is_refused() -> None:
    lost = re.sub(r"  Latency Distribution\n(?:\s+\d+%.*\n)+", "", CLEAN_200)
    assert "50%" not in lost
    with pytest.raises(BenchError, match="no 50% latency line"):
        parse_wrk(lost, 200)
    with pytest.raises(BenchError, match="no 99% latency line"):
        parse_wrk(CLEAN_200.replace("     99%    7.85ms\n", ""), 200)


def test_load_result_json() -> None:
    data = parse_wrk(TROUBLED_403, 403).to_json()
    assert data["statuses"] == {"403": 240795, "500": 17}
    assert list(data["statuses"]) == ["403", "500"]
    assert data["errors"] == 33
    assert data["socket_errors"] == 16
    assert data["expected"] == 403
    assert data["p50_ms"] == 0.512


def test_lua_script_sets_method_and_headers() -> None:
    script = lua_script(scenario("DELETE", (("x-api-key", "recoup_sk_1"), ("Authorization", "Bearer t0k"))))
    lines = script.splitlines()
    assert lines[0] == 'wrk.method = "DELETE"'
    assert 'wrk.headers["x-api-key"] = "recoup_sk_1"' in lines
    assert 'wrk.headers["Authorization"] = "Bearer t0k"' in lines
    assert "{{" not in script and "}}" not in script
    assert "function init(args) counts = {} end" in lines
    assert "function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end" in lines


def test_lua_script_without_headers() -> None:
    script = lua_script(scenario("GET"))
    assert script.startswith('wrk.method = "GET"\n')
    assert "wrk.headers" not in script


def test_lua_script_escapes_strings() -> None:
    script = lua_script(scenario("DELETE", (("x-note", 'a"b\\c\nd'),)))
    assert 'wrk.headers["x-note"] = "a\\"b\\\\c\\nd"' in script.splitlines()


def test_lua_hook_output_is_what_the_parser_reads() -> None:
    script = lua_script(scenario())
    found = re.search(r'io\.write\(string\.format\("(.*?)\\n", s, n\)\)', script)
    assert found is not None, script
    hook = found.group(1)
    assert hook == "bench-status %d %d"
    summary = CLEAN_200.replace("bench-status 200 156234\n", "")
    text = summary + "".join(hook % (s, n) + "\n" for s, n in ((200, 156000), (429, 200), (503, 34)))
    result = parse_wrk(text, 200)
    assert result.statuses == {200: 156000, 429: 200, 503: 34}
    assert result.errors == 234


class FakeWrk:
    def __init__(self, out: str, err: str = "", code: int = 0, *, hang: bool = False) -> None:
        self.out, self.err, self.returncode, self.hang = out, err, code, hang
        self.timeout: float | None = None

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        self.timeout = timeout
        if self.hang:
            raise subprocess.TimeoutExpired("wrk", timeout or 0)
        return self.out, self.err


def test_finish_wrk_reads_the_output() -> None:
    proc = FakeWrk(TROUBLED_403)
    result = finish_wrk(cast("subprocess.Popen[str]", proc), seconds=10, expected=403)
    assert result.errors == 33
    assert proc.timeout == 70


def test_finish_wrk_reports_a_failed_wrk() -> None:
    proc = FakeWrk("", "unable to connect to 127.0.0.1:40123 Connection refused\n", 1)
    with pytest.raises(BenchError, match=r"wrk failed \(exit 1\): unable to connect to 127\.0\.0\.1:40123"):
        finish_wrk(cast("subprocess.Popen[str]", proc), seconds=10, expected=200)


def test_finish_wrk_gives_up_on_a_hung_wrk() -> None:
    proc = FakeWrk("", hang=True)
    with pytest.raises(BenchError, match="did not finish within 65 s"):
        finish_wrk(cast("subprocess.Popen[str]", proc), seconds=5, expected=200)
