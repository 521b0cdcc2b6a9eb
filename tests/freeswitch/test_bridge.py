"""The FreeSWITCH bridge end to end: a real TCP event-socket listener (recorded sessions from a real
FreeSWITCH 1.11.1 played back unedited, or scripted refusals), the real bridge, real boards."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.feed.conftest import Board, wait_until
from tests.freeswitch.capture import records
from tests.freeswitch.eslserver import Replay, Scripted, api, event, reply
from wallboard.feed.server import FeedServer, Principal
from wallboard.freeswitch.bridge import EslSettings, FreeSwitchBridge
from wallboard.freeswitch.floor import FreeSwitchFloor, QueueConfig

Runner = Callable[[Callable[[], Awaitable[None]]], None]
SALES, SUPPORT = "sales@default", "support@default"
TANAKA, SATO = "1001@default", "1002@default"
SV_PHONE = {"endpoint": "loopback/sv/default"}


def t0_ms(name: str) -> int:
    """The capture's t = 0 on FreeSWITCH's clock: its first event's stamp less its t."""
    for r in records(name):
        if r["dir"] == "recv" and r["headers"].get("Content-Type") == "text/event-json":
            return int(json.loads(r["body"])["Event-Date-Timestamp"]) // 1000 - int(r["t"] * 1000)
    raise AssertionError("no event")


class Clock:
    def __init__(self, t0: int, speed: float) -> None:
        self.t0, self.speed, self.start = t0, speed, time.monotonic()

    def __call__(self) -> int:
        return self.t0 + int((time.monotonic() - self.start) * self.speed * 1000)


async def bridge_and_boards(port: int, clock: Callable[[], int], password: str = "ClueCon",
                            **kw: Any) -> tuple[FreeSwitchBridge, Board, Board]:
    server = FeedServer(clock, principals={"sv": Principal("sv-tanaka", "supervisor"), "tv": Principal("wall-tv")},
                        anonymous=None, heartbeat_s=0.3)
    kw.setdefault("resync_s", 3600)
    kw.setdefault("rand", lambda: 0.5)
    floor = FreeSwitchFloor(clock(), {SALES: QueueConfig(name="営業"), SUPPORT: QueueConfig(name="サポート")},
                            teams={TANAKA: "A", SATO: "A"}, names={TANAKA: "田中", SATO: "佐藤"})
    bridge = FreeSwitchBridge(EslSettings("127.0.0.1", port, password), server, floor, clock=clock, tick_s=0.05, **kw)
    bridge.task = asyncio.get_running_loop().create_task(bridge.run())  # type: ignore[attr-defined]
    ws = await server.start()
    return bridge, Board(f"ws://127.0.0.1:{ws}", token="sv").start(), Board(f"ws://127.0.0.1:{ws}", token="tv").start()


async def close(bridge: FreeSwitchBridge, sv: Board, tv: Board, esl: Any) -> None:
    bridge.stop()
    await sv.close()
    await tv.close()
    await bridge.server.stop()
    await esl.stop()
    await asyncio.wait_for(bridge.task, 5)  # type: ignore[attr-defined]


def live(b: Board) -> bool:
    return bool(b.views) and b.last.synced and b.last.source is not None and b.last.source.up


def states(b: Board, agent: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for v in b.views:
        a = v.agents.get(agent)
        if a is not None and (not out or out[-1] != (a.state, a.reason)):
            out.append((a.state, a.reason))
    return out


def test_a_recorded_day_reaches_the_boards_as_it_was(run: Runner) -> None:
    """captures/basic: two answered, an abandon, a break, a support caller timed out, wrap-up, back."""
    async def go() -> None:
        speed = 4.0
        esl = Replay(records("basic"), speed)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), Clock(t0_ms("basic"), speed))
        try:
            await wait_until(lambda: live(tv), 5, "the snapshot on the wall TV")
            assert {a.name for a in tv.last.agents.values()} == {"田中", "佐藤", "1003@default"}
            await asyncio.wait_for(esl.done.wait(), 20)
            await wait_until(lambda: tv.last.agents[SATO].state == "available", 5, "the last event on the board")
            q = tv.last.queues[SALES]
            assert (q.name, q.offered, q.answered, q.abandoned, q.handled) == ("営業", 3, 2, 1, 2)
            s = tv.last.queues[SUPPORT]
            assert (s.offered, s.answered, s.abandoned) == (1, 0, 0)
            assert states(tv, SATO) == [("available", ""), ("ringing", ""), ("on_call", ""), ("wrapup", ""),
                                        ("paused", "break"), ("available", "")]
            assert states(tv, TANAKA) == [("available", ""), ("ringing", ""), ("on_call", ""), ("wrapup", ""),
                                          ("available", "")]
            assert tv.last.calls == {} and sv.last.queues == tv.last.queues
            assert not bridge.handler_failures and not bridge.floor.oddities and not esl.unexpected
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


