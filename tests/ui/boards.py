"""The real windows, made as the app makes them, fed by a real feed client from the real call centre."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSettings

from wallboard.board.order import order
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.model import Agent, Call
from wallboard.core.profile import Profile, load_profile
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer
from wallboard.feed.thread import LoopThread
from wallboard.ui.boards import make_window
from wallboard.ui.desk import DeskWindow
from wallboard.ui.feedlink import FeedLink, Submit
from wallboard.ui.shell import BoardShell
from wallboard.ui.tiles import TileBoard
from wallboard.ui.tv import TvWindow


class LiveFloor:
    """Call centre + feed server + feed client on a real asyncio thread, as in the app."""

    def __init__(self, window: BoardShell, agents: int = 36, language: str = "en", queues: int = 3,
                 heartbeat_s: float = 0.3) -> None:
        self.thread = LoopThread("test-feed").start()
        self.engine = CallCentre(demo_plan(agents, queues, language=language), int(time.time() * 1000) - 1_800_000,
                                 seed=4)
        self.engine.advance(int(time.time() * 1000))
        self.window = window
        self.heartbeat_s = heartbeat_s
        self.port = self.thread.submit(self._start()).result(10)
        self.client = FeedClient(f"ws://127.0.0.1:{self.port}", window.link.push)
        self.thread.submit(self.client.run())

    async def _start(self, port: int = 0) -> int:
        self.server = FeedServer(lambda: self.engine.now, heartbeat_s=self.heartbeat_s)
        self.server.load(*self.engine.snapshot())
        return await self.server.start(port=port)

    def step(self, seconds: float) -> None:
        async def go() -> None:
            self.server.publish(self.engine.advance(self.engine.now + int(seconds * 1000)))
        self.thread.submit(go()).result(5)

    def stop_server(self) -> None:
        self.thread.submit(self.server.stop()).result(5)

    def restart_server(self) -> None:
        self.thread.submit(self._start(self.port)).result(5)

    def close(self) -> None:
        self.thread.loop.call_soon_threadsafe(self.client.stop)
        try:
            self.thread.submit(self.server.stop()).result(5)
        finally:
            self.thread.stop()


def desk(qtbot: Any, profile: Profile | dict[str, Any] | None = None, submit: Submit | None = None,
         settings: QSettings | None = None, size: tuple[int, int] | None = (1400, 900), title: str = "desk") -> DeskWindow:
    p = profile if isinstance(profile, Profile) else load_profile(profile or {})
    w = make_window(p, title, FeedLink(submit), settings=settings)
    assert isinstance(w, DeskWindow)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    return w


def tv(qtbot: Any, profile: dict[str, Any] | None = None, size: tuple[int, int] = (1920, 1080),
       title: str = "tv") -> TvWindow:
    raw = dict(profile or {})
    raw["board"] = {**raw.get("board", {}), "mode": "tv"}
    w = make_window(load_profile(raw), title, FeedLink(), screen_height=size[1])
    assert isinstance(w, TvWindow)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    return w


def tiles(qtbot: Any, agents: Mapping[str, Agent], calls: Mapping[str, Call] | None = None, now: int = 0,
          sort: str = "state", size: tuple[int, int] = (600, 300), **kw: Any) -> TileBoard:
    """A tile board showing ``agents`` in ``sort`` order, as a window would feed it."""
    board = TileBoard(**kw)
    qtbot.addWidget(board)
    board.resize(*size)
    board.set_floor(agents, calls or {}, {}, frozenset(agents), now)
    board.set_order(order(agents, None, sort))
    return board
