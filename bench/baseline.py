"""The ceiling: a bare Starlette app answering the paired bench paths with the same bodies, on the stub's stack.

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

MEMBERS = [
    {"username": "demo-owner", "role": "owner", "email": "owner@demo-org.example"},
    {"username": "demo-admin", "role": "admin", "email": "admin@demo-org.example"},
    {"username": "demo-viewer", "role": "viewer", "email": "viewer@demo-org.example"},
    {"username": "alice", "role": "member", "email": "alice@demo-org.example"},
    {"username": "bob", "role": "member", "email": "bob@demo-org.example"},
]


async def remove_member(request: Request) -> JSONResponse:
    return JSONResponse({"status": "success"})


async def add_member(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({"status": "success", "id": body["organizationId"], "account_id": body["accountId"]})


async def list_members(request: Request) -> JSONResponse:
    return JSONResponse({"members": MEMBERS})


async def add_turso_member(request: Request) -> JSONResponse:
    body = await request.json()
    slug = request.path_params["organizationSlug"]
    return JSONResponse({"error": f"user {body['username']} is already a member of organization {slug}"}, 409)


def create_app() -> Starlette:
    members = "/v1/organizations/{organizationSlug}/members"
    return Starlette(
        routes=[
            Route("/api/organizations/members", remove_member, methods=["DELETE"]),
            Route("/api/organizations/members", add_member, methods=["POST"]),
            Route(members, list_members, methods=["GET"]),
            Route(members, add_turso_member, methods=["POST"]),
        ]
    )


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.baseline", description="Bare Starlette ceiling for the bench.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    sock = bind(a.host, a.port)
    uvicorn.Server(uvicorn_config(create_app())).run(sockets=[sock])


if __name__ == "__main__":
    main()