def test_listen_whisper_barge_listen_stop_and_an_unreachable_endpoint_as_recorded(run: Runner) -> None:
    """captures/monitor: eavesdrop on 田中's channel, switched live three times (heard as tones on the live
    FreeSWITCH: captures/README.md), stopped and confirmed; then an endpoint with no route."""
    async def go() -> None:
        speed = 4.0
        legs = iter(["e678a2eb-c87b-42f9-9d45-11ce3b9fc0e1", "3e7ea6f1-f983-4224-ab33-4548e2b68b60"])
        esl = Replay(records("monitor"), speed)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), Clock(t0_ms("monitor"), speed),
                                                 new_uuid=lambda: next(legs))

        async def command(action: str, **args: Any) -> Any:
            await wait_until(lambda: live(sv) and bool(sv.client.caps.monitor), 5, "the supervisor's board")
            res = await sv.client.command(f"r-{time.monotonic_ns()}", action, args)
            assert res.ok, res.error
            return res.result

        def state(sid: str) -> tuple[str, str, str]:
            u = sv.client.sessions.get(sid)
            return (u.state, u.mode, u.reason) if u is not None else ("", "", "")
        try:
            await wait_until(lambda: live(sv) and TANAKA in sv.last.agents and sv.last.agents[TANAKA].state == "on_call",
                             10, "田中 on a call")
            assert sv.client.caps.monitor == ("listen", "whisper", "barge") and not sv.client.caps.audio
            sid = (await command("monitor.start", mode="listen", agent_id=TANAKA, supervisor=SV_PHONE))["session_id"]
            await wait_until(lambda: state(sid) == ("active", "listen", ""), 5, "eavesdropping")
            originate = esl.sent("bgapi")[0]
            assert originate.startswith("bgapi originate {origination_uuid=e678a2eb-c87b-42f9-9d45-11ce3b9fc0e1,")
            assert "eavesdrop_enable_dtmf=false" in originate and "whisper" not in originate
            assert originate.endswith("}loopback/sv/default &eavesdrop(d6d7b8d6-48e5-404b-ae07-53b29973905a)")
            assert tv.last.agents[TANAKA].monitor == "listen" and tv.last.agents[TANAKA].monitored_by == "sv-tanaka"
            for mode, digit in (("whisper", "2"), ("barge", "3"), ("listen", "0")):
                await command("monitor.set_mode", session_id=sid, mode=mode)
                await wait_until(lambda mode=mode: state(sid)[:2] == ("active", mode), 5, mode)
                await wait_until(lambda digit=digit: esl.sent("sendevent")[-1:] and
                                 esl.sent("sendevent")[-1].endswith(f"eavesdrop-command: {digit}"), 5, "sent")
            assert len(esl.sent("bgapi")) == 1  # never rung again
            await command("monitor.stop", session_id=sid)
            assert state(sid)[0] in ("ending", "ended")
            await wait_until(lambda: state(sid) == ("ended", "listen", "stopped"), 15, "the hangup confirmed")
            assert esl.sent("api")[-1] == "api uuid_kill e678a2eb-c87b-42f9-9d45-11ce3b9fc0e1"
            await wait_until(lambda: not tv.last.agents[TANAKA].monitor, 5, "the mark gone")
            sid2 = (await command("monitor.start", mode="listen", agent_id=TANAKA,
                                  supervisor={"endpoint": "loopback/nosuchsv/nowhere"}))["session_id"]
            await wait_until(lambda: state(sid2)[0] == "ended", 15, "the failed originate")
            assert state(sid2) == ("ended", "listen", "supervisor_unreachable")
            audit = [(r.action, r.mode, r.result) for r in bridge.desk.audit]
            assert audit == [("start", "listen", "ok"), ("set_mode", "whisper", "ok"), ("set_mode", "barge", "ok"),
                             ("set_mode", "listen", "ok"), ("stop", "listen", "ok"), ("end", "listen", "stopped"),
                             ("start", "listen", "ok"), ("end", "listen", "supervisor_unreachable")]
            await asyncio.wait_for(esl.done.wait(), 20)
            await wait_until(lambda: tv.last.agents[TANAKA].state == "wrapup", 5, "the call over")
            assert not bridge.legs and not bridge.handler_failures
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


