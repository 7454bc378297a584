"""The vendors the stub serves, one descriptor module each; the router and the docs read them from here.

A descriptor module holds everything the stub knows about one vendor's HTTP side: its name, the path
prefix it owns, its error body, and one thin handler per operation of its spec, named after the
operationId (see `routes.handler_name`). Adding an operation means adding it to the spec, its rule
in `core/`, and its handler here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, ModuleType

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


def load_vendors(specs_dir: Path, rules: Mapping[str, ModuleType] | None = None) -> tuple[Vendor, ...]:
    """Every vendor with its route table compiled from specs_dir/<name>.yaml; RouteError if one does not fit.

    `rules` swaps the rule modules the handlers call (`{"turso": <module>}`: the handlers' `turso.<rule>`
    calls go to that module), for a store kept outside this process; without it they are `core`'s.
    """
    descriptors = DESCRIPTORS if not rules else tuple(with_rules(d, rules) for d in DESCRIPTORS)
    return tuple(
        Vendor(d.NAME, d.TITLE, d.PREFIX, d.error, compile_routes(specs_dir / f"{d.NAME}.yaml", d, d.NAME))
        for d in descriptors
    )


def with_rules(descriptor: ModuleType, rules: Mapping[str, ModuleType]) -> ModuleType:
    """A copy of `descriptor` whose functions see `rules` in place of the rule modules of the same names.

    The handlers stay one source; the copy is made once at startup, so a request pays nothing for it.
    """
    copy = ModuleType(descriptor.__name__, descriptor.__doc__)
    copy.__dict__.update(vars(descriptor))
    copy.__dict__.update({name: module for name, module in rules.items() if name in vars(descriptor)})
    for name, value in vars(descriptor).items():
        if isinstance(value, FunctionType) and value.__module__ == descriptor.__name__:
            rebound = FunctionType(value.__code__, copy.__dict__, value.__name__, value.__defaults__, value.__closure__)
            rebound.__kwdefaults__ = value.__kwdefaults__
            setattr(copy, name, rebound)
    return copy
