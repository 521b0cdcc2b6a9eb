"""The Asterisk bridge against a hand-played PBX: the failures a live Asterisk rarely shows on cue.

What a live Asterisk did is replayed in ``test_live_captures.py``. Here the PBX is written by
hand with the field names and order of those captures (``captures/basic.txt``), to reach what
no rig produces on demand: a Hangup refused although ListCommands allowed it, a Hangup never
confirmed, a spy that finds no channel, a handler bug, a reconnect after a good session.
The first recording (``captures/basic-2026-11.txt``) is replayed at the floor: its events, in
order and at their times, must give the boards' states a supervisor saw.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.asterisk.amiserver import Scripted
from tests.asterisk.capture import BASIC, answers, frames, message
from tests.asterisk.harness import ALICE, BOB, CAROL, PHONE, T0, Clock, bridge_and_boards, close, live, wait_for_action
from tests.feed.conftest import wait_until
from wallboard.asterisk.ami import AmiMessage
from wallboard.asterisk.bridge import snapshot_delay
from wallboard.asterisk.floor import AsteriskFloor
from wallboard.core.model import Agent
from wallboard.feed.backoff import reconnect_delay

Runner = Callable[[Callable[[], Awaitable[None]]], None]
Push = Callable[[list[str]], Awaitable[None]]


def test_the_first_recording_gives_the_states_a_supervisor_saw() -> None:
    """captures/basic-2026-11, its events at their times through the floor (with its ticks)."""
    from tests.asterisk.harness import CONFIG, TEAMS
    f = AsteriskFloor(T0, CONFIG, TEAMS)
    seen: dict[str, list[tuple[str, str, float]]] = {}
    (_, status), *_ = answers(BASIC, "QueueStatus")
    f.load_queue_status(status, T0 + 1006)
    ticked = T0 + 1006

    def saw(updates: list[Any]) -> None:
        for u in updates:
            if isinstance(u, Agent) and (not seen.get(u.id) or seen[u.id][-1][:2] != (u.state, u.reason)):
                seen.setdefault(u.id, []).append((u.state, u.reason, round((u.since - T0) / 1000, 1)))
    for t, direction, lines in [*frames(BASIC), (50.0, "recv", ["Event: End"])]:
        m = message(lines)
        if direction != "recv" or not m.event or m.action_id:
            continue
        now = T0 + int(t * 1000)
        while ticked + 200 <= now:  # the bridge ticks every 0.2 s
            ticked += 200
            saw(f.tick(ticked))
        saw(f.on(m, now))
    assert [s for s, _, _ in seen[ALICE]] == ["ringing", "on_call", "wrapup", "available"]
    assert seen[ALICE][1][2] == pytest.approx(3.5, abs=0.3) and seen[ALICE][2][2] == pytest.approx(16.0, abs=0.3)
    assert seen[ALICE][3][2] == pytest.approx(21.0, abs=0.4)  # the queue's 5 s wrap-up, derived
    assert [(s, r) for s, r, _ in seen[CAROL]] == [("ringing", ""), ("on_call", ""), ("wrapup", ""),
                                                   ("paused", "lunch"), ("available", "")]
    assert seen[CAROL][3][2] == pytest.approx(23.0, abs=0.4)  # paused at 21 during 3 s of wrap-up: shown after it
    assert [s for s, _, _ in seen[BOB]] == ["ringing", "on_call", "wrapup", "available"]
    sales, support = (q for q in sorted(f.snapshot(T0 + 50_000)[1], key=lambda q: q.id))
    assert (sales.offered, sales.answered, sales.abandoned, sales.abandoned_in_sl) == (3, 2, 1, 1)
    assert (support.offered, support.answered, support.abandoned) == (1, 1, 0)
    assert (sales.handled, support.handled) == (2, 1)
    assert (sales.handle_ms, support.handle_ms) == (2 * (13 + 5) * 1000, (13 + 3) * 1000)  # TalkTime (s) + wrap-up
    assert not f.callers and not f.oddities


def spy_events(originate: AmiMessage, n: int, success: bool = True, start: bool = True) -> list[list[str]]:
    """What Asterisk sends after ``Originate … ChannelId: wbspy-…`` (fields as in captures/basic)."""
    uid, data, aid = originate.get("ChannelId"), originate.get("Data"), originate.action_id
    channel = f"Local/900@sv-0000004{n};1"
    if not success:
        return [["Event: OriginateResponse", "Privilege: call,all", f"ActionID: {aid}", "Response: Failure",
                 "Channel: Local/901@sv", "Application: ChanSpy", f"Data: {data}", "Reason: 0", f"Uniqueid: {uid}",
                 "CallerIDNum: <unknown>", "CallerIDName: <unknown>"]]
    out = [["Event: OriginateResponse", "Privilege: call,all", f"ActionID: {aid}", "Response: Success",
            f"Channel: {channel}", "Application: ChanSpy", f"Data: {data}", "Reason: 4", f"Uniqueid: {uid}",
            "CallerIDNum: <unknown>", "CallerIDName: Listen: Alice"]]
    if start:
        out.append(["Event: ChanSpyStart", "Privilege: call,all", f"SpyerChannel: {channel}", "SpyerChannelState: 6",
                    "SpyerChannelStateDesc: Up", "SpyerContext: sv", "SpyerExten: 900", f"SpyerUniqueid: {uid}",
                    "SpyeeChannel: Local/1001@agents-00000033;1", "SpyeeUniqueid: 1795343682.102"])
    return out


def spy_gone(uid: str) -> list[list[str]]:
    """What a hung-up spy leg leaves behind: ChanSpyStop, then its Hangup."""
    return [["Event: ChanSpyStop", "Privilege: call,all", "SpyerChannel: Local/900@sv-00000041;1",
             f"SpyerUniqueid: {uid}", "SpyeeChannel: Local/1001@agents-00000033;1"],
            ["Event: Hangup", "Privilege: call,all", "Channel: Local/900@sv-00000041;1", "ChannelState: 6",
             "Context: sv", "Exten: 900", f"Uniqueid: {uid}", f"Linkedid: {uid}", "Cause: 16",
             "Cause-txt: Normal Clearing"]]


def dtmf_end(uid: str, digit: str) -> list[str]:
    """What Asterisk sends (read = dtmf) when the spy leg reads a digit, fields as recorded live."""
    return ["Event: DTMFEnd", "Privilege: dtmf,all", "Channel: Local/900@sv-0000000d;1", "ChannelState: 6",
            "ChannelStateDesc: Up", "Context: sv", "Exten: 900", "Priority: 1", f"Uniqueid: {uid}",
            f"Linkedid: {uid}", f"Digit: {digit}", "DurationMs: 100", "Direction: Received"]


class Pbx:
    """A hand-played Asterisk: the first recording's snapshot and calls; ListCommands as captures/basic."""

    def __init__(self) -> None:
        self.spies: list[tuple[AmiMessage, Push]] = []
        self.refuse_login = False
        self.hangup = "ok"  # "ok" (confirmed by events) | "refused" | "silent" (no event follows)
        self.before_status: list[list[str]] = []  # live events Asterisk sends between QueueStatus and Status
        self.more_members: list[list[str]] = []  # QueueMember items beyond the recording's (a reload added them)
        self.without: set[str] = set()  # actions left out of ListCommands (rights the manager user lacks)
        self.dtmf = "ok"  # PlayDTMF: "ok" | "refused"
        self.listener = Scripted(self.handle)

    async def handle(self, msg: AmiMessage, push: Push) -> None:
        action, aid = msg.get("Action"), msg.action_id
        ok = ["Response: Success", f"ActionID: {aid}"]
        if action == "Login":
            if self.refuse_login:
                await push(["Response: Error", f"ActionID: {aid}", "Message: Authentication failed"])
                return
            await push([*ok, "Message: Authentication accepted"])
        elif action == "ListCommands":
            (reply, _), = answers("basic", "ListCommands")
            await push([f"{k}: {v}" if k != "ActionID" else f"ActionID: {aid}" for k, v in reply.fields
                        if k.lower() not in self.without])
        elif action == "PlayDTMF":  # as Asterisk answers it (manager.c), a leg it does not know included
            if self.dtmf == "refused":
                await push(["Response: Error", f"ActionID: {aid}", "Message: No such channel"])
            else:
                await push([*ok, "Message: DTMF successfully queued"])
                await push(dtmf_end(msg.get("Channel"), msg.get("Digit")))  # the leg reads it (read = dtmf)
        elif action == "QueueStatus":
            await push([*ok, "EventList: start", "Message: Queue status will follow"])
            (_, items), *_ = answers(BASIC, "QueueStatus")
            for m in items:
                await push([f"{k}: {aid if k == 'ActionID' else v}" for k, v in m.fields])
            for lines in self.more_members:
                await push([*lines, f"ActionID: {aid}"])
            await push(["Event: QueueStatusComplete", f"ActionID: {aid}", "EventList: Complete", "ListItems: 5"])
            for t in (3.509, 7.509, 7.51):  # Alice's and Carol's calls, as recorded
                for _, d, lines in frames(BASIC):
                    if d == "recv" and abs(_ - t) < 0.0005:
                        await push(lines)
        elif action in ("Status", "QueueSummary"):
            for lines in self.before_status if action == "Status" else []:
                await push(lines)
            await push([*ok, "EventList: start", "Message: will follow"])
            await push([f"Event: {action}Complete", f"ActionID: {aid}", "EventList: Complete", "ListItems: 0"])
        elif action == "Originate":
            await push([*ok, "Message: Originate successfully queued"])
            self.spies.append((msg, push))
        elif action == "Hangup":
            if self.hangup == "refused":
                await push(["Response: Error", f"ActionID: {aid}", "Message: Permission denied"])
                return
            await push([*ok, "Message: Channel Hungup"])
            if self.hangup == "ok":
                for lines in spy_gone(msg.get("Channel")):
                    await push(lines)


