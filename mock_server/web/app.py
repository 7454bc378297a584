"""The app factory: everything the server needs is passed in; nothing lives in module globals."""

from __future__ import annotations

from pathlib import Path

from ..core.store import Store
from .admin import create_admin_app
from .guard import AdminGuard
from .journal import Journal
from .router import Router
from .site import Site
from .vendors import load_vendors

SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"


def create_app(
    store: Store, *, admin_token: str | None = None, journal_size: int = 1000, specs_dir: Path = SPECS_DIR
) -> Router:
    """The stub as one ASGI app serving both vendor contracts over `store`.

    Raises RouteError (naming the operation) when a vendor spec has an operation without a handler.
    """
    vendors = load_vendors(specs_dir)
    journal = Journal(journal_size)
    admin = create_admin_app(specs_dir / "admin.yaml", store, journal)
    return Router(store, journal, Site(specs_dir, vendors), admin, AdminGuard(admin_token), vendors)
