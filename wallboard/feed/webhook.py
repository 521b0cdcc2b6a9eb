"""The CRM webhook: outbound results POSTed to the bridge, signed, counted once.

``POST /outcomes`` with a JSON body ``{"id", "agent", "kind", "amount"?, "campaign"?, "call"?, "at"?}``
(``agent``: the board's agent id, or the agent's name as the board shows it) and two headers:

- ``X-Wallboard-Timestamp``: the sender's clock, epoch seconds; more than five minutes off is refused, so
  a captured request cannot be replayed later;
- ``X-Wallboard-Signature: sha256=<hex>``: HMAC-SHA256 with the shared secret over
  ``<timestamp>.<body>`` (the raw bytes as sent).

Answers, each a JSON body with ``ok`` and, when refused, ``error`` in one line: ``200 {"counted": true}``;
``200 {"counted": false, "duplicate": true}`` for an id counted before (a retry is harmless); ``400`` a
body that is not a JSON object; ``401`` a missing, stale or wrong signature; ``404``/``405`` another path or
method; ``411`` no Content-Length; ``413`` a body over 16 KB; ``422`` a field that is wrong (an unknown
kind or agent, a bad amount). One request per connection; the request must arrive within 10 s.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..core.outbound import Outcome, OutcomeRefused, outcome_from
from .server import FeedServer

log = logging.getLogger("wallboard.webhook")

MAX_BODY = 16 * 1024
MAX_HEAD = 8 * 1024
SKEW_S = 300
READ_S = 10.0
PATH = "/outcomes"
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 411: "Length Required", 413: "Content Too Large", 422: "Unprocessable Content"}


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """What a sender puts in ``X-Wallboard-Signature`` (tests and CRM integrators use the same function)."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


class OutcomeWebhook:
    def __init__(self, server: FeedServer, secret: str, wall: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("the webhook needs a shared secret")
        self.server, self.secret, self.wall = server, secret.encode(), wall
        self.answers: Counter[int] = Counter()  # by HTTP status (a test and a health check read them)
        self._listener: asyncio.Server | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._listener = await asyncio.start_server(self._serve, host, port, limit=MAX_HEAD)
        bound = int(self._listener.sockets[0].getsockname()[1])
        log.info("outcome webhook on http://%s:%d%s", host, bound, PATH)
        return bound

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
            await self._listener.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = 200, await asyncio.wait_for(self._handle(reader), READ_S)
        except _Refused as r:
            status, body = r.status, {"ok": False, "error": r.error}
        except TimeoutError:
            status, body = 408, {"ok": False, "error": f"the request did not arrive within {READ_S:g} s"}
        except (ConnectionError, asyncio.IncompleteReadError):
            writer.close()
            return
        self.answers[status] += 1
        if status != 200:
            peer = writer.get_extra_info("peername")
            log.warning("webhook request from %s refused: %d %s", peer[0] if peer else "?", status, body["error"])
        data = json.dumps(body, ensure_ascii=False).encode()
        writer.write(f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: application/json; charset=utf-8\r\n"
                     f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
        try:
            await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader) -> dict[str, Any]:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise _Refused(413, f"request headers over {MAX_HEAD} bytes") from None
        except asyncio.IncompleteReadError:
            raise _Refused(400, "the request ended before its headers did") from None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _Refused(400, "not an HTTP/1.1 request")
        method, path = parts[0], parts[1].split("?", 1)[0]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if path != PATH:
            raise _Refused(404, f"the outcome webhook is POST {PATH}")
        if method != "POST":
            raise _Refused(405, f"the outcome webhook is POST {PATH}")
        if "content-length" not in headers or not headers["content-length"].isdigit():
            raise _Refused(411, "Content-Length is required")
        length = int(headers["content-length"])
        if length > MAX_BODY:
            raise _Refused(413, f"body over {MAX_BODY} bytes")
        body = await reader.readexactly(length)
        self._check_signature(headers, body)
        try:
            fields = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise _Refused(400, f"the body is not JSON: {err}") from None
        if not isinstance(fields, dict):
            raise _Refused(400, "the body must be a JSON object")
        outcome = self._outcome(fields)
        counted = self.server.outcome(outcome, "webhook")
        return {"ok": True, "counted": counted, **({} if counted else {"duplicate": True})}

    def _check_signature(self, headers: dict[str, str], body: bytes) -> None:
        stamp, given = headers.get("x-wallboard-timestamp", ""), headers.get("x-wallboard-signature", "")
        if not stamp or not given:
            raise _Refused(401, "X-Wallboard-Timestamp and X-Wallboard-Signature are required")
        if not stamp.isdigit() or abs(int(stamp) - self.wall()) > SKEW_S:
            raise _Refused(401, f"X-Wallboard-Timestamp is not within {SKEW_S} s of this server's clock")
        if not hmac.compare_digest(given.encode(), signature(self.secret, stamp, body).encode()):
            raise _Refused(401, "the signature does not match (the shared secret, or the body was changed)")

    def _outcome(self, fields: dict[str, Any]) -> Outcome:
        desk = self.server.outbound
        if desk is None:
            raise _Refused(422, "this server counts no outbound results")
        agent = fields.get("agent")
        if isinstance(agent, str) and agent not in self.server.agents:
            named = [a.id for a in self.server.agents.values() if a.name == agent]
            if len(named) == 1:
                fields = {**fields, "agent": named[0]}
            else:
                raise _Refused(422, f"agent {agent!r} is not on the floor" if not named
                               else f"agent name {agent!r} is not unique: send the agent's id")
        at = fields.get("at")
        if isinstance(at, bool) or (at is not None and not isinstance(at, int)):
            raise _Refused(422, "at must be epoch milliseconds (an integer)")
        try:
            return outcome_from({**fields, "at": at}, self.server.clock(), desk.rules)
        except OutcomeRefused as err:
            raise _Refused(422, str(err)) from None
