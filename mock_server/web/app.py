"""The app factory: everything the server needs is passed in; nothing lives in module globals."""

from __future__ import annotations

from pathlib import Path

from ..core.faults import FaultBook, parse_rules
from ..core.sessions import Sessions
from ..core.store import Store
from .admin import AdminHandlers, create_admin_app
from .admin_faults import FaultHandlers
from .admin_sessions import SessionHandlers
from .admin_state import StateHandlers
from .guard import AdminGuard
from .journal import Journal
from .router import Router
from .site import Site
from .vendors import load_vendors

SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"


def create_app(
    store: Store,
    *,
    admin_token: str | None = None,
    journal_size: int = 1000,
    specs_dir: Path = SPECS_DIR,
    cors: bool = True,
    max_sessions: int = 64,
    session_records: int = 1_000_000,
) -> Router:
    """The stub as one ASGI app serving both vendor contracts over `store`.

    Raises RouteError (naming the operation) when a vendor spec has an operation without a handler, and
    FaultError (naming the rule) when the seed's `faults:` list names an operation the specs do not have.
    """
    vendors = load_vendors(specs_dir)
    operations = [op.operation_id for v in vendors for op in v.routes.operations]
    faults = FaultBook()
    for rule in parse_rules(store.seed.get("faults"), "faults", operations):
        faults.add(rule)
    sessions = Sessions(lambda: store.seed, limit=max_sessions, max_records=session_records)
    journal = Journal(journal_size)

    def extra(shared: AdminHandlers, state: StateHandlers) -> tuple[object, ...]:
        return FaultHandlers(faults, operations), SessionHandlers(shared, state, sessions)

    admin = create_admin_app(specs_dir / "admin.yaml", store, journal, extra)
    site = Site(specs_dir, vendors)
    return Router(
        store, journal, site, admin, AdminGuard(admin_token), vendors, faults=faults, sessions=sessions, cors=cors
    )
