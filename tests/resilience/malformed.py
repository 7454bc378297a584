"""The hand-made malformed requests: a catalogue per kind of damage, built combinatorially.

Each case carries its bytes, exactly as they go on the wire, and what may come back: which
statuses the stub may answer, whether uvicorn's HTTP parser may refuse the bytes first, and
whether the connection may be reused afterwards. Every case is one that must not change the
state (no or wrong credentials, broken parameters, wrong methods and paths, or the removal of an
account that is not a member).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from .rawhttp import request
from .support import (
    RECOUP_BEARER,
    RECOUP_FOREIGN_ORG,
    RECOUP_KEY,
    RECOUP_MEMBER,
    RECOUP_NON_MEMBER,
    RECOUP_ORG,
    RECOUP_PATH,
    TURSO_MEMBER,
    TURSO_ORG,
    TURSO_TOKEN,
    TURSO_VIEWER_TOKEN,
    recoup_query,
    turso_path,
)

Route = Literal["recoup", "turso", "control", "site", "none"]
# app: the stub itself must answer. http: the bytes are not valid HTTP (or are at its edge), so
# uvicorn's parser may refuse them with a plain-text 400 and close instead.
Layer = Literal["app", "http"]
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Case:
    kind: str
    name: str
    data: bytes
    layer: Layer = "app"
    statuses: frozenset[int] | None = None  # when the stub answers, one of these (None: any < 500)
    reuse: bool = True  # False: the framing is ambiguous on purpose; never reuse the connection
    shut: bool = False  # half-close after sending (a truncated request): closing without an answer is fine

    @property
    def head(self) -> bool:
        return self.data.startswith(b"HEAD ")

    @property
    def route(self) -> Route:
        """Which part of the stub answers this path (from the decoded path, as the stub sees it)."""
        target = self.data.split(b"\n", 1)[0].split()[1:2]
        raw = target[0].decode("latin-1") if target else ""
        if "://" in raw:
            raw = urlsplit(raw).path
        path = unquote(raw.split("?", 1)[0])
        if path == "/api" or path.startswith("/api/"):
            return "recoup"
        if path == "/v1" or path.startswith("/v1/"):
            return "turso"
        if path == "/__admin" or path.startswith("/__admin/"):
            return "control"
        if path in ("/", "/docs") or path.startswith("/docs/"):
            return "site"
        return "none"


def codes(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


def h(name: str | bytes, value: str | bytes) -> tuple[bytes, bytes]:
    n = name.encode("latin-1") if isinstance(name, str) else name
    v = value.encode("latin-1") if isinstance(value, str) else value
    return (n, v)


def raw_request(
    method: bytes, target: bytes, headers: Headers | None = None, body: bytes = b"", *, length: bool | None = None
) -> bytes:
    return request(method, target, headers or [], body, length=length)


# --- credentials ---------------------------------------------------------------------------------

NO_CREDS: Headers = []
RECOUP_BAD: Headers = [h("x-api-key", "recoup_sk_wrong_00000000")]
RECOUP_VALID: Headers = [h("x-api-key", RECOUP_KEY)]
TURSO_BAD: Headers = [h("Authorization", "Bearer turso_wrong_00000000")]
TURSO_VALID: Headers = [h("Authorization", f"Bearer {TURSO_TOKEN}")]

# (label, headers, passes authentication)
RECOUP_CREDS: list[tuple[str, Headers, bool]] = [
    ("no-creds", NO_CREDS, False),
    ("bad-key", RECOUP_BAD, False),
    ("valid-key", RECOUP_VALID, True),
]
TURSO_CREDS: list[tuple[str, Headers, bool]] = [
    ("no-creds", NO_CREDS, False),
    ("bad-token", TURSO_BAD, False),
    ("owner-token", TURSO_VALID, True),
]

# The demo organization, a real member of it (a request that passes every check removes it, so the
# state check catches any request wrongly accepted), an account that is not a member (removing it is
# a 200 that changes nothing: used where a request may rightly pass), and an organization the
# demo caller does not belong to.
ORG, M, N, F = RECOUP_ORG, RECOUP_MEMBER, RECOUP_NON_MEMBER, RECOUP_FOREIGN_ORG

# --- damage --------------------------------------------------------------------------------------

# Percent-encoding that is broken, or decodes to invalid UTF-8, control characters or separators.
BAD_ESCAPES = [
    "%", "%z", "%zz", "%1", "%g0", "%%", "%%%", "%e9", "%c3", "%c3%28", "%ff", "%fe%ff", "%80",
    "%c0%af", "%ed%a0%80", "%f4%90%80%80", "%f8%88%80%80%80", "%00", "%0a", "%0d%0a", "%2f", "%5c",
    "%u00e9", "%25", "+", "%2b", "%20", "%7f", "%1b", "%3f", "%23", "%26", "%3d",
]  # fmt: skip

# Raw bytes that are not valid UTF-8 (or are control characters), sent unencoded.
RAW_BYTES = [
    b"\xe9", b"\xff", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf",
    b"\xef\xbb\xbf", b"\xfe\xff", b"\x7f", b"\x01", b"\x1b", b"\x0b", b"\x0c", b"\x08", b"\xc3\xa9",
]  # fmt: skip

NUL_FORMS = [b"\x00", b"%00", b"\x00" * 64, b"%00" * 64, b"a\x00b", b"\x00%00"]

OVERSIZES = [8 * 1024, 16 * 1024, 32 * 1024, 60 * 1024, 64 * 1024, 65_535, 65_537, 128 * 1024]


# --- the catalogue, one builder per kind ---------------------------------------------------------


def percent_cases() -> Iterator[Case]:
    kind = "invalid percent-encoding"
    for v in BAD_ESCAPES:
        recoup_targets = [
            ("org=v", f"organization_id={v}&account_id={M}", 400),
            ("account=v", f"organization_id={ORG}&account_id={v}", 400),
            ("org=uuid+v", f"organization_id={ORG}{v}&account_id={M}", 400),
            ("org=v+uuid", f"organization_id={v}{ORG}&account_id={M}", 400),
            ("name=v", f"{v}={ORG}&account_id={M}", 400),
            ("account=uuid+v", f"organization_id={ORG}&account_id={M}{v}", 400),
            # an unknown parameter is ignored: a valid caller removes a non-member (a 200 that changes nothing)
            ("extra-param", f"organization_id={ORG}&{v}&account_id={N}", 200),
        ]
        for label, query, ok in recoup_targets:
            for cred, headers, valid in RECOUP_CREDS:
                yield Case(
                    kind,
                    f"recoup {label} {v} {cred}",
                    raw_request(b"DELETE", f"{RECOUP_PATH}?{query}".encode(), headers),
                    statuses=codes(ok if valid else 401),
                )
        for cred, headers, _ in RECOUP_CREDS:
            target = f"{RECOUP_PATH}{v}?organization_id={ORG}&account_id={M}".encode()
            yield Case(kind, f"recoup path+v {v} {cred}", raw_request(b"DELETE", target, headers), statuses=codes(404))
        turso_targets = [
            ("slug=v", turso_path(v, TURSO_MEMBER), 403),
            ("slug+v", turso_path(TURSO_ORG + v, TURSO_MEMBER), 403),
            ("user=v", turso_path(TURSO_ORG, v), 404),
            ("user+v", turso_path(TURSO_ORG, TURSO_MEMBER + v), 404),
            ("v+user", turso_path(TURSO_ORG, v + TURSO_MEMBER), 404),
            ("query=v", turso_path(TURSO_ORG, "nobody") + f"?{v}={v}", 404),
        ]
        for label, target, ok in turso_targets:
            for cred, headers, valid in TURSO_CREDS:
                yield Case(
                    kind,
                    f"turso {label} {v} {cred}",
                    raw_request(b"DELETE", target.encode(), headers),
                    statuses=codes(ok if valid else 401),
                )
        others = [
            (b"GET", f"/__admin/{v}", codes(404, 307)),
            (b"GET", f"/__admin/journal?limit={v}", codes(400)),
            (b"GET", f"/__admin/journal?{v}=1", codes(400)),
            (b"GET", f"/__admin/state?{v}", codes(200, 400)),
            (b"DELETE", f"/{v}", codes(404, 405)),
            (b"GET", f"/docs/{v}", codes(404)),
            (b"DELETE", f"/api/{v}", codes(404)),
            (b"DELETE", f"/v1/{v}", codes(404)),
            (b"DELETE", f"/{v}{RECOUP_PATH}", codes(404)),
        ]
        for method, target, ok in others:
            yield Case(kind, f"{method.decode()} {target}", raw_request(method, target.encode()), statuses=ok)


def _placements(value: bytes) -> list[tuple[str, bytes, Headers, frozenset[int] | None]]:
    """Where a damaged value can go, and what the stub answers when the HTTP layer lets it through.

    Each entry: (label, request target, headers, statuses when the stub answers).
    """
    v = value
    uo, um = ORG.encode(), M.encode()
    rk, tk = RECOUP_KEY.encode(), TURSO_TOKEN.encode()
    rpath, torg, tmem = RECOUP_PATH.encode(), TURSO_ORG.encode(), TURSO_MEMBER.encode()
    rq = rpath + b"?organization_id=" + uo + b"&account_id=" + um  # would remove a member if credentials passed
    tq = b"/v1/organizations/" + torg + b"/members/" + tmem  # likewise
    ok_recoup = [h("x-api-key", rk)]
    ok_turso = [h("Authorization", b"Bearer " + tk)]
    return [
        ("recoup org value", rpath + b"?organization_id=" + v + b"&account_id=" + um, ok_recoup, codes(400)),
        ("recoup account value", rq + v, ok_recoup, codes(400)),
        ("recoup param name", rpath + b"?" + v + rq[len(rpath) + 1 :], ok_recoup, codes(400)),
        ("recoup path", rpath + v + rq[len(rpath) :], ok_recoup, codes(404)),
        ("recoup no creds", rpath + b"?organization_id=" + v, [], codes(401)),
        ("turso slug", b"/v1/organizations/" + torg + v + b"/members/" + tmem, ok_turso, codes(403)),
        ("turso user", tq + v, ok_turso, codes(404)),
        ("turso no creds", b"/v1/organizations/" + v + b"/members/" + v, [], codes(401, 404)),
        ("control path", b"/__admin/" + v, [], codes(404, 307)),
        ("control query", b"/__admin/journal?limit=" + v, [], codes(400)),
        ("x-api-key value", rq, [h("x-api-key", rk + v)], codes(401)),
        ("x-api-key alone", rpath, [h("x-api-key", v)], codes(401)),
        ("bearer value", tq, [h("Authorization", b"Bearer " + tk + v)], codes(401)),
        ("bearer alone", tq, [h("Authorization", b"Bearer " + v)], codes(401)),
        ("recoup bearer", rq, [h("Authorization", v + b"Bearer " + RECOUP_BEARER.encode())], codes(401)),
        ("other header value", rpath, [h("x-note", v), h("User-Agent", v)], codes(401)),
        ("header name", rpath, [h(b"x-" + v, b"1")], codes(401)),
        ("forwarded-for", rpath, [h("X-Forwarded-For", v)], codes(401)),
        ("content-type", b"/__admin/journal", [h("Content-Type", v)], codes(200)),
        ("control header", b"/__admin/state", [h("Authorization", v)], codes(200)),
    ]


def raw_byte_cases() -> Iterator[Case]:
    kind = "raw invalid UTF-8 / control bytes"
    for value in RAW_BYTES:
        for label, target, headers, ok in _placements(value):
            if label == "content-type" and not value.isascii():
                continue  # test_control_api_refuses_a_non_ascii_content_type
            method = b"GET" if target.startswith(b"/__admin") else b"DELETE"
            yield Case(kind, f"{label} {value!r}", raw_request(method, target, headers), "http", ok)


def nul_cases() -> Iterator[Case]:
    kind = "NUL bytes"
    for value in NUL_FORMS:
        for label, target, headers, ok in _placements(value):
            method = b"GET" if target.startswith(b"/__admin") else b"DELETE"
            yield Case(kind, f"{label} {value!r}", raw_request(method, target, headers), "http", ok)
    base = raw_request(b"DELETE", recoup_query(ORG, M).encode(), RECOUP_BAD)
    for label, data in [
        ("method", base.replace(b"DELETE", b"DELETE\x00", 1)),
        ("method prefix", b"\x00" + base),
        ("version", base.replace(b"HTTP/1.1", b"HTTP/1.1\x00", 1)),
        ("before CRLF", base.replace(b"\r\n", b"\x00\r\n", 1)),
        ("blank line", base.replace(b"\r\n\r\n", b"\r\n\x00\r\n", 1)),
        ("after request", base + b"\x00" * 8),
        ("only NULs", b"\x00" * 1024),
    ]:
        yield Case(kind, label, data, "http", codes(401), reuse=False)
    for body in (b"\x00", b"\x00" * 4096, b'{"organization_id":"\x00"}'):
        for target, headers, ok in [
            (RECOUP_PATH, RECOUP_VALID, 400),
            (turso_path(TURSO_ORG, "nobody"), TURSO_VALID, 404),
        ]:
            data = raw_request(b"DELETE", target.encode(), headers, body)
            yield Case(kind, f"body {body[:8]!r} {target}", data, statuses=codes(ok))
        data = raw_request(b"POST", b"/__admin/memberships", [h("Content-Type", "application/json")], body)
        yield Case(kind, f"control body {body[:8]!r}", data, statuses=codes(400))


def oversize_cases() -> Iterator[Case]:
    kind = "64 kB query strings, paths and headers"
    for size in OVERSIZES:
        a = "a" * size
        queries = [
            ("long org value", f"organization_id={a}&account_id={M}"),
            ("long account value", f"organization_id={ORG}&account_id={M}{a}"),
            ("long param name", f"{a}={ORG}&organization_id={ORG}&account_id={M}x"),
            ("many params", "&".join(["x=1"] * (size // 4)) + f"&organization_id={ORG}&account_id=x"),
            ("many ampersands", "&" * size + f"organization_id={ORG}"),
            ("many bad escapes", "organization_id=" + "%zz" * (size // 3)),
            ("repeated org", "&".join([f"organization_id={ORG}"] * (size // 53)) + f"&account_id={M}"),
        ]
        for label, query in queries:
            for cred, headers, valid in RECOUP_CREDS:
                target = f"{RECOUP_PATH}?{query}".encode()
                yield Case(
                    kind,
                    f"{label} {size} {cred}",
                    raw_request(b"DELETE", target, headers),
                    "http",
                    codes(400 if valid else 401),
                )
        for cred, headers, valid in TURSO_CREDS:
            for label, target, ok in [
                ("long username", turso_path(TURSO_ORG, TURSO_MEMBER + a), 404),
                ("long slug", turso_path(TURSO_ORG + a, TURSO_MEMBER), 403),
            ]:
                yield Case(
                    kind,
                    f"{label} {size} {cred}",
                    raw_request(b"DELETE", target.encode(), headers),
                    "http",
                    codes(ok if valid else 401),
                )
        for method, path, ok in [
            (b"DELETE", f"/api/{a}", codes(404)),
            (b"GET", f"/__admin/{a}", codes(404)),
            (b"GET", f"/docs/{a}", codes(404)),
            (b"GET", f"/{a}", codes(404)),
        ]:
            yield Case(kind, f"{method.decode()} {path[:12]}... {size}", raw_request(method, path.encode()), "http", ok)
        rq, tq = recoup_query(ORG, M).encode(), turso_path(TURSO_ORG, TURSO_MEMBER).encode()
        big = b"b" * size
        header_sets: list[tuple[str, bytes, Headers, frozenset[int]]] = [
            ("long x-api-key", rq, [h("x-api-key", big)], codes(401)),
            ("long x-api-key after a valid one", rq, [h("x-api-key", RECOUP_KEY.encode() + big)], codes(401)),
            ("long recoup bearer", rq, [h("Authorization", b"Bearer " + big)], codes(401)),
            ("long turso bearer", tq, [h("Authorization", b"Bearer " + big)], codes(401)),
            ("long scheme", tq, [h("Authorization", big + b" " + TURSO_TOKEN.encode())], codes(401)),
            ("long other header", rq, [*RECOUP_BAD, h("x-filler", big)], codes(401)),
            ("long cookie", tq, [*TURSO_BAD, h("Cookie", b"c=" + big)], codes(401)),
            ("long header name", rq, [*RECOUP_BAD, h(b"x-" + big, b"1")], codes(401)),
            ("many headers", rq, [h(f"x-h{i}", "v" * 40) for i in range(size // 48)], codes(401)),
            ("many x-api-keys", rq, [h("x-api-key", RECOUP_KEY)] * (size // 40), codes(401)),
            ("many authorizations", tq, [h("Authorization", f"Bearer {TURSO_TOKEN}")] * (size // 50), codes(401)),
            ("long control token", b"/__admin/state", [h("Authorization", b"Bearer " + big)], codes(200)),
        ]
        for label, target, headers, ok in header_sets:
            method = b"GET" if target.startswith(b"/__admin") else b"DELETE"
            yield Case(kind, f"{label} {size}", raw_request(method, target, headers), "http", ok)
        for target, headers, ok in [
            (RECOUP_PATH, RECOUP_VALID, 400),
            (turso_path(TURSO_ORG, "nobody"), TURSO_VALID, 404),
        ]:
            body = random.Random(size).randbytes(size)
            yield Case(
                kind,
                f"body {size} {target}",
                raw_request(b"DELETE", target.encode(), headers, body),
                statuses=codes(ok),
            )


# Recoup query strings whose parameters are missing, empty, duplicated or mangled.
# (label, query, status for an authenticated caller). `N` (not a member) wherever the request
# could legitimately pass, so nothing can be removed whatever the stub decides.
RECOUP_QUERIES: list[tuple[str, str, frozenset[int]]] = [
    ("no query", "", codes(400)),
    ("bare ?", "?", codes(400)),
    ("empty org", f"?organization_id=&account_id={M}", codes(400)),
    ("empty account", f"?organization_id={ORG}&account_id=", codes(400)),
    ("both empty", "?organization_id=&account_id=", codes(400)),
    ("names only", "?organization_id&account_id", codes(400)),
    ("org only", f"?organization_id={ORG}", codes(400)),
    ("account only", f"?account_id={M}", codes(400)),
    ("org twice", f"?organization_id={ORG}&organization_id={ORG}&account_id={N}", codes(200, 400)),
    ("account twice", f"?organization_id={ORG}&account_id={N}&account_id={N}", codes(200, 400)),
    ("org twice, differing", f"?organization_id={F}&organization_id={ORG}&account_id={N}", codes(200, 400, 403)),
    ("account twice, one empty", f"?organization_id={ORG}&account_id={N}&account_id=", codes(200, 400)),
    ("account empty then set", f"?organization_id={ORG}&account_id=&account_id={N}", codes(200, 400)),
    ("upper-case names", f"?ORGANIZATION_ID={ORG}&ACCOUNT_ID={M}", codes(400)),
    ("mixed-case names", f"?Organization_Id={ORG}&Account_Id={M}", codes(400)),
    ("array names", f"?organization_id[]={ORG}&account_id[]={M}", codes(400)),
    ("comma list org", f"?organization_id={ORG},{ORG}&account_id={M}", codes(400)),
    ("comma list account", f"?organization_id={ORG}&account_id={M},{M}", codes(400)),
    ("extra ampersands", f"?&&organization_id={ORG}&&&account_id=&&", codes(400)),
    ("only ampersands", "?&&&", codes(400)),
    ("only equals", "?===", codes(400)),
    ("empty names", "?=&=", codes(400)),
    ("double equals", f"?organization_id=={ORG}&account_id={M}", codes(400)),
    ("trailing equals", f"?organization_id={ORG}=&account_id={M}", codes(400)),
    ("leading plus", f"?organization_id=+{ORG}&account_id={M}", codes(400)),
    ("trailing %20", f"?organization_id={ORG}%20&account_id={M}", codes(400)),
    ("semicolon separator", f"?organization_id={ORG};account_id={M}", codes(400)),
    ("braced uuid", f"?organization_id={{{ORG}}}&account_id={M}", codes(400)),
    ("urn uuid", f"?organization_id=urn:uuid:{ORG}&account_id={M}", codes(400)),
    ("uuid without hyphens", f"?organization_id={ORG.replace('-', '')}&account_id={M}", codes(400)),
    ("uuid too short", f"?organization_id={ORG[:-1]}&account_id={M}", codes(400)),
    ("uuid too long", f"?organization_id={ORG}0&account_id={M}", codes(400)),
    ("non-hex uuid", f"?organization_id={ORG[:-1]}g&account_id={M}", codes(400)),
    ("nil org", f"?organization_id=00000000-0000-0000-0000-000000000000&account_id={M}", codes(403)),
    ("max org", f"?organization_id=ffffffff-ffff-ffff-ffff-ffffffffffff&account_id={M}", codes(403)),
    ("foreign org", f"?organization_id={F}&account_id={M}", codes(403)),
    ("org and account swapped", f"?organization_id={M}&account_id={ORG}", codes(403)),
    ("fragment", f"?organization_id={ORG}#&account_id={M}", codes(400)),
]

# Recoup credential headers: (label, headers, passes authentication or None when either is fair).
RECOUP_HEADERS: list[tuple[str, Headers, bool | None]] = [
    ("none", [], False),
    ("empty key", [h("x-api-key", "")], False),
    ("wrong key", RECOUP_BAD, False),
    ("valid key", RECOUP_VALID, True),
    ("valid key, upper-case name", [h("X-API-KEY", RECOUP_KEY)], True),
    ("valid key twice", [*RECOUP_VALID, *RECOUP_VALID], False),
    ("valid and wrong key", [*RECOUP_VALID, *RECOUP_BAD], False),
    ("valid key and valid bearer", [*RECOUP_VALID, h("Authorization", f"Bearer {RECOUP_BEARER}")], False),
    ("valid key and empty authorization", [*RECOUP_VALID, h("Authorization", "")], False),
    ("valid bearer", [h("Authorization", f"Bearer {RECOUP_BEARER}")], True),
    ("lower-case scheme", [h("Authorization", f"bearer {RECOUP_BEARER}")], True),
    ("bearer twice", [h("Authorization", f"Bearer {RECOUP_BEARER}")] * 2, False),
    ("scheme only", [h("Authorization", "Bearer")], False),
    ("scheme and space", [h("Authorization", "Bearer ")], False),
    ("basic scheme", [h("Authorization", f"Basic {RECOUP_BEARER}")], False),
    ("token without scheme", [h("Authorization", RECOUP_BEARER)], False),
    ("two tokens", [h("Authorization", f"Bearer {RECOUP_BEARER} {RECOUP_BEARER}")], False),
    ("api key as bearer", [h("Authorization", f"Bearer {RECOUP_KEY}")], False),
    ("bearer as api key", [h("x-api-key", RECOUP_BEARER)], False),
    ("key with trailing space", [h("x-api-key", RECOUP_KEY + " ")], None),
    ("key with trailing tab", [h("x-api-key", RECOUP_KEY + "\t")], None),
    ("key with leading space", [h("x-api-key", "  " + RECOUP_KEY)], None),
    ("key prefix", [h("x-api-key", RECOUP_KEY[:-1])], False),
    ("key upper-case", [h("x-api-key", RECOUP_KEY.upper())], False),
    ("key in query instead", [], False),
]

# Turso paths with empty, doubled, extra or mangled segments, and query strings.
# (label, target, status for the owner, status for anyone when the path is not the operation).
TURSO_PATHS: list[tuple[str, str, frozenset[int], bool]] = [
    ("empty slug", f"/v1/organizations//members/{TURSO_MEMBER}", codes(404), False),
    ("empty username", f"/v1/organizations/{TURSO_ORG}/members/", codes(404), False),
    ("both empty", "/v1/organizations//members/", codes(404), False),
    ("trailing slash", f"{turso_path(TURSO_ORG, TURSO_MEMBER)}/", codes(404), False),
    ("double slash", f"/v1//organizations/{TURSO_ORG}/members/{TURSO_MEMBER}", codes(404), False),
    ("dot segment", f"/v1/organizations/./{TURSO_ORG}/members/{TURSO_MEMBER}", codes(404), False),
    ("dot-dot segment", f"/v1/organizations/{TURSO_ORG}/../{TURSO_ORG}/members/{TURSO_MEMBER}", codes(404), False),
    ("extra segment", f"{turso_path(TURSO_ORG, TURSO_MEMBER)}/extra", codes(404), False),
    ("member singular", f"/v1/organizations/{TURSO_ORG}/member/{TURSO_MEMBER}", codes(404), False),
    ("capitalised", f"/v1/Organizations/{TURSO_ORG}/Members/{TURSO_MEMBER}", codes(404), False),
    ("v2", f"/v2/organizations/{TURSO_ORG}/members/{TURSO_MEMBER}", codes(404), False),
    ("username dot-dot", turso_path(TURSO_ORG, ".."), codes(404), True),
    ("username dot", turso_path(TURSO_ORG, "."), codes(404), True),
    ("encoded slash in username", turso_path(TURSO_ORG, f"{TURSO_MEMBER}%2F.."), codes(404), True),
    ("encoded slash in slug", turso_path(f"{TURSO_ORG}%2Fx", TURSO_MEMBER), codes(403), True),
    ("matrix param", turso_path(TURSO_ORG, f"{TURSO_MEMBER};x=1"), codes(404), True),
    ("slug matrix param", turso_path(f"{TURSO_ORG};x=1", TURSO_MEMBER), codes(403), True),
    ("upper-case slug", turso_path(TURSO_ORG.upper(), TURSO_MEMBER), codes(403), True),
    ("upper-case username", turso_path(TURSO_ORG, TURSO_MEMBER.upper()), codes(404), True),
    ("space in username", turso_path(TURSO_ORG, f"%20{TURSO_MEMBER}"), codes(404), True),
    ("username query", turso_path(TURSO_ORG, "nobody") + f"?username={TURSO_MEMBER}", codes(404), True),
    ("duplicate query", turso_path(TURSO_ORG, "nobody") + "?a=1&a=2&a=&=", codes(404), True),
    ("empty query", turso_path(TURSO_ORG, "nobody") + "?", codes(404), True),
    ("fragment", turso_path(TURSO_ORG, "nobody") + f"#{TURSO_MEMBER}", codes(404), True),
]

TURSO_HEADERS: list[tuple[str, Headers, bool | None, int]] = [
    # (label, headers, passes authentication, status when it passes but the caller may not manage)
    ("none", [], False, 0),
    ("empty authorization", [h("Authorization", "")], False, 0),
    ("wrong token", TURSO_BAD, False, 0),
    ("owner token", TURSO_VALID, True, 0),
    ("viewer token", [h("Authorization", f"Bearer {TURSO_VIEWER_TOKEN}")], True, 403),
    ("lower-case scheme", [h("authorization", f"bearer {TURSO_TOKEN}")], True, 0),
    ("owner token twice", TURSO_VALID * 2, False, 0),
    ("owner and wrong token", [*TURSO_VALID, *TURSO_BAD], False, 0),
    ("scheme only", [h("Authorization", "Bearer")], False, 0),
    ("basic scheme", [h("Authorization", f"Basic {TURSO_TOKEN}")], False, 0),
    ("token without scheme", [h("Authorization", TURSO_TOKEN)], False, 0),
    ("token as x-api-key", [h("x-api-key", TURSO_TOKEN)], False, 0),
    ("recoup bearer", [h("Authorization", f"Bearer {RECOUP_BEARER}")], False, 0),
    ("token prefix", [h("Authorization", f"Bearer {TURSO_TOKEN[:-1]}")], False, 0),
]


def parameter_cases() -> Iterator[Case]:
    kind = "duplicate / empty parameters and credentials"
    for qlabel, query, ok in RECOUP_QUERIES:
        for hlabel, headers, valid in RECOUP_HEADERS:
            target = RECOUP_PATH + query
            if hlabel == "key in query instead":
                target += ("&" if "?" in query else "?") + f"x-api-key={RECOUP_KEY}"
            statuses = codes(401) if valid is False else ok if valid else ok | codes(401)
            yield Case(
                kind, f"recoup {qlabel} / {hlabel}", raw_request(b"DELETE", target.encode(), headers), statuses=statuses
            )
    for plabel, target, ok, routed in TURSO_PATHS:
        for hlabel, headers, valid, forbidden in TURSO_HEADERS:
            if not routed:
                statuses = ok
            elif valid is False:
                statuses = codes(401)
            else:
                statuses = codes(forbidden) if forbidden else ok
            yield Case(
                kind, f"turso {plabel} / {hlabel}", raw_request(b"DELETE", target.encode(), headers), statuses=statuses
            )


STANDARD_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "OPTIONS", "TRACE"]
# Methods uvicorn's parser knows (WebDAV, UPnP, ...): the stub must answer them itself.
KNOWN_METHODS = [
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT", "MKACTIVITY",
    "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PURGE", "LINK", "UNLINK",
    "ACL", "BIND", "UNBIND", "REBIND", "MKCALENDAR", "SOURCE", "QUERY",
]  # fmt: skip
# Not methods at all, or not ones the parser knows: it may refuse them.
ODD_METHODS = ["FOO", "delete", "Delete", "DELET", "DELETEE", "GETT", "D" * 64, "DELETE/", "1", "-", "_"]


def method_cases() -> Iterator[Case]:
    kind = "wrong methods"
    # Requests that would remove a member with DELETE: any other method must leave the state alone.
    vendor_targets = [
        ("recoup valid", recoup_query(ORG, M), RECOUP_VALID),
        ("recoup no creds", recoup_query(ORG, M), NO_CREDS),
        ("turso valid", turso_path(TURSO_ORG, TURSO_MEMBER), TURSO_VALID),
        ("turso no creds", turso_path(TURSO_ORG, TURSO_MEMBER), NO_CREDS),
    ]
    # Control and site paths with the methods they do not serve (the state-changing ones left out).
    served: list[tuple[str, set[str]]] = [
        ("/__admin", {"GET", "HEAD"}),
        ("/__admin/state", {"GET", "HEAD", "PUT"}),
        ("/__admin/reset", {"POST"}),
        ("/__admin/memberships", {"POST"}),
        ("/__admin/journal", {"GET", "HEAD", "DELETE"}),
        ("/", {"GET", "HEAD"}),
        ("/docs/", {"GET", "HEAD"}),
        ("/docs/recoup.json", {"GET", "HEAD"}),
    ]
    # The methods the specs document on those two paths (GET also answers HEAD).
    vendor_methods = {"recoup": {"DELETE", "POST"}, "turso": {"DELETE", "GET", "HEAD", "PATCH"}}
    for method in ["DELETE", *STANDARD_METHODS, *KNOWN_METHODS, *ODD_METHODS]:
        layer: Layer = "http" if method in ODD_METHODS else "app"
        for label, target, headers in vendor_targets:
            if method in vendor_methods[label.split()[0]]:
                continue
            statuses = codes(405)
            yield Case(
                kind, f"{method} {label}", raw_request(method.encode(), target.encode(), headers), layer, statuses
            )
        for path, allowed in served:
            if method in allowed or (method == "DELETE" and path.startswith("/__admin")):
                continue
            yield Case(kind, f"{method} {path}", raw_request(method.encode(), path.encode()), layer, codes(405))
    # CONNECT turns a connection into a tunnel: answered, then the connection is not reused.
    for label, target, headers in vendor_targets:
        data = raw_request(b"CONNECT", target.encode(), headers)
        yield Case(kind, f"CONNECT {label}", data, "http", codes(405), reuse=False)
    for target in (b"stub:443", b"127.0.0.1:80", b"/__admin/state"):
        statuses = codes(405) if target.startswith(b"/") else None
        yield Case(kind, f"CONNECT {target!r}", raw_request(b"CONNECT", target), "http", statuses, reuse=False)


UNKNOWN_PATHS = [
    "/api", "/api/", "/api/organizations/", f"{RECOUP_PATH}/", f"{RECOUP_PATH}/x",
    "/api/organizations/Members", "/API/organizations/members", f"{RECOUP_PATH};x", f"{RECOUP_PATH}.json",
    "/api/organizations/./members", "/api/organizations/../organizations/members", "/api/v1/organizations/members",
    "/api/organisations/members", "/api/organizations/member", "//api/organizations/members",
    "/v1", "/v1/", "/v1/organizations/", f"/v1/organizations/{TURSO_ORG}/", f"/v1/organizations/{TURSO_ORG}/members/",
    f"/v1/organizations/{TURSO_ORG}/members/{TURSO_MEMBER}/x", f"/v1/orgs/{TURSO_ORG}/members/{TURSO_MEMBER}",
    f"/v1/organizations/{TURSO_ORG}/users/{TURSO_MEMBER}", "/v1/auth", "/v1/organizations/x/y/z/w/v",
    "/__admin/nope", "/__admin/state/x", "/__admin/journal/1", "/__admin/reset/now", "/__admin/../api",
    "/__adminx", "/__admin.json", "/__ADMIN", "/_admin", "/__admin/memberships/x",
    "/x", "/favicon.ico", "/.env", "/index.html", "/robots.txt", "/openapi.json", "/ui/", "/docs/x.js",
    "/docs/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p",
    "/v2/organizations/members", "/graphql", "/.git/config", "/v1/current-user",
    f"/v1/organizations/{TURSO_ORG}/invites",
]  # fmt: skip


def unknown_path_cases() -> Iterator[Case]:
    kind = "unknown paths"
    creds = [("no creds", NO_CREDS), ("recoup key", RECOUP_VALID), ("turso owner", TURSO_VALID)]
    for path in UNKNOWN_PATHS:
        for method in ("DELETE", "GET", "POST", "PUT"):
            for label, headers in creds:
                statuses = codes(404, 405, 307) if path.startswith(("/__admin/", "/docs")) else codes(404)
                yield Case(
                    kind,
                    f"{method} {path} {label}",
                    raw_request(method.encode(), path.encode(), headers),
                    statuses=statuses,
                )


GARBAGE_BODIES: list[tuple[str, bytes]] = [
    ("params as JSON", json.dumps({"organization_id": ORG, "account_id": M}).encode()),
    ("params as form", f"organization_id={ORG}&account_id={M}".encode()),
    ("username as JSON", json.dumps({"username": TURSO_MEMBER, "organization": TURSO_ORG}).encode()),
    ("JSON array", b"[1,2,3]"),
    ("JSON scalar", b"null"),
    ("broken JSON", b'{"organization_id":'),
    ("XML", b"<?xml version='1.0'?><remove><id>1</id></remove>"),
    ("multipart", b'--x\r\nContent-Disposition: form-data; name="organization_id"\r\n\r\n%s\r\n--x--' % ORG.encode()),
    ("invalid UTF-8", b"\xff\xfe\xfd" * 100),
    ("random 1 kB", random.Random(1).randbytes(1024)),
    ("CRLFs", b"\r\n" * 512),
    ("HTTP request", b"DELETE " + RECOUP_PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("1 MB", b"z" * (1 << 20)),
]  # fmt: skip

CONTENT_TYPES: list[Headers] = [
    [],
    [h("Content-Type", "application/json")],
    [h("Content-Type", "application/x-www-form-urlencoded")],
    [h("Content-Type", "multipart/form-data; boundary=x")],
    [h("Content-Type", "application/octet-stream"), h("Content-Encoding", "gzip")],
    [h("Content-Type", "text/plain; charset=bogus")],
]

JSON = b"application/json"


def _j(value: object) -> bytes:
    return json.dumps(value).encode()


def _membership(**fields: object) -> bytes:
    return _j(fields)


# Bodies the control API must refuse without touching the state (all valid UTF-8, shallow JSON).
# (path, body, content type, statuses)
CONTROL_BODIES: list[tuple[str, bytes, bytes, frozenset[int]]] = [
    ("/__admin/state", b"{}", b"text/plain", codes(415)),
    ("/__admin/state", b"", JSON, codes(400)),
    ("/__admin/state", b"   ", JSON, codes(400)),
    ("/__admin/state", b"[]", JSON, codes(400)),
    ("/__admin/state", b"null", JSON, codes(400)),
    ("/__admin/state", _j({"recoup": 5}), JSON, codes(400)),
    ("/__admin/state", _j({"x": 1}), JSON, codes(400)),
    ("/__admin/state", _j({"recoup": {"accounts": [{"id": "not-a-uuid"}]}}), JSON, codes(400)),
    ("/__admin/state", _j({"turso": {"users": [{"username": "a/b"}]}}), JSON, codes(400)),
    (
        "/__admin/state",
        _j({"turso": {"organizations": [{"slug": "x", "members": [{"username": "u", "role": "god"}]}]}}),
        JSON,
        codes(400),
    ),
    ("/__admin/state", _j({"recoup": {"accounts": [{"id": ORG}, {"id": ORG}]}}), JSON, codes(400)),
    ("/__admin/state", _j({"recoup": {"accounts": [{"id": ORG, "api_keys": [""]}]}}), JSON, codes(400)),
    ("/__admin/state", b'{"recoup": {"accounts": []}', JSON, codes(400)),
    ("/__admin/state", b'{"recoup": {}} trailing', JSON, codes(400)),
    ("/__admin/state", b'\xef\xbb\xbf{"recoup": {}}', JSON, codes(400)),
    ("/__admin/state", b'{"recoup": NaN}', JSON, codes(400)),
    ("/__admin/state", _j({"demo": {"RECOUP_API_KEY": 1}}), JSON, codes(400)),
    ("/__admin/state", b'{"recoup": {"\\u0000": 1}}', JSON, codes(400)),
    ("/__admin/memberships", b"{}", JSON, codes(400)),
    ("/__admin/memberships", _membership(vendor="turso", organization="nope", member="x"), JSON, codes(404)),
    ("/__admin/memberships", _membership(vendor="recoup", organization="nope", member="x"), JSON, codes(400)),
    (
        "/__admin/memberships",
        _membership(vendor="recoup", organization=str(uuid.UUID(int=0)), member=M),
        JSON,
        codes(404),
    ),
    ("/__admin/memberships", _membership(vendor="turso", organization=TURSO_ORG, member="a/b"), JSON, codes(400)),
    ("/__admin/memberships", _membership(vendor="turso", organization=TURSO_ORG, member=""), JSON, codes(400)),
    (
        "/__admin/memberships",
        _membership(vendor="turso", organization=TURSO_ORG, member="x", role="god"),
        JSON,
        codes(400),
    ),
    ("/__admin/memberships", _membership(vendor="gitlab", organization="x", member="y"), JSON, codes(400)),
    ("/__admin/memberships", _membership(vendor="turso", organization="x", member="y", extra=1), JSON, codes(400)),
    ("/__admin/memberships", _membership(vendor=["turso"], organization={}, member=None), JSON, codes(400)),
    (
        "/__admin/memberships",
        _membership(vendor="turso", organization="nope", member="x"),
        b"application/x-www-form-urlencoded",
        codes(415),
    ),
    ("/__admin/memberships", _membership(vendor="turso", organization="nope", member="x"), b"*/*", codes(415)),
    ("/__admin/memberships", b'{"vendor": "turso", "organization": "nope", "member": "\\ud800"}', JSON, codes(404)),
]


def body_cases() -> Iterator[Case]:
    kind = "garbage and huge bodies"
    vendor_targets = [
        # no query: if the body were read as parameters this would be a removal; it must be a 400
        ("recoup valid, params only in body", RECOUP_PATH, RECOUP_VALID, codes(400)),
        ("recoup no creds", recoup_query(ORG, M), NO_CREDS, codes(401)),
        ("turso no creds", turso_path(TURSO_ORG, TURSO_MEMBER), NO_CREDS, codes(401)),
        ("turso wrong token", turso_path(TURSO_ORG, TURSO_MEMBER), TURSO_BAD, codes(401)),
        ("turso owner, non-member", turso_path(TURSO_ORG, "nobody"), TURSO_VALID, codes(404)),
    ]
    # The operations that read a body, with real callers: a body that is not what they take is refused
    # (400; 409 for a Turso add naming an existing member; 413 past 64 KiB) and changes nothing.
    refused = codes(400, 409, 413)
    body_targets = [
        ("recoup add", b"POST", RECOUP_PATH, RECOUP_VALID, refused),
        ("turso add", b"POST", f"/v1/organizations/{TURSO_ORG}/members", TURSO_VALID, refused),
        ("turso role", b"PATCH", turso_path(TURSO_ORG, TURSO_MEMBER), TURSO_VALID, refused),
    ]
    for blabel, body in GARBAGE_BODIES:
        for ctype in CONTENT_TYPES:
            ct = ctype[0][1].decode() if ctype else "no type"
            for tlabel, target, headers, ok in vendor_targets:
                data = raw_request(b"DELETE", target.encode(), [*headers, *ctype], body)
                yield Case(kind, f"{tlabel} / {blabel} / {ct}", data, statuses=ok)
            for tlabel, method, target, headers, ok in body_targets:
                data = raw_request(method, target.encode(), [*headers, *ctype], body)
                yield Case(kind, f"{tlabel} / {blabel} / {ct}", data, statuses=ok)
        data = raw_request(b"GET", b"/__admin/journal", [h("Content-Type", "application/json")], body)
        yield Case(kind, f"GET journal with {blabel}", data, statuses=codes(200))
    for tlabel, target, headers, ok in vendor_targets[:2]:
        data = raw_request(b"DELETE", target.encode(), headers, b"\x00garbage" * (1 << 21))
        yield Case(kind, f"{tlabel} / 16 MB", data, statuses=ok)
    for tlabel, method, target, headers, _ in body_targets:
        data = raw_request(method, target.encode(), headers, b"\x00garbage" * (1 << 21))
        yield Case(kind, f"{tlabel} / 16 MB", data, statuses=codes(413))
    for i, (path, body, ctype, ok) in enumerate(CONTROL_BODIES):
        method = b"PUT" if path == "/__admin/state" else b"POST"
        data = raw_request(method, path.encode(), [h("Content-Type", ctype)] if ctype else [], body)
        yield Case(kind, f"control body #{i}: {method.decode()} {path} {body[:40]!r} {ctype!r}", data, statuses=ok)
    # Content-Length that lies, or is not a number.
    rq = recoup_query(ORG, M).encode()
    tq = turso_path(TURSO_ORG, TURSO_MEMBER).encode()
    for label, target, headers, ok in [("recoup", rq, RECOUP_BAD, codes(401)), ("turso", tq, TURSO_BAD, codes(401))]:
        for length in (b"-1", b"abc", b"1.5", b"+5", b" 5", b"5, 5", b"0x10", b"99999999999999999999999", b""):
            data = raw_request(b"DELETE", target, [*headers, h("Content-Length", length)], b"12345", length=False)
            yield Case(kind, f"{label} Content-Length {length!r}", data, "http", ok, reuse=False)
        for first, second in ((b"5", b"5"), (b"5", b"6"), (b"0", b"5")):
            hs = [*headers, h("Content-Length", first), h("Content-Length", second)]
            data = raw_request(b"DELETE", target, hs, b"12345", length=False)
            yield Case(kind, f"{label} Content-Length {first!r} then {second!r}", data, "http", ok, reuse=False)
        # shorter than said: the vendors answer without reading a body, so an answer may come first
        for sent, said in ((0, 10), (5, 1000), (100, 1 << 30)):
            data = raw_request(b"DELETE", target, [*headers, h("Content-Length", str(said))], b"x" * sent, length=False)
            yield Case(kind, f"{label} {sent} of {said} body bytes", data, "http", ok, reuse=False, shut=True)
        # longer than said: the rest is the start of a broken second request
        data = raw_request(b"DELETE", target, [*headers, h("Content-Length", "2")], b"12345", length=False)
        # (uvicorn may refuse the rest before the first request is answered: then only its 400 comes)
        yield Case(kind, f"{label} body longer than Content-Length", data, "http", ok, reuse=False)
        data = raw_request(b"DELETE", target, [*headers, h("Expect", "100-continue")], b"12345")
        yield Case(kind, f"{label} Expect: 100-continue", data, statuses=ok)
        data = raw_request(b"DELETE", target, [*headers, h("Expect", "999-nonsense")], b"12345")
        yield Case(kind, f"{label} Expect: nonsense", data, "http", ok)
    data = raw_request(
        b"PUT",
        b"/__admin/state",
        [h("Content-Type", "application/json"), h("Content-Length", "100")],
        b'{"a":',
        length=False,
    )
    yield Case(kind, "control: body shorter than Content-Length", data, "http", codes(400), reuse=False, shut=True)


def _chunks(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


CHUNKED_BODIES: list[tuple[str, bytes, Layer]] = [
    ("one chunk", _chunks(b"hello"), "app"),
    ("many chunks", _chunks(*[b"x" * 7] * 200), "app"),
    ("empty", b"0\r\n\r\n", "app"),
    ("upper-case hex", b"A\r\n0123456789\r\n0\r\n\r\n", "app"),
    ("leading zeros", b"0005\r\nhello\r\n0\r\n\r\n", "app"),
    ("chunk extension", b"5;name=value\r\nhello\r\n0\r\n\r\n", "app"),
    # (credentials in trailers: test_credentials_in_chunked_trailers_are_ignored)
    ("trailers", b"5\r\nhello\r\n0\r\nX-Trailer: 1\r\nX-Checksum: abc\r\n\r\n", "app"),
    ("64 kB chunk", _chunks(b"c" * 65536), "app"),
    ("params in chunks", _chunks(f"organization_id={ORG}&account_id={M}".encode()), "app"),
    ("invalid UTF-8 chunk", _chunks(b"\xff\xfe\x00"), "app"),
    ("non-hex size", b"zz\r\nhello\r\n0\r\n\r\n", "http"),
    ("negative size", b"-5\r\nhello\r\n0\r\n\r\n", "http"),
    ("huge size", b"ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n", "http"),
    ("size too small", b"2\r\nhello\r\n0\r\n\r\n", "http"),
    ("missing CRLF after data", b"5\r\nhello0\r\n\r\n", "http"),
    ("bare LF", b"5\nhello\n0\n\n", "http"),
    ("NUL in extension", b"5;\x00\r\nhello\r\n0\r\n\r\n", "http"),
    ("space before size", b" 5\r\nhello\r\n0\r\n\r\n", "http"),
]
TRANSFER_ENCODINGS: list[tuple[str, Headers, Layer]] = [
    ("chunked", [h("Transfer-Encoding", "chunked")], "app"),
    ("Chunked", [h("Transfer-Encoding", "Chunked")], "http"),
    ("gzip, chunked", [h("Transfer-Encoding", "gzip, chunked")], "http"),
    ("chunked and Content-Length", [h("Transfer-Encoding", "chunked"), h("Content-Length", "3")], "http"),
    ("two TE headers", [h("Transfer-Encoding", "chunked"), h("Transfer-Encoding", "chunked")], "http"),
    ("chunked, identity", [h("Transfer-Encoding", "chunked, identity")], "http"),
    ("xchunked", [h("Transfer-Encoding", "xchunked")], "http"),
]


def chunked_cases() -> Iterator[Case]:
    kind = "chunked bodies"
    targets = [
        ("recoup valid, no params", RECOUP_PATH, RECOUP_VALID, codes(400)),
        ("recoup no creds", recoup_query(ORG, M), NO_CREDS, codes(401)),
        ("turso wrong token", turso_path(TURSO_ORG, TURSO_MEMBER), TURSO_BAD, codes(401)),
        ("turso owner, non-member", turso_path(TURSO_ORG, "nobody"), TURSO_VALID, codes(404)),
    ]
    for blabel, body, blayer in CHUNKED_BODIES:
        for telabel, te, tlayer in TRANSFER_ENCODINGS:
            layer: Layer = "app" if blayer == tlayer == "app" else "http"
            for tlabel, target, headers, ok in targets:
                data = raw_request(b"DELETE", target.encode(), [*headers, *te], body, length=False)
                yield Case(kind, f"{tlabel} / {telabel} / {blabel}", data, layer, ok, reuse=layer == "app")
        # (a body that is not UTF-8 is left out here: test_control_api_refuses_undecodable_json_bodies)
        if blayer == "app" and blabel != "invalid UTF-8 chunk":
            hs = [h("Content-Type", "application/json"), h("Transfer-Encoding", "chunked")]
            data = raw_request(b"PUT", b"/__admin/state", hs, body, length=False)
            yield Case(kind, f"control PUT state / {blabel}", data, "app", codes(400))
    for tlabel, target, headers, ok in targets:
        te = [*headers, h("Transfer-Encoding", "chunked")]
        for cut in (b"5\r\nhel", b"5\r\nhello\r\n", b"5\r\nhello\r\n0\r\n", b"ff\r\n" + b"x" * 10):
            data = raw_request(b"DELETE", target.encode(), te, cut, length=False)
            yield Case(kind, f"{tlabel} truncated chunks {cut[:12]!r}", data, "http", ok, reuse=False, shut=True)


def framing_cases() -> Iterator[Case]:
    kind = "broken framing and truncated requests"
    full = raw_request(b"DELETE", recoup_query(ORG, M).encode(), RECOUP_BAD, b'{"x": 1}')
    # every prefix that stops inside the request line, the headers or the body
    for cut in range(1, len(full), 3):
        yield Case(kind, f"truncated at byte {cut}", full[:cut], "http", codes(401), reuse=False, shut=True)
    rp, tp = RECOUP_PATH, turso_path(TURSO_ORG, TURSO_MEMBER)

    def msg(line: str, *fields: str, end: str = "\r\n") -> bytes:
        return end.join([line, *fields, "", ""]).encode()

    garbage: list[tuple[str, bytes, frozenset[int] | None]] = [
        ("empty lines", b"\r\n\r\n\r\n", None),
        ("spaces", b" " * 100 + b"\r\n\r\n", None),
        ("method only", b"DELETE\r\n\r\n", None),
        ("no version", msg(f"DELETE {rp}"), codes(401)),
        ("HTTP/1.2", msg(f"DELETE {rp} HTTP/1.2", "Host: x"), codes(401)),
        ("HTTP/2.0", msg(f"DELETE {rp} HTTP/2.0", "Host: x"), codes(401)),
        ("HTTP/0.9", msg(f"DELETE {rp} HTTP/0.9"), codes(401)),
        ("HTTP/9.9", msg(f"DELETE {rp} HTTP/9.9", "Host: x"), codes(401)),
        ("lower-case version", msg(f"DELETE {rp} http/1.1", "Host: x"), codes(401)),
        ("no space before version", msg(f"DELETE {rp}HTTP/1.1", "Host: x"), None),
        ("double spaces", msg(f"DELETE  {rp}  HTTP/1.1", "Host: x"), codes(401)),
        ("tabs", msg(f"DELETE\t{rp}\tHTTP/1.1", "Host: x"), codes(401)),
        ("trailing junk", msg(f"DELETE {rp} HTTP/1.1 junk", "Host: x"), codes(401)),
        ("bare LF", msg(f"DELETE {rp} HTTP/1.1", "Host: x", end="\n"), codes(401)),
        ("bare CR", msg(f"DELETE {rp} HTTP/1.1", "Host: x", end="\r"), None),
        ("CR CR LF", msg(f"DELETE {rp} HTTP/1.1\r", "Host: x"), None),
        ("header without colon", msg(f"DELETE {rp} HTTP/1.1", "Host: x", "x-api-key"), codes(401)),
        ("space before colon", msg(f"DELETE {rp} HTTP/1.1", "Host: x", f"x-api-key : {RECOUP_KEY}"), codes(400, 401)),
        ("folded header", msg(f"DELETE {rp} HTTP/1.1", "Host: x", "x-api-key: a", " b"), codes(401)),
        ("empty header name", msg(f"DELETE {rp} HTTP/1.1", "Host: x", ": v"), codes(401)),
        ("no host", msg(f"DELETE {rp} HTTP/1.1"), codes(401)),
        ("two hosts", msg(f"DELETE {rp} HTTP/1.1", "Host: a", "Host: b"), codes(401)),
        ("absolute URI", msg(f"DELETE http://stub{recoup_query(ORG, M)} HTTP/1.1", "Host: x"), codes(401)),
        ("absolute URI, other host", msg(f"DELETE https://evil.example{tp} HTTP/1.1", "Host: x"), codes(401)),
        ("authority form", msg("DELETE stub:80 HTTP/1.1", "Host: x"), None),
        ("asterisk form", msg("DELETE * HTTP/1.1", "Host: x"), codes(404)),
        ("OPTIONS *", msg("OPTIONS * HTTP/1.1", "Host: x"), codes(404)),
        ("no leading slash", msg("DELETE api/organizations/members HTTP/1.1", "Host: x"), None),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", None),
        ("TLS client hello", bytes.fromhex("16030100a5010000a10303") + bytes(range(64)), None),
        ("SSH banner", b"SSH-2.0-OpenSSH_9.6\r\n", None),
        ("binary", random.Random(7).randbytes(512), None),
        ("JSON instead of HTTP", b'{"organization_id": "x"}\r\n\r\n', None),
        ("8 kB method", b"D" * 8192 + b" / HTTP/1.1\r\nHost: x\r\n\r\n", None),
        ("method with raw byte", b"DEL\xe9TE / HTTP/1.1\r\nHost: x\r\n\r\n", None),
        ("version with raw byte", b"DELETE / HTTP/1.\xe9\r\nHost: x\r\n\r\n", None),
        (
            "websocket upgrade",
            msg(f"GET {rp} HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: websocket"),
            codes(405),
        ),
        ("h2c upgrade", msg(f"DELETE {rp} HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: h2c"), codes(401)),
        ("HTTP/1.0 keep-alive", msg(f"DELETE {rp} HTTP/1.0", "Connection: keep-alive"), codes(401)),
        ("connection: close", msg(f"DELETE {rp} HTTP/1.1", "Host: x", "Connection: close"), codes(401)),
    ]
    for label, data, statuses in garbage:
        # half-closed: a server may rightly wait for the rest of a request (e.g. after empty lines)
        yield Case(kind, label, data, "http", statuses, reuse=False, shut=True)


CATALOGUE: dict[str, Callable[[], Iterator[Case]]] = {
    "percent": percent_cases,
    "raw-bytes": raw_byte_cases,
    "nul": nul_cases,
    "oversize": oversize_cases,
    "parameters": parameter_cases,
    "methods": method_cases,
    "unknown-paths": unknown_path_cases,
    "bodies": body_cases,
    "chunked": chunked_cases,
    "framing": framing_cases,
}


def catalogue(kind: str) -> list[Case]:
    cases = list(CATALOGUE[kind]())
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), f"duplicate case names in {kind}"
    return cases
