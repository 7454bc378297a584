"""What `make mock` prints once it listens: where things are, the demo configuration, curl examples."""

from __future__ import annotations

import shlex
from pathlib import Path

from .core.state import State
from .web.vendors import DESCRIPTORS

_ANY = ("0.0.0.0", "::", "")


def base_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in _ANY else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def shown_path(path: Path, cwd: Path) -> str:
    """A path as the user would type it: relative when it lies under the working directory."""
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def banner(url: str, seed: str, state: State, *, admin_token: bool, host: str = "127.0.0.1") -> str:
    demo = state.demo
    everywhere = host in _ANY
    where = f"{url} and on every interface (HOST={host or '0.0.0.0'}; other hosts use this machine's address)"
    where = where if everywhere else url
    if admin_token:
        control = "(every caller sends Authorization: Bearer $ADMIN_TOKEN, loopback included)"
    elif everywhere:
        control = "(still loopback callers only: other hosts get 403 unless the stub has ADMIN_TOKEN)"
    else:
        control = "(loopback callers only)"
    lines = [
        f"Recoup + Turso stub listening on {where}  (seed: {seed})",
        f"  API docs (Recoup, Turso, control API): {url}/docs/",
        f"  Index:                                {url}/",
        f"  Control API:                          {url}/__admin  {control}",
        "",
    ]
    if demo:
        lines.append(f"Demo configuration (paste into your shell, then: make contract URL={url}):")
        lines += [f"export {name}={shlex.quote(value)}" for name, value in demo.items()]
        lines.append("")
    lines.append("Try it:")
    for descriptor in DESCRIPTORS:
        lines += [f"  {example}" for example in descriptor.examples(url, demo)]
    auth = ' -H "Authorization: Bearer $ADMIN_TOKEN"' if admin_token else ""
    lines += [
        f"  curl -s{auth} {url}/__admin/journal      # recent requests",
        f"  curl -s{auth} -X POST {url}/__admin/reset  # back to the seed",
        "",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)
