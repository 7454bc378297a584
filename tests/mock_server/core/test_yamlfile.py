"""core/yamlfile.py: the C parser reads exactly what PyYAML's safe loader reads, and refuses the same."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mock_server.core.yamlfile import load_yaml
from mock_server.settings import DEMO_SEED
from mock_server.specs import SPECS_DIR


@pytest.mark.parametrize("path", [*sorted(SPECS_DIR.glob("*.yaml")), DEMO_SEED], ids=lambda p: p.name)
def test_load_yaml_reads_what_safe_load_reads(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_load_yaml_refuses_what_safe_load_refuses() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [unclosed\n")
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']\n")
