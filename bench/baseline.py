"""The ceiling: a bare Starlette app with one route answering the Recoup 200 body, on the stub's uvicorn stack.

Run as `python -m bench.baseline --port N`; the bench launches it like the stub and drives it the same way.
It is served through the stub's own `uvicorn_config` and `bind`, so the two differ only in the app.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mock_server.server import bind, uvicorn_config


async def remove_member(request: Request) -> JSONResponse:
    return JSONResponse({"status": "success"})


def create_app() -> Starlette:
    return Starlette(routes=[Route("/api/organizations/members", remove_member, methods=["DELETE"])])


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.baseline", description="Bare Starlette ceiling for the bench.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    sock = bind(a.host, a.port)
    uvicorn.Server(uvicorn_config(create_app())).run(sockets=[sock])


if __name__ == "__main__":
    main()
