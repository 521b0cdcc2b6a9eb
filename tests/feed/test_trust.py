"""What a feed server written by a third party from the protocol document did to the board, and what the
board must do about it (issue 12): a real websockets server on loopback that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from http import HTTPStatus
from typing import Any

import msgspec
import pytest
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.feed.conftest import Board, ScriptedServer, wait_until
from tests.helpers import agent, queue
from wallboard.core.protocol import AgentUpdate, Heartbeat, Welcome, encode
from wallboard.feed.backoff import Failure, retry_delay

Runner = Callable[[Callable[[], Awaitable[None]]], None]
HOUR = 3_600_000


def now_ms() -> int:
    return int(time.time() * 1000)


def welcome(hb: float = 0.5, **caps: Any) -> bytes:
    raw = json.loads(encode(Welcome(version=1, stream="s1", ts=now_ms(), heartbeat_s=hb)))
    if caps:
        raw["caps"] = caps
    return json.dumps(raw).encode()


def snapshot(seq: int = 5, agents: list[dict[str, Any]] | None = None, **extra: Any) -> bytes:
    good = [msgspec.to_builtins(agent(f"a{i}", since=now_ms())) for i in range(1, 6)]
    return json.dumps({"type": "snapshot", "stream": "s1", "seq": seq, "ts": now_ms(),
                       "agents": good + (agents or []), "queues": [msgspec.to_builtins(queue("q1"))], **extra}).encode()


def beat(seq: int, ts: int | None = None) -> bytes:
    return encode(Heartbeat(stream="s1", seq=seq, ts=ts if ts is not None else now_ms()))


async def scripted(*first: bytes, **kw: Any) -> tuple[ScriptedServer, Board]:
    srv = ScriptedServer()
    port = await srv.start()
    board = Board(f"ws://127.0.0.1:{port}", **kw).start()
    await srv.connected.wait()
    await srv.send(*first)
    return srv, board


async def close(srv: ScriptedServer, board: Board) -> None:
    await board.close()
    await srv.stop()


def test_a_quiet_floor_stays_live(run: Runner) -> None:
    """Item 1: heartbeats only, for 4 s (8 heartbeats): the data's age never passes the STALE deadline.
    Before: the board published views only on state changes, so its last view aged to STALE."""
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.5), snapshot())
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            worst = 0.0
            for i in range(40):
                if i % 5 == 0:
                    await srv.send(beat(5))
                await asyncio.sleep(0.1)
                worst = max(worst, board.last.age_s(time.monotonic()) or 0.0)
            assert worst <= 2 * 0.5 + 1, worst  # the deadline a board calls STALE
            assert board.last.synced and board.last.behind_ms < 1000
        finally:
            await close(srv, board)
    run(go)


BAD_AGENTS = [{"id": "a7", "name": "Tanaka", "state": "available", "since": -1},
              {"id": "a8", "name": "Kato", "state": "x" * 33, "since": 0},
              {"id": "a9", "name": "N" * 257, "state": "available", "since": 0}]


def test_one_unreadable_agent_never_blanks_the_board(run: Runner) -> None:
    """Item 2: a snapshot with three agents the board cannot decode (since −1, a 33-character state, a 257-character
    name). Before: dropped whole, "Synchronising…" forever. Now: the rest applies at once, the three are shown as
    unknown, and the server fixing a record fixes it on the board."""
    async def go() -> None:
        srv, board = await scripted(welcome(), snapshot(agents=BAD_AGENTS))
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced despite the bad records")
            v = board.last
            assert {a for a in v.agents if v.agents[a].state != "unknown"} == {"a1", "a2", "a3", "a4", "a5"}
            assert {a: v.agents[a].state for a in ("a7", "a8", "a9")} == dict.fromkeys(("a7", "a8", "a9"), "unknown")
            assert set(v.unreadable) == {("agent", "a7"), ("agent", "a8"), ("agent", "a9")}
            assert v.agents["a7"].name == "Tanaka" and v.counters["bad_records"] == {"agent": 3}
            await srv.send(encode(AgentUpdate(stream="s1", seq=6, ts=now_ms(), agent=agent("a7", "on_call"))))
            await wait_until(lambda: board.last.agents["a7"].state == "on_call", what="the fixed record")
            assert ("agent", "a7") not in board.last.unreadable and board.last.synced
        finally:
            await close(srv, board)
    run(go)


def test_an_unsolicited_snapshot_is_applied_or_resynced_never_drifted_past(run: Runner) -> None:
    """Item 3: a PBX reload sends a fresh snapshot on the same stream and seq. One with a bad record is applied
    (the rest right); one that cannot be read at all makes the board ask for another. Before: dropped, and the
    deltas after it applied to the old floor: 25 of 30 agents wrong, LIVE."""
    async def go() -> None:
        srv, board = await scripted(welcome(), snapshot())
        answered: list[bytes] = []

        async def fresh(ws: ServerConnection) -> None:
            answered.append(snapshot(seq=9, agents=[msgspec.to_builtins(agent(f"b{i}")) for i in range(30)]))
            await ws.send(answered[-1], text=True)
        srv.on_resync = fresh
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            reload = [msgspec.to_builtins(agent(f"b{i}", "paused")) for i in range(30)] + BAD_AGENTS[:1]
            await srv.send(snapshot(seq=5, agents=reload))
            await wait_until(lambda: "b29" in board.last.agents, what="the reload applied")
            assert board.last.agents["b3"].state == "paused" and board.last.agents["a7"].state == "unknown"
            await srv.send(json.dumps({"type": "snapshot", "stream": "s1", "seq": 8, "ts": now_ms(),
                                       "agents": "not a list"}).encode())  # unreadable whole
            await srv.send(encode(AgentUpdate(stream="s1", seq=9, ts=now_ms(), agent=agent("b1", "on_call"))))
            await wait_until(lambda: any(m["type"] == "resync" for m in srv.received), what="a resync asked")
            await wait_until(lambda: board.last.synced and board.client.state.seq == 9, what="the fresh snapshot")
            assert board.last.agents["b1"].state == "available"  # the resync's truth, not the delta on a stale base
        finally:
            await close(srv, board)
    run(go)


def test_a_welcome_from_a_newer_server_is_understood(run: Runner) -> None:
    """Item 4: `caps.monitor: ["listen","coach"]` and a float `ts`. Before: "Invalid enum value", ~10 reconnects
    in 12 s, forever. Now: connected; the unknown mode is simply not offered."""
    async def go() -> None:
        raw = json.loads(welcome(monitor=["listen", "coach"], role="supervisor"))
        raw["ts"] = float(raw["ts"])
        srv, board = await scripted(json.dumps(raw).encode(), snapshot())
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            assert board.client.caps.monitor == ("listen",) and srv.connections == 1
            await srv.send(b'{"type": "presence", "who": "sv-2"}')  # a new type without seq: ignored
            await asyncio.sleep(0.2)
            assert board.last.synced and not any(m["type"] == "resync" for m in srv.received)
        finally:
            await close(srv, board)
    run(go)


def test_one_heartbeat_an_hour_ahead_moves_no_clock(run: Runner) -> None:
    """Item 5: before, one heartbeat stamped +1 h made every clock read +1:00 for 92 s."""
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.2), snapshot())
        try:
            for _ in range(4):
                await srv.send(beat(5))
                await asyncio.sleep(0.15)
            before = board.client.offset.offset_ms
            await srv.send(beat(5, ts=now_ms() + HOUR))
            for _ in range(6):
                await asyncio.sleep(0.15)
                await srv.send(beat(5))
            assert abs(board.client.offset.offset_ms - before) < 500
            assert all(abs(v.offset_ms) < 1000 for v in board.views)
        finally:
            await close(srv, board)
    run(go)


def test_an_unanswered_resync_is_asked_again_then_the_board_reconnects(run: Runner) -> None:
    """Item 6: before, a resync nobody answered was never asked again: "Synchronising…" for good."""
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.25), snapshot())
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            await srv.send(encode(AgentUpdate(stream="s1", seq=7, ts=now_ms(), agent=agent("a1"))))  # a gap
            for _ in range(100):  # heartbeats keep coming; the server never answers the resync
                await asyncio.sleep(0.1)
                if srv.connections > 1:
                    break
                try:
                    await srv.send(beat(7))
                except ConnectionClosed:
                    pass
            asks = [t for m, t in zip(srv.received, srv.received_at) if m["type"] == "resync"]
            assert len(asks) == 3 and srv.connections == 2  # asked 3 times, then a new connection
            gaps = [b - a for a, b in zip(asks, asks[1:])]
            assert 0.9 <= gaps[0] <= 1.4 and 1.9 <= gaps[1] <= 2.4  # 1 s, then 2 s: backing off (hb 0.25 s)
        finally:
            await close(srv, board)
    run(go)


async def _refusing(status: int) -> tuple[Any, int]:
    from websockets.asyncio.server import serve

    def process_request(conn: ServerConnection, request: Request) -> Response:
        return conn.respond(HTTPStatus(status), "no\n")
    server = await serve(lambda ws: asyncio.sleep(0), "127.0.0.1", 0, process_request=process_request)
    return server, int(next(iter(server.sockets)).getsockname()[1])


@pytest.mark.parametrize(("status", "state", "low", "high"), [(401, "refused", 22.5, 37.5), (403, "refused", 22.5, 37.5),
                                                            (503, "retrying", 0.5, 1.0)])
def test_http_refusals_are_retried_by_the_policy(run: Runner, status: int, state: str, low: float,
                                                 high: float) -> None:
    """Item 6: before, HTTP 401/503 were retried every ~1.5 s like a lost connection."""
    async def go() -> None:
        server, port = await _refusing(status)
        board = Board(f"ws://127.0.0.1:{port}").start()
        try:
            await wait_until(lambda: any(v.link.state in ("refused", "retrying") for v in board.views), what="refused")
            link = next(v.link for v in board.views if v.link.state in ("refused", "retrying"))
            assert link.state == state and f"HTTP {status}" in link.detail
            assert link.retry_in_s is not None and low <= link.retry_in_s <= high
        finally:
            await board.close()
            server.close()
    run(go)


def test_a_bare_1008_close_is_a_refusal(run: Runner) -> None:
    async def go() -> None:
        srv = ScriptedServer()

        async def shut(ws: ServerConnection) -> None:
            await ws.close(1008, "go away")
        srv.on_connect = shut
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        try:
            await wait_until(lambda: any(v.link.state == "refused" for v in board.views), what="refused")
            link = next(v.link for v in board.views if v.link.state == "refused")
            assert "go away" in link.detail and 22.5 <= (link.retry_in_s or 0) <= 37.5
            await asyncio.sleep(1)
            assert srv.connections == 1  # not again every 1.5 s
        finally:
            await close(srv, board)
    run(go)


def test_the_refused_wait_is_jittered() -> None:
    """A room of TVs with a wrong token must not knock in lock-step every 30 s."""
    waits = {round(retry_delay(Failure.REFUSED, 3, lambda r=r: r), 2) for r in (0.0, 0.25, 0.5, 0.75, 1.0)}
    assert waits == {22.5, 26.25, 30.0, 33.75, 37.5}


def test_a_half_open_connection_is_dropped_on_time(run: Runner) -> None:
    """Item 6: the server stops sending and stops reading (a half-open TCP connection). The board must
    drop it after 3 heartbeats of silence, as documented, not wait on a closing handshake (25 s)."""
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.3), snapshot())
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            assert srv.conn is not None and srv.conn.transport is not None
            srv.conn.transport.pause_reading()  # nothing more in, nothing more out
            silent = time.monotonic()
            await wait_until(lambda: board.last.link.state == "retrying", timeout=5, what="dropped")
            took = time.monotonic() - silent
            assert 0.8 <= took <= 0.9 + 0.6, took  # 3 × 0.3 s, then at once
            assert board.last.link.reason == "silent"
        finally:
            await close(srv, board)
    run(go)


def test_a_slow_snapshot_is_allowed_to_finish(run: Runner) -> None:
    """Item 6: a snapshot that takes longer than 3 heartbeats to arrive (a big floor on a slow link) is not
    silence while its bytes keep coming. Before: never accepted, reconnect after reconnect."""
    async def go() -> None:
        srv = ScriptedServer()
        big = snapshot(agents=[msgspec.to_builtins(agent(f"z{i}")) for i in range(3000)]).decode()

        async def trickle(ws: ServerConnection) -> None:
            await ws.send(welcome(hb=0.3), text=True)

            async def pieces() -> AsyncIterator[str]:
                step = len(big) // 12
                for at in range(0, len(big), step):
                    yield big[at:at + step]
                    await asyncio.sleep(0.25)  # 3 s in all: ten times the 0.9 s silence limit
            await ws.send(pieces())
        srv.on_connect = trickle
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, timeout=8, what="the slow snapshot")
            assert len(board.last.agents) == 3005 and srv.connections == 1
        finally:
            await close(srv, board)
    run(go)
