"""`python -m contract_tests [--url URL]`: the only place that reads the command line and the environment."""

from __future__ import annotations

import os
import sys

from .config import ConfigError, parse_config, stub_ignored
from .runner import run


def main() -> int:
    try:
        config = parse_config(sys.argv[1:], os.environ)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run(config, ignored=stub_ignored(os.environ) if config.url is None else ())


if __name__ == "__main__":
    sys.exit(main())