def test_a_bridge_started_mid_call_shows_the_calls_and_ends_the_whisper_with_the_call(run: Runner) -> None:
    """captures/midcall: two calls up and a caller waiting before the bridge came; a hold; a whisper that
    the call's end ends (call_ended); an agent logged out and in again."""
    async def go() -> None:
        speed = 2.0
        esl = Replay(records("midcall"), speed)
        leg = [r["line"] for r in records("midcall") if r["dir"] == "sent" and r["line"].startswith("bgapi")][0]
        uid = leg.split("origination_uuid=")[1].split(",")[0]
        bridge, sv, tv = await bridge_and_boards(await esl.start(), Clock(t0_ms("midcall"), speed),
                                                 new_uuid=lambda: uid)
        try:
            await wait_until(lambda: live(tv), 5, "the snapshot")
            assert tv.last.agents[TANAKA].state == tv.last.agents[SATO].state == "on_call"
            assert sorted(c.state for c in tv.last.calls.values()) == ["connected", "connected", "queued"]
            await wait_until(lambda: tv.last.agents[TANAKA].state == "on_hold", 10, "the hold")
            await wait_until(lambda: bool(sv.client.caps.monitor) and live(sv), 5, "the supervisor's board")
            res = await sv.client.command("r-1", "monitor.start", {"mode": "whisper", "agent_id": SATO,
                                                                   "supervisor": SV_PHONE})
            assert res.ok and "eavesdrop_whisper_bleg=true" in (await _sent(esl, "bgapi"))
            sid = res.result["session_id"]
            await wait_until(lambda: sid in sv.client.sessions and sv.client.sessions[sid].state == "ended", 15,
                             "the call's end ends the session")
            assert sv.client.sessions[sid].reason == "call_ended"
            await asyncio.wait_for(esl.done.wait(), 20)
            await wait_until(lambda: tv.last.agents[TANAKA].state in ("wrapup", "available"), 5, "back in")
            assert ("logged_out", "") in states(tv, TANAKA)
            assert tv.last.queues[SALES].abandoned == 1 and not bridge.handler_failures
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


async def _sent(esl: Any, word: str) -> str:
    await wait_until(lambda: bool(esl.sent(word)), 5, word)
    return str(esl.sent(word)[-1])


LISTS_EMPTY = {"queue list": [{"name": SALES}], "agent list": [{"name": TANAKA, "status": "Available",
                                                                 "state": "Waiting"}],
               "tier list": [{"queue": SALES, "agent": TANAKA}], "member list": []}


def floor_answers(lists: dict[str, Any] | None = None, refuse: str | None = None) -> Any:
    async def handler(cmd: str, pbx: Scripted) -> None:
        if cmd.startswith("event json"):
            await pbx.push(reply("+OK event listener enabled json"))
        elif cmd.startswith("api json"):
            what = json.loads(cmd[len("api json "):])["data"]["arguments"]
            if refuse is not None:
                await pbx.push(api(refuse))
            else:
                await pbx.push(api(json.dumps({"command": "callcenter_config", "status": "success",
                                               "response": (lists or LISTS_EMPTY)[what]})))
        else:
            await pbx.push(reply("-ERR unknown"))
    return handler


