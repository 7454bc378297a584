"""The HTTP side: the ASGI app, the vendor adapters, the control API and the docs."""

import warnings

# connexion imports starlette's test client, which warns about httpx on import; nothing here uses it.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
