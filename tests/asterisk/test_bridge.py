"""The Asterisk bridge end to end: a real TCP AMI listener on loopback, the real bridge, real boards.

Verified against transcripts only (Asterisk is not installable here): the recorded session
from a real Asterisk (``shared/reference/asterisk-ami-capture-basic.txt``), replayed unedited,
and sessions written by hand with real Asterisk's field names and event order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.asterisk.amiserver import Replay, Scripted
from tests.asterisk.capture import frames
from tests.feed.conftest import Board, wait_until
from wallboard.asterisk.ami import AmiMessage
from wallboard.asterisk.bridge import AmiSettings, AsteriskBridge
from wallboard.asterisk.floor import AsteriskFloor, QueueConfig
from wallboard.core.model import Agent
from wallboard.feed.client import FloorView
from wallboard.feed.server import FeedServer, Principal

Runner = Callable[[Callable[[], Awaitable[None]]], None]
T0 = 1_795_343_640_000  # the bridge's clock at the capture's t = 0 (ms)
ALICE, BOB, CAROL = "Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n"
PHONE = {"endpoint": "Local/900@sv"}
CONFIG = {"sales": QueueConfig(name="営業", wrapup_s=5), "support": QueueConfig(name="サポート", wrapup_s=3)}


class Clock:
    """The bridge's clock runs at the replay's speed, so its stamps are capture time."""

    def __init__(self, speed: float) -> None:
        self.speed, self.t0 = speed, time.monotonic()

    def __call__(self) -> int:
        return T0 + int((time.monotonic() - self.t0) * self.speed * 1000)


async def bridge_and_boards(ami_port: int, clock: Callable[[], int], **kw: Any) -> tuple[AsteriskBridge, Board, Board]:
    server = FeedServer(clock, principals={"sv": Principal("sv-tanaka", "supervisor"), "tv": Principal("wall-tv")},
                        anonymous=None, heartbeat_s=0.3)
    server.source_live = False
    bridge = AsteriskBridge(AmiSettings("127.0.0.1", ami_port, "admin", "adminsecret"), server,
                            AsteriskFloor(clock(), CONFIG, {"Alice": "Team A", "Bob": "Team A", "Carol": "Team B"}),
                            clock=clock, tick_s=0.05, **kw)
    port = await server.start()
    asyncio.get_running_loop().create_task(bridge.run())
    sv = Board(f"ws://127.0.0.1:{port}", token="sv").start()
    tv = Board(f"ws://127.0.0.1:{port}", token="tv").start()
    return bridge, sv, tv


def states(views: list[FloorView], agent: str) -> list[tuple[str, str, int]]:
    """(state, reason, since) of one agent, each change once, as a board saw them."""
    out: list[tuple[str, str, int]] = []
    for v in views:
        a = v.agents.get(agent)
        if a is not None and (not out or out[-1] != (a.state, a.reason, a.since)):
            out.append((a.state, a.reason, a.since))
    return out


def at(since: int) -> float:
    return (since - T0) / 1000


def test_the_recorded_session_reaches_every_board(run: Runner) -> None:
    """Snapshot, three answered calls, an abandon, wrap-up, a pause with a reason, and a listen."""
    speed = 4.0

    def ours(lines: list[str]) -> bool:  # the actions the bridge itself sends in that session
        fields = dict(line.split(": ", 1) for line in lines)
        return fields["Action"] in ("Login", "QueueSummary") or fields.get("ActionID") == "qs-1" or \
            fields.get("ActionID") == "spy-listen"

    async def go() -> None:
        ami = Replay(frames(), speed, ours)
        clock = Clock(speed)
        bridge, sv, tv = await bridge_and_boards(await ami.start(), clock)
        try:
            await wait_until(lambda: bool(tv.views) and tv.last.synced and len(tv.last.agents) == 3, 10,
                             "the snapshot on the boards")
            v = tv.last
            assert {a.id: (a.name, a.state, a.queues, a.team) for a in v.agents.values()} == {
                ALICE: ("Alice", "available", ("sales",), "Team A"), BOB: ("Bob", "available", ("sales",), "Team A"),
                CAROL: ("Carol", "available", ("support",), "Team B")}
            assert {q.id: (q.name, q.sl_threshold_s) for q in v.queues.values()} == {
                "sales": ("営業", 20), "support": ("サポート", 30)}
            assert [a.get("Action") for a in ami.actions[:3]] == ["Login", "QueueStatus", "QueueSummary"]

            # Alice answers the first caller; the supervisor listens in.
            await wait_until(lambda: tv.last.agents[ALICE].state == "on_call", 10, "Alice on a call")
            alice = tv.last.agents[ALICE]
            call = tv.last.calls[alice.call_id]  # type: ignore[index]
            assert (call.queue, call.caller_num, call.state) == ("sales", "0312345001", "connected")
            res = await sv.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": ALICE,
                                                                  "supervisor": PHONE})
            assert res.ok and res.result is not None
            sid = res.result["session_id"]
            spy = await wait_for_action(ami, "Originate")
            assert (spy.get("Channel"), spy.get("Application"), spy.get("Data"), spy.get("Async")) == (
                "Local/900@sv", "ChanSpy", "Local/1001@agents-,qbE", "true")
            await wait_until(lambda: sid in sv.last.sessions and sv.last.sessions[sid].state == "active", 10,
                             "ChanSpyStart made the session active")
            assert tv.last.agents[ALICE].monitor == "listen" and tv.last.agents[ALICE].monitored_by == "sv-tanaka"

            # Alice's call ends (the spy ends with it: option E), then 5 s of wrap-up; a caller gives up.
            await wait_until(lambda: sv.last.sessions[sid].state == "ended", 15, "ChanSpyStop ended the session")
            assert sv.last.sessions[sid].reason == "call_ended" and tv.last.agents[ALICE].monitor == ""
            await wait_until(lambda: tv.last.queues["sales"].abandoned == 1, 10, "the abandon counted")
            await wait_until(lambda: ami.done.is_set(), 20, "the end of the recording")
            await asyncio.sleep(0.5)
            end = tv.last
        finally:
            bridge.stop()
            await sv.close()
            await tv.close()
            await bridge.server.stop()
            await ami.stop()

        seen = tv.views
        alice_states = [(s, r, round(at(t), 1)) for s, r, t in states(seen, ALICE)]
        assert [s for s, _, _ in alice_states] == ["available", "on_call", "wrapup", "available"], alice_states
        assert alice_states[1][2] == pytest.approx(3.5, abs=0.3)  # AgentConnect
        assert alice_states[2][2] == pytest.approx(16.0, abs=0.3)  # AgentComplete: wrap-up starts
        assert alice_states[3][2] == pytest.approx(21.0, abs=0.4)  # the queue's 5 s wrap-up, derived
        carol = [(s, r, round(at(t), 1)) for s, r, t in states(seen, CAROL)]
        assert [(s, r) for s, r, _ in carol] == [("available", ""), ("on_call", ""), ("wrapup", ""),
                                                 ("paused", "lunch"), ("available", "")], carol
        assert carol[3][2] == pytest.approx(23.0, abs=0.4)  # paused at 21 during 3 s of wrap-up: shown after it
        assert carol[4][2] == pytest.approx(39.0, abs=0.4)
        bob = [s for s, _, _ in states(seen, BOB)]
        assert bob == ["available", "on_call", "wrapup", "available"]
        # the caller who gave up: waiting on the board while Alice was in wrap-up, then gone and counted
        waiting = [v.calls[c] for v in seen for c in v.calls if v.calls[c].caller_num == "0312345004"]
        assert waiting and all(c.state == "queued" for c in waiting)
        assert not any(c.caller_num == "0312345004" for c in end.calls.values()) and not end.calls
        sales, support = end.queues["sales"], end.queues["support"]
        assert (sales.offered, sales.answered, sales.abandoned, sales.abandoned_in_sl) == (3, 2, 1, 1)
        assert (support.offered, support.answered, support.abandoned) == (1, 1, 0)
        assert (sales.handled, support.handled) == (2, 1)  # handled once wrap-up is over
        assert (sales.handle_ms, support.handle_ms) == (2 * (13 + 5) * 1000, (13 + 3) * 1000)  # TalkTime (s) + wrap-up
        assert all(a.state == "available" and not a.reason for a in end.agents.values())
        assert bridge.logins == 1 and ami.connections == 1  # one AMI connection, however many boards
    run(go)


async def wait_for_action(ami: Any, name: str, count: int = 1, timeout: float = 10) -> AmiMessage:
    await wait_until(lambda: len(ami.sent(name)) >= count, timeout, f"the bridge to send {name} #{count}")
    return ami.sent(name)[count - 1]  # type: ignore[no-any-return]


