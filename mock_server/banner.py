"""What `make mock` prints once it listens: where things are, the demo configuration, curl examples."""

from __future__ import annotations

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


def banner(url: str, seed: str, state: State, *, admin_token: bool) -> str:
    demo = state.demo
    lines = [
        f"Recoup + Turso stub listening on {url}  (seed: {seed})",
        f"  API docs (Recoup, Turso, control API): {url}/docs/",
        f"  Index:                                {url}/",
        f"  Control API:                          {url}/__admin  "
        + ("(needs Authorization: Bearer $ADMIN_TOKEN)" if admin_token else "(loopback callers only)"),
        "",
    ]
    if demo:
        lines.append("Demo configuration (paste into your shell; `make contract URL=...` reads the same names):")
        lines += [f"{name}={value}" for name, value in demo.items()]
        lines.append("")
    lines.append("Try it:")
    for descriptor in DESCRIPTORS:
        lines += [f"  {example}" for example in descriptor.examples(url, demo)]
    lines += [
        f"  curl -s {url}/__admin/journal      # recent requests",
        f"  curl -s -X POST {url}/__admin/reset  # back to the seed",
        "",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)
