"""The stub's control API (specs/admin.yaml), used only when the target is this project's stub.

Reset and state act on the client's session (`?session=`) when it has one, never on the shared state.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .http import CONTROL_PATH, Client


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

    def drop_session(self) -> None:
        """Drop the client's session (`DELETE /__admin/sessions/{name}`); one the stub no longer has is fine."""
        name = self.client.session
        if name is None:
            return
        response = self.client.delete(f"{self.base}/sessions/{quote(name, safe='')}")
        if response.status_code != 404:
            self._check(response, f"drop the session {name}")

    def _session(self) -> dict[str, str] | None:
        return {"session": self.client.session} if self.client.session is not None else None

    @staticmethod
    def _check(response: Any, what: str) -> None:
        if response.status_code != 200:
            raise ControlError(f"could not {what}: HTTP {response.status_code} {response.text[:300]}")
