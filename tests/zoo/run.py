"""Starting any zoo member by name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .deployment import Deployment
from .members import Member
from .server import Served, serve_file_server, serve_stdlib
from .world import fresh_world


@contextmanager
def serve(member: Member) -> Iterator[Served]:
    """A fresh instance of `member` on a free loopback port."""
    if member.implementation == "starlette":
        from .starlette_app import serve_starlette

        with serve_starlette(fresh_world()) as served:
            yield served
    elif member.implementation == "file server":
        with serve_file_server(fresh_world().environment()) as served:
            yield served
    else:
        with serve_stdlib(Deployment(member.variant)) as served:
            yield served
