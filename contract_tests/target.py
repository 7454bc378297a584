"""The deployment under test: where it is, whether it is this project's stub, and the values to use for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import requests

from .config import SECRET_VARIABLES, Config
from .http import CONTROL_PATH, Client

STUB_SERVICE = "recoup-turso-stub"
# Removing a member is the one lasting effect the suite has; their demo defaults only apply to the stub.
DISPOSABLE_VARIABLES = ("RECOUP_DISPOSABLE_MEMBER_ID", "TURSO_DISPOSABLE_MEMBER")


class Inapplicable(Exception):
    """A check cannot run against this target; the message says what to set."""


@dataclass(frozen=True)
class Target:
    url: str
    mode: str  # "stub": started by the suite; "live": given with --url
    is_stub: bool  # answers GET /__admin as this project's stub
    values: Mapping[str, str] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)  # why a variable is not usable, by name

    @classmethod
    def resolve(cls, config: Config, url: str, *, is_stub: bool) -> Target:
        values = dict(config.values)
        reasons = {}
        for name in DISPOSABLE_VARIABLES:
            if config.mode == "live" and config.is_default(name) and not is_stub:
                del values[name]
                reasons[name] = (
                    f"{name} is not set (its demo default is only used against this project's stub, "
                    "which this target is not)"
                )
        return cls(url=url, mode=config.mode, is_stub=is_stub, values=values, reasons=reasons)

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def require(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            raise Inapplicable(self.reasons.get(name) or f"{name} is not set")
        return value

    def secrets(self) -> dict[str, str]:
        """Secret value -> variable name, so curl commands show $VARIABLE instead of the secret."""
        return {self.values[n]: n for n in SECRET_VARIABLES if n in self.values}


def identify(client: Client) -> bool:
    """Whether the target is this project's stub: GET /__admin answers {"service": "recoup-turso-stub"}."""
    response = client.get(client.base_url + CONTROL_PATH, timeout=10)
    try:
        doc = response.json()
    except (ValueError, requests.JSONDecodeError):
        return False
    return response.status_code == 200 and isinstance(doc, dict) and doc.get("service") == STUB_SERVICE
