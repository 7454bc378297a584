"""The hot path's RESP encoding and parsing, and its connection to a real Redis."""

from __future__ import annotations

import pytest

from mock_server.redisstore.wire import ReplyError, Wire, encode, parse
from tests.redis_server import RedisServer


def test_encode_is_the_resp_array_of_bulk_strings() -> None:
    assert encode("GET", "k", 3, 0.5) == b"*4\r\n$3\r\nGET\r\n$1\r\nk\r\n$1\r\n3\r\n$3\r\n0.5\r\n"
    assert encode("é") == b"*1\r\n$2\r\n\xc3\xa9\r\n"  # lengths in bytes, not characters


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        (b":42\r\n", 42),
        (b"$5\r\nhe\r\nl\r\n", "he\r\nl"),  # a bulk string may hold CRLF: its length decides
        (b"$-1\r\n", None),
        (b"*3\r\n:200\r\n$2\r\nok\r\n*1\r\n$0\r\n\r\n", [200, "ok", [""]]),
        (b"+OK\r\n", "OK"),
    ],
)
def test_parse_reads_each_kind_of_reply(reply: bytes, value: object) -> None:
    assert parse(reply) == (value, len(reply))
    for cut in range(1, len(reply)):  # any prefix is incomplete, never a wrong value
        assert parse(reply[:cut]) is None


def test_calls_on_a_real_server_and_reconnects_after_a_restart(redis_server: RedisServer) -> None:
    wire = Wire("127.0.0.1", redis_server.port, timeout=1)
    assert wire.call("SET", "wire:k", "v" * 200_000) == "OK"
    assert wire.call("GET", "wire:k") == "v" * 200_000  # a reply longer than one read
    with pytest.raises(ReplyError, match="NOSCRIPT"):
        wire.call("EVALSHA", "0" * 40, 0)
    redis_server.stop()
    with pytest.raises(OSError):
        wire.call("PING")
    redis_server.start()
    assert wire.call("PING") == "PONG"
    redis_server.stop()
    redis_server.start()
    assert wire.call("PING") == "PONG"  # the connection from before the restart is replaced at once
