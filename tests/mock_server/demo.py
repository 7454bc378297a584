"""Names for the demo seed (mock_server/seeds/demo.yaml) the tests run against."""

from __future__ import annotations

from typing import Any

from mock_server.core.seed import load_seed_file
from mock_server.settings import DEMO_SEED

# Recoup
API_KEY = "recoup_sk_demo_5f1c9a2e7b"
BEARER = "recoup_jwt_demo_8e2b71d4c0"
OUTSIDER_KEY = "recoup_sk_outsider_a41d93"
CALLER = "3f2a6c1e-8b4d-4e7a-9c21-5d0b7e9a1f01"
DISPOSABLE = "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"
COLLEAGUE = "2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a7b9"
OUTSIDER = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
NEWCOMER = "4b6d8f0a-2c4e-4f6a-8b0c-1d3f5a7b9c2e"  # an account in no organization
CALLER_EMAIL = "caller@demo-records.example"
NEWCOMER_EMAIL = "newcomer@demo-records.example"
ORG = "0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"
FOREIGN_ORG = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"
UNKNOWN_ORG = "11111111-2222-4333-8444-555555555555"
STRANGER = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

# Turso
OWNER_TOKEN = "turso_demo_owner_3c7e19b5"
ADMIN_TOKEN = "turso_demo_admin_6a2f80d4"
VIEWER_TOKEN = "turso_demo_viewer_91b4e2c7"
OUTSIDER_TOKEN = "turso_outsider_5e8d21a3"
TURSO_ORG = "demo-org"
OTHER_TURSO_ORG = "acme"
NOT_YET_MEMBERS = ("carol", "dave")  # Turso users of the seed in no organization

SECRETS = (API_KEY, BEARER, OUTSIDER_KEY, OWNER_TOKEN, ADMIN_TOKEN, VIEWER_TOKEN, OUTSIDER_TOKEN)

DEMO_VARIABLES = {
    "RECOUP_API_KEY": API_KEY,
    "RECOUP_BEARER_TOKEN": BEARER,
    "RECOUP_ORG_ID": ORG,
    "RECOUP_FOREIGN_ORG_ID": FOREIGN_ORG,
    "RECOUP_DISPOSABLE_MEMBER_ID": DISPOSABLE,
    "TURSO_TOKEN": OWNER_TOKEN,
    "TURSO_ORG": TURSO_ORG,
    "TURSO_DISPOSABLE_MEMBER": "bob",
    "TURSO_MEMBER_TOKEN": VIEWER_TOKEN,
}


def demo_seed() -> dict[str, Any]:
    """A fresh copy of the demo seed document."""
    return load_seed_file(DEMO_SEED)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
