"""The control API's state operations: the state and the seed as documents, snapshots, memberships.

Bound to the store by the control API's resolver (`admin.py`), one method per operationId.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType
from typing import Any, NamedTuple

from connexion.context import scope

from ..core import recoup, turso
from ..core.errors import RuleError
from ..core.seed import SeedError
from ..core.store import StateStore
from .bodies import control_error
from .guard import is_loopback

# connexion hands the raw bytes to the handler when a body comes without a JSON Content-Type.
NOT_JSON = control_error("send the body as a JSON object with Content-Type: application/json"), 415
SECRETS_LOOPBACK_ONLY = "secrets=include is answered to loopback callers only"


class Rules(NamedTuple):
    """The modules holding each vendor's rules for the store in use (core's for the in-memory store)."""

    recoup: ModuleType = recoup
    turso: ModuleType = turso


class StateHandlers:
    def __init__(self, store: StateStore, rules: Rules | None = None) -> None:
        self.store = store
        self.rules = rules or Rules()

    async def get_state(self, secrets: str | None = None) -> Any:
        if secrets is not None and not _from_loopback():
            return control_error(SECRETS_LOOPBACK_ONLY), 403
        return self.store.document(secrets=secrets == "include")

    async def load_state(self, body: Any) -> Any:
        if not isinstance(body, dict):
            return NOT_JSON
        try:
            self.store.load(body)
        except SeedError as exc:
            return control_error(f"invalid state, state unchanged: {exc}"), 400
        return {"status": "loaded"}

    async def get_seed(self, secrets: str | None = None) -> Any:
        if secrets is not None and not _from_loopback():
            return control_error(SECRETS_LOOPBACK_ONLY), 403
        return self.store.seed_document(secrets=secrets == "include")

    async def load_seed(self, body: Any) -> Any:
        if not isinstance(body, dict):
            return NOT_JSON
        try:
            self.store.replace_seed(body)
        except SeedError as exc:
            return control_error(f"invalid seed, state and seed unchanged: {exc}"), 400
        return {"status": "seed replaced; state reset to it"}

    async def add_membership(self, body: Any) -> Any:
        if not isinstance(body, dict):
            return NOT_JSON
        try:
            if body["vendor"] == "recoup":
                added = self.rules.recoup.put_member(self.store, body["organization"], body["member"])
                outcome = "added" if added else "unchanged"
            else:
                outcome = self.rules.turso.put_member(
                    self.store, body["organization"], body["member"], body.get("role", "member")
                )
        except RuleError as exc:
            return control_error(exc.message), exc.status
        return {"status": outcome, "changed": outcome != "unchanged"}

    async def save_snapshot(self, body: Any) -> Any:
        if not isinstance(body, dict):
            return NOT_JSON
        try:
            replaced = self.store.save_snapshot(body["name"])
        except RuleError as exc:
            return control_error(exc.message), exc.status
        return {"status": "saved", "name": body["name"], "replaced": replaced}

    async def list_snapshots(self) -> dict[str, Any]:
        return {
            "max": self.store.max_snapshots,
            "snapshots": [{"name": s.name, "saved": _time(s.saved)} for s in self.store.snapshots()],
        }

    async def restore_snapshot(self, name: str) -> Any:
        try:
            self.store.restore_snapshot(name)
        except RuleError as exc:
            return control_error(exc.message), exc.status
        return {"status": "restored", "name": name}

    async def delete_snapshot(self, name: str) -> Any:
        try:
            self.store.delete_snapshot(name)
        except RuleError as exc:
            return control_error(exc.message), exc.status
        return {"status": "deleted", "name": name}


def _from_loopback() -> bool:
    client = scope.get("client")
    return is_loopback(client[0] if client else None)


def _time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