def test_a_wrong_password_and_a_host_outside_the_acl_are_refused_and_said(run: Runner) -> None:
    async def refused(esl: Scripted, reason: str, words: str) -> None:
        bridge, sv, tv = await bridge_and_boards(await esl.start(), lambda: 1_796_000_000_000, password="wrong")
        try:
            await wait_until(lambda: bridge.server.source is not None and bridge.server.source.state == "refused",
                             5, "refused")
            assert bridge.server.source.reason == reason and words in bridge.server.source.detail
            await wait_until(lambda: bool(tv.views) and tv.last.source is not None
                             and tv.last.source.state == "refused", 5, "the TV told")
            assert not tv.last.agents and bridge.logins == 0
        finally:
            await close(bridge, sv, tv, esl)

    async def go() -> None:
        await refused(Scripted(floor_answers(), password="right"), "auth_failed", "-ERR invalid")
        await refused(Scripted(floor_answers(), greeting=b"Content-Type: text/rude-rejection\nContent-Length: 22\n\n"
                                                         b"Access Denied, go away.\n"), "login_refused", "Access Denied")
    run(go)


def test_mod_callcenter_not_loaded_is_syncing_then_up_when_it_loads(run: Runner) -> None:
    async def go() -> None:
        # what FreeSWITCH 1.11.1 answered here with mod_callcenter unloaded (checked live, fs_cli)
        answers = {"refuse": '{"command":"callcenter_config","data":{"arguments":"agent list"},"status":"error",'
                             '"message":"Invalid request or non-existant command","response":null}'}

        async def handler(cmd: str, pbx: Scripted) -> None:
            await floor_answers(refuse=answers["refuse"])(cmd, pbx)
        esl = Scripted(handler)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), lambda: 1_796_000_000_000)
        try:
            await wait_until(lambda: bridge.server.source.reason == "not_loaded", 5, "not loaded, said")
            assert bridge.server.source.state == "syncing" and bridge.logins == 1
            assert bridge.server.source.detail == "mod_callcenter: Invalid request or non-existant command"
            answers["refuse"] = None  # type: ignore[assignment]
            await wait_until(lambda: live(tv), 10, "up once it loads")
            assert tv.last.agents[TANAKA].state == "available"
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


def test_a_bad_event_costs_itself_and_garbage_framing_costs_the_connection_not_the_bridge(run: Runner) -> None:
    async def go() -> None:
        esl = Scripted(floor_answers())
        bridge, sv, tv = await bridge_and_boards(await esl.start(), lambda: 1_796_000_000_000)
        try:
            await wait_until(lambda: live(tv), 5, "up")
            await esl.push(b"Content-Type: text/event-json\nContent-Length: 9\n\n{not json")
            await esl.push(event({"Event-Name": "CUSTOM", "Event-Subclass": "callcenter::info",
                                  "CC-Action": "agent-status-change", "CC-Agent": TANAKA, "CC-Agent-Status": "On Break"}))
            await wait_until(lambda: tv.last.agents[TANAKA].state == "paused", 5, "the good event after the bad one")
            assert bridge.bad_events == 1 and bridge.server.source.state == "up"
            await esl.push(b"this is not a header\n\n")
            await wait_until(lambda: esl.connections == 2, 5, "reconnected")
            await wait_until(lambda: live(tv), 5, "up again")
            assert tv.last.agents[TANAKA].state == "available"  # the floor retaken, not the old picture
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


def test_nobody_listening_is_down_connection_refused(run: Runner) -> None:
    async def go() -> None:
        esl = Scripted(floor_answers())
        port = await esl.start()
        await esl.stop()
        bridge, sv, tv = await bridge_and_boards(port, lambda: 1_796_000_000_000)
        try:
            await wait_until(lambda: bridge.server.source.state == "down", 5, "down")
            assert (bridge.server.source.reason, bridge.server.source.detail) == ("connection_refused",
                                                                                 f"127.0.0.1:{port}")
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


