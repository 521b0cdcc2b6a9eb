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


async def close(bridge: AsteriskBridge, sv: Board, tv: Board, ami: Any) -> None:
    bridge.stop()
    await sv.close()
    await tv.close()
    await bridge.server.stop()
    await ami.stop()


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
            await close(bridge, sv, tv, ami)

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




def capture_block(t: float, action_id: str | None = None) -> list[list[str]]:
    """The capture's received frames at time ``t`` (ActionID set to ``action_id``, as Asterisk echoes ours)."""
    out = []
    for ft, direction, lines in frames():
        if direction == "recv" and abs(ft - t) < 0.0005:
            out.append([f"ActionID: {action_id}" if action_id and line.startswith("ActionID:") else line
                        for line in lines])
    return out


def spy_events(action_id: str, n: int, data: str, success: bool = True, start: bool = True) -> list[list[str]]:
    """What Asterisk sends after ``Originate … Application: ChanSpy`` (fields as in the capture)."""
    channel, uid = f"Local/900@sv-0000004{n};1", f"1795343700.{200 + n}"
    if not success:
        return [[f"Event: OriginateResponse", "Privilege: call,all", f"ActionID: {action_id}", "Response: Failure",
                 "Channel: Local/901@sv", "Application: ChanSpy", f"Data: {data}", "Reason: 5",
                 "Uniqueid: <null>", "CallerIDNum: <unknown>", "CallerIDName: <unknown>"]]
    out = [["Event: OriginateResponse", "Privilege: call,all", f"ActionID: {action_id}", "Response: Success",
            f"Channel: {channel}", "Application: ChanSpy", f"Data: {data}", "Reason: 4", f"Uniqueid: {uid}",
            "CallerIDNum: <unknown>", "CallerIDName: <unknown>"]]
    if start:
        out.append(["Event: ChanSpyStart", "Privilege: call,all", f"SpyerChannel: {channel}", "SpyerChannelState: 6",
                    "SpyerChannelStateDesc: Up", "SpyerContext: sv", "SpyerExten: 900", "SpyerPriority: 1",
                    f"SpyerUniqueid: {uid}", "SpyeeChannel: Local/1001@agents-00000033;1", "SpyeeChannelState: 6",
                    "SpyeeChannelStateDesc: Up", "SpyeeContext: agents", "SpyeeExten: sales", "SpyeePriority: 1",
                    "SpyeeUniqueid: 1795343682.102"])
    return out


def spy_gone(n: int) -> list[list[str]]:
    """What a hung-up spy leg leaves behind: ChanSpyStop, then its Hangup."""
    channel, uid = f"Local/900@sv-0000004{n};1", f"1795343700.{200 + n}"
    return [["Event: ChanSpyStop", "Privilege: call,all", f"SpyerChannel: {channel}", f"SpyerUniqueid: {uid}",
             "SpyeeChannel: Local/1001@agents-00000033;1", "SpyeeUniqueid: 1795343682.102"],
            ["Event: Hangup", "Privilege: call,all", f"Channel: {channel}", "ChannelState: 6",
             "ChannelStateDesc: Up", "CallerIDNum: <unknown>", "CallerIDName: <unknown>", "Context: sv",
             "Exten: 900", "Priority: 1", f"Uniqueid: {uid}", f"Linkedid: {uid}", "Cause: 16",
             "Cause-txt: Normal Clearing"]]


