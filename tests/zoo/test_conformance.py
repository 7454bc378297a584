"""Schemathesis' own CLI (`st run`) over every operation of both specs against correct zoo members: generated valid
and invalid input, every answer a documented status with a schema-valid body, no 5xx. Independent of the contract
suite (which generates cases only for the operations it covers). The CLI sends Recoup's two security schemes in
its own combinations, so many Recoup cases end as 401s; the Turso ones mostly reach the operations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .contract import SPECS
from .members import CORRECT
from .run import serve
from .world import API_KEY, OWNER_TOKEN

ST = Path(sys.executable).parent / "st"
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
    )
)
OPTIONS = ("-c", CHECKS, "-n", "15", "--phases", "examples,coverage,fuzzing", "--no-color")
HEADERS = {"recoup": f"x-api-key: {API_KEY}", "turso": f"Authorization: Bearer {OWNER_TOKEN}"}


@pytest.mark.parametrize("vendor", ["recoup", "turso"])
@pytest.mark.parametrize("name", ["plain", "starlette"])
def test_schemathesis_finds_nothing(name: str, vendor: str, tmp_path: Path) -> None:
    with serve(CORRECT[name]) as served:
        done = subprocess.run(
            [str(ST), "run", str(SPECS / f"{vendor}.yaml"), "--url", served.url, "-H", HEADERS[vendor], *OPTIONS],
            cwd=tmp_path,  # its crash cache goes there, not into the repository
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
