"""`bench.settings.parse_settings`: the BENCH_* and SOAK_SECONDS environment variables."""

from __future__ import annotations

import pytest

from bench.settings import PRISM_VERSION, ROOT, BenchError, BenchSettings, parse_settings


def test_defaults() -> None:
    settings = parse_settings({})
    assert settings == BenchSettings()
    assert (settings.seconds, settings.rounds, settings.warmup) == (10, 3, 2)
    assert (settings.threads, settings.connections, settings.soak_seconds) == (2, 50, 600)
    assert settings.prism_version == PRISM_VERSION
    assert settings.seed == ROOT / "mock_server" / "seeds" / "demo.yaml"
    assert settings.spec == ROOT / "specs" / "recoup.yaml"
    assert settings.out_dir == ROOT / "reports" / "bench"


def test_every_variable() -> None:
    env = {
        "BENCH_SECONDS": "3",
        "BENCH_ROUNDS": "1",
        "BENCH_WARMUP": "0",
        "BENCH_THREADS": "4",
        "BENCH_CONNECTIONS": " 64 ",
        "SOAK_SECONDS": "0",
        "PRISM_VERSION": " 5.12.0 ",
    }
    assert parse_settings(env) == BenchSettings(
        seconds=3, rounds=1, warmup=0, threads=4, connections=64, soak_seconds=0, prism_version="5.12.0"
    )


def test_blank_variables_mean_the_default() -> None:
    env = {name: "  " for name in ("BENCH_SECONDS", "BENCH_ROUNDS", "SOAK_SECONDS", "PRISM_VERSION")}
    assert parse_settings(env) == BenchSettings()


def test_unrelated_variables_are_ignored() -> None:
    assert parse_settings({"PORT": "1", "SEED": "x.yaml", "SECONDS": "0"}) == BenchSettings()


@pytest.mark.parametrize(
    ("name", "text", "least"),
    [
        ("BENCH_SECONDS", "0", 1),
        ("BENCH_ROUNDS", "-2", 1),
        ("BENCH_WARMUP", "-1", 0),
        ("BENCH_THREADS", "two", 1),
        ("BENCH_CONNECTIONS", "1.5", 1),
        ("SOAK_SECONDS", "10m", 0),
    ],
)
def test_bad_numbers(name: str, text: str, least: int) -> None:
    with pytest.raises(BenchError) as caught:
        parse_settings({name: text})
    assert str(caught.value) == f"{name} must be a whole number of at least {least}, not {text!r}"


def test_fewer_connections_than_threads() -> None:
    with pytest.raises(BenchError, match="BENCH_CONNECTIONS must be at least BENCH_THREADS"):
        parse_settings({"BENCH_THREADS": "8", "BENCH_CONNECTIONS": "4"})
    assert parse_settings({"BENCH_THREADS": "8", "BENCH_CONNECTIONS": "8"}).connections == 8