class Pbx:
    """A hand-played Asterisk: the capture's login, snapshot and first two calls; ChanSpy as the test says."""

    def __init__(self) -> None:
        self.spies: list[tuple[AmiMessage, Callable[[list[str]], Awaitable[None]]]] = []
        self.refuse_login = False
        self.listener = Scripted(self.handle)

    async def handle(self, msg: AmiMessage, push: Callable[[list[str]], Awaitable[None]]) -> None:
        action, aid = msg.get("Action"), msg.action_id
        if action == "Login":
            if self.refuse_login:
                await push(["Response: Error", f"ActionID: {aid}", "Message: Authentication failed"])
                return
            await push(["Response: Success", f"ActionID: {aid}", "Message: Authentication accepted"])
        elif action == "QueueStatus":
            for lines in capture_block(1.006, aid):
                await push(lines)
            for t in (3.509, 7.509, 7.51):  # Alice's and Carol's calls, as recorded
                for lines in capture_block(t):
                    await push(lines)
        elif action == "QueueSummary":
            for lines in capture_block(2.006, aid):
                await push(lines)
        elif action in ("Originate", "Hangup"):
            await push(["Response: Success", f"ActionID: {aid}",
                        "Message: Originate successfully queued" if action == "Originate" else "Message: Channel Hungup"])
            if action == "Originate":
                self.spies.append((msg, push))


def test_listen_whisper_barge_stop_and_every_way_a_spy_fails(run: Runner) -> None:
    async def go() -> None:
        pbx = Pbx()
        clock = Clock(1.0)
        bridge, sv, tv = await bridge_and_boards(await pbx.listener.start(), clock, spy_timeout_s=0.5)
        ami = pbx.listener
        try:
            await wait_until(lambda: bool(tv.views) and tv.last.synced and tv.last.agents.get(CAROL) is not None
                             and tv.last.agents[CAROL].state == "on_call", 10, "both calls on the boards")

            async def command(action: str, **args: Any) -> Any:
                res = await sv.client.command(f"r{len(ami.actions)}-{action}", action, args)
                assert res.ok, res.error
                return res.result

            async def answer(n: int, success: bool = True, start: bool = True) -> AmiMessage:
                await wait_until(lambda: len(pbx.spies) >= n, 5, f"Originate #{n}")
                msg, push = pbx.spies[n - 1]
                for lines in spy_events(msg.action_id, n, msg.get("Data"), success, start):
                    await push(lines)
                return msg

            def session(sid: str) -> Any:
                return sv.last.sessions.get(sid)

            # listen, then whisper, then barge: each a new ring of the phone with the exact ChanSpy options
            sid = (await command("monitor.start", mode="listen", agent_id=ALICE, supervisor=PHONE))["session_id"]
            first = await answer(1)
            assert (first.get("Channel"), first.get("Data")) == ("Local/900@sv", "Local/1001@agents-,qbE")
            await wait_until(lambda: session(sid) is not None and session(sid).state == "active", 5, "listening")
            await command("monitor.set_mode", session_id=sid, mode="whisper")
            hang = await wait_for_action(ami, "Hangup")
            assert hang.get("Channel") == "Local/900@sv-00000041;1"  # the listening leg, exactly
            for lines in spy_gone(1):  # the old leg's goodbye must not end the session
                await pbx.listener.push(lines)
            second = await answer(2)
            assert second.get("Data") == "Local/1001@agents-,qwE"
            await wait_until(lambda: session(sid).state == "active" and session(sid).mode == "whisper", 5, "whispering")
            assert tv.last.agents[ALICE].monitor == "whisper"
            await command("monitor.set_mode", session_id=sid, mode="barge")
            third = await answer(3)
            assert third.get("Data") == "Local/1001@agents-,qBE"
            await wait_until(lambda: session(sid).state == "active" and session(sid).mode == "barge", 5, "barged in")
            await command("monitor.stop", session_id=sid)
            stop = await wait_for_action(ami, "Hangup", 3)
            assert stop.get("Channel") == "Local/900@sv-00000043;1"
            await wait_until(lambda: session(sid).state == "ended", 5, "stopped")
            assert session(sid).reason == "stopped" and tv.last.agents[ALICE].monitor == ""

            # the phone cannot be reached: OriginateResponse Failure
            sid2 = (await command("monitor.start", mode="listen", agent_id=CAROL,
                                  supervisor={"endpoint": "Local/901@sv"}))["session_id"]
            fourth = await answer(4, success=False)
            assert fourth.get("Data") == "Local/1003@agents-,qbE"
            await wait_until(lambda: session(sid2) is not None and session(sid2).state == "ended", 5, "unreachable")
            assert session(sid2).reason == "supervisor_unreachable"

            # the phone answers but ChanSpy finds nothing to spy on: no ChanSpyStart, never "listening"
            sid3 = (await command("monitor.start", mode="listen", agent_id=CAROL, supervisor=PHONE))["session_id"]
            await answer(5, start=False)
            await asyncio.sleep(0.2)
            assert session(sid3).state == "dialing"
            await wait_until(lambda: session(sid3).state == "ended", 5, "the spy timed out")
            assert session(sid3).reason == "timeout"
            assert ami.sent("Hangup")[-1].get("Channel") == "Local/900@sv-00000045;1"  # its leg hung up

            audit = [(r.action, r.mode, r.result) for r in bridge.desk.audit]
            assert audit == [("start", "listen", "ok"), ("set_mode", "whisper", "ok"), ("set_mode", "barge", "ok"),
                             ("end", "barge", "stopped"), ("start", "listen", "ok"),
                             ("end", "listen", "supervisor_unreachable"), ("start", "listen", "ok"),
                             ("end", "listen", "timeout")]
            assert len(ami.sent("Originate")) == 5 and ami.connections == 1
        finally:
            await close(bridge, sv, tv, ami)
    run(go)


