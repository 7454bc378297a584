"""The stub's control API (specs/admin.yaml), used only when the target is this project's stub.

Reset and state act on the client's session (`?session=`) when it has one, never on the shared state.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from .http import CONTROL_PATH, Client, RateLimited


class ControlError(RuntimeError):
    """The stub's control API did not do what was asked."""


class Control:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.base = client.base_url + CONTROL_PATH

    def reset(self) -> None:
        self._check(self.client.post(self.base + "/reset", params=self._session()), "reset the stub")

    def demo(self) -> dict[str, str]:
        """The stub's demo configuration (`GET /__admin/demo`): the values to use for unset target variables."""
        response = self.client.get(self.base + "/demo")
        self._check(response, "read the stub's demo configuration")
        doc = response.json()
        if not isinstance(doc, dict):
            raise ControlError(f"GET {self.base}/demo answered {doc!r}, not an object")
        return {str(k): str(v) for k, v in doc.items()}

    def state(self) -> dict[str, Any]:
        response = self.client.get(self.base + "/state", params=self._session())
        self._check(response, "read the stub's state")
        doc: dict[str, Any] = response.json()
        return doc

    def drop_session(self) -> bool:
        """Drop the client's session (`DELETE /__admin/sessions/{name}`), which the client then stops sending.

        False when the stub no longer had it: never used, or dropped by the stub (past its SESSIONS or
        SESSION_RECORDS, least recently used first) or by another client.
        """
        name = self.client.session
        if name is None:
            return True
        response = self.client.delete(f"{self.base}/sessions/{quote(name, safe='')}")
        if response.status_code != 404:
            self._check(response, f"drop the session {name}")
        self.client.session = None
        return response.status_code != 404

    def _session(self) -> dict[str, str] | None:
        return {"session": self.client.session} if self.client.session is not None else None

    @staticmethod
    def _check(response: Any, what: str) -> None:
        if response.status_code != 200:
            raise ControlError(f"could not {what}: HTTP {response.status_code} {response.text[:300]}")


def lost_session(client: Client) -> str | None:
    """Drop the session the tests just ran in; a note when the stub had dropped it already, during the tests."""
    name = client.session
    try:
        kept = Control(client).drop_session()
    except (ControlError, RateLimited, requests.RequestException):
        return None  # the stub did not answer: nothing to say about the session
    if kept:
        return None
    return (
        f"the stub dropped the session {name} during the run (more sessions at once than its SESSIONS or "
        "SESSION_RECORDS allow, or another client dropped it): the tests in it may have seen the seed again; "
        "rerun with fewer WORKERS or start the stub with more SESSIONS"
    )