async def answer(pbx: Pbx, n: int, success: bool = True, start: bool = True) -> AmiMessage:
    await wait_until(lambda: len(pbx.spies) >= n, 5, f"Originate #{n}")
    msg, push = pbx.spies[n - 1]
    for lines in spy_events(msg, n, success, start):
        await push(lines)
    return msg


async def ready(pbx: Pbx, **kw: Any) -> tuple[Any, Any, Any]:
    bridge, sv, tv = await bridge_and_boards(await pbx.listener.start(), Clock(1.0), **kw)
    await wait_until(lambda: live(tv) and tv.last.agents.get(CAROL) is not None
                     and tv.last.agents[CAROL].state == "on_call", 10, "both calls on the boards")
    await wait_until(lambda: live(sv) and bool(sv.client.caps.monitor), 5, "the supervisor's board")
    return bridge, sv, tv


async def command(sv: Any, action: str, **args: Any) -> Any:
    res = await sv.client.command(f"r-{action}-{random.random()}", action, args)
    assert res.ok, res.error
    if "session_id" in (res.result or {}):
        await wait_until(lambda: res.result["session_id"] in sv.client.sessions, 5, "its update")
    return res.result


def test_a_mode_change_and_a_stop_end_only_when_asterisk_confirms(run: Runner) -> None:
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx, spy_timeout_s=0.5)
        try:
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, supervisor=PHONE))["session_id"]
            first = await answer(pbx, 1)
            assert (first.get("Channel"), first.get("Data")) == ("Local/900@sv", "Local/1001@agents-,qbEd")
            assert first.get("ChannelId").startswith("wbspy-")
            await wait_until(lambda: sv.client.sessions[sid].state == "active", 5, "listening")
            await command(sv, "monitor.set_mode", session_id=sid, mode="whisper")
            # in place, no second ring: ChanSpy's d, and the digit "received" on the leg
            dtmf = await wait_for_action(pbx.listener, "PlayDTMF")
            assert (dtmf.get("Channel"), dtmf.get("Digit"), dtmf.get("Receive")) == (first.get("ChannelId"), "5", "true")
            await wait_until(lambda: sv.client.sessions[sid].state == "active" and sv.client.sessions[sid].mode
                             == "whisper", 5, "whispering")
            await command(sv, "monitor.set_mode", session_id=sid, mode="barge")
            assert (await wait_for_action(pbx.listener, "PlayDTMF", 2)).get("Digit") == "6"
            await command(sv, "monitor.set_mode", session_id=sid, mode="listen")
            assert (await wait_for_action(pbx.listener, "PlayDTMF", 3)).get("Digit") == "4"
            await command(sv, "monitor.set_mode", session_id=sid, mode="whisper")
            await wait_for_action(pbx.listener, "PlayDTMF", 4)
            assert not pbx.listener.sent("Hangup") and len(pbx.spies) == 1  # never re-rung
            await command(sv, "monitor.stop", session_id=sid)
            await wait_until(lambda: sv.client.sessions[sid].state == "ended", 5, "stopped")
            assert sv.client.sessions[sid].reason == "stopped" and tv.last.agents[ALICE].monitor == ""

            # the phone cannot be reached: OriginateResponse Failure
            sid2 = (await command(sv, "monitor.start", mode="listen", agent_id=CAROL,
                                  supervisor={"endpoint": "Local/901@sv"}))["session_id"]
            assert (await answer(pbx, 2, success=False)).get("Data") == "Local/1003@agents-,qbEd"
            await wait_until(lambda: sv.client.sessions[sid2].state == "ended", 5, "unreachable")
            assert sv.client.sessions[sid2].reason == "supervisor_unreachable"

            # the phone answers but ChanSpy finds nothing: never "listening"; its leg is hung up
            sid3 = (await command(sv, "monitor.start", mode="listen", agent_id=CAROL, supervisor=PHONE))["session_id"]
            fourth = await answer(pbx, 3, start=False)
            await asyncio.sleep(0.2)
            assert sv.client.sessions[sid3].state == "dialing"
            await wait_until(lambda: sv.client.sessions[sid3].state == "ended", 5, "the spy timed out")
            assert sv.client.sessions[sid3].reason == "timeout"
            assert pbx.listener.sent("Hangup")[-1].get("Channel") == fourth.get("ChannelId")
        finally:
            await close(bridge, sv, tv, pbx.listener)
        audit = [(r.action, r.mode, r.result) for r in bridge.desk.audit]
        assert audit == [("start", "listen", "ok"), ("set_mode", "whisper", "ok"), ("set_mode", "barge", "ok"),
                         ("set_mode", "listen", "ok"), ("set_mode", "whisper", "ok"), ("stop", "whisper", "ok"),
                         ("end", "whisper", "stopped"), ("start", "listen", "ok"),
                         ("end", "listen", "supervisor_unreachable"), ("start", "listen", "ok"),
                         ("end", "listen", "timeout")]
    run(go)


