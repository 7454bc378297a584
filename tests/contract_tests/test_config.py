from __future__ import annotations

import re
from pathlib import Path

import pytest

import contract_tests
from contract_tests.config import (
    DEFAULT_EXAMPLES,
    DEFAULT_RATE_LIMIT_WAIT,
    TARGET_VARIABLES,
    Config,
    ConfigError,
    parse_config,
    stub_ignored,
)
from contract_tests.target import Target
from mock_server.core.seed import DEMO_KEYS, EXTRA_DEMO_KEYS

DEMO = {"RECOUP_API_KEY": "demo-key", "TURSO_ORG": "demo-org", "TURSO_TOKEN": "demo-token"}


def test_the_suite_owns_its_variable_list_and_it_matches_what_the_stub_can_answer() -> None:
    assert set(TARGET_VARIABLES) == {*DEMO_KEYS, *EXTRA_DEMO_KEYS}


def test_the_suite_reads_no_seed_it_only_starts_the_stub() -> None:
    package = Path(contract_tests.__file__).parent
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        imports = re.findall(r"^\s*(?:from|import) (mock_server\S*)", source, re.MULTILINE)
        assert set(imports) <= {"mock_server.background"}, path
        assert "seeds" not in source and "demo.yaml" not in source, path


def test_stub_mode_ignores_the_environment() -> None:
    config = parse_config([], {"RECOUP_API_KEY": "mine", "TURSO_ORG": ""})
    assert config.mode == "stub" and config.url is None
    assert config.values == {} and config.explicit == frozenset()
    assert stub_ignored({"RECOUP_API_KEY": "mine", "PATH": "/bin"}) == ["RECOUP_API_KEY"]
    target = Target.resolve(config, "http://127.0.0.1:1", is_stub=True, defaults=DEMO)
    assert dict(target.values) == DEMO and target.defaults == frozenset(DEMO)


def test_live_mode_holds_only_what_the_user_set() -> None:
    config = parse_config(["--url", "http://127.0.0.1:8080/"], {})
    assert config.mode == "live" and config.url == "http://127.0.0.1:8080"
    assert config.values == {} and config.explicit == frozenset()
    assert config.examples == DEFAULT_EXAMPLES and config.rate is None and config.vendors == ("recoup", "turso")
    assert config.rate_limit_wait == DEFAULT_RATE_LIMIT_WAIT and not config.api_chosen


def test_an_empty_variable_is_unconfigured_and_a_set_one_is_explicit() -> None:
    config = parse_config(["--url", "http://h:1"], {"RECOUP_API_KEY": "", "TURSO_ORG": "acme"})
    assert config.get("RECOUP_API_KEY") is None
    assert config.get("TURSO_ORG") == "acme"
    assert config.explicit == frozenset({"RECOUP_API_KEY", "TURSO_ORG"})


def test_defaults_come_only_from_a_stub_and_never_override_the_user() -> None:
    config = parse_config(["--url", "http://h:1"], {"RECOUP_API_KEY": "", "TURSO_ORG": "acme"})
    on_stub = Target.resolve(config, "http://h:1", is_stub=True, defaults=DEMO)
    assert on_stub.get("TURSO_ORG") == "acme" and on_stub.get("TURSO_TOKEN") == "demo-token"
    assert on_stub.get("RECOUP_API_KEY") is None and "RECOUP_API_KEY is empty" in on_stub.why_not("RECOUP_API_KEY")
    elsewhere = Target.resolve(config, "http://h:1", is_stub=False, defaults={})
    assert dict(elsewhere.values) == {"TURSO_ORG": "acme"}
    assert elsewhere.why_not("TURSO_TOKEN") == "TURSO_TOKEN is not set"
    with pytest.raises(ValueError):
        Target.resolve(config, "http://h:1", is_stub=False, defaults=DEMO)


def test_a_stub_value_that_cannot_be_right_is_named() -> None:
    with pytest.raises(ConfigError, match="demo configuration: RECOUP_ORG_ID"):
        Target.resolve(Config(), "http://h:1", is_stub=True, defaults={"RECOUP_ORG_ID": "x"})


def test_settings_from_environment_and_flags() -> None:
    env = {"API": "Turso", "RATE": "2.5", "EXAMPLES": "9", "RATE_LIMIT_WAIT": "5"}
    config = parse_config(["--url", "http://h:1", "--examples", "7"], env)
    assert config.vendors == ("turso",) and config.rate == 2.5 and config.examples == 7 and config.api_chosen
    assert config.rate_limit_wait == 5
    assert parse_config(["--only", "a, b"], {}).only == ("a", "b")


@pytest.mark.parametrize(
    ("argv", "env", "strict"),
    [
        ([], {}, False),
        ([], {"CI": "true"}, True),
        ([], {"CI": "true", "STRICT": "0"}, False),
        ([], {"STRICT": "1"}, True),
        (["--strict"], {"STRICT": "0"}, True),
        (["--no-strict"], {"CI": "true"}, False),
    ],
)
def test_strict(argv: list[str], env: dict[str, str], strict: bool) -> None:
    assert parse_config(argv, env).strict is strict


@pytest.mark.parametrize(
    ("argv", "env", "names"),
    [
        (["--url", "ftp://h"], {}, "URL"),
        (["--url", "http://h?x=1"], {}, "URL"),
        ([], {"API": "github"}, "API"),
        ([], {"RATE": "0"}, "RATE"),
        ([], {"RATE": "fast"}, "RATE"),
        ([], {"EXAMPLES": "0"}, "EXAMPLES"),
        ([], {"STRICT": "maybe"}, "STRICT"),
        ([], {"RATE_LIMIT_WAIT": "-1"}, "RATE_LIMIT_WAIT"),
        (["--url", "http://h"], {"RECOUP_ORG_ID": "demo"}, "RECOUP_ORG_ID"),
        (["--url", "http://h"], {"TURSO_DISPOSABLE_MEMBER": "a/b"}, "TURSO_DISPOSABLE_MEMBER"),
    ],
)
def test_bad_settings_are_named(argv: list[str], env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        parse_config(argv, env)


def test_stub_admin_token_is_read_and_an_empty_one_is_none() -> None:
    assert parse_config(["--url", "http://h:1"], {"STUB_ADMIN_TOKEN": " s3cret "}).admin_token == "s3cret"
    assert parse_config(["--url", "http://h:1"], {"STUB_ADMIN_TOKEN": ""}).admin_token is None
    assert parse_config(["--url", "http://h:1"], {}).admin_token is None
