"""The zoo's own world: accounts, keys, organizations and members, unrelated to the stub's demo seed.

A `World` is mutable (adds, role updates and removals change it); every served zoo member gets a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CALLER = "c4a1e3b2-95d7-4f60-8a1b-2e3d4c5f6a70"
DISPOSABLE = "e8b0d6f4-2a3c-4b5d-9e6f-7a8b9c0d1e2f"
COLLEAGUE = "a3f5c7e9-1b2d-4e6f-8a0b-c2d4e6f8a0b1"
OUTSIDER = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"
NEWCOMER = "b7c6d5e4-f3a2-4b1c-8d9e-0f1a2b3c4d5e"  # an account in no organization yet
HOME_ORG = "9d8c7b6a-5f4e-4d3c-b2a1-0f9e8d7c6b5a"
FOREIGN_ORG = "1a2b3c4d-5e6f-4a7b-9c8d-e0f1a2b3c4d5"
SIDE_ORG = "6e5d4c3b-2a19-4f8e-9d7c-6b5a4f3e2d1c"  # shares the disposable member with the caller, when present

TURSO_ORG = "zoo-labs"
TURSO_OTHER_ORG = "far-co"
TURSO_OWNER = "zoo-keeper"
TURSO_VIEWER = "watcher"
TURSO_DISPOSABLE = "kai"
TURSO_OUTSIDERS = ("noor", "tavi")  # Turso users who are not members of TURSO_ORG

API_KEY = "zoo_rk_4d1f0b8e6a93"
BEARER = "zoo.rb.7f3e2c91d05a"
OUTSIDER_KEY = "zoo_rk_outsider_55e1b7"
OWNER_TOKEN = "zoo_tt_keeper_0e9a47c1"
VIEWER_TOKEN = "zoo_tt_watcher_3b6d2f80"
STRANGER_TOKEN = "zoo_tt_stranger_9c4e1a75"


@dataclass
class RecoupWorld:
    api_keys: dict[str, str] = field(default_factory=dict)  # key -> account id
    bearer_tokens: dict[str, str] = field(default_factory=dict)  # token -> account id
    accounts: dict[str, str] = field(default_factory=dict)  # account id -> email ("" for none)
    names: dict[str, str | None] = field(default_factory=dict)  # organization id -> display name
    # organization id -> member account id -> membership id, in joining order
    organizations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class TursoWorld:
    tokens: dict[str, str] = field(default_factory=dict)  # token -> username
    users: dict[str, str] = field(default_factory=dict)  # every Turso user: username -> email
    names: dict[str, str] = field(default_factory=dict)  # organization slug -> display name
    organizations: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> username -> role, join order


@dataclass
class World:
    recoup: RecoupWorld
    turso: TursoWorld
    side_org: bool = False  # see `fresh_world`
    memory: set[tuple[str, ...]] = field(default_factory=set)  # what a stateful fault remembers
    recall: dict[tuple[str, ...], str] = field(default_factory=dict)  # what a stateful fault remembers, by key

    def reset(self) -> None:
        """Back to the fresh world, in place (whoever holds `recoup` or `turso` sees the fresh state)."""
        fresh = fresh_world(self.side_org)
        self.recoup.__dict__.update(fresh.recoup.__dict__)
        self.turso.__dict__.update(fresh.turso.__dict__)
        self.memory.clear()
        self.recall.clear()

    def environment(self) -> dict[str, str]:
        """The target variables the contract suite reads, for this world."""
        return {
            "RECOUP_API_KEY": API_KEY,
            "RECOUP_BEARER_TOKEN": BEARER,
            "RECOUP_ORG_ID": HOME_ORG,
            "RECOUP_FOREIGN_ORG_ID": FOREIGN_ORG,
            "RECOUP_DISPOSABLE_MEMBER_ID": DISPOSABLE,
            "TURSO_TOKEN": OWNER_TOKEN,
            "TURSO_ORG": TURSO_ORG,
            "TURSO_DISPOSABLE_MEMBER": TURSO_DISPOSABLE,
            "TURSO_MEMBER_TOKEN": VIEWER_TOKEN,
        }


def fresh_world(side_org: bool = False) -> World:
    """A new world. With `side_org`, the disposable Recoup account also shares a second organization with the
    caller, so its organizations stay readable to the caller after its removal from RECOUP_ORG_ID."""
    home = {CALLER: "3f0c1d2e-4b5a-4c6d-8e7f-901a2b3c4d5e", DISPOSABLE: "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"}
    home[COLLEAGUE] = "0d1c2b3a-4f5e-4d6c-a7b8-c9d0e1f2a3b4"
    organizations = {HOME_ORG: home, FOREIGN_ORG: {OUTSIDER: "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901"}}
    if side_org:
        organizations[SIDE_ORG] = {
            CALLER: "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f",
            DISPOSABLE: "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
        }
    recoup = RecoupWorld(
        api_keys={API_KEY: CALLER, OUTSIDER_KEY: OUTSIDER},
        bearer_tokens={BEARER: CALLER},
        accounts={
            CALLER: "ops@zoo.example",
            DISPOSABLE: "temp@zoo.example",
            COLLEAGUE: "colleague@zoo.example",
            OUTSIDER: "someone@far.example",
            NEWCOMER: "new@zoo.example",
            HOME_ORG: "",
            FOREIGN_ORG: "",
            SIDE_ORG: "",
        },
        names={HOME_ORG: "Zoo Records", FOREIGN_ORG: "Far Away Music", SIDE_ORG: None},
        organizations=organizations,
    )
    turso = TursoWorld(
        tokens={OWNER_TOKEN: TURSO_OWNER, VIEWER_TOKEN: TURSO_VIEWER, STRANGER_TOKEN: "stranger"},
        users={
            TURSO_OWNER: "keeper@zoo.example",
            TURSO_VIEWER: "watcher@zoo.example",
            "mira": "mira@zoo.example",
            TURSO_DISPOSABLE: "kai@zoo.example",
            "stranger": "stranger@far.example",
            TURSO_OUTSIDERS[0]: "noor@zoo.example",
            TURSO_OUTSIDERS[1]: "",
        },
        names={TURSO_ORG: "Zoo Labs", TURSO_OTHER_ORG: "Far Co"},
        organizations={
            TURSO_ORG: {TURSO_OWNER: "owner", TURSO_VIEWER: "viewer", "mira": "member", TURSO_DISPOSABLE: "member"},
            TURSO_OTHER_ORG: {"stranger": "owner"},
        },
    )
    return World(recoup, turso, side_org)
