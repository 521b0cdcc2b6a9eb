"""A bridge publishes each PBX event alone; the server holds them for ``coalesce_s`` and sends each run as one
frame, made once for every board. Every board still gets every delta, in order, with nothing overtaking one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from websockets.asyncio.client import connect

from tests.feed.conftest import Board, SimulatedFloor, same_floor, wait_until
from wallboard.core.protocol import ACCEPTS, SUBPROTOCOL
from wallboard.feed.server import text_frame

Runner = Callable[[Callable[[], Awaitable[None]]], None]


async def raw_frames(url: str, accept: list[str], seconds: float) -> list[dict[str, object]]:
    """Every frame a board gets, as sent (no client logic between)."""
    out: list[dict[str, object]] = []
    async with connect(url, subprotocols=[SUBPROTOCOL], max_size=None) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "hello", "versions": [1], "accept": accept}))
        try:
            async with asyncio.timeout(seconds):
                async for m in ws:
                    out.append(json.loads(m))
        except TimeoutError:
            pass
    return out


def test_events_published_one_by_one_reach_every_board_in_order_in_few_frames(run: Runner) -> None:
    async def body() -> None:
        floor = SimulatedFloor(agents=60, heartbeat_s=0.05, coalesce_s=0.02)
        port = await floor.server.start()
        url = f"ws://127.0.0.1:{port}"
        batch, old = Board(url).start(), Board(url, accept=tuple(a for a in ACCEPTS if a != "batch")).start()
        raw = asyncio.create_task(raw_frames(url, ["batch"], 2.0))
        await wait_until(lambda: all(b.views and b.last.synced for b in (batch, old)), 5, "both boards")
        await asyncio.sleep(0.3)
        sent = 0
        for _ in range(40):  # the simulator's updates, each published alone, as a bridge does; heartbeats between
            updates = floor.engine.advance(floor.engine.now + 10_000)
            for u in updates:
                sent += floor.server.publish([u])
            await asyncio.sleep(0.01)
        assert sent > 200
        await wait_until(lambda: all(same_floor(b.last, floor.server) and b.client.state.seq == floor.server.seq
                                     for b in (batch, old)), 5, "every delta on both boards")
        for b in (batch, old):
            c = b.client.state.counters
            assert c.gaps == 0 and c.resyncs_requested == 0 and c.snapshots == 1 and c.duplicates == 0
        frames = await raw
        seqs = [d["seq"] for f in frames if f["type"] == "batch" for d in f["deltas"]]  # type: ignore[attr-defined]
        seqs += [f["seq"] for f in frames if f["type"] in ("agent.update", "queue.update", "call.update")]
        beats = [f for f in frames if f["type"] == "heartbeat"]
        assert sorted(seqs) == seqs and len(seqs) == len(set(seqs))  # in order, once each
        batches = [f for f in frames if f["type"] == "batch"]
        assert batches and len(seqs) > 5 * len(batches)  # many deltas a frame
        assert beats and all(b["seq"] <= max(seqs) for b in beats)
        for b in (batch, old):
            await b.close()
        await floor.server.stop()
    run(body)


def test_a_board_joining_while_deltas_are_held_starts_exactly_after_its_snapshot(run: Runner) -> None:
    async def body() -> None:
        floor = SimulatedFloor(agents=40, heartbeat_s=0.2, coalesce_s=0.05)
        port = await floor.server.start()
        boards = []
        for _ in range(5):
            for u in floor.engine.advance(floor.engine.now + 3000):
                floor.server.publish([u])  # held: the new board's snapshot must come after them
            boards.append(Board(f"ws://127.0.0.1:{port}").start())
            await asyncio.sleep(0.02)
        await wait_until(lambda: all(b.views and same_floor(b.last, floor.server) for b in boards), 5, "all boards")
        assert all(b.client.state.counters.gaps == 0 and b.client.state.counters.snapshots == 1 for b in boards)
        for b in boards:
            await b.close()
        await floor.server.stop()
    run(body)


@pytest.mark.parametrize("n", [0, 1, 125, 126, 65_535, 65_536, 300_000])
def test_a_text_frame_made_once_is_what_websockets_would_send(n: int) -> None:
    from websockets.frames import Frame, Opcode
    payload = b"x" * n
    expected = Frame(Opcode.TEXT, payload).serialize(mask=False)
    assert text_frame(payload) == expected
