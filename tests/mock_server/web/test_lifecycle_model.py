"""Random sequences of add / retrieve / list / update / remove over real HTTP, checked against a model.

A Hypothesis rule-based state machine drives the stub over a small pool of users (Turso) and accounts
(Recoup), keeps its own model of the organization, and after every step checks the answer and that
the reads show exactly what the model holds; an interleaving bug is shrunk to a minimal sequence.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from mock_server.background import BackgroundStub
from mock_server.web.http import ASGIApp, Message, Receive, Scope, Send
from tests.mock_server import demo
from tests.mock_server.web.conformance import client as checked_client

OWNER = demo.bearer(demo.OWNER_TOKEN)
MEMBERS = "/v1/organizations/demo-org/members"
USERS = ["alice", "bob", "carol", "dave", "nobody"]  # nobody: not a Turso user at all
EMAILS = {"alice": "alice@demo-org.example", "bob": "bob@demo-org.example"}
EMAILS |= {"carol": "carol@example.com", "dave": "dave@example.com"}
ROLES = ["admin", "member", "viewer"]
ACCOUNTS = [demo.DISPOSABLE, demo.COLLEAGUE, demo.NEWCOMER, demo.STRANGER]  # STRANGER: no account
KEY = {"x-api-key": demo.API_KEY}
RUN = settings(
    max_examples=25, stateful_step_count=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def turso_machine(stub: BackgroundStub) -> type[RuleBasedStateMachine]:
    class Turso(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            stub.store.load(demo.demo_seed())
            self.http = checked_client(stub.url, headers=OWNER)
            self.model = {m: r for m, r in stub.store.state.turso.organizations["demo-org"].members.items()}

        def teardown(self) -> None:
            self.http.close()

        @rule(user=st.sampled_from(USERS), role=st.sampled_from(ROLES))
        def add(self, user: str, role: str) -> None:
            response = self.http.post(MEMBERS, json={"username": user, "role": role})
            if user not in EMAILS:
                assert response.status_code == 404
            elif user in self.model:
                assert response.status_code == 409
            else:
                assert response.json() == {"member": user, "role": role}
                self.model[user] = role

        @rule(user=st.sampled_from(USERS), role=st.sampled_from(ROLES))
        def update(self, user: str, role: str) -> None:
            response = self.http.patch(f"{MEMBERS}/{user}", json={"role": role})
            if user not in self.model:
                assert response.status_code == 404
            else:
                assert response.json() == {"member": {"username": user, "role": role, "email": EMAILS[user]}}
                self.model[user] = role

        @rule(user=st.sampled_from(USERS))
        def remove(self, user: str) -> None:
            response = self.http.delete(f"{MEMBERS}/{user}")
            if user not in self.model:
                assert response.status_code == 404
            else:
                assert response.json() == {"member": user}
                del self.model[user]

        @rule(user=st.sampled_from(USERS))
        def retrieve(self, user: str) -> None:
            response = self.http.get(f"{MEMBERS}/{user}")
            if user not in self.model:
                assert response.status_code == 404
            else:
                assert response.json()["member"] == {"username": user, "role": self.model[user], "email": EMAILS[user]}

        @invariant()
        def the_list_is_the_model(self) -> None:
            listed = self.http.get(MEMBERS).json()["members"]
            assert {m["username"]: m["role"] for m in listed} == self.model
            assert len(listed) == len(self.model)

    return Turso


def test_turso_members_follow_the_model(stub: BackgroundStub) -> None:
    run_state_machine_as_test(turso_machine(stub), settings=RUN)


def test_recoup_memberships_follow_the_model(stub: BackgroundStub) -> None:
    class Recoup(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            stub.store.load(demo.demo_seed())
            self.http = checked_client(stub.url, headers=KEY)
            self.model = set(stub.store.state.recoup.organizations[demo.ORG].members)
            self.ids: dict[str, str] = {}

        def teardown(self) -> None:
            self.http.close()

        @rule(account=st.sampled_from(ACCOUNTS))
        def add(self, account: str) -> None:
            response = self.http.post(
                "/api/organizations/members", json={"organizationId": demo.ORG, "accountId": account}
            )
            if account == demo.STRANGER:
                assert response.status_code == 404
                return
            body = response.json()
            assert body["account_id"] == account
            assert self.ids.setdefault(account, body["id"]) == body["id"]  # the same membership every time
            self.model.add(account)

        @rule(account=st.sampled_from(ACCOUNTS))
        def remove(self, account: str) -> None:
            params = {"organization_id": demo.ORG, "account_id": account}
            assert self.http.delete("/api/organizations/members", params=params).json() == {"status": "success"}
            self.model.discard(account)

        @rule(account=st.sampled_from(ACCOUNTS))
        def organizations(self, account: str) -> None:
            response = self.http.get("/api/organizations", params={"account_id": account})
            if account in self.model:
                assert [o["organization_id"] for o in response.json()["organizations"]] == [demo.ORG]
            else:  # it shares no organization with the caller any more
                assert response.status_code == 403

        @invariant()
        def the_caller_keeps_its_organization(self) -> None:
            listed = self.http.get("/api/organizations").json()["organizations"]
            assert [o["organization_id"] for o in listed] == [demo.ORG]

    run_state_machine_as_test(Recoup, settings=RUN)


def hides_carol(app: ASGIApp) -> ASGIApp:
    """A broken deployment: its member list leaves out `carol` (as a stale cache would)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].endswith("/members"):
            await app(scope, receive, send)
            return
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        await app(scope, receive, capture)
        start, body = messages
        doc = json.loads(body["body"])
        doc["members"] = [m for m in doc.get("members", []) if m["username"] != "carol"]
        new = json.dumps(doc).encode()
        headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(new)).encode())]})
        await send({"type": "http.response.body", "body": new})

    return wrapped


def test_the_model_catches_a_list_that_misses_an_add() -> None:
    with BackgroundStub(demo.demo_seed(), wrap=hides_carol) as broken, pytest.raises(AssertionError):
        run_state_machine_as_test(turso_machine(broken), settings=settings(RUN, phases=[Phase.generate]))
