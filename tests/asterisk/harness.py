"""The bridge end to end, as the tests run it: a real TCP AMI listener, the real bridge, real boards."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from tests.feed.conftest import Board, wait_until
from wallboard.asterisk.ami import AmiMessage
from wallboard.asterisk.bridge import AmiSettings, AsteriskBridge
from wallboard.asterisk.floor import AsteriskFloor, QueueConfig
from wallboard.core.outbound import DEFAULT_RULES
from wallboard.core.view import FloorView
from wallboard.feed.outbound import OutboundDesk
from wallboard.feed.server import FeedServer, Principal

T0 = 1_795_343_640_000  # the bridge's clock at a capture's t = 0 (ms)
ALICE, BOB, CAROL, FRANK = ("Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n",
                            "Local/1006@from-queue/n")
PHONE = {"endpoint": "Local/900@sv"}
CONFIG = {"sales": QueueConfig(name="営業", wrapup_s=5), "support": QueueConfig(name="サポート", wrapup_s=3)}
TEAMS = {"Alice": "Team A", "Bob": "Team A", "Carol": "Team B", "Frank": "Team B", "Dave": "Team B"}


class Clock:
    """The bridge's clock runs at the replay's speed, so its stamps are capture time."""

    def __init__(self, speed: float) -> None:
        self.speed, self.t0 = speed, time.monotonic()

    def __call__(self) -> int:
        return T0 + int((time.monotonic() - self.t0) * self.speed * 1000)


async def bridge_and_boards(ami_port: int, clock: Callable[[], int], user: str = "admin", secret: str = "adminsecret",
                            sv_kw: dict[str, Any] | None = None, outbound: bool = False,
                            **kw: Any) -> tuple[AsteriskBridge, Board, Board]:
    server = FeedServer(clock, principals={"sv": Principal("sv-tanaka", "supervisor"), "tv": Principal("wall-tv")},
                        anonymous=None, heartbeat_s=0.3)
    kw.setdefault("resync_s", 3600)
    floor = AsteriskFloor(clock(), CONFIG, TEAMS)
    if outbound:  # as the bridge's command line sets it up (without a store: the tests of the store are elsewhere)
        server.outbound = OutboundDesk(DEFAULT_RULES, floor.day_start_of, clock())
    bridge = AsteriskBridge(AmiSettings("127.0.0.1", ami_port, user, secret), server, floor, clock=clock, tick_s=0.05,
                            **kw)
    port = await server.start()
    bridge.task = asyncio.get_running_loop().create_task(bridge.run())  # type: ignore[attr-defined]
    sv = Board(f"ws://127.0.0.1:{port}", token="sv", **(sv_kw or {})).start()
    tv = Board(f"ws://127.0.0.1:{port}", token="tv").start()
    return bridge, sv, tv


async def close(bridge: AsteriskBridge, sv: Board, tv: Board, ami: Any) -> None:
    bridge.stop()
    await sv.close()
    await tv.close()
    await bridge.server.stop()
    await ami.stop()
    await asyncio.wait_for(bridge.task, 5)  # type: ignore[attr-defined]


def states(views: list[FloorView], agent: str) -> list[tuple[str, str, int]]:
    """(state, reason, since) of one agent, each change once, as a board saw them."""
    out: list[tuple[str, str, int]] = []
    for v in views:
        a = v.agents.get(agent)
        if a is not None and (not out or out[-1] != (a.state, a.reason, a.since)):
            out.append((a.state, a.reason, a.since))
    return out


def session_states(board: Board, sid: str) -> list[tuple[str, str]]:
    """(state, reason) of one monitoring session, each change once, as its board was told them (every update,
    not the views: two updates a few ms apart reach the GUI as one view)."""
    out: list[tuple[str, str]] = []
    for s in board.monitor_updates:
        if s.session_id == sid and (not out or out[-1] != (s.state, s.reason)):
            out.append((s.state, s.reason))
    return out


async def wait_for_action(ami: Any, name: str, count: int = 1, timeout: float = 10) -> AmiMessage:
    await wait_until(lambda: len(ami.sent(name)) >= count, timeout, f"the bridge to send {name} #{count}")
    return ami.sent(name)[count - 1]  # type: ignore[no-any-return]


def live(board: Board) -> bool:
    return bool(board.views) and board.last.synced and board.last.source_up
