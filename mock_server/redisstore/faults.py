"""Fault rules in Redis: one book of rules and counters for every replica.

The rules, their order and their counters live under the prefix; each replica keeps the list of
operations that have rules (the request path tests only that) and re-reads it when the book's version
changes (checked every 50 ms by a background thread, and at once after a change made through this
replica). Whether a rule fires is decided in one script call that counts the match, applies `times`,
`every` and the per-credential rate limit atomically; the draw for `probability` and the jitter come from
this process's generator seeded with the rule's seed.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.errors import Unavailable
from ..core.faults import CREDENTIAL_HEADERS, MAX_RULES, Fault, FaultError, FaultRule, parse_rule
from .link import Link

POLL_S = 0.05

SCRIPT = """
local P, op = ARGV[1], ARGV[2]
local rules, order, counts = P .. "f:rules", P .. "f:order", P .. "f:count"
if op == "add" then
  local id = ARGV[3]
  if redis.call("LLEN", order) >= tonumber(ARGV[5]) then return {409, "full"} end
  if redis.call("HEXISTS", rules, id) == 1 then return {409, "taken"} end
  redis.call("HSET", rules, id, ARGV[4]); redis.call("RPUSH", order, id); redis.call("INCR", P .. "f:ver")
  return {201, id}
elseif op == "remove" then
  if redis.call("HDEL", rules, ARGV[3]) == 0 then return {404} end
  redis.call("LREM", order, 0, ARGV[3]); redis.call("HDEL", counts, ARGV[3] .. ":m", ARGV[3] .. ":f")
  redis.call("INCR", P .. "f:ver")
  return {200}
elseif op == "clear" then
  local n = redis.call("LLEN", order)
  redis.call("DEL", rules, order, counts); redis.call("INCR", P .. "f:ver")
  return {200, n}
elseif op == "fire" then  -- id times every rate_limit window_key
  local id = ARGV[3]
  if redis.call("HEXISTS", rules, id) == 0 then return {0, 0} end
  local times, every, limit = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
  local fired = tonumber(redis.call("HGET", counts, id .. ":f") or "0")
  if times > 0 and fired >= times then return {0, -1} end
  local matched = redis.call("HINCRBY", counts, id .. ":m", 1)
  if limit > 0 then
    local n = redis.call("INCR", ARGV[7]); if n == 1 then redis.call("EXPIRE", ARGV[7], 2) end
    if n <= limit then return {0, matched} end
  elseif every > 0 and matched % every ~= 0 then return {0, matched} end
  if ARGV[8] == "draw" then return {2, matched} end  -- the caller draws, then confirms with "count"
  redis.call("HINCRBY", counts, id .. ":f", 1)
  return {1, matched}
elseif op == "count" then
  redis.call("HINCRBY", counts, ARGV[3] .. ":f", 1)
  return {1}
