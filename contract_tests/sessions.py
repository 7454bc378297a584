"""The stub's isolated sessions as the suite uses them: one per process of a run, named after the run.

Against this project's stub every request of a run carries `X-Stub-Session: <run id>-<worker>` (the
controller's is `main`, an xdist worker's its id, `gw0`, `gw1`, ...), so the run works on copies of the
stub's seed of its own: the stub's shared state, other runs and the run's other workers never see its
removals, and it never sees theirs. The run id is random, so two runs sharing one stub never meet. At
its end each process drops its session. No other server ever gets the header.
"""

from __future__ import annotations

import secrets

HEADER = "X-Stub-Session"
MAIN = "main"


def new_run_id() -> str:
    """A name no other run uses: `ct-` and 12 random hex digits."""
    return "ct-" + secrets.token_hex(6)


def session_name(run_id: str, worker: str) -> str:
    return f"{run_id}-{worker}"
