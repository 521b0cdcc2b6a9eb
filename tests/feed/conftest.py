"""Loopback helpers: real websockets servers on 127.0.0.1, real clients, no mocks."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.protocol import MonitorUpdate
from wallboard.core.view import FloorView
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> float:
    """Poll until true; returns the seconds it took. Fails the test on timeout."""
    t0 = time.monotonic()
    while not predicate():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)
    return time.monotonic() - t0


class Board:
    """A FeedClient plus the views it published, as a board would see them."""

    def __init__(self, url: str, **kw: object) -> None:
        self.views: list[FloorView] = []
        self.client = FeedClient(url, self.views.append, **kw)  # type: ignore[arg-type]
        self.task: asyncio.Task[None] | None = None
        #: every monitor.update as it came: views are coalesced (two updates a few ms apart make one view)
        self.monitor_updates: list[MonitorUpdate] = []
        handle = self.client._message

        async def message(ws: Any, msg: Any) -> None:
            if isinstance(msg, MonitorUpdate):
                self.monitor_updates.append(msg)
            await handle(ws, msg)
        self.client._message = message  # type: ignore[method-assign]

    @property
    def last(self) -> FloorView:
        return self.views[-1]

    def start(self) -> Board:
        self.task = asyncio.create_task(self.client.run())
        return self

    async def close(self) -> None:
        self.client.stop()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


class SimulatedFloor:
    """The embedded call centre behind a FeedServer, stepped by the test."""

    def __init__(self, agents: int = 40, seed: int = 1, t: int = 1_763_780_400_000, **server_kw: object) -> None:
        self.t = t
        self.engine = CallCentre(demo_plan(agents, 3), self.t, seed=seed)
        self.server = FeedServer(lambda: self.engine.now, **server_kw)  # type: ignore[arg-type]
        self.server.load(*self.engine.snapshot())

    def step(self, seconds: float) -> int:
        return self.server.publish(self.engine.advance(self.engine.now + int(seconds * 1000)))


def same_floor(view: FloorView, server: FeedServer) -> bool:
    return (dict(view.agents) == server.agents and dict(view.queues) == server.queues
            and dict(view.calls) == server.calls)


class ScriptedServer:
    """A hand-driven feed server: sends exactly the frames a test gives it."""

    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []
        self.received_at: list[float] = []
        self.conn: ServerConnection | None = None
        self.connections = 0
        self.connected = asyncio.Event()
        self.on_resync: Callable[[ServerConnection], Awaitable[None]] | None = None
        self.on_connect: Callable[[ServerConnection], Awaitable[None]] | None = None

    async def handler(self, ws: ServerConnection) -> None:
        self.conn = ws
        self.connections += 1
        self.connected.set()
        if self.on_connect is not None:
            await self.on_connect(ws)
        try:
            async for raw in ws:
                msg = json.loads(raw)
                self.received.append(msg)
                self.received_at.append(time.monotonic())
                if msg["type"] == "resync" and self.on_resync is not None:
                    await self.on_resync(ws)
        except ConnectionClosed:
            pass  # the board went (a test of it going)

    async def start(self, **kw: object) -> int:
        self.server = await serve(self.handler, "127.0.0.1", 0, subprotocols=["callstate.v1"],  # type: ignore[list-item]
                                  **kw)  # type: ignore[arg-type]
        return int(next(iter(self.server.sockets)).getsockname()[1])

    async def send(self, *frames: bytes | str) -> None:
        """Text frames; bytes that are not UTF-8 go as binary (a text frame of them is a protocol error)."""
        assert self.conn is not None
        for f in frames:
            text = True
            if isinstance(f, bytes):
                try:
                    f.decode("utf-8")
                except UnicodeDecodeError:
                    text = False
            await self.conn.send(f, text=text)

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()