ON_A_CALL = {"queue list": [{"name": SALES}],
             "agent list": [{"name": TANAKA, "status": "Available", "state": "In a queue call", "uuid": "agent-ch-1"}],
             "tier list": [{"queue": SALES, "agent": TANAKA}],
             "member list": [{"queue": SALES, "session_uuid": "caller-1", "state": "Answered",
                              "serving_agent": TANAKA, "joined_epoch": "1795999990", "bridge_epoch": "1795999995"}]}
LEG = "leg-0001"


def test_a_stop_the_pbx_does_not_confirm_is_stuck_until_it_does_also_across_a_lost_socket(run: Runner) -> None:
    """Stop → uuid_kill refused: stuck (hangup_refused); stop again → no hangup event: stuck
    (hangup_unconfirmed); the socket lost: still stuck; back on the socket the leg is killed again, and only
    its CHANNEL_HANGUP_COMPLETE ends the session."""
    async def go() -> None:
        kills: list[str] = []

        async def handler(cmd: str, pbx: Scripted) -> None:
            if cmd.startswith("bgapi originate"):
                await pbx.push(reply("+OK Job-UUID: job-1", **{"Job-UUID": "job-1"}))
                await pbx.push(event({"Event-Name": "BACKGROUND_JOB", "Job-UUID": "job-1", "_body": f"+OK {LEG}\n"}))
                await pbx.push(event({"Event-Name": "CHANNEL_EXECUTE", "Unique-ID": LEG, "Application": "eavesdrop"}))
            elif cmd.startswith("api uuid_kill"):
                kills.append(cmd)
                if len(kills) == 1:
                    await pbx.push(api("-ERR permission denied\n"))
                elif len(kills) == 2:
                    await pbx.push(api("+OK\n"))  # and then no CHANNEL_HANGUP_COMPLETE
                else:
                    await pbx.push(api("+OK\n"))
                    await pbx.push(event({"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": LEG}))
            else:
                await floor_answers(ON_A_CALL)(cmd, pbx)
        esl = Scripted(handler)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), lambda: 1_796_000_000_000,
                                                 new_uuid=lambda: LEG, hangup_confirm_s=0.5)

        def state() -> tuple[str, str]:
            u = sv.client.sessions.get("m1")
            return (u.state, u.reason) if u is not None else ("", "")
        try:
            await wait_until(lambda: live(sv) and bool(sv.client.caps.monitor), 5, "the supervisor's board")
            assert tv.last.agents[TANAKA].state == "on_call"
            res = await sv.client.command("r-1", "monitor.start", {"mode": "barge", "agent_id": TANAKA,
                                                                   "supervisor": SV_PHONE})
            assert res.ok
            await wait_until(lambda: state()[0] == "active", 5, "active")
            originate = esl.sent("bgapi")[0]
            assert "eavesdrop_whisper_aleg=true,eavesdrop_whisper_bleg=true" in originate
            assert originate.endswith("&eavesdrop(agent-ch-1)")
            assert (await sv.client.command("r-2", "monitor.stop", {"session_id": "m1"})).ok
            await wait_until(lambda: state() == ("stuck", "hangup_refused"), 5, "refused, said")
            assert tv.last.agents[TANAKA].monitor == "barge"  # still marked: the supervisor may still be heard
            assert (await sv.client.command("r-3", "monitor.stop", {"session_id": "m1"})).ok
            await wait_until(lambda: state() == ("stuck", "hangup_unconfirmed"), 5, "unconfirmed, said")
            esl.drop()
            await wait_until(lambda: esl.connections == 2 and len(kills) == 3, 10, "killed again once back")
            await wait_until(lambda: state()[0] == "ended", 5, "ended once confirmed")
            await wait_until(lambda: live(tv) and not tv.last.agents[TANAKA].monitor, 5, "the mark gone")
            assert [(r.action, r.result) for r in bridge.desk.audit] == [
                ("start", "ok"), ("stop", "ok"), ("end_failed", "hangup_refused: -ERR permission denied"),
                ("stop", "ok"), ("end_failed", f"hangup_unconfirmed: no CHANNEL_HANGUP_COMPLETE for leg {LEG} in 0.5 s"),
                ("end", "stopped")]
            assert not bridge.legs
        finally:
            await close(bridge, sv, tv, esl)
    run(go)


