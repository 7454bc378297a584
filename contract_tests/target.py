"""The deployment under test: where it is, whether it is this project's stub, and the values to use for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import requests

from .config import ADMIN_TOKEN_VARIABLE, SECRET_VARIABLES, TARGET_VARIABLES, Config, ConfigError, check_values
from .http import CONTROL_PATH, Client

STUB_SERVICE = "recoup-turso-stub"


class Inapplicable(Exception):
    """A check cannot run against this target; the message says what to set."""


@dataclass(frozen=True)
class Target:
    url: str
    mode: str  # "stub": started by the suite; "live": given with --url
    is_stub: bool  # answers GET /__admin as this project's stub
    values: Mapping[str, str] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)  # why a variable is not usable, by name
    defaults: frozenset[str] = frozenset()  # which of `values` the stub supplied

    @classmethod
    def resolve(cls, config: Config, url: str, *, is_stub: bool, defaults: Mapping[str, str]) -> Target:
        """The values to use: what the user set, and for the rest what the stub answers (`GET /__admin/demo`).

        `defaults` come from the target itself and only when it is this project's stub; nothing a stub
        knows is ever sent to another server. Stub mode uses the defaults only.
        """
        if not is_stub and defaults:
            raise ValueError("defaults apply to this project's stub only")
        values: dict[str, str] = {}
        reasons: dict[str, str] = {}
        supplied: set[str] = set()
        for name in TARGET_VARIABLES:
            if config.mode == "live" and name in config.explicit:
                value = config.get(name)
                if value:
                    values[name] = value
                else:
                    reasons[name] = f"{name} is empty"
            elif name in defaults and defaults[name].strip():
                values[name] = defaults[name].strip()
                supplied.add(name)
            elif is_stub:
                reasons[name] = f"{name} is not set (and the stub's demo configuration has no value for it)"
            else:
                reasons[name] = f"{name} is not set"
        try:
            check_values({n: values[n] for n in supplied})
        except ConfigError as exc:
            raise ConfigError(f"the stub's demo configuration: {exc}") from None
        return cls(url, config.mode, is_stub, values, reasons, frozenset(supplied))

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def require(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            raise Inapplicable(self.reasons.get(name) or f"{name} is not set")
        return value

    def require_all(self, *names: str) -> tuple[str, ...]:
        """The values of `names`; Inapplicable naming every one that is not usable."""
        missing = [n for n in names if self.values.get(n) is None]
        if missing:
            raise Inapplicable("; ".join(self.why_not(n) for n in missing))
        return tuple(self.values[n] for n in names)

    def why_not(self, name: str) -> str:
        return self.reasons.get(name) or f"{name} is not set"

    def secrets(self) -> dict[str, str]:
        """Secret value -> variable name, so curl commands show $VARIABLE instead of the secret."""
        return {self.values[n]: n for n in SECRET_VARIABLES if n in self.values}


def identify(client: Client) -> tuple[bool, str | None]:
    """Whether the target is this project's stub (GET /__admin answers {"service": "recoup-turso-stub"}).

    The second value is a note for the user when the answer suggests a stub whose control API needs a
    token the suite was not given, or refused the one it was given.
    """
    response = client.get(client.base_url + CONTROL_PATH, timeout=10)
    try:
        doc = response.json()
    except (ValueError, requests.JSONDecodeError):
        doc = None
    if response.status_code == 200 and isinstance(doc, dict) and doc.get("service") == STUB_SERVICE:
        return True, None
    if response.status_code == 401 and isinstance(doc, dict) and "admin token" in str(doc.get("error", "")):
        given = "refused STUB_ADMIN_TOKEN" if client.admin_token else "asks for an admin token"
        return False, (
            f"GET {CONTROL_PATH} answered 401 ({given}): if this is the stub started with ADMIN_TOKEN, set "
            f"{ADMIN_TOKEN_VARIABLE} to that token; the run goes on treating the target as another server"
        )
    return False, None