def test_a_switch_the_pbx_refuses_leaves_the_session_in_the_mode_it_is_in(run: Runner) -> None:
    async def go() -> None:
        pbx = Pbx()
        pbx.dtmf = "refused"
        bridge, sv, tv = await ready(pbx)
        try:
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, supervisor=PHONE))["session_id"]
            await answer(pbx, 1)
            await wait_until(lambda: sv.client.sessions[sid].state == "active", 5, "listening")
            await command(sv, "monitor.set_mode", session_id=sid, mode="barge")
            await wait_until(lambda: sv.client.sessions[sid].reason == "pbx_refused", 5, "the refusal")
            assert sv.client.sessions[sid].mode == "listen" and sv.client.sessions[sid].state == "active"
            await wait_until(lambda: tv.last.agents[ALICE].monitor == "listen", 5, "the tile back to listen")
        finally:
            await close(bridge, sv, tv, pbx.listener)
        assert [(r.action, r.mode, r.result.split(":")[0]) for r in bridge.desk.audit][:3] == [
            ("start", "listen", "ok"), ("set_mode", "barge", "ok"), ("set_mode", "listen", "pbx_refused barge")]
    run(go)


def test_a_switch_on_the_phones_keypad_is_followed_and_audited(run: Runner) -> None:
    """ChanSpy's d lets the supervisor's phone switch by itself (4/5/6): the board, the tiles and the
    audit log follow the call as it is, and the bridge's own PlayDTMF digits are not mistaken for it."""
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx)
        try:
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, supervisor=PHONE))["session_id"]
            first = await answer(pbx, 1)
            await wait_until(lambda: sv.client.sessions[sid].state == "active", 5, "listening")
            await command(sv, "monitor.set_mode", session_id=sid, mode="whisper")  # ours: its DTMFEnd follows
            await wait_for_action(pbx.listener, "PlayDTMF")
            await asyncio.sleep(0.2)
            assert sv.client.sessions[sid].mode == "whisper"
            await pbx.listener.push(dtmf_end(first.get("ChannelId"), "6"))  # the keypad: barge
            await wait_until(lambda: sv.client.sessions[sid].mode == "barge", 5, "the board follows the keypad")
            await wait_until(lambda: tv.last.agents[ALICE].monitor == "barge", 5, "and every tile")
            assert sv.client.sessions[sid].reason == "keypad"
            await pbx.listener.push(dtmf_end(first.get("ChannelId"), "1"))  # not a mode: nothing changes
            await asyncio.sleep(0.2)
            assert sv.client.sessions[sid].mode == "barge"
        finally:
            await close(bridge, sv, tv, pbx.listener)
        assert [(r.action, r.mode, r.result) for r in bridge.desk.audit][:3] == [
            ("start", "listen", "ok"), ("set_mode", "whisper", "ok"), ("set_mode", "barge", "ok (phone keypad)")]
    run(go)


