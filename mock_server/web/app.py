"""The app factory: everything the server needs is passed in; nothing lives in module globals."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from ..core.faults import FaultBook, FaultRules, parse_rules
from ..core.sessions import Sessions, SessionStores
from ..core.store import StateStore
from .admin import AdminHandlers, create_admin_app
from .admin_faults import FaultHandlers
from .admin_sessions import SessionHandlers
from .admin_state import Rules, StateHandlers
from .guard import AdminGuard
from .journal import Journal
from .router import Router
from .site import Site
from .vendors import load_vendors

SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"


class SharedParts:
    """What a store kept outside this process brings besides itself: its rule modules, fault rules,
    sessions and journal (each already shared), and a health report for `GET /__admin`."""

    def __init__(
        self,
        rules: Mapping[str, ModuleType],
        faults: Callable[[list[str]], FaultRules],
        sessions: SessionStores,
        journal: Any,  # what Journal offers: record, entries, clear, size, total
        health: Callable[[], dict[str, Any]],
    ) -> None:
        self.rules = rules
        self.faults = faults  # given the known operationIds
        self.sessions = sessions
        self.journal = journal
        self.health = health


def create_app(
    store: StateStore,
    *,
    admin_token: str | None = None,
    journal_size: int = 1000,
    specs_dir: Path = SPECS_DIR,
    cors: bool = True,
    max_sessions: int = 64,
    session_records: int = 1_000_000,
    shared: SharedParts | None = None,
) -> Router:
    """The stub as one ASGI app serving both vendor contracts over `store` (in memory unless `shared`).

    Raises RouteError (naming the operation) when a vendor spec has an operation without a handler, and
    FaultError (naming the rule) when the seed's `faults:` list names an operation the specs do not have.
    """
    vendors = load_vendors(specs_dir, shared.rules if shared else None)
    operations = [op.operation_id for v in vendors for op in v.routes.operations]
    faults: FaultRules
    sessions: SessionStores
    if shared is None:
        faults = FaultBook()
        for rule in parse_rules(store.seed.get("faults"), "faults", operations):
            faults.add(rule)
        sessions = Sessions(lambda: store.seed, limit=max_sessions, max_records=session_records)
        journal = Journal(journal_size)
    else:
        faults, sessions, journal = shared.faults(operations), shared.sessions, shared.journal
    rules = Rules(**shared.rules) if shared else None

    def extra(admin_handlers: AdminHandlers, state: StateHandlers) -> tuple[object, ...]:
        return FaultHandlers(faults, operations), SessionHandlers(admin_handlers, state, sessions)

    admin = create_admin_app(
        specs_dir / "admin.yaml", store, journal, extra, rules=rules, health=shared.health if shared else None
    )
    site = Site(specs_dir, vendors)
    return Router(
        store, journal, site, admin, AdminGuard(admin_token), vendors, faults=faults, sessions=sessions, cors=cors
    )
