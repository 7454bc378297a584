"""The zoo's own world: accounts, keys, organizations and members, unrelated to the stub's demo seed.

A `World` is mutable (removals change it); every served zoo member gets a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CALLER = "c4a1e3b2-95d7-4f60-8a1b-2e3d4c5f6a70"
DISPOSABLE = "e8b0d6f4-2a3c-4b5d-9e6f-7a8b9c0d1e2f"
COLLEAGUE = "a3f5c7e9-1b2d-4e6f-8a0b-c2d4e6f8a0b1"
OUTSIDER = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"
HOME_ORG = "9d8c7b6a-5f4e-4d3c-b2a1-0f9e8d7c6b5a"
FOREIGN_ORG = "1a2b3c4d-5e6f-4a7b-9c8d-e0f1a2b3c4d5"

TURSO_ORG = "zoo-labs"
TURSO_OTHER_ORG = "far-co"
TURSO_OWNER = "zoo-keeper"
TURSO_DISPOSABLE = "kai"


@dataclass
class RecoupWorld:
    api_keys: dict[str, str] = field(default_factory=dict)  # key -> account id
    bearer_tokens: dict[str, str] = field(default_factory=dict)  # token -> account id
    organizations: dict[str, set[str]] = field(default_factory=dict)  # org id -> member account ids


@dataclass
class TursoWorld:
    tokens: dict[str, str] = field(default_factory=dict)  # token -> username
    organizations: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> username -> role


@dataclass
class World:
    recoup: RecoupWorld
    turso: TursoWorld
    memory: set[tuple[str, ...]] = field(default_factory=set)  # what a stateful fault remembers

    def environment(self) -> dict[str, str]:
        """The eight target variables the contract suite reads, for this world."""
        return {
            "RECOUP_API_KEY": "zoo_rk_4d1f0b8e6a93",
            "RECOUP_BEARER_TOKEN": "zoo.rb.7f3e2c91d05a",
            "RECOUP_ORG_ID": HOME_ORG,
            "RECOUP_FOREIGN_ORG_ID": FOREIGN_ORG,
            "RECOUP_DISPOSABLE_MEMBER_ID": DISPOSABLE,
            "TURSO_TOKEN": "zoo_tt_keeper_0e9a47c1",
            "TURSO_ORG": TURSO_ORG,
            "TURSO_DISPOSABLE_MEMBER": TURSO_DISPOSABLE,
        }


def fresh_world() -> World:
    recoup = RecoupWorld(
        api_keys={"zoo_rk_4d1f0b8e6a93": CALLER, "zoo_rk_outsider_55e1b7": OUTSIDER},
        bearer_tokens={"zoo.rb.7f3e2c91d05a": CALLER},
        organizations={HOME_ORG: {CALLER, DISPOSABLE, COLLEAGUE}, FOREIGN_ORG: {OUTSIDER}},
    )
    turso = TursoWorld(
        tokens={
            "zoo_tt_keeper_0e9a47c1": TURSO_OWNER,
            "zoo_tt_watcher_3b6d2f80": "watcher",
            "zoo_tt_stranger_9c4e1a75": "stranger",
        },
        organizations={
            TURSO_ORG: {TURSO_OWNER: "owner", "watcher": "viewer", "mira": "member", TURSO_DISPOSABLE: "member"},
            TURSO_OTHER_ORG: {"stranger": "owner"},
        },
    )
    return World(recoup, turso)
