"""The two vendor specs as schemathesis schemas, tuned so a correct server passes."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from schemathesis import GenerationMode
from schemathesis.schemas import BaseSchema

SPECS = Path(__file__).resolve().parents[1] / "specs"


def load(vendor: str) -> BaseSchema:
    """specs/<vendor>.yaml, every operation, with valid and invalid generation, no shrinking, no generated credentials.

    The number of cases per operation comes from the Hypothesis profile the run loads (EXAMPLES); the base URL
    is given with each call. Unexpected-method cases are off: the real vendors serve more methods on these
    paths than the specs describe. Repeated query parameters are on: each parameter is a single string.
    """
    schema = schemathesis.openapi.from_path(SPECS / f"{vendor}.yaml")
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        no_shrink=True,
        database="none",
        with_security_parameters=False,
    )
    coverage = schema.config.phases.coverage
    coverage.unexpected_methods = set()
    coverage.generate_duplicate_query_parameters = True
    return schema
