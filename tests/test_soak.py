"""Soak: ≥ 100 server restarts, and 8 simulated hours through the real board. Run: pytest -m soak"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.feed.conftest import Board, SimulatedFloor, same_floor, wait_until
from tests.ui.boards import desk
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.service import CallCentreService
from wallboard.callcentre.traffic import demo_plan
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer
from wallboard.feed.thread import LoopThread

pytestmark = pytest.mark.soak


def test_reconnects_after_every_server_restart() -> None:
    rounds = int(os.environ.get("WALLBOARD_SOAK_ROUNDS", "100"))

    async def go() -> None:
        floor = SimulatedFloor(heartbeat_s=0.5)
        port = await floor.server.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await wait_until(lambda: bool(board.views) and board.last.synced)
        worst = 0.0
        for i in range(rounds):
            await floor.server.stop()
            await wait_until(lambda: board.last.link.state in ("retrying", "connecting"), what="loss noticed")
            await asyncio.sleep(0.05 + (i % 7) * 0.3)  # outages of different lengths
            floor = SimulatedFloor(seed=i + 2, heartbeat_s=0.5)
            floor.step(30)
            await floor.server.start(port=port)
            took = await wait_until(lambda f=floor: board.last.synced and board.last.link.state == "live"
                                    and board.client.state.stream == f.server.stream, timeout=5, what="reconnect")
            worst = max(worst, took)
            await asyncio.sleep(0.03)
            assert same_floor(board.last, floor.server), f"round {i}: state differs from the server's snapshot"
        print(f"\n{rounds} restarts: worst reconnect {worst:.2f} s after the server was back")
        assert worst <= 2.3
        await board.close()
        await floor.server.stop()
    asyncio.run(asyncio.wait_for(go(), 60 + rounds * 4))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def test_eight_simulated_hours_through_the_board(qtbot) -> None:  # type: ignore[no-untyped-def]
    seconds = float(os.environ.get("WALLBOARD_SOAK_SECONDS", "40"))
    speed = 8 * 3600 / seconds
    window = desk(qtbot)
    thread = LoopThread("soak").start()
    now = int(time.time() * 1000)
    engine = CallCentre(demo_plan(100, 4), now - 3_600_000, seed=8)
    engine.advance(now)

    async def start() -> tuple[CallCentreService, int]:
        svc = CallCentreService(engine, lambda clock: FeedServer(clock, heartbeat_s=1.0), speed=speed)
        port = await svc.server.start()
        asyncio.get_running_loop().create_task(svc.run())
        return svc, port

    svc, port = thread.submit(start()).result(10)
    client = FeedClient(f"ws://127.0.0.1:{port}", window.link.push)
    thread.submit(client.run())
    try:
        qtbot.waitUntil(lambda: window.view is not None and window.view.synced, timeout=5000)
        t0 = time.monotonic()
        samples = []
        while time.monotonic() - t0 < seconds:
            qtbot.wait(500)
            samples.append((time.monotonic() - t0, rss_mb()))
        simulated_h = (engine.now - now) / 3_600_000
        half = next(r for t, r in samples if t >= seconds / 2)
        end = samples[-1][1]
        v = window.view
        assert v is not None
        print(f"\n{simulated_h:.1f} simulated h, {v.counters['applied']} events; RSS {half:.0f} -> {end:.0f} MB")
        assert simulated_h >= 8 and v.counters["gaps"] == 0 and v.link.state == "live"
        assert (end - half) / half < 0.05
    finally:
        thread.loop.call_soon_threadsafe(client.stop)
        thread.submit(svc.server.stop()).result(5)
        thread.stop()
