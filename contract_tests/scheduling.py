"""Which worker runs which test: whole groups of tests that share a check, the biggest groups first.

xdist's own `loadgroup` marks tests by renaming their node ids, which the pinned pytest no longer lets a
plugin do; and the node ids are the names in the reports, which stay as in a sequential run. So the workers
write which test belongs to which group to a file (`Worker.pytest_collection_modifyitems`), and this
scheduler, which xdist asks for once every worker has collected, reads it.

A worker is also given a next unit of work only when it has at most one test left (xdist's own threshold
is two): a worker busy with a group of two long tests then leaves the next unit to a worker that is free.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

GROUP = "contract-checks-"  # the scope name of tests that must share a worker


def write_groups(path: Path, groups: dict[str, int]) -> None:
    """Test id -> group, written whole (every worker writes the same map)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(groups), encoding="utf-8")
    os.replace(temporary, path)


def read_groups(path: Path) -> dict[str, int]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"no worker wrote which tests share a worker ({path}: {exc})") from None
    return {str(k): int(v) for k, v in doc.items()}


class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
    def __init__(self, config: pytest.Config, log: Any, groups_file: Path) -> None:
        super().__init__(config, log)
        self._groups_file = groups_file
        self._groups: dict[str, int] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:
            self._groups = read_groups(self._groups_file)
        group = self._groups.get(nodeid)
        return nodeid if group is None else f"{GROUP}{group}"

    def _reschedule(self, node: Any) -> None:
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        # A worker only starts a test once it knows the next one (or that there is none), so one in hand is
        # the least that keeps it going.
        if self._pending_of(self.assigned_work[node]) > 1:
            return
        self._assign_work_unit(node)