def test_ami_lost_is_shown_and_the_bridge_resyncs(run: Runner) -> None:
    async def go() -> None:
        pbx = Pbx()
        clock = Clock(1.0)
        bridge, sv, tv = await bridge_and_boards(await pbx.listener.start(), clock)
        try:
            await wait_until(lambda: bool(tv.views) and tv.last.synced and len(tv.last.agents) == 3, 10, "synced")
            before = dict(tv.last.agents)
            sid = (await sv.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": ALICE,
                                                                   "supervisor": PHONE})).result["session_id"]  # type: ignore[index]
            pbx.listener.drop()  # the PBX restarts
            await wait_until(lambda: not bridge.connected, 5, "the bridge noticed")
            assert bridge.server.source_live is False
            await wait_until(lambda: sid in sv.last.sessions and sv.last.sessions[sid].state == "ended", 5, "session ended")
            assert sv.last.sessions[sid].reason == "connection_lost"
            await wait_until(lambda: bridge.logins == 2 and bridge.server.source_live, 10, "logged in again")
            assert pbx.listener.connections == 2 and len(pbx.listener.sent("QueueStatus")) == 2  # a fresh snapshot
            await wait_until(lambda: tv.last.synced and tv.last.agents.keys() == before.keys(), 5, "boards resynced")
            assert tv.last.agents[ALICE].state == "on_call" and tv.last.agents[ALICE].monitor == ""
        finally:
            await close(bridge, sv, tv, pbx.listener)
    run(go)


def test_a_silent_pbx_makes_the_boards_stale_not_frozen(run: Runner) -> None:
    """While AMI is away no heartbeat goes out: a board shows STALE with the data's age."""
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await bridge_and_boards(await pbx.listener.start(), Clock(1.0), refused_retry_s=5.0)
        try:
            await wait_until(lambda: bool(tv.views) and tv.last.synced, 10, "synced")
            pbx.refuse_login = True  # the PBX comes back with the wrong secret for us
            pbx.listener.drop()
            await wait_until(lambda: pbx.listener.connections == 2, 5, "reconnect attempt")
            deadline = 2 * 0.3 + 1  # a board's STALE deadline: 2 heartbeats + 1 s
            await asyncio.sleep(deadline)
            seen = set()
            for _ in range(30):  # 3 s: the boards drop the silent feed, reconnect, get no snapshot, and so on
                await asyncio.sleep(0.1)
                v = tv.last
                age = v.age_s(time.monotonic())
                live = v.link.state == "live" and v.synced and age is not None and age <= deadline
                seen.add((v.link.state, v.synced))
                assert not live, v.link
            assert ("connecting", False) in seen or ("retrying", False) in seen or ("live", False) in seen, seen
            assert pbx.listener.connections == 2  # a refused login is not retried in a tight loop
        finally:
            await close(bridge, sv, tv, pbx.listener)
    run(go)
