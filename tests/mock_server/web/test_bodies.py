"""web/bodies.py: every body is UTF-8 JSON ending with a newline, even for text UTF-8 cannot carry."""

from __future__ import annotations

import json

from mock_server.web import bodies


def test_bodies_are_compact_utf8_json() -> None:
    assert bodies.turso_error("user jürgen") == '{"error":"user jürgen"}\n'.encode()
    assert bodies.recoup_error("x") == b'{"status":"error","error":"x"}\n'


def test_an_unpaired_surrogate_is_sent_as_an_escape_not_an_error() -> None:
    body = bodies.turso_error("could not find user \ud800")
    assert body == b'{"error":"could not find user \\ud800"}\n'
    assert json.loads(body) == {"error": "could not find user \ud800"}


def test_the_recoup_add_body_is_the_json_it_would_dump() -> None:
    body = bodies.recoup_added("a5a86a5b-1317-516d-926c-0e5c3fcb6b41", "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12")
    expected = {"status": "success", "id": "a5a86a5b-1317-516d-926c-0e5c3fcb6b41"}
    assert json.loads(body) == {**expected, "account_id": "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"}
    assert body.endswith(b"}\n")
