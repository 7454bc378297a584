"""The one HTTP client every request of the suite goes through, schemathesis' generated cases included.

It applies RATE, waits out rate limits (429), counts requests, renders each request as a runnable curl
command, and refuses, in one place, any request that could add, re-role or remove a member nobody named:
see `Policy.refusal`.

A 429 is weather, not a verdict: the client waits `Retry-After` (seconds or an HTTP date), or backs off
exponentially without one, each wait capped, and sends the same request again, within a total wait per
run (`RateLimits.budget_s`, RATE_LIMIT_WAIT). Once that is spent it raises `RateLimited`, and the run
ends with exit code 2 and a suggested RATE instead of failures.
"""

from __future__ import annotations

import json
import math
import shlex
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from . import probes
from .sessions import HEADER as SESSION_HEADER
from .vendors import VENDORS, Operation

CONTROL_PATH = "/__admin"
DEFAULT_TIMEOUT = 30.0
# Headers the transport adds on its own; a reproduction does not need them.
_NOISE = {"user-agent", "accept", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid"}


class UnsafeRequest(RuntimeError):
    """The suite tried to send a request the safety policy forbids; nothing was sent."""


class RateLimited(RuntimeError):
    """The target kept answering 429 after the run's total wait was spent."""


@dataclass(frozen=True)
class RateLimits:
    """How the client waits out 429 answers."""

    budget_s: float = 60.0  # total wait per run
    max_wait_s: float = 10.0  # cap on each wait, whatever Retry-After says
    backoff_s: float = 0.5  # first wait without Retry-After; doubled on each 429 in a row


@dataclass
class Traffic:
    """What the client saw, as plain data: answers, 429s and the time spent waiting them out."""

    answered: int = 0  # answers other than 429
    rate_limited: int = 0  # 429 answers (each retried, unless the wait was spent)
    waited_s: float = 0.0
    exhausted: bool = False  # a 429 came after the total wait was spent
    first_s: float | None = field(default=None, repr=False)  # monotonic time of the first request
    last_s: float | None = field(default=None, repr=False)  # of the last answer

    def merge(self, other: Traffic) -> None:
        """Add another client's traffic (e.g. of a worker process on the same machine)."""
        self.answered += other.answered
        self.rate_limited += other.rate_limited
        self.waited_s += other.waited_s
        self.exhausted = self.exhausted or other.exhausted
        firsts = [t for t in (self.first_s, other.first_s) if t is not None]
        lasts = [t for t in (self.last_s, other.last_s) if t is not None]
        self.first_s = min(firsts) if firsts else None
        self.last_s = max(lasts) if lasts else None

    def suggested_rate(self) -> int | None:
        """A RATE the target sustained: the answers per second seen over the run (None without any 429)."""
        if not self.rate_limited:
            return None
        span = (self.last_s or 0.0) - (self.first_s or 0.0)
        if self.answered == 0 or span <= 0:
            return 1
        return max(1, math.floor(self.answered / span))


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date); None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class Policy:
    """What the suite may send to the target.

    - the vendor operations of the descriptors (`vendors/`), GET /__admin (to recognise the stub), and the
      rest of the control API when the target is this project's stub;
    - reads (GET) of a vendor operation always, without a body;
    - every member an add, re-role or removal names is a probe (see `probes`), or the configured disposable
      member of the configured organization, named exactly, or (stub mode only) a member of `pool`;
    - an add by email only when `emails` (stub mode: the real Recoup server creates an account for an
      unknown email, so a live target never gets one);
    - nothing outside the base URL, no request body on a removal or a read.
    """

    base_url: str
    recoup_disposable: tuple[str, str] | None = None  # (organization id, account id)
    turso_disposable: tuple[str, str] | None = None  # (organization slug, username)
    control: bool = False
    emails: bool = False
    pool: frozenset[tuple[str, str, str]] = frozenset()  # (vendor, organization, member): the suite's own stub

    def refusal(self, method: str, url: str, body: bytes | str | None) -> str | None:
        """Why this request may not be sent, or None when it may."""
        base, target = urlsplit(self.base_url), urlsplit(url)
        if _origin(target.scheme, target.hostname, target.port) != _origin(base.scheme, base.hostname, base.port):
            return f"{url} is outside the target {self.base_url}"
        prefix = base.path.rstrip("/")
        if not target.path.startswith(prefix + "/"):
            return f"{url} is outside the target {self.base_url}"
        path = target.path[len(prefix) :]
        if path == CONTROL_PATH and method == "GET":
            return None
        if path == CONTROL_PATH or path.startswith(CONTROL_PATH + "/"):
            return None if self.control else "the target is not this project's stub, so its control API is off limits"
        for vendor in VENDORS.values():
            found = vendor.find(method, path)
            if found is None:
                continue
            op, params = found
            if not op.changes_members:
                return "a request body on a read" if body else None
            return self._change(vendor.name, op, params, target.query, body)
        if any(v.has_path(path) for v in VENDORS.values()):
            return f"{method} is not an operation of {path} in the specs"
        return f"{path} is neither a vendor operation nor the stub's control API"

    def _change(
        self, vendor: str, op: Operation, params: dict[str, str], query: str, body: bytes | str | None
    ) -> str | None:
        if op.method == "DELETE" and body:
            return "a request body on a removal"
        if vendor == "recoup":
            return self._recoup_remove(query) if op.method == "DELETE" else self._recoup_add(_fields(body))
        org = unquote(params["organizationSlug"])
        if "username" in params:
            return self._turso_member(org, unquote(params["username"]))
        fields = _fields(body)
        if "username" not in fields:
            return None
        member = fields["username"]
        if not isinstance(member, str):
            return f"username {member!r} is not a string: a lenient server could read it as some user's name"
        return self._turso_member(org, member)

    def _member_ok(self, vendor: str, org: str, member: str) -> bool:
        disposable = self.recoup_disposable if vendor == "recoup" else self.turso_disposable
        if vendor == "recoup":
            org, member = org.lower(), member.lower()
            named = disposable is not None and (org, member) == (disposable[0].lower(), disposable[1].lower())
            return named or probes.is_recoup_probe(member) or (vendor, org, member) in self.pool
        named = disposable is not None and (org, member) == disposable
        return named or probes.is_turso_probe(member) or (vendor, org, member) in self.pool

    def _recoup_remove(self, query: str) -> str | None:
        if ";" in query:
            return "a ';' in the query could be read as a separator by the server"
        pairs = parse_qsl(query, keep_blank_values=True)
        orgs = [v for k, v in pairs if k == "organization_id"]
        members = [(k, v) for k, v in pairs if k != "organization_id"]
        org = orgs[0] if len(orgs) == 1 else ""
        for name, value in members:
            if name == "account_id" and len(members) == 1 and self._member_ok("recoup", org, value):
                continue
            if not probes.is_recoup_probe(value):
                return f"{name}={value!r} is not a probe account id (nor the disposable member of RECOUP_ORG_ID)"
        return None

    def _recoup_add(self, fields: Mapping[str, Any]) -> str | None:
        if any(str(k).lower() == "email" for k in fields) and not self.emails:
            return "an add by email: the real Recoup server creates an account for an unknown email"
        org = fields.get("organizationId")
        org = org if isinstance(org, str) else ""
        for key, value in fields.items():
            if str(key).lower() != "accountid":
                continue
            for text in _strings(value):
                if not self._member_ok("recoup", org, text):
                    return f"{key}={text!r} is not a probe account id (nor the disposable member of RECOUP_ORG_ID)"
        return None

    def _turso_member(self, org: str, member: str) -> str | None:
        if self._member_ok("turso", org, member):
            return None
        return f"username {member!r} is not a probe username (nor the disposable member of TURSO_ORG)"


