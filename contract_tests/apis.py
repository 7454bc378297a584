"""The two operations under test, as small request builders over the guarded client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

from .http import RECOUP_PATH, Client, Exchange
from .target import Inapplicable, Target

Query = Sequence[tuple[str, str]]
Headers = Mapping[str, str]


class RecoupApi:
    """DELETE /api/organizations/members?organization_id=&account_id="""

    vendor = "recoup"

    def __init__(self, client: Client, target: Target) -> None:
        self.client = client
        self.target = target

    def remove(self, query: Query, headers: Headers) -> Exchange:
        """Send the query as given: pairs, so a parameter can be missing or repeated."""
        response = self.client.delete(self.client.base_url + RECOUP_PATH, params=list(query), headers=dict(headers))
        return self.client.exchange(response)

    def remove_member(self, organization_id: str, account_id: str, headers: Headers) -> Exchange:
        return self.remove([("organization_id", organization_id), ("account_id", account_id)], headers)

    def api_key(self) -> dict[str, str]:
        return {"x-api-key": self.target.require("RECOUP_API_KEY")}

    def bearer(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.target.require("RECOUP_BEARER_TOKEN")}

    def credentials(self) -> list[dict[str, str]]:
        """Every configured scheme's headers (x-api-key first); none configured -> Inapplicable."""
        found = [
            {"x-api-key": key} if name == "RECOUP_API_KEY" else {"Authorization": "Bearer " + key}
            for name in ("RECOUP_API_KEY", "RECOUP_BEARER_TOKEN")
            if (key := self.target.get(name))
        ]
        if not found:
            raise Inapplicable("neither RECOUP_API_KEY nor RECOUP_BEARER_TOKEN is set")
        return found


class TursoApi:
    """DELETE /v1/organizations/{organizationSlug}/members/{username}"""

    vendor = "turso"

    def __init__(self, client: Client, target: Target) -> None:
        self.client = client
        self.target = target

    def url(self, organization: str, username: str) -> str:
        return (
            f"{self.client.base_url}/v1/organizations/{quote(organization, safe='')}/members/{quote(username, safe='')}"
        )

    def remove(self, organization: str, username: str, headers: Headers) -> Exchange:
        return self.client.exchange(self.client.delete(self.url(organization, username), headers=dict(headers)))

    def token(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.target.require("TURSO_TOKEN")}