def test_without_playdtmf_a_mode_change_rings_the_phone_again(run: Runner) -> None:
    """A manager user without PlayDTMF (or an Asterisk before 18): no d, the leg is replaced."""
    async def go() -> None:
        pbx = Pbx()
        pbx.without = {"playdtmf"}
        bridge, sv, tv = await ready(pbx)
        try:
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, supervisor=PHONE))["session_id"]
            first = await answer(pbx, 1)
            assert first.get("Data") == "Local/1001@agents-,qbE"
            await wait_until(lambda: sv.client.sessions[sid].state == "active", 5, "listening")
            await command(sv, "monitor.set_mode", session_id=sid, mode="whisper")
            assert (await wait_for_action(pbx.listener, "Hangup")).get("Channel") == first.get("ChannelId")
            assert (await answer(pbx, 2)).get("Data") == "Local/1001@agents-,qwE"
            await wait_until(lambda: sv.client.sessions[sid].state == "active" and sv.client.sessions[sid].mode
                             == "whisper", 5, "whispering")
            assert not pbx.listener.sent("PlayDTMF") and not sv.client.caps.audio
        finally:
            await close(bridge, sv, tv, pbx.listener)
    run(go)


@pytest.mark.parametrize(("behaviour", "code"), [("refused", "hangup_refused"), ("silent", "hangup_unconfirmed")])
def test_a_leg_asterisk_will_not_hang_up_is_stuck_not_stopped(run: Runner, behaviour: str, code: str) -> None:
    """The board and the audit say plainly that the supervisor may still be heard; a stop is
    tried again, and the session ends only when Asterisk says the leg is gone."""
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx, hangup_confirm_s=0.5)
        try:
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, supervisor=PHONE))["session_id"]
            leg = await answer(pbx, 1)
            await wait_until(lambda: sv.client.sessions[sid].state == "active", 5, "listening")
            pbx.hangup = behaviour
            await command(sv, "monitor.stop", session_id=sid)
            await wait_until(lambda: sv.client.sessions[sid].state == "stuck", 5, "stuck")
            assert sv.client.sessions[sid].reason == code
            assert tv.last.agents[ALICE].monitor == "listen"  # every board still shows the supervisor on
            res = await sv.client.command("again", "monitor.start", {"mode": "listen", "agent_id": CAROL,
                                                                    "supervisor": PHONE})
            assert not res.ok and res.error is not None and res.error.code == "busy"  # one phone, still on a call
            await command(sv, "monitor.stop", session_id=sid)  # tried again
            await wait_for_action(pbx.listener, "Hangup", 2)
            for lines in spy_gone(leg.get("ChannelId")):  # the supervisor hangs up at last
                await pbx.spies[0][1](lines)
            await wait_until(lambda: sv.client.sessions[sid].state == "ended", 5, "ended")
            assert tv.last.agents[ALICE].monitor == ""
        finally:
            await close(bridge, sv, tv, pbx.listener)
        assert [r.action for r in bridge.desk.audit].count("end_failed") >= 1
        assert [r.action for r in bridge.desk.audit][-1] == "end"
    run(go)


