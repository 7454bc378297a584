"""The stub's control API (specs/admin.yaml), used only when the target is this project's stub."""

from __future__ import annotations

from typing import Any

from .http import CONTROL_PATH, Client


class ControlError(RuntimeError):
    """The stub's control API did not do what was asked."""


class Control:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.base = client.base_url + CONTROL_PATH

    def reset(self) -> None:
        self._check(self.client.post(self.base + "/reset"), "reset the stub")

    def demo(self) -> dict[str, str]:
        """The stub's demo configuration (`GET /__admin/demo`): the values to use for unset target variables."""
        response = self.client.get(self.base + "/demo")
        self._check(response, "read the stub's demo configuration")
        doc = response.json()
        if not isinstance(doc, dict):
            raise ControlError(f"GET {self.base}/demo answered {doc!r}, not an object")
        return {str(k): str(v) for k, v in doc.items()}

    def state(self) -> dict[str, Any]:
        response = self.client.get(self.base + "/state")
        self._check(response, "read the stub's state")
        doc: dict[str, Any] = response.json()
        return doc

    @staticmethod
    def _check(response: Any, what: str) -> None:
        if response.status_code != 200:
            raise ControlError(f"could not {what}: HTTP {response.status_code} {response.text[:300]}")
