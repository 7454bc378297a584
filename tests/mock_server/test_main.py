"""`python -m mock_server` as a user runs it: the banner, startup errors, and stopping with Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_tests.config import TARGET_VARIABLES, target_values
from tests.mock_server import demo

ROOT = Path(__file__).resolve().parents[2]
CONTROL_VARIABLES = (
    "HOST",
    "PORT",
    "SEED",
    "ADMIN_TOKEN",
    "JOURNAL_SIZE",
    "ACCESS_LOG",
    "STORE",
    "STORE_PREFIX",
    "RESEED",
)


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONTROL_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **extra}


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the stub expecting it to exit on its own (a startup error)."""
    return subprocess.run(
        [sys.executable, "-m", "mock_server", *args],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=30,
    )


class Server:
    """The stub in a child process; `banner` holds what it printed up to 'Press Ctrl-C to stop.'."""

    def __init__(self, *args: str, **env: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mock_server", *args],
            cwd=ROOT,
            env=environment(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.banner = self._read_until("Press Ctrl-C to stop.")
        self.url = self.banner[0].split(" listening on ", 1)[1].split()[0]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _read_until(self, last: str, timeout: float = 20) -> list[str]:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while not lines or lines[-1] != last:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                self.process.wait(timeout=5)
                raise AssertionError(f"the stub exited early: {lines} {self.stderr()}")
            lines.append(line)
        return lines

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, list[str], str]:
        """Send `sig`; the exit code, the rest of stdout, and stderr."""
        self.process.send_signal(sig)
        code = self.process.wait(timeout=15)
        rest = []
        while (line := self._lines.get(timeout=5)) is not None:
            rest.append(line)
        return code, rest, self.stderr()

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read() if self.process.poll() is not None else ""

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.kill()


def start(servers: list[Server], *args: str, **env: str) -> Server:
    server = Server(*args, **env)
    servers.append(server)
    return server


def test_the_banner_serves_and_ctrl_c_stops_cleanly(servers: list[Server]) -> None:
    server = start(servers, "--host", "127.0.0.1", "--port", "0")
    banner = server.banner
    assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":0")
    assert f"  API docs (Recoup, Turso, control API): {server.url}/docs/" in banner
    assert "(loopback callers only)" in banner[3]
    exports = [line for line in banner if line.startswith("export ")]
    for name, value in demo.DEMO_VARIABLES.items():
        assert f"export {name}={value}" in exports  # `export NAME=value` on a line of its own
    # pasted into a shell, the lines set exactly the variables `make contract URL=...` reads
    shell = subprocess.run(
        ["bash", "-c", "\n".join([*exports, "env"])], env=environment(), capture_output=True, text=True, timeout=10
    )
    pasted = dict(line.split("=", 1) for line in shell.stdout.splitlines() if "=" in line)
    values, _ = target_values(pasted)
    assert values == {k: v for k, v in demo.DEMO_VARIABLES.items() if k in TARGET_VARIABLES}
    assert len(values) == len(TARGET_VARIABLES)
    curls = [line.strip() for line in banner if line.strip().startswith("curl ")]
    assert any(f"{server.url}/api/organizations/members?organization_id={demo.ORG}" in c for c in curls)
    assert any(f"{server.url}/v1/organizations/demo-org/members/bob" in c for c in curls)

    # what the banner advertises works
    assert httpx.get(f"{server.url}/", timeout=5).json()["service"] == "recoup-turso-stub"
    assert httpx.get(f"{server.url}/docs/", timeout=5).status_code == 200
    removal = httpx.delete(
        f"{server.url}/v1/organizations/demo-org/members/bob", headers=demo.bearer(demo.OWNER_TOKEN), timeout=5
    )
    assert removal.json() == {"member": "bob"}

    code, rest, stderr = server.stop(signal.SIGINT)
    assert code == 0, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert rest == ["stub stopped."]


def test_environment_variables_configure_the_stub_and_sigterm_stops_it(servers: list[Server], tmp_path: Path) -> None:
    seed = tmp_path / "small.yaml"
    seed.write_text(
        "turso:\n  users: [{username: solo, tokens: [solo-token]}, {username: x}]\n"
        "  organizations: [{slug: tiny, members: [{username: solo, role: owner}, {username: x, role: member}]}]\n"
        "demo: {TURSO_TOKEN: solo-token, TURSO_ORG: tiny, TURSO_DISPOSABLE_MEMBER: x}\n",
        encoding="utf-8",
    )
    server = start(servers, HOST="127.0.0.1", PORT="0", SEED=str(seed), ADMIN_TOKEN="adm1n")
    assert f"(seed: {seed})" in server.banner[0]
    assert "every caller sends Authorization: Bearer $ADMIN_TOKEN" in server.banner[3]
    assert "export TURSO_ORG=tiny" in server.banner
    assert not any(line.startswith(("RECOUP_", "export RECOUP_")) for line in server.banner)
    assert any(f"{server.url}/v1/organizations/tiny/members/x" in line for line in server.banner)
    assert httpx.get(f"{server.url}/__admin", timeout=5).status_code == 401
    assert httpx.get(f"{server.url}/__admin", headers=demo.bearer("adm1n"), timeout=5).status_code == 200

    code, rest, stderr = server.stop(signal.SIGTERM)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert rest == ["stub stopped."]