def test_a_resync_never_publishes_something_older_than_an_event_after_it(run: Runner) -> None:
    """A Reload makes the bridge take the floor again; its QueueStatus shows Dave, whom a reload added.
    An event between that QueueStatus and the Status that follows (Dave pauses) must win over what the
    QueueStatus said (Dave available): nothing older is published after something newer."""
    dave = "Local/1004@agents/n"
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx)
        try:
            pbx.more_members = [["Event: QueueMember", "Queue: support", "Name: Dave", f"Location: {dave}",
                                 "StateInterface: Local/1004@agents", "Membership: static", "Penalty: 0",
                                 "CallsTaken: 0", "LastCall: 0", "LastPause: 0", "LoginTime: 1795343600", "InCall: 0",
                                 "Status: 1", "Paused: 0", "PausedReason: ", "Wrapuptime: 0"]]
            pbx.before_status = [["Event: QueueMemberPause", "Privilege: agent,all", "Queue: support",
                                  "MemberName: Dave", f"Interface: {dave}", "StateInterface: Local/1004@agents",
                                  "Membership: static", "Paused: 1", "PausedReason: break", "Status: 1"]]
            await pbx.listener.push(["Event: Reload", "Privilege: system,all", "Module: app_queue.so", "Status: 0"])
            await wait_until(lambda: len(pbx.listener.sent("Status")) == 2, 5, "the resync's Status")
            await asyncio.sleep(0.3)
            assert tv.last.agents[dave].state == "paused" and tv.last.agents[dave].reason == "break"
            assert bridge.snapshots == 2 and tv.client.state.counters.snapshots == 1  # a difference, not a reload
        finally:
            await close(bridge, sv, tv, pbx.listener)
    run(go)


