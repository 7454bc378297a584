"""Serving zoo members on loopback: the standard library's ThreadingHTTPServer, in a thread, on a free port.

`serve(member)` starts whichever implementation a member names (this one, the Starlette one, or the standard
library's own file server) and yields its URL, the deployment (when there is one) and the environment to run
the contract suite with.
"""

from __future__ import annotations

import gzip
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .deployment import Deployment
from .exchange import Answer, Request
from .variant import Quotas, header_name
from .world import World

CHUNK = 16  # bytes per chunk of a chunked body: small, so every body is several chunks


class ZooHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        super().__init__(("127.0.0.1", 0), ZooHandler)


class ZooHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ZooHTTPServer
    server_version = "zoo/1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def handle_any(self) -> None:
        deployment = self.server.deployment
        body = self._body()
        parts = urlsplit(self.path)
        path = parts.path
        base = deployment.variant.base_path
        if base and path != base and not path.startswith(base + "/"):
            self._write(Answer(404, {"error": f"not found: the API is served under {base}"}))
            return
        headers: dict[str, tuple[str, ...]] = {}
        for name, value in self.headers.items():
            headers[name.lower()] = (*headers.get(name.lower(), ()), value)
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        request = Request(self.command, path[len(base) :] or "/", query, headers, self.client_address[0], body)
        answer = deployment.handle(request)
        wait = deployment.delay()
        if wait:
            threading.Event().wait(wait)
        self._write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any other method (TRACE, QUERY, ...) gets the vendor's 404 or 405 too
            return self.handle_any
        raise AttributeError(name)

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        return self.rfile.read(int(length)) if length and length.isdigit() else b""

    def _write(self, answer: Answer) -> None:
        deployment = self.server.deployment
        variant = deployment.variant
        data, content_type = deployment.encode(answer)
        headers = [("Server", self.version_string()), ("Date", self.date_time_string())]
        headers += [("Content-Type", content_type), *answer.headers]
        if variant.gzip and accepts_gzip(self.headers.get_all("Accept-Encoding") or []):
            data = gzip.compress(data)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        headers.append(("Transfer-Encoding", "chunked") if variant.chunked else ("Content-Length", str(len(data))))
        if variant.close:
            headers.append(("Connection", "close"))
        self.send_response_only(answer.status)
        for name, value in headers:
            self.send_header(header_name(name, variant.header_case), value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if variant.chunked:
            for start in range(0, len(data), CHUNK):
                piece = data[start : start + CHUNK]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(data)


def accepts_gzip(values: list[str]) -> bool:
    """Whether an Accept-Encoding header allows gzip (listed, or `*`, without q=0)."""
    for item in ",".join(values).split(","):
        coding, _, params = item.strip().partition(";")
        q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
        if coding.strip().lower() in ("gzip", "x-gzip", "*") and q not in ("0", "0.0", "0.00", "0.000"):
            return True
    return False


@dataclass
class Served:
    url: str  # the base URL to give the suite
    deployment: Deployment | None  # None for the standard library's file server
    environment: dict[str, str] = field(default_factory=dict)
    world: World | None = None  # the state it serves (None for the file server)

    def reset(self) -> None:
        """Back to a fresh world (in place: the server keeps serving the same objects) and fresh quotas."""
        assert self.world is not None
        self.world.reset()
        if self.deployment is not None and self.deployment.quotas is not None:
            self.deployment.quotas = Quotas(self.deployment.quotas.limit)


class QuietFileHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_stdlib(deployment: Deployment) -> Iterator[Served]:
    with ZooHTTPServer(deployment) as httpd, _running(httpd):
        url = f"http://127.0.0.1:{httpd.server_address[1]}{deployment.variant.base_path}"
        yield Served(url, deployment, deployment.world.environment(), deployment.world)


@contextmanager
def serve_file_server(environment: dict[str, str]) -> Iterator[Served]:
    """What `python3 -m http.server` is: a 501 HTML page to every DELETE, 404 HTML to the rest."""
    with tempfile.TemporaryDirectory() as folder:
        handler = partial(QuietFileHandler, directory=folder)
        with ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd, _running(httpd):
            yield Served(f"http://127.0.0.1:{httpd.server_address[1]}", None, environment)


@contextmanager
def _running(httpd: ThreadingHTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        thread.join(5)
