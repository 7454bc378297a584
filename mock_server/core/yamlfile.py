"""Reading YAML documents (specs, seeds) with libyaml's parser where PyYAML has it: the stub starts faster."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load(text)`, through the C parser when available; raises yaml.YAMLError like it."""
    return yaml.load(text, Loader=_LOADER)