def test_a_bug_in_a_handler_costs_one_event_not_the_bridge(run: Runner, caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx)
        real = bridge.floor.on

        def broken(msg: AmiMessage, now: int) -> list[Any]:
            if msg.event == "UserEvent":
                raise RuntimeError("a bug of ours")
            return real(msg, now)
        bridge.floor.on = broken  # type: ignore[method-assign]
        try:
            writer = pbx.listener.writer
            assert writer is not None
            for _ in range(3):
                await pbx.listener.push(["Event: UserEvent", "UserEvent: Anything"])
            await pbx.listener.push(["Event: QueueMemberPause", "Queue: support", "MemberName: Carol",
                                     "Interface: Local/1003@agents/n", "StateInterface: Local/1003@agents",
                                     "Paused: 1", "PausedReason: break", "Status: 2"])
            await wait_until(lambda: bridge.handler_failures["userevent"] == 3, 5, "the failures counted")
            assert live(tv) and not bridge.task.done()  # type: ignore[attr-defined]
        finally:
            await close(bridge, sv, tv, pbx.listener)
        assert sum("could not be handled" in r.message for r in caplog.records) == 1  # logged once per kind
    with caplog.at_level(logging.ERROR, "wallboard.asterisk.bridge"):
        run(go)


def test_the_backoff_starts_again_after_a_good_session(run: Runner, caplog: pytest.LogCaptureFixture) -> None:
    """Three losses, each after a good session: each reconnect waits the first step, not 0.5, 1, 2 s."""
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx, rand=lambda: 1.0)
        try:
            for n in range(3):
                pbx.listener.drop()
                await wait_until(lambda n=n: bridge.logins == n + 2 and live(tv), 10, "back")
        finally:
            await close(bridge, sv, tv, pbx.listener)
    with caplog.at_level(logging.WARNING, "wallboard.asterisk.bridge"):
        run(go)
    delays = [float(r.getMessage().rsplit(" in ", 1)[1].split()[0]) for r in caplog.records
              if "reconnecting in" in r.getMessage()]
    assert delays == [reconnect_delay(0, lambda: 1.0)] * 3 == [0.25] * 3
    assert snapshot_delay(0, lambda: 0.5) == 0.75 and snapshot_delay(10, lambda: 1.0) == 10.0


