"""The trend is full on connect: the server keeps the last hour of callers waiting per queue and gives it
to a board that joins (``trend``, only to boards that ask), so a TV shows the hour's shape at once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from websockets.asyncio.client import connect

from tests.feed.conftest import Board, SimulatedFloor, wait_until
from wallboard.board.model import BoardModel
from wallboard.core.model import WAITING_CALL_STATES

Runner = Callable[[Callable[[], Awaitable[None]]], None]


def test_a_board_that_joins_late_shows_the_last_hour_at_once(run: Runner) -> None:
    async def go() -> None:
        floor = SimulatedFloor(agents=20, heartbeat_s=0.5)
        port = await floor.server.start()
        seen: dict[int, int] = {}  # the truth: callers waiting at each 5 s slot, as the server saw them
        for _ in range(720):  # an hour, a publish every 5 simulated seconds
            floor.step(5)
            slot = floor.engine.now // 5000 * 5
            seen[slot] = sum(1 for c in floor.server.calls.values() if c.status in WAITING_CALL_STATES)
        tv = Board(f"ws://127.0.0.1:{port}").start()
        raw = await connect(f"ws://127.0.0.1:{port}", subprotocols=["callstate.v1"])  # type: ignore[list-item]
        try:
            await raw.send(json.dumps({"type": "hello", "versions": [1], "client": "a v1 board"}))
            await wait_until(lambda: bool(tv.views) and tv.last.synced and tv.last.trend is not None, 5, "the trend")
            t = tv.last.trend
            assert t is not None and t.step_s == 5 and set(t.queues) == set(floor.server.queues)
            total = [sum(col[i] or 0 for col in t.queues.values()) for i in range(len(next(iter(t.queues.values()))))]
            assert len(total) >= 715
            for i, n in enumerate(total):
                assert n == seen[(t.start // 1000) + 5 * i], i
            model = BoardModel()
            model.take(tv.last)
            assert model.trend.samples >= 3500  # a full hour on the chart before a second has passed here
            assert model.trend.top() == max(total)
            frames = []
            for _ in range(3):  # an older board never asked: it gets welcome, snapshot, heartbeats — no trend
                frames.append(json.loads(await asyncio.wait_for(raw.recv(), 2))["type"])
            assert "trend" not in frames and frames[:2] == ["welcome", "snapshot"]
        finally:
            await raw.close()
            await tv.close()
            await floor.server.stop()
    run(go)
