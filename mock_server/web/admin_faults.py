"""The control API's fault rules: /__admin/faults (specs/admin.yaml), bound to the stub's FaultBook."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..core.faults import FaultError, FaultRules, parse_rule
from .bodies import control_error


class FaultHandlers:
    """One method per fault operationId of specs/admin.yaml."""

    def __init__(self, faults: FaultRules, operations: Collection[str]) -> None:
        self.faults = faults
        self.operations = frozenset(operations)

    async def list_faults(self) -> dict[str, Any]:
        return {"faults": self.faults.documents()}

    async def add_fault(self, body: Any) -> Any:
        if isinstance(body, bytes | str):  # connexion hands over the raw body when it is not sent as JSON
            return control_error("send the rule as a JSON object with Content-Type: application/json"), 415
        try:
            rule = parse_rule(body, "", self.operations)
            added = self.faults.add(rule)
        except FaultError as exc:
            taken = str(exc).startswith("id: a rule")
            return control_error(f"fault rule refused: {exc}"), 409 if taken else 400
        return added, 201

    async def clear_faults(self) -> dict[str, Any]:
        return {"status": "cleared", "removed": self.faults.clear()}

    async def remove_fault(self, fault_id: str) -> Any:
        if not self.faults.remove(fault_id):
            known = ", ".join(self.faults.ids()) or "none"
            return control_error(f"no fault rule {fault_id!r}; the rules are: {known}"), 404
        return {"status": "removed", "id": fault_id}