def test_while_the_pbx_is_away_no_board_is_live_and_every_board_knows_why(run: Runner) -> None:
    async def go() -> None:
        pbx = Pbx()
        bridge, sv, tv = await ready(pbx, refused_retry_s=5.0)
        try:
            pbx.refuse_login = True  # the PBX comes back with the wrong secret for us
            pbx.listener.drop()
            await wait_until(lambda: tv.last.source is not None and tv.last.source.state == "refused", 5, "refused")
            assert (tv.last.source.reason, tv.last.source.detail) == ("auth_failed", "Authentication failed")  # type: ignore[union-attr]
            for _ in range(20):  # 2 s: heartbeats keep the boards' connections; the data is held, never live
                await asyncio.sleep(0.1)
                assert tv.last.link.state == "live" and not tv.last.source_up
            assert pbx.listener.connections == 2  # a refused login is not retried in a tight loop
        finally:
            await close(bridge, sv, tv, pbx.listener)
    run(go)


def test_when_ami_goes_an_in_app_legs_socket_is_cut_at_once(run: Runner) -> None:
    """The AMI link drops mid-session: the leg may live on in Asterisk (stuck, until the bridge can hang
    it up), but its AudioSocket is the bridge's own: cut at once, so not a frame more either way."""
    from tests.asterisk.audiopeer import AudioPeer
    from wallboard.asterisk.audiosocket import AudioHub

    async def go() -> None:
        pbx = Pbx()
        hub = AudioHub(lambda sid, pcm: None)
        await hub.start()
        bridge, sv, tv = await ready(pbx, audio=hub)
        peer = AudioPeer()
        try:
            await wait_until(lambda: sv.client.caps.audio, 5, "in-app audio offered")
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, audio=True))["session_id"]
            spy = await answer(pbx, 1)
            await peer.dial(hub.port, spy.get("Channel").split("/")[2])
            await wait_until(lambda: sv.client.sessions[sid].state == "active" and hub.connected(sid), 5, "heard")
            pbx.listener.drop()
            await asyncio.wait_for(peer.hung_up.wait(), 0.5)
            await wait_until(lambda: sv.client.sessions[sid].state == "stuck", 5, "stuck: the leg may be up")
            assert not hub.connected(sid)
        finally:
            await peer.close()
            await close(bridge, sv, tv, pbx.listener)
            await hub.stop()
    run(go)


def test_an_audio_leg_asterisk_cannot_open_ends_as_such_not_as_an_unreachable_phone(run: Runner) -> None:
    """The hub's address is wrong, or chan_audiosocket is missing: OriginateResponse Failure. The
    supervisor is told the call's audio could not be connected — not that a phone was not reached."""
    from wallboard.asterisk.audiosocket import AudioHub

    async def go() -> None:
        pbx = Pbx()
        hub = AudioHub(lambda sid, pcm: None, advertise="192.0.2.1:8766")
        await hub.start()
        bridge, sv, tv = await ready(pbx, audio=hub)
        try:
            await wait_until(lambda: sv.client.caps.audio, 5, "in-app audio offered")
            sid = (await command(sv, "monitor.start", mode="listen", agent_id=ALICE, audio=True))["session_id"]
            spy = await answer(pbx, 1, success=False)
            assert spy.get("Channel").startswith("AudioSocket/192.0.2.1:8766/")
            await wait_until(lambda: sv.client.sessions[sid].state == "ended", 5, "ended")
            assert sv.client.sessions[sid].reason == "audio_unreachable"
        finally:
            await close(bridge, sv, tv, pbx.listener)
            await hub.stop()
    run(go)
