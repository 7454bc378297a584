"""The docs page in a real browser: headless Chromium renders each API's operations from its contract.

Debian's `chromium` is installed here when it is missing (CI is a fresh machine, as root). Each API is
rendered once, to its DOM (after a virtual-time budget, so the page's scripts have run) and to a
screenshot in reports/docs/. Nothing leaves the machine: the page calls only the stub on 127.0.0.1.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mock_server.background import BackgroundStub
from mock_server.specs import SPECS_DIR, load_spec, operation_ids
from tests.debian import ensure
from tests.mock_server import demo

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "reports" / "docs"
CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
APIS = ("recoup", "turso", "admin")


def ensure_chromium() -> str:
    """The Chromium binary; installed with apt-get when it is missing."""
    found = ensure("chromium", (CHROMIUM,))
    if found is None:
        pytest.skip(f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get)")
    return found


def chromium(binary: str, *args: str) -> str:
    """Run headless Chromium with a fresh profile; its stdout."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def rendered() -> Iterator[dict[str, str]]:
    """Each API's docs page as Chromium renders it (DOM after the scripts ran); screenshots in reports/docs/."""
    binary = ensure_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with BackgroundStub(demo.demo_seed()) as stub:
        pages = {api: f"{stub.url}/docs/?api={api}" for api in APIS}
        jobs = [
            ("--dump-dom", f"--screenshot={SCREENSHOTS / f'{api}.png'}", "--window-size=1280,1400", pages[api])
            for api in APIS
        ]
        with ThreadPoolExecutor(max_workers=2) as pool:
            outputs = list(pool.map(lambda job: chromium(binary, *job), jobs))
        yield dict(zip(APIS, outputs, strict=True))


@pytest.mark.parametrize("api", APIS)
def test_each_api_renders_every_operation_of_its_contract(rendered: dict[str, str], api: str) -> None:
    dom = rendered[api]
    contract = load_spec(SPECS_DIR / f"{api}.yaml")
    shown = set(re.findall(r'id="operations-[^"]*?-([A-Za-z_]+)"', dom)) - {"default"}
    assert shown == set(operation_ids(contract)), f"{api}: the page shows {sorted(shown)}"
    assert "Unable to render this definition" not in dom
    assert f'<h2 class="title">{contract["info"]["title"]}' in dom  # rendered by the page, not in its script


def test_the_recoup_contract_is_shown_as_the_openapi_31_it_is(rendered: dict[str, str]) -> None:
    version = re.search(r'<small class="version-stamp"><pre class="version">OAS ([0-9.]+)</pre>', rendered["recoup"])
    assert version is not None and version.group(1) == "3.1"


def test_the_control_api_offers_the_admin_token_through_authorize(rendered: dict[str, str]) -> None:
    assert 'class="btn authorize' in rendered["admin"]


@pytest.mark.parametrize("api", APIS)
def test_a_screenshot_of_each_api_lands_in_reports(rendered: dict[str, str], api: str) -> None:
    shot = SCREENSHOTS / f"{api}.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
