"""Applying a fault to a vendor request over ASGI: its answer, or a dropped connection.

Dropping needs the connection itself, which ASGI does not expose: the server's `send` is a bound
method of uvicorn's request cycle, whose `transport` is the connection. A reset sets SO_LINGER to 0
and aborts it (the client sees ECONNRESET); a truncation sends the headers with the full
Content-Length and half the body, then closes.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Callable, Sequence
from typing import Any

from ..core.faults import Fault
from .bodies import document
from .cors import EXPOSE
from .http import JSON, Send

Header = tuple[bytes, bytes]
FAULT_HEADER = b"x-stub-fault"  # on every answer a fault rule gave: the rule's id
NO_CONTENT = frozenset({204, 205, 304})  # statuses whose answers have no body


class CannotDrop(RuntimeError):
    """The server does not let the app reach the connection; raising this makes it close the connection."""


async def send_fault(fault: Fault, error: Callable[[str], bytes], send: Send, extra: Sequence[Header] | None) -> int:
    """Answer (or drop) as the fault says, instead of serving the request; returns the status (0: reset)."""
    if fault.drop == "reset":
        await drop_connection(send, reset=True)
        return 0
    status = fault.status or 200
    given = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in fault.headers]
    headers: list[Header] = [(FAULT_HEADER, fault.rule.encode()), *given]
    if status in NO_CONTENT:
        body = b""
        if status == 205:  # 204 and 304 carry no Content-Length at all
            headers.append((b"content-length", b"0"))
    else:
        body = error(fault.message) if fault.body is None else document(fault.body)
        if not any(n == b"content-type" for n, _ in given):
            headers.append((b"content-type", JSON))
        headers.append((b"content-length", str(len(body)).encode()))
    if extra:
        headers += [*extra, EXPOSE]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if fault.drop == "truncate":
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await drop_connection(send, reset=False)
        return status
    await send({"type": "http.response.body", "body": body})
    return status


def _transport(send: Send) -> Any:
    return getattr(getattr(send, "__self__", None), "transport", None)


async def drop_connection(send: Send, *, reset: bool) -> None:
    transport = _transport(send)
    if transport is None:
        raise CannotDrop("the server gives no access to the connection; closing it by failing the request")
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await asyncio.sleep(0)  # the server learns the connection is gone before the app returns