end
return redis.error_reply("unknown fault operation")
"""


class RedisFaultBook:
    def __init__(self, link: Link, prefix: str, operations: Sequence[str]) -> None:
        self.link = link
        self.prefix = prefix
        self.operations = frozenset(operations)
        self.by_operation: dict[str, tuple[FaultRule, ...]] = {}
        self._version: object = None
        self._rngs: dict[str, random.Random] = {}
        self._lock = threading.Lock()
        self.refresh()
        threading.Thread(target=self._poll, daemon=True, name="fault-rules").start()

    def _run(self, op: str, *args: str | int) -> list[Any]:
        return self.link.run(self.prefix, op, *args, script=SCRIPT)

    def _poll(self) -> None:
        while True:
            time.sleep(POLL_S)
            try:
                version = self.link.client.get(self.prefix + "f:ver")
                if version != self._version:
                    self.refresh()
            except Exception:  # Redis away: keep the rules known; the next poll tries again
                continue

    def refresh(self) -> None:
        """Re-read the rules from Redis (their order, and which operations have any)."""
        try:
            version = self.link.command("GET", self.prefix + "f:ver")
            rules = self._rules()
        except Unavailable:
            return
        index: dict[str, list[FaultRule]] = {}
        for rule in rules:
            index.setdefault(rule.operation, []).append(rule)
        with self._lock:
            self.by_operation = {op: tuple(r) for op, r in index.items()}
            self._version = version

    def _rules(self) -> list[FaultRule]:
        ids = self.link.command("LRANGE", self.prefix + "f:order", 0, -1) or []
        docs = self.link.command("HMGET", self.prefix + "f:rules", *ids) if ids else []
        return [parse_rule(json.loads(d)) for d in docs if d]

    def add(self, rule: FaultRule) -> dict[str, Any]:
        """Add a validated rule (an id is assigned, f1, f2, ..., when it has none); its document."""
        while True:
            named = (
                rule
                if rule.id
                else FaultRule(**{**vars(rule), "id": f"f{self.link.command('INCR', self.prefix + 'f:next')}"})
            )
            answer = self._run("add", named.id, json.dumps(named.to_document()), MAX_RULES)
            if answer[0] == 201:
                break
            if answer[1] == "full":
                raise FaultError(f"the stub holds at most {MAX_RULES} fault rules; delete some first")
            if rule.id:
                raise FaultError(f"id: a rule {rule.id!r} exists already")
        self.refresh()
        return {**named.to_document(), "matched": 0, "fired": 0, "spent": False}

    def remove(self, rule_id: str) -> bool:
        found = bool(self._run("remove", rule_id)[0] == 200)
        self.refresh()
        return found

    def clear(self) -> int:
        count = int(self._run("clear")[1])
        self.refresh()
        return count

    def ids(self) -> list[str]:
        return [str(i) for i in self.link.command("LRANGE", self.prefix + "f:order", 0, -1) or []]

    def documents(self) -> list[dict[str, Any]]:
        rules = self._rules()
        counts = self.link.command("HGETALL", self.prefix + "f:count") or {}
        out = []
        for rule in rules:
            matched, fired = int(counts.get(f"{rule.id}:m", 0)), int(counts.get(f"{rule.id}:f", 0))
            spent = rule.times is not None and fired >= rule.times
            out.append({**rule.to_document(), "matched": matched, "fired": fired, "spent": spent})
        return out

    def decide(self, operation: str, headers: Sequence[tuple[bytes, bytes]]) -> Fault | None:
        candidates = self.by_operation.get(operation)
        if not candidates:
            return None
        try:
            for rule in candidates:
                if not _selects(rule.match_headers, headers):
                    continue
                fault = self._fire(rule, headers)
                if fault is not None:
                    return fault
        except Unavailable:  # the request goes on to its operation, which answers 503 with the reason
            return None
        return None

    def _fire(self, rule: FaultRule, headers: Sequence[tuple[bytes, bytes]]) -> Fault | None:
        window = ""
        if rule.rate_limit is not None:
            credential = b"\0".join(v for k, v in headers if k in CREDENTIAL_HEADERS)
            window = f"{self.prefix}f:rl:{rule.id}:{hashlib.sha256(credential).hexdigest()[:32]}:{int(time.time())}"
        draw = "draw" if rule.probability is not None else ""
        answer = self._run("fire", rule.id, rule.times or 0, rule.every or 0, rule.rate_limit or 0, window, draw)
        if answer[0] == 0:
            return None
        rng = self._rngs.setdefault(rule.id, random.Random(rule.seed))
        if answer[0] == 2:
            assert rule.probability is not None
            if rng.random() >= rule.probability:
                return None
            self._run("count", rule.id)
        if rule.rate_limit is not None:
            message = (
                f"rate limit exceeded: at most {rule.rate_limit} requests per second per credential "
                f"(fault rule {rule.id}); retry after the Retry-After seconds"
            )
            return Fault(rule.id, 0.0, 429, (("retry-after", "1"), *rule.headers), None, message)
        delay = (rule.delay_ms + (rng.uniform(0, rule.jitter_ms) if rule.jitter_ms else 0)) / 1000
        message = ""
        if rule.status is not None or rule.drop is not None:
            message = f"fault injected by the stub (rule {rule.id}): {rule.status or 200} instead of the real answer"
        return Fault(rule.id, delay, rule.status, rule.headers, rule.body, message, rule.drop)


def _selects(match: tuple[tuple[str, str], ...], headers: Sequence[tuple[bytes, bytes]]) -> bool:
    wanted: Mapping[bytes, bytes] = {n.encode("latin-1"): v.encode("latin-1") for n, v in match}
    return all(any(k == name and v == value for k, v in headers) for name, value in wanted.items())
