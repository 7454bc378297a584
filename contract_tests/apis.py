"""The vendors' operations, as small request builders over the guarded client (paths from `vendors/`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from .http import Client, Exchange
from .target import Inapplicable, Target
from .vendors import recoup, turso

Query = Sequence[tuple[str, str]]
Headers = Mapping[str, str]
MEMBERS = recoup.MEMBERS


class RecoupApi:
    """recoup.yaml: who am I, organizations of an account, add and remove a member."""

    vendor = "recoup"

    def __init__(self, client: Client, target: Target) -> None:
        self.client = client
        self.target = target

    def _url(self, operation_id: str) -> str:
        return self.client.base_url + recoup.VENDOR.operation(operation_id).path

    def remove(self, query: Query, headers: Headers) -> Exchange:
        """Send the query as given: pairs, so a parameter can be missing or repeated."""
        response = self.client.delete(self._url(recoup.REMOVE), params=list(query), headers=dict(headers))
        return self.client.exchange(response)

    def remove_member(self, organization_id: str, account_id: str, headers: Headers) -> Exchange:
        return self.remove([("organization_id", organization_id), ("account_id", account_id)], headers)

    def add(self, body: Any, headers: Headers) -> Exchange:
        """POST the body as JSON, whatever it is (the malformed-body checks send non-objects too)."""
        return self.client.exchange(self.client.post(self._url(recoup.ADD), json=body, headers=dict(headers)))

    def add_member(self, organization_id: str, account_id: str, headers: Headers) -> Exchange:
        return self.add({"organizationId": organization_id, "accountId": account_id}, headers)

    def account_id(self, headers: Headers) -> Exchange:
        return self.client.exchange(self.client.get(self._url(recoup.WHO_AM_I), headers=dict(headers)))

    def organizations(self, account_id: str | None, headers: Headers) -> Exchange:
        params = [("account_id", account_id)] if account_id is not None else []
        response = self.client.get(self._url(recoup.ORGANIZATIONS), params=params, headers=dict(headers))
        return self.client.exchange(response)

    def api_key(self) -> dict[str, str]:
        return {"x-api-key": self.target.require("RECOUP_API_KEY")}

    def bearer(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.target.require("RECOUP_BEARER_TOKEN")}

    def credentials(self) -> list[dict[str, str]]:
        """Every configured scheme's headers (x-api-key first); none configured -> Inapplicable."""
        found = [
            {"x-api-key": key} if name == "RECOUP_API_KEY" else {"Authorization": "Bearer " + key}
            for name in recoup.VENDOR.credentials
            if (key := self.target.get(name))
        ]
        if not found:
            raise Inapplicable("neither RECOUP_API_KEY nor RECOUP_BEARER_TOKEN is set")
        return found


class TursoApi:
    """turso.yaml: validate the token, and list, add, retrieve, update the role of and remove members."""

    vendor = "turso"

    def __init__(self, client: Client, target: Target) -> None:
        self.client = client
        self.target = target

    def members_url(self, organization: str) -> str:
        return f"{self.client.base_url}/v1/organizations/{quote(organization, safe='')}/members"

    def url(self, organization: str, username: str) -> str:
        return f"{self.members_url(organization)}/{quote(username, safe='')}"

    def remove(self, organization: str, username: str, headers: Headers) -> Exchange:
        return self.client.exchange(self.client.delete(self.url(organization, username), headers=dict(headers)))

    def retrieve(self, organization: str, username: str, headers: Headers) -> Exchange:
        return self.client.exchange(self.client.get(self.url(organization, username), headers=dict(headers)))

    def update(self, organization: str, username: str, body: Any, headers: Headers) -> Exchange:
        response = self.client.patch(self.url(organization, username), json=body, headers=dict(headers))
        return self.client.exchange(response)

    def list(self, organization: str, headers: Headers) -> Exchange:
        return self.client.exchange(self.client.get(self.members_url(organization), headers=dict(headers)))

    def add(self, organization: str, body: Any, headers: Headers) -> Exchange:
        response = self.client.post(self.members_url(organization), json=body, headers=dict(headers))
        return self.client.exchange(response)

    def validate(self, headers: Headers) -> Exchange:
        path = turso.VENDOR.operation(turso.VALIDATE).path
        return self.client.exchange(self.client.get(self.client.base_url + path, headers=dict(headers)))

    def token(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.target.require("TURSO_TOKEN")}

    def member_token(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.target.require("TURSO_MEMBER_TOKEN")}
