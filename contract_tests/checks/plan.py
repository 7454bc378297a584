"""What one `lifecycle_model` run may use (see `models`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """What one lifecycle_model run may use."""

    pool: tuple[str, ...]  # accounts the machine may add, re-role and remove
    unknown: tuple[str, ...]  # accounts that do not exist (probes)
    examples: int  # sequences
    steps: int  # steps per sequence
    shrink: bool  # stub mode: shrink a failing sequence to a minimal one
    reset: Callable[[], None] | None  # stub mode: back to the seed before each sequence
