"""The vendors the stub serves, one descriptor module each; the router and the docs read them from here.

A descriptor module holds everything the stub knows about one vendor's HTTP side: its name, the path
prefix it owns, its error body, and one thin handler per operation of its spec, named after the
operationId (see `routes.handler_name`). Adding an operation means adding it to the spec, its rule
in `core/`, and its handler here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..routes import VendorRoutes, compile_routes
from . import recoup, turso

DESCRIPTORS: tuple[ModuleType, ...] = (recoup, turso)


@dataclass(frozen=True)
class Vendor:
    name: str
    title: str
    prefix: str  # the path prefix this vendor owns: its unknown paths get its error shape
    error: Callable[[str], bytes]
    routes: VendorRoutes

    def owns(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")


def load_vendors(specs_dir: Path) -> tuple[Vendor, ...]:
    """Every vendor with its route table compiled from specs_dir/<name>.yaml; RouteError if one does not fit."""
    return tuple(
        Vendor(d.NAME, d.TITLE, d.PREFIX, d.error, compile_routes(specs_dir / f"{d.NAME}.yaml", d, d.NAME))
        for d in DESCRIPTORS
    )
