from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.settings import DEMO_SEED, Settings, parse_settings


def test_defaults() -> None:
    assert parse_settings([], {}) == Settings(host="127.0.0.1", port=8080, seed=DEMO_SEED, admin_token=None)


def test_environment_variables() -> None:
    env = {
        "HOST": "::1",
        "PORT": "9000",
        "SEED": "/tmp/s.yaml",
        "ADMIN_TOKEN": "t",
        "JOURNAL_SIZE": "5",
        "ACCESS_LOG": "1",
    }
    assert parse_settings([], env) == Settings("::1", 9000, Path("/tmp/s.yaml"), "t", 5, True)


def test_flags_win_over_the_environment() -> None:
    env = {"HOST": "::1", "PORT": "9000", "SEED": "/tmp/env.yaml", "JOURNAL_SIZE": "5"}
    settings = parse_settings(["--host", "0.0.0.0", "--port", "0", "--seed", "flag.yaml", "--journal-size", "7"], env)
    assert (settings.host, settings.port, settings.seed, settings.journal_size) == ("0.0.0.0", 0, Path("flag.yaml"), 7)


def test_empty_variables_mean_the_default() -> None:
    env = {"HOST": "", "PORT": "", "SEED": "", "ADMIN_TOKEN": "", "ACCESS_LOG": "0"}
    assert parse_settings([], env) == Settings()


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--port", "-1"], {}, "error: argument --port: port must be a number from 0 to 65535, not -1"),
        ([], {"PORT": "http"}, "error: argument --port: port must be a number from 0 to 65535, not 'http'"),
        (
            [],
            {"JOURNAL_SIZE": "lots"},
            "error: argument --journal-size: must be a whole number of at least 1, not 'lots'",
        ),
        (["--nope"], {}, "error: unrecognized arguments: --nope"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(
    argv: list[str], env: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_settings(argv, env)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(message)


def test_cors_is_on_unless_turned_off() -> None:
    assert parse_settings([], {}).cors is True
    assert parse_settings(["--no-cors"], {}).cors is False
    assert parse_settings([], {"CORS": "0"}).cors is False
    assert parse_settings([], {"CORS": "1"}).cors is True


def test_session_bounds() -> None:
    assert (parse_settings([], {}).max_sessions, parse_settings([], {}).session_records) == (64, 1_000_000)
    settings = parse_settings(["--sessions", "8"], {"SESSION_RECORDS": "500"})
    assert (settings.max_sessions, settings.session_records) == (8, 500)


def test_the_store_and_its_prefix_come_from_flags_or_the_environment() -> None:
    env = {"STORE": "redis://127.0.0.1:6379/0", "STORE_PREFIX": "team-a:", "RESEED": "1"}
    settings = parse_settings(["--workers", "3"], env)
    assert (settings.store, settings.store_prefix, settings.reseed, settings.workers) == (
        "redis://127.0.0.1:6379/0",
        "team-a:",
        True,
        3,
    )
    assert parse_settings(["--store", "redis://h:1/2", "--store-prefix", "x:"], env).store_prefix == "x:"
    assert (parse_settings([], {}).store, parse_settings([], {}).workers) == ("memory", 1)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--store", "mongodb://h"], "--store must be memory or a redis://host:port/db URL, not 'mongodb://h'"),
        (["--workers", "2"], "set STORE=redis://host:port/db to share it"),
        (["--workers", "0"], "must be a whole number of at least 1"),
    ],
)
def test_an_unusable_store_or_workers_setting_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_settings(argv, {})
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
