"""`with_rules`: the same handlers calling another rule module, and the original left as it was."""

from __future__ import annotations

import types
from typing import Any

from mock_server.web.routes import Call
from mock_server.web.vendors import turso, with_rules


def test_the_copy_calls_the_given_rules_and_the_original_is_unchanged() -> None:
    seen: list[tuple[Any, dict[str, Any]]] = []
    rules = types.ModuleType("fake_turso_rules")

    def remove_member(store: Any, **given: Any) -> str:
        seen.append((store, given))
        return "bob"

    rules.remove_member = remove_member  # type: ignore[attr-defined]
    copy = with_rules(turso, {"turso": rules})
    call = Call({"headers": [(b"authorization", b"Bearer t")]}, {"organizationSlug": "o", "username": "bob"})
    status, body = copy.remove_organization_member("the store", call)
    assert (status, body) == (200, b'{"member":"bob"}\n')
    assert seen == [("the store", {"authorizations": ["Bearer t"], "organization": "o", "username": "bob"})]
    assert turso.turso.__name__ == "mock_server.core.turso"  # the descriptor still calls core's rules
    assert copy.remove_organization_member is not turso.remove_organization_member
    assert copy.NAME == turso.NAME and copy.error is turso.error
