from __future__ import annotations

import pytest

from contract_tests.config import DEFAULT_EXAMPLES, ConfigError, demo_values, parse_config, stub_ignored

DEMO = demo_values()


def test_stub_mode_uses_the_demo_seed_whatever_the_environment() -> None:
    config = parse_config([], {"RECOUP_API_KEY": "mine", "TURSO_ORG": ""})
    assert config.mode == "stub" and config.url is None
    assert config.values == DEMO
    assert stub_ignored({"RECOUP_API_KEY": "mine", "PATH": "/bin"}) == ["RECOUP_API_KEY"]


def test_live_mode_defaults_to_the_demo_values() -> None:
    config = parse_config(["--url", "http://127.0.0.1:8080/"], {})
    assert config.mode == "live" and config.url == "http://127.0.0.1:8080"
    assert config.values == DEMO and config.explicit == frozenset()
    assert config.is_default("TURSO_DISPOSABLE_MEMBER")
    assert config.examples == DEFAULT_EXAMPLES and config.rate is None and config.vendors == ("recoup", "turso")


def test_an_empty_variable_is_unconfigured_and_a_set_one_is_explicit() -> None:
    config = parse_config(["--url", "http://h:1"], {"RECOUP_API_KEY": "", "TURSO_ORG": "acme"})
    assert config.get("RECOUP_API_KEY") is None
    assert config.get("TURSO_ORG") == "acme" and not config.is_default("TURSO_ORG")
    assert config.explicit == frozenset({"TURSO_ORG"})


def test_settings_from_environment_and_flags() -> None:
    config = parse_config(["--url", "http://h:1", "--examples", "7"], {"API": "Turso", "RATE": "2.5", "EXAMPLES": "9"})
    assert config.vendors == ("turso",) and config.rate == 2.5 and config.examples == 7
    assert parse_config(["--only", "a, b"], {}).only == ("a", "b")


@pytest.mark.parametrize(
    ("argv", "env", "names"),
    [
        (["--url", "ftp://h"], {}, "URL"),
        (["--url", "http://h?x=1"], {}, "URL"),
        ([], {"API": "github"}, "API"),
        ([], {"RATE": "0"}, "RATE"),
        ([], {"RATE": "fast"}, "RATE"),
        ([], {"EXAMPLES": "0"}, "EXAMPLES"),
        (["--url", "http://h"], {"RECOUP_ORG_ID": "demo"}, "RECOUP_ORG_ID"),
        (["--url", "http://h"], {"TURSO_DISPOSABLE_MEMBER": "a/b"}, "TURSO_DISPOSABLE_MEMBER"),
    ],
)
def test_bad_settings_are_named(argv: list[str], env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        parse_config(argv, env)