def test_on_all_interfaces_the_banner_says_so_and_that_the_control_api_stays_loopback_only(
    servers: list[Server],
) -> None:
    server = start(servers, HOST="0.0.0.0", PORT="0")
    assert server.url.startswith("http://127.0.0.1:")
    assert server.banner[0].startswith(
        f"Recoup + Turso stub listening on {server.url} and on every interface (HOST=0.0.0.0; other hosts use "
    )
    assert server.banner[3].endswith(
        "(still loopback callers only: other hosts get 403 unless the stub has ADMIN_TOKEN)"
    )
    assert httpx.get(f"{server.url}/__admin", timeout=5).status_code == 200  # this machine is loopback
    assert httpx.get(f"{server.url}/", timeout=5).status_code == 200
    code, _, stderr = server.stop(signal.SIGINT)
    assert code == 0, stderr


def test_help_lists_every_variable() -> None:
    done = run("--help")
    assert done.returncode == 0, done.stderr
    for name in CONTROL_VARIABLES:
        assert f"\n  {name} " in done.stdout, name
    for flag in ("--host", "--port", "--seed", "--journal-size", "--access-log"):
        assert flag in done.stdout


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_a_missing_seed_file_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(run("--seed", str(tmp_path / "nope.yaml"), "--port", "0"))
    assert line == f"error: seed file {tmp_path / 'nope.yaml'} does not exist"


def test_an_invalid_yaml_seed_is_one_line(tmp_path: Path) -> None:
    seed = tmp_path / "broken.yaml"
    seed.write_text("recoup: [unclosed\n", encoding="utf-8")
    line = one_line_error(run("--port", "0", SEED=str(seed)))
    assert line.startswith(f"error: seed file {seed} is not valid YAML at line ")


def test_an_invalid_seed_is_one_line_naming_the_location(tmp_path: Path) -> None:
    seed = tmp_path / "bad.yaml"
    seed.write_text("recoup:\n  accounts:\n    - id: not-a-uuid\n", encoding="utf-8")
    line = one_line_error(run("--seed", str(seed), "--port", "0"))
    assert line == f"error: seed file {seed}, line 3: recoup.accounts[0].id: 'not-a-uuid' is not a hyphenated UUID"


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            "  - {operation: tursoRemoveOrganizationMember, status: 503, times: 0}",
            "faults[0].times: must be a whole number from 1 to",
        ),
        (
            "  - {operation: tursoRemoveOrganizationMember, delay_ms: 5}\n  - {operation: removeMember, status: 503}",
            "faults[1].operation: unknown operation 'removeMember'; known: recoupAddOrganizationMember, ",
        ),
    ],
)
def test_invalid_seed_faults_are_one_line_naming_the_rule(tmp_path: Path, rules: str, message: str) -> None:
    seed = tmp_path / "faults.yaml"
    seed.write_text(f"recoup: {{}}\nfaults:\n{rules}\n", encoding="utf-8")
    line = one_line_error(run("--seed", str(seed), "--port", "0"))
    assert line.startswith(f"error: seed file {seed}: {message}")


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        line = one_line_error(run("--host", "127.0.0.1", "--port", str(port)))
    assert f"cannot listen on 127.0.0.1:{port}: the port is already in use" in line


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--port", "abc"), {}, "port must be a number from 0 to 65535, not 'abc'"),
        ((), {"PORT": "70000"}, "port must be a number from 0 to 65535, not 70000"),
        (("--journal-size", "0"), {}, "must be a whole number of at least 1"),
        (("--bogus",), {}, "unrecognized arguments: --bogus"),
    ],
)
def test_bad_settings_are_one_line(args: tuple[str, ...], env: dict[str, str], message: str) -> None:
    result = run(*args, **env)
    assert result.returncode == 2
    assert message in one_line_error(result)


def test_ctrl_c_right_after_the_banner_stops_cleanly(servers: list[Server]) -> None:
    server = start(servers, "--port", "0")
    code, rest, stderr = server.stop(signal.SIGINT)
    assert (code, rest) == (0, ["stub stopped."]), stderr
    assert "Traceback" not in stderr


def test_a_reader_that_goes_away_does_not_crash_the_stub() -> None:
    """`make mock | head -1`: stdout closes after the first line; the stub keeps serving and stops cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0"],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline().decode()
    process.stdout.close()
    url = first.split(" listening on ", 1)[1].split()[0]
    assert httpx.get(f"{url}/", timeout=10).status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert process.stderr.read() == b""


def test_a_spec_operation_without_a_handler_stops_the_start_in_one_line() -> None:
    script = (
        "import sys; import mock_server.web.vendors.turso as turso; del turso.get_current_user; "
        "from mock_server.__main__ import main; sys.argv = ['mock_server', '--port', '0']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert one_line_error(result) == (
        "error: turso.yaml: GET /v1/user (tursoGetCurrentUser) has no handler: "
        "define get_current_user(store, call) in mock_server.web.vendors.turso"
    )
    assert "listening" not in result.stdout
