from __future__ import annotations

import asyncio

import pytest

from mock_server.web.http import Message, Scope, header_values, path_segments, query_values, send_json


def scope(
    path: str = "/", raw_path: bytes | None = None, query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
) -> Scope:
    return {"path": path, "raw_path": raw_path, "query_string": query, "headers": headers or []}


@pytest.mark.parametrize(
    ("query", "values"),
    [
        (b"", {}),
        (b"a=1&b=2", {"a": ["1"], "b": ["2"]}),
        (b"a=1&a=2&a=", {"a": ["1", "2", ""]}),
        (b"a", {"a": [""]}),
        (b"&&a=1&", {"a": ["1"]}),
        (b"a%5Fb=x+y%2Bz", {"a_b": ["x y+z"]}),
        (b"a=b=c", {"a": ["b=c"]}),
        (b"a=%FF", {"a": ["\ufffd"]}),
        (b"a=%", {"a": ["%"]}),
        (b"a=caf%C3%A9", {"a": ["café"]}),
    ],
)
def test_query_values_keeps_every_value(query: bytes, values: dict[str, list[str]]) -> None:
    assert query_values(scope(query=query)) == values


def test_header_values_keeps_order_and_duplicates() -> None:
    headers = [(b"x-api-key", b"one"), (b"authorization", b"Bearer t"), (b"x-api-key", b"two\xe9")]
    assert header_values(scope(headers=headers), b"x-api-key") == ["one", "two\xe9"]
    assert header_values(scope(headers=headers), b"cookie") == []


@pytest.mark.parametrize(
    ("raw", "segments"),
    [
        (b"/v1/organizations/o/members/u", ["", "v1", "organizations", "o", "members", "u"]),
        (b"/v1/organizations/a%2Fb/members/%75", ["", "v1", "organizations", "a/b", "members", "u"]),
        (b"/x/?q=1", ["", "x", ""]),
        (b"/j%C3%BCrgen/%FF", ["", "jürgen", "\ufffd"]),
    ],
)
def test_path_segments_decodes_each_segment_on_its_own(raw: bytes, segments: list[str]) -> None:
    assert path_segments(scope(raw_path=raw)) == segments


def test_path_segments_falls_back_to_the_path() -> None:
    assert path_segments(scope(path="/a/b")) == ["", "a", "b"]


def test_send_json_sets_type_and_length() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(send_json(send, 405, b'{"error":"x"}', [(b"allow", b"DELETE")]))
    assert sent[0]["status"] == 405
    assert sent[0]["headers"] == [
        (b"content-type", b"application/json"),
        (b"content-length", b"13"),
        (b"allow", b"DELETE"),
    ]
    assert sent[1] == {"type": "http.response.body", "body": b'{"error":"x"}'}
