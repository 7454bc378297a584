"""One zoo deployment, independent of any HTTP library: routing, rate limit, fault, and body encoding.

The HTTP servers (`server.py`) turn bytes into a `Request`, ask `Deployment.handle`, and write what
`Deployment.encode` gives, applying the transport differences of the variant.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from typing import Any

from . import recoup, turso
from .exchange import Answer, Request, Style
from .faults import FAULTS
from .variant import Quotas, Variant
from .world import World, fresh_world


class Deployment:
    def __init__(self, variant: Variant, world: World | None = None, seed: int = 7) -> None:
        self.variant = variant
        self.world = world or fresh_world(side_org=variant.side_org)
        self.fault = FAULTS[variant.fault] if variant.fault else None
        self.quotas = Quotas(variant.rate_limit) if variant.rate_limit else None
        self.random = random.Random(seed)
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()
        self.style = Style(wording=variant.wording, mint=self._mint, newest_first=variant.newest_first)

    def _mint(self) -> str:
        """A new membership id, in the variant's format (called with the lock held)."""
        bits = self.random.getrandbits(128)
        if self.variant.ids == "time-ordered":  # version 7: 48 bits of milliseconds first
            millis = int(time.time() * 1000) & ((1 << 48) - 1)
            bits = (millis << 80) | (bits & ((1 << 80) - 1))
            bits = (bits & ~(0xF << 76)) | (0x7 << 76)
            bits = (bits & ~(0x3 << 62)) | (0x2 << 62)
            return str(uuid.UUID(int=bits))
        return str(uuid.UUID(int=bits, version=4))

    def handle(self, request: Request) -> Answer:
        if self.quotas is not None and _vendor(request.path) and not self.quotas.take(_credential(request)):
            answer = self._refuse(request, 429, "rate")
            assert self.variant.rate_limit is not None
            answer = answer.but(headers=(("Retry-After", str(self.variant.rate_limit.retry_after)),))
        else:
            with self._lock:  # each check-then-remove is atomic
                answer = self._route(request)
        with self._lock:
            self.statuses[answer.status] += 1
        return answer

    def _route(self, request: Request) -> Answer:
        if self.fault is not None:
            changed = self.fault.before(request, self.world)
            if isinstance(changed, Answer):
                return changed
            request = changed
        answer = self._answer(request)
        if self.fault is not None:
            answer = self.fault.after(request, answer, self.world)
        return answer

    def _answer(self, request: Request) -> Answer:
        vendor = _vendor(request.path)
        if vendor == "recoup":
            return recoup.answer(self.world.recoup, request, self.style)
        if vendor == "turso":
            return turso.answer(self.world.turso, request, self.style)
        return Answer(404, {"error": "not found"})

    def _refuse(self, request: Request, status: int, what: str) -> Answer:
        if _vendor(request.path) == "recoup":
            return recoup.refuse(status, what, self.variant.wording)
        return turso.refuse(status, what, self.variant.wording)

    def encode(self, answer: Answer) -> tuple[bytes, str]:
        """The body bytes and Content-Type of an answer, with the variant's extra properties."""
        content_type = answer.content_type or self.variant.media_type
        if isinstance(answer.body, bytes):
            return answer.body, content_type
        body: Any = answer.body
        if self.variant.extra_properties and isinstance(body, dict | list):
            with self._lock:
                request_id = f"{self.random.getrandbits(128):032x}"
            body = _annotated(body)
            if isinstance(body, dict):
                body = {"request_id": request_id, **body, "meta": {"served_by": "zoo", "version": 2}}
        return json.dumps(body, ensure_ascii=False).encode("utf-8"), content_type

    def delay(self) -> float:
        """Seconds to wait before answering (the variant's latency), or 0."""
        if self.variant.latency_ms is None:
            return 0.0
        low, high = self.variant.latency_ms
        with self._lock:
            return self.random.uniform(low, high) / 1000


def _annotated(doc: Any, nested: bool = False) -> Any:
    """`doc` with an extra property in every object nested in it (member objects, organizations...)."""
    if isinstance(doc, list):
        return [_annotated(item, True) for item in doc]
    if isinstance(doc, dict):
        inner = {key: _annotated(value, True) for key, value in doc.items()}
        return {**inner, "updated_at": "2026-01-01T00:00:00Z"} if nested else inner
    return doc


def _vendor(path: str) -> str | None:
    if path.startswith("/api/"):
        return "recoup"
    if path.startswith(turso.PREFIX):
        return "turso"
    return None


def _credential(request: Request) -> str:
    values = request.values("x-api-key") + request.values("authorization")
    return values[0] if values else "client " + request.client