def test_todays_counters_survive_a_bridge_restart_from_its_history(run: Runner, tmp_path: Any) -> None:
    """captures/basic with a history store; then a second bridge (FreeSWITCH's lists now empty of calls) on the
    same store: the boards show the morning's counters at once, not zero."""
    from wallboard.core.history import QueueRules
    from wallboard.feed.historystore import HistoryStore
    from wallboard.feed.recorder import HistoryRecorder

    db = tmp_path / "h.sqlite"
    t0 = t0_ms("basic")

    async def first() -> None:
        clock = Clock(t0, 4.0)
        esl = Replay(records("basic"), 4.0)
        store = HistoryStore(db)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), clock, history=HistoryRecorder(store),
                                                 rules={SALES: QueueRules(20, 0)})
        try:
            await asyncio.wait_for(esl.done.wait(), 20)
            await wait_until(lambda: live(tv) and tv.last.queues[SALES].handled == 2, 5, "the day's end")
            q = tv.last.queues[SALES]
            assert (q.offered, q.answered, q.abandoned, q.interval_partial) == (3, 2, 1, False)
        finally:
            await close(bridge, sv, tv, esl)
            store.close()

    async def second() -> None:
        store = HistoryStore(db)
        esl = Scripted(floor_answers({**LISTS_EMPTY, "queue list": [{"name": SALES}, {"name": SUPPORT}]}))
        later = t0 + 120_000
        recorder = HistoryRecorder(store, keep_since=later - 2 * 86_400_000)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), lambda: later, history=recorder)
        try:
            await wait_until(lambda: live(tv) and SUPPORT in tv.last.queues, 5, "the floor")
            q, s = tv.last.queues[SALES], tv.last.queues[SUPPORT]
            assert (q.offered, q.answered, q.abandoned, q.handled) == (3, 2, 1, 2)  # the morning, kept
            assert (s.offered, s.abandoned) == (1, 0)  # the timed-out caller: offered, not abandoned
            assert not q.interval_partial and q.interval_start == bridge.floor.day_start_of(later)
        finally:
            await close(bridge, sv, tv, esl)
            store.close()
    run(first)
    run(second)


def test_results_and_help_requests_raised_on_a_live_freeswitch(run: Runner) -> None:
    """captures/userevents: the dialplan's ``event`` application (as a feature code or a CRM hook would run it):
    a help flag raised from 1001's own channel (no Agent header: its ANI says whose), cleared by name, a sale
    for 1002 with its amount, and a result of a kind the centre does not have (skipped, counted)."""
    from wallboard.core.outbound import DEFAULT_RULES
    from wallboard.feed.outbound import OutboundDesk

    async def go() -> None:
        speed = 2.0
        esl = Replay(records("userevents"), speed)
        bridge, sv, tv = await bridge_and_boards(await esl.start(), Clock(t0_ms("userevents"), speed))
        bridge.server.outbound = OutboundDesk(DEFAULT_RULES, bridge.floor.day_start_of, bridge.clock())
        try:
            await wait_until(lambda: live(tv) and tv.last.agents[TANAKA].help, 10, "田中's hand up, from his channel")
            await wait_until(lambda: tv.last.outbound is not None and SATO in tv.last.outbound.tallies, 10, "佐藤's sale")
            t = tv.last.outbound.tallies[SATO]
            assert (t.kinds, t.amount) == ({"sale": 1}, 38_000.0)
            assert [(o.agent, o.kind, o.campaign) for o in tv.last.outbound.recent] == [(SATO, "sale", "spring")]
            await wait_until(lambda: not tv.last.agents[TANAKA].help and len(bridge.outcomes_refused) == 1, 10,
                             "the hand down by name; the unknown kind skipped")
            assert "jackpot" in next(iter(bridge.outcomes_refused)) and list(tv.last.outbound.tallies) == [SATO]
        finally:
            await close(bridge, sv, tv, esl)
    run(go)
