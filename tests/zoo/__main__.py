"""`python -m tests.zoo list` / `python -m tests.zoo serve NAME`: run one zoo member by hand."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import threading

from .members import MEMBERS
from .run import serve


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.zoo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the members, correct then broken")
    one = commands.add_parser("serve", help="serve one member on a free loopback port until Ctrl-C")
    one.add_argument("name", choices=sorted(MEMBERS), metavar="NAME")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name, member in MEMBERS.items():
            kind = "broken: " + ", ".join(member.catches) if member.broken else "correct"
            print(f"{name:32} {kind}\n{'':32} {member.description}")
        return 0
    member = MEMBERS[args.name]
    with serve(member) as served:
        print(f"zoo member {args.name!r} ({member.description}) listening on {served.url}")
        print("\nEnvironment for the contract suite (paste into your shell):")
        for name, value in served.environment.items():
            print(f"export {name}={shlex.quote(value)}")
        api = f" --api {member.vendors[0]}" if len(member.vendors) == 1 else ""
        print(f"\nThen: python -m contract_tests --url {served.url}{api}\nPress Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