def _fields(body: bytes | str | None) -> Mapping[str, Any]:
    """The fields a lenient server could read out of a body: a JSON object's, or a form's."""
    if not body:
        return {}
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        doc = json.loads(text)
    except ValueError:
        return dict(parse_qsl(text, keep_blank_values=True))
    return doc if isinstance(doc, dict) else {}


def _strings(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _origin(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int]:
    """Scheme, host and port as a server sees them: case-insensitive, the default port explicit."""
    scheme = scheme.lower()
    return scheme, (host or "").lower(), port or (443 if scheme == "https" else 80)


class Client(requests.Session):
    """A requests session with the safety policy, RATE, and a request counter.

    Schemathesis sends its cases through it (`case.call(session=client)`), so generated requests obey the
    same policy as hand-written ones.
    """

    def __init__(
        self,
        policy: Policy,
        *,
        rate: float | None = None,
        secrets: Mapping[str, str] | None = None,
        limits: RateLimits | None = None,
        admin_token: str | None = None,
    ) -> None:
        super().__init__()
        # Proxy and CA settings from the environment, resolved once rather than on every request.
        settings = self.merge_environment_settings(policy.base_url, {}, None, None, None)
        self.proxies, self.verify = settings["proxies"], settings["verify"]
        self.trust_env = False
        self.policy = policy
        self.secrets = dict(secrets or {})  # secret value -> environment variable name, for curl commands
        self.admin_token = admin_token  # sent as a bearer token to the stub's control API only
        self.session: str | None = None  # this project's stub only: sent as X-Stub-Session with every request
        self.sent: Counter[str] = Counter()
        self.limits = limits or RateLimits()
        self.traffic = Traffic()
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return self.policy.base_url

    def allow_control(self) -> None:
        self.policy = replace(self.policy, control=True)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """Redirects are answers to judge, never followed (as schemathesis' own calls do)."""
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        method, url = request.method or "GET", request.url or ""
        refusal = self.policy.refusal(method, url, request.body)
        if refusal is not None:
            raise UnsafeRequest(f"refused to send {method} {url}: {refusal}")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = DEFAULT_TIMEOUT
        kind = "control" if CONTROL_PATH in urlsplit(url).path else "api"
        if kind == "control" and self.admin_token:
            request.headers["Authorization"] = f"Bearer {self.admin_token}"
        if self.session is not None:
            request.headers[SESSION_HEADER] = self.session
        in_a_row = 0
        while True:
            self._throttle()
            with self._lock:
                self.sent[kind] += 1
                if self.traffic.first_s is None:
                    self.traffic.first_s = time.monotonic()
            response = super().send(request, **kwargs)
            with self._lock:
                self.traffic.last_s = time.monotonic()
                if response.status_code != 429:
                    self.traffic.answered += 1
                    return response
                self.traffic.rate_limited += 1
                wait = self._wait(response, in_a_row)
                if self.traffic.waited_s + wait > self.limits.budget_s:
                    self.traffic.exhausted = True
                    raise RateLimited(
                        f"{method} {url} answered 429 after {self.traffic.waited_s:.1f} s of waiting out rate limits "
                        f"(RATE_LIMIT_WAIT={self.limits.budget_s:g})"
                    )
                self.traffic.waited_s += wait
            response.close()
            time.sleep(wait)
            in_a_row += 1

    def _wait(self, response: requests.Response, in_a_row: int) -> float:
        """Retry-After, or the back-off; from the second 429 in a row on, never less than half the back-off,
        so that a target answering `Retry-After: 0` forever still uses up the run's total wait."""
        asked = retry_after(response.headers.get("retry-after"))
        backoff = self.limits.backoff_s * 2**in_a_row
        wait = backoff if asked is None else max(asked, backoff / 2 if in_a_row else 0.0)
        return min(wait, self.limits.max_wait_s)

    def _throttle(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)

    def exchange(self, response: Any) -> Exchange:
        return Exchange.of(response, self.secrets)


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the suite reports them."""

    request: requests.PreparedRequest
    status: int
    headers: Mapping[str, str]
    body: bytes
    secrets: Mapping[str, str]

    @classmethod
    def of(cls, response: Any, secrets: Mapping[str, str]) -> Exchange:
        """From a requests.Response or a schemathesis Response."""
        headers = {k.lower(): (", ".join(v) if isinstance(v, list) else v) for k, v in response.headers.items()}
        return cls(response.request, response.status_code, headers, response.content or b"", secrets)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        """The media type without parameters, lower case: "Application/JSON; charset=UTF-8" -> "application/json"."""
        return media_type(self.content_type)

    def json(self) -> Any:
        """The parsed JSON body, or None when the body is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def curl(self) -> str:
        return as_curl(self.request, self.secrets)

    def describe(self) -> str:
        text = self.body.decode("utf-8", "replace")
        if len(text) > 600:
            text = text[:600] + f"... ({len(self.body)} bytes)"
        ctype = self.content_type or "none"
        return f"HTTP {self.status} (content-type: {ctype}) {text or '(empty body)'}"


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def as_curl(request: requests.PreparedRequest, secrets: Mapping[str, str]) -> str:
    """A runnable curl command; configured secrets appear as $VARIABLE references, never in clear."""
    parts = ["curl", "-sS", "-i", "-X", request.method or "GET", shlex.quote(request.url or "")]
    for name, value in request.headers.items():
        if name.lower() in _NOISE:
            continue
        parts += ["-H", _header_arg(f"{name}: {value}", secrets)]
    body = request.body
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        parts += ["--data-binary", shlex.quote(text)]
    return " ".join(parts)


def _header_arg(text: str, secrets: Mapping[str, str]) -> str:
    found = [(secret, var) for secret, var in secrets.items() if secret and secret in text]
    if not found:
        return shlex.quote(text)
    out = _dq(text)
    for secret, var in found:
        out = out.replace(_dq(secret), "${" + var + "}")
    return f'"{out}"'


def _dq(text: str) -> str:
    """Escape for the inside of a double-quoted shell string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
