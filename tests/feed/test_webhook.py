"""The CRM webhook over real HTTP on 127.0.0.1: a good request counts once, a retry is harmless, and every
bad request is refused with its status and a one-line reason — and counts nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.feed.conftest import Board, wait_until
from wallboard.core.model import Agent
from wallboard.core.outbound import DEFAULT_RULES
from wallboard.feed.outbound import OutboundDesk
from wallboard.feed.server import FeedServer
from wallboard.feed.webhook import MAX_BODY, OutcomeWebhook, signature

Runner = Callable[[Callable[[], Awaitable[None]]], None]
NOW_S = 1_796_170_000
SECRET = "s3cret-shared-with-the-crm"


def server() -> FeedServer:
    s = FeedServer(lambda: NOW_S * 1000, heartbeat_s=0.3)
    s.outbound = OutboundDesk(DEFAULT_RULES, lambda t: (NOW_S - 36_000) * 1000, NOW_S * 1000)
    s.load([Agent(id="PJSIP/2001", name="田中 翔太", state="on_call", since=NOW_S * 1000),
            Agent(id="PJSIP/2002", name="佐藤 舞", state="available", since=NOW_S * 1000),
            Agent(id="PJSIP/2003", name="佐藤 舞", state="available", since=NOW_S * 1000)], [], [])
    return s


async def post(port: int, body: bytes, *, stamp: str | None = None, sig: str | None = None, path: str = "/outcomes",
               method: str = "POST", length: bool = True, extra: str = "") -> tuple[int, dict[str, Any]]:
    stamp = str(NOW_S) if stamp is None else stamp
    sig = signature(SECRET.encode(), stamp, body) if sig is None else sig
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    if stamp:
        head += f"X-Wallboard-Timestamp: {stamp}\r\n"
    if sig:
        head += f"X-Wallboard-Signature: {sig}\r\n"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((head + extra + "\r\n").encode() + body)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    status = int(raw.split(b" ", 2)[1])
    return status, json.loads(raw.split(b"\r\n\r\n", 1)[1])


def outcome(**kw: Any) -> bytes:
    return json.dumps({"id": "crm-1001", "agent": "PJSIP/2001", "kind": "sale", "amount": 38000,
                       "campaign": "春の新規", **kw}, ensure_ascii=False).encode()


def test_a_signed_result_counts_once_and_reaches_the_boards(run: Runner) -> None:
    async def body() -> None:
        s = server()
        hook = OutcomeWebhook(s, SECRET, wall=lambda: NOW_S + 20)
        port, feed = await hook.start(), await s.start()
        board = Board(f"ws://127.0.0.1:{feed}").start()
        await wait_until(lambda: bool(board.views) and board.last.outbound is not None, 5, "the whiteboard")
        assert await post(port, outcome()) == (200, {"ok": True, "counted": True})
        assert await post(port, outcome()) == (200, {"ok": True, "counted": False, "duplicate": True})  # a retry
        # by the agent's name as the board shows it
        assert (await post(port, outcome(id="crm-1002", agent="田中 翔太", amount="9,800")))[0] == 200
        await wait_until(lambda: [r.id for r in board.last.outbound.recent] == ["crm-1001", "crm-1002"], 5,
                         "both results on the board")
        t = board.last.outbound.tallies["PJSIP/2001"]
        assert t.kinds == {"sale": 2} and t.amount == 47_800
        assert hook.answers == {200: 3}
        await board.close()
        await hook.stop()
        await s.stop()
    run(body)


BAD: list[tuple[str, dict[str, Any], int, str]] = [
    ("no signature", {"sig": "", "stamp": ""}, 401, "are required"),
    ("a wrong signature", {"sig": "sha256=" + "0" * 64}, 401, "does not match"),
    ("signed with another secret", {"sig": signature(b"guess", str(NOW_S), outcome())}, 401, "does not match"),
    ("an old request replayed", {"stamp": str(NOW_S - 3600), "resign": True}, 401, "not within 300 s"),
    ("a changed body", {"body": outcome(amount=1), "keep_sig": True}, 401, "does not match"),
    ("oversize", {"body": b"{" + b" " * (MAX_BODY + 1) + b"}"}, 413, "over 16384 bytes"),
    ("not JSON", {"body": b"id=1&kind=sale"}, 400, "not JSON"),
    ("not an object", {"body": b"[1, 2]"}, 400, "a JSON object"),
    ("an unknown kind", {"body": outcome(kind="win")}, 422, "kind 'win' is not one of"),
    ("an unknown agent", {"body": outcome(agent="nobody")}, 422, "not on the floor"),
    ("an ambiguous name", {"body": outcome(agent="佐藤 舞")}, 422, "not unique"),
    ("a bad amount", {"body": outcome(amount="a lot")}, 422, "amount must be a number"),
    ("a numeric id", {"body": outcome(id=5)}, 422, "id must be text"),
    ("a text time", {"body": outcome(at="noon")}, 422, "at must be epoch milliseconds"),
    ("another path", {"path": "/admin"}, 404, "POST /outcomes"),
    ("a GET", {"method": "GET"}, 405, "POST /outcomes"),
    ("no length", {"length": False}, 411, "Content-Length"),
    ("huge headers", {"extra": "X-Pad: " + "a" * 9000 + "\r\n"}, 413, "headers over"),
]


@pytest.mark.parametrize(("case", "how", "status", "why"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_request_is_refused_clearly_and_counts_nothing(run: Runner, case: str, how: dict[str, Any], status: int,
                                                              why: str) -> None:
    async def body() -> None:
        s = server()
        hook = OutcomeWebhook(s, SECRET, wall=lambda: NOW_S)
        port = await hook.start()
        data = how.get("body", outcome())
        kw = {k: v for k, v in how.items() if k in ("stamp", "sig", "path", "method", "length", "extra")}
        if how.get("resign"):
            kw["sig"] = signature(SECRET.encode(), kw["stamp"], data)
        if how.get("keep_sig"):
            kw["sig"] = signature(SECRET.encode(), str(NOW_S), outcome())
        got, answer = await post(port, data, **kw)
        assert (got, answer["ok"]) == (status, False) and why in answer["error"], answer
        assert s.outbound is not None and not s.outbound.book.seen  # nothing counted
        assert hook.answers == {status: 1}
        await hook.stop()
    run(body)


def test_a_request_that_never_finishes_is_answered_408(run: Runner) -> None:
    async def body() -> None:
        import wallboard.feed.webhook as wh
        s = server()
        hook = OutcomeWebhook(s, SECRET, wall=lambda: NOW_S)
        port = await hook.start()
        old, wh.READ_S = wh.READ_S, 0.3
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /outcomes HTTP/1.1\r\nContent-Length: 50\r\n\r\n{")
            raw = await asyncio.wait_for(reader.read(), 5)
            writer.close()
        finally:
            wh.READ_S = old
        assert raw.startswith(b"HTTP/1.1 408 ") and hook.answers == {408: 1}
        await hook.stop()
    run(body)
