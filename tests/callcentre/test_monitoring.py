"""Monitoring end to end at the feed level: real boards, real server, real simulated floor."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from tests.feed.conftest import Board, wait_until
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.service import CallCentreService
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.audio import pack_audio
from wallboard.core.model import AgentState
from wallboard.feed.server import FeedServer, Principal

Runner = Callable[[Callable[[], Awaitable[None]]], None]
PRINCIPALS = {
    "sv-token": Principal("sv-tanaka", "supervisor"),
    "sv2-token": Principal("sv-suzuki", "supervisor"),
    "team-b-token": Principal("sv-b-only", "supervisor", frozenset({"Team B"})),
    "tv-token": Principal("wall-tv", "viewer"),
}
PHONE = {"endpoint": "PJSIP/900"}


async def floor() -> tuple[CallCentreService, int]:
    now = int(time.time() * 1000)
    engine = CallCentre(demo_plan(24, 2), now - 3_600_000, seed=9)
    engine.advance(now)
    svc = CallCentreService(engine, lambda clock: FeedServer(clock, principals=PRINCIPALS, anonymous=None,
                                                             heartbeat_s=0.5), dial_s=0.2)
    return svc, await svc.server.start()


def on_call(svc: CallCentreService, team: str | None = None) -> str:
    return next(a.id for a in svc.engine.agents.values()
                if a.state is AgentState.ON_CALL and a.direction == "in" and (team is None or a.team == team))


def actions(svc: CallCentreService) -> list[tuple[str, str, str, str]]:
    assert svc.desk is not None
    return [(r.who, r.action, r.mode, r.result) for r in svc.desk.audit]


def test_listen_whisper_stop_with_marks_on_every_board_and_an_audit_trail(run: Runner) -> None:
    async def go() -> None:
        svc, port = await floor()
        sv = Board(f"ws://127.0.0.1:{port}", token="sv-token").start()
        tv = Board(f"ws://127.0.0.1:{port}", token="tv-token").start()
        await wait_until(lambda: bool(sv.views) and sv.last.synced and bool(tv.views) and tv.last.synced)
        assert sv.last.caps.monitor == ("listen", "whisper", "barge") and sv.last.caps.role == "supervisor"
        assert tv.last.caps.monitor == () and tv.last.caps.role == "viewer"
        aid = on_call(svc)
        res = await sv.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": aid, "supervisor": PHONE})
        assert res.ok and res.result is not None
        sid = res.result["session_id"]
        await wait_until(lambda: sv.last.sessions.get(sid) is not None and sv.last.sessions[sid].state == "active",
                         what="session active")
        # every board sees the agent being listened to
        await wait_until(lambda: tv.last.agents[aid].monitor == "listen" and tv.last.agents[aid].monitored_by == "sv-tanaka")
        res = await sv.client.command("r2", "monitor.set_mode", {"session_id": sid, "mode": "whisper"})
        assert res.ok
        await wait_until(lambda: sv.last.sessions[sid].mode == "whisper" and tv.last.agents[aid].monitor == "whisper")
        res = await sv.client.command("r3", "monitor.stop", {"session_id": sid})
        assert res.ok
        await wait_until(lambda: sv.last.sessions[sid].state == "ended" and tv.last.agents[aid].monitor == "")
        assert sv.last.sessions[sid].reason == "stopped"
        assert actions(svc) == [("sv-tanaka", "start", "listen", "ok"), ("sv-tanaka", "set_mode", "whisper", "ok"),
                                ("sv-tanaka", "stop", "whisper", "ok"), ("sv-tanaka", "end", "whisper", "stopped")]
        assert all(r.agent_id == aid and r.call_id for r in svc.desk.audit)  # type: ignore[union-attr]
        for b in (sv, tv):
            await b.close()
        await svc.server.stop()
    run(go)


def test_a_view_only_board_is_refused_by_the_server(run: Runner) -> None:
    async def go() -> None:
        svc, port = await floor()
        tv = Board(f"ws://127.0.0.1:{port}", token="tv-token").start()
        await wait_until(lambda: bool(tv.views) and tv.last.synced)
        aid = on_call(svc)
        res = await tv.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": aid, "supervisor": PHONE})
        assert not res.ok and res.error is not None and res.error.code == "forbidden"
        assert actions(svc) == [("wall-tv", "refused", "listen", "forbidden")]
        assert svc.desk is not None and not svc.desk.sessions
        await tv.close()
        await svc.server.stop()
    run(go)


def test_a_call_that_ends_ends_the_session_on_both_sides(run: Runner) -> None:
    async def go() -> None:
        svc, port = await floor()
        sv = Board(f"ws://127.0.0.1:{port}", token="sv-token").start()
        await wait_until(lambda: bool(sv.views) and sv.last.synced)
        aid = on_call(svc)
        res = await sv.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": aid, "supervisor": PHONE})
        sid = res.result["session_id"]  # type: ignore[index]
        await wait_until(lambda: sid in sv.last.sessions and sv.last.sessions[sid].state == "active")
        assert svc.engine.hang_up(aid)
        svc.step()
        await wait_until(lambda: sv.last.sessions[sid].state == "ended", what="session ended on the board")
        assert sv.last.sessions[sid].reason == "call_ended" and sv.last.agents[aid].monitor == ""
        assert svc.desk is not None and not svc.desk.sessions  # and on the server
        assert actions(svc)[-1] == ("sv-tanaka", "end", "listen", "call_ended")
        await sv.close()
        await svc.server.stop()
    run(go)


def test_every_refusal_is_typed_and_audited(run: Runner) -> None:
    async def go() -> None:
        svc, port = await floor()
        sv = Board(f"ws://127.0.0.1:{port}", token="sv-token").start()
        sv2 = Board(f"ws://127.0.0.1:{port}", token="sv2-token").start()
        teamb = Board(f"ws://127.0.0.1:{port}", token="team-b-token").start()
        await wait_until(lambda: all(b.views and b.last.synced for b in (sv, sv2, teamb)))
        idle = next(a.id for a in svc.engine.agents.values() if a.state is not AgentState.ON_CALL
                    and a.state is not AgentState.ON_HOLD)
        busy_agent = on_call(svc, "Team A")

        async def start(b: Board, rid: str, **args: object) -> str:
            r = await b.client.command(rid, "monitor.start", {"supervisor": PHONE, "mode": "listen", **args})
            return "ok" if r.ok else r.error.code  # type: ignore[union-attr]

        assert await start(sv, "a", agent_id=idle) == "not_on_call"
        assert await start(sv, "b", agent_id="nobody") == "not_found"
        assert await start(sv, "c", agent_id=busy_agent, mode="eavesdrop") == "not_supported"
        assert await start(teamb, "d", agent_id=busy_agent) == "forbidden"  # Team A is not theirs
        r = await sv.client.command("e", "monitor.start", {"mode": "listen", "agent_id": busy_agent})
        assert r.error is not None and r.error.code == "bad_request" and "endpoint" in r.error.message
        assert await start(sv, "f", agent_id=busy_agent) == "ok"
        assert await start(sv, "f", agent_id=busy_agent) == "ok"  # the same request again: same answer
        assert svc.desk is not None and len(svc.desk.sessions) == 1  # ...and no second session
        assert await start(sv2, "g", agent_id=busy_agent) == "busy"  # someone is already on it
        other = next(a.id for a in svc.engine.agents.values() if a.state is AgentState.ON_CALL and a.id != busy_agent)
        assert await start(sv, "h", agent_id=other) == "busy"  # one phone, one call
        sid = next(iter(svc.desk.sessions))
        r = await sv2.client.command("i", "monitor.stop", {"session_id": sid})
        assert r.error is not None and r.error.code == "forbidden"  # not theirs to stop
        refused = [x[3] for x in actions(svc) if x[1] == "refused"]
        assert refused == ["not_on_call", "not_found", "not_supported", "forbidden", "bad_request", "busy", "busy",
                           "forbidden"]
        for b in (sv, sv2, teamb):
            await b.close()
        await svc.server.stop()
    run(go)


def test_unreachable_phone_and_a_board_that_leaves(run: Runner) -> None:
    async def go() -> None:
        svc, port = await floor()
        sv = Board(f"ws://127.0.0.1:{port}", token="sv-token").start()
        await wait_until(lambda: bool(sv.views) and sv.last.synced)
        aid = on_call(svc)
        r = await sv.client.command("a", "monitor.start", {"mode": "listen", "agent_id": aid,
                                                           "supervisor": {"endpoint": "unreachable/900"}})
        sid = r.result["session_id"]  # type: ignore[index]
        await wait_until(lambda: sid in sv.last.sessions and sv.last.sessions[sid].state == "ended")
        assert sv.last.sessions[sid].reason == "supervisor_unreachable"
        r = await sv.client.command("b", "monitor.start", {"mode": "listen", "agent_id": aid, "supervisor": PHONE})
        assert r.ok
        await sv.close()  # the board goes away mid-session
        await wait_until(lambda: svc.desk is not None and not svc.desk.sessions, what="server ended the session")
        assert actions(svc)[-1] == ("sv-tanaka", "end", "listen", "board_disconnected")
        await svc.server.stop()
    run(go)


def test_a_calls_audio_goes_to_the_one_board_that_listens_and_its_microphone_only_in_whisper(run: Runner) -> None:
    """In the app, at the feed level: the same supervisor's second desk, another supervisor and a TV get
    no frame; a microphone frame from anyone but the session's board, or in listen, never reaches the
    call (dropped, counted); a binary frame that is not audio is counted and costs nothing else."""
    async def go() -> None:
        svc, port = await floor()
        url = f"ws://127.0.0.1:{port}"
        heard: dict[str, list[str]] = {"a": [], "b": [], "tv": []}
        a = Board(url, token="sv-token", on_audio=lambda f: heard["a"].append(f.session_id)).start()
        b = Board(url, token="sv-token", on_audio=lambda f: heard["b"].append(f.session_id)).start()  # same person
        tv = Board(url, token="tv-token", on_audio=lambda f: heard["tv"].append(f.session_id)).start()
        await wait_until(lambda: all(x.views and x.last.synced for x in (a, b, tv)), what="three boards")
        assert a.last.caps.audio and not tv.last.caps.audio
        aid = on_call(svc)
        refused = await tv.client.command("t1", "monitor.start", {"mode": "listen", "agent_id": aid, "audio": True})
        assert not refused.ok and refused.error is not None and refused.error.code == "forbidden"
        res = await a.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": aid, "audio": True})
        assert res.ok and res.result is not None
        sid = res.result["session_id"]
        await wait_until(lambda: len(heard["a"]) > 10, what="the call on the board that asked")
        assert set(heard["a"]) == {sid} and not heard["b"] and not heard["tv"]
        assert a.last.sessions[sid].audio and a.last.sessions[sid].state == "active"
        assert svc.desk is not None and svc.desk.audit[-1].via == "app"

        voice = b"\x10\x00" * 160
        assert not a.client.send_audio(sid, voice)  # listen: the board itself will not send
        ws_a, ws_b = a.client._ws, b.client._ws  # noqa: SLF001 - a board that would: straight onto the socket
        assert ws_a is not None and ws_b is not None
        await ws_a.send(pack_audio(sid, 1, voice))
        await ws_b.send(pack_audio(sid, 1, voice))
        await ws_b.send(b"A\x00not audio")
        await wait_until(lambda: svc.desk.mic_dropped == {"listening": 1, "not_yours": 1}, what="both dropped")
        assert svc.server.audio_dropped["bad_audio"] == 1 and not svc.phone.heard

        await a.client.command("r2", "monitor.set_mode", {"session_id": sid, "mode": "whisper"})
        await wait_until(lambda: a.client.may_speak(sid), what="whispering")
        assert a.client.send_audio(sid, voice) and a.client.send_audio(sid, voice)
        await wait_until(lambda: svc.phone.heard.get(sid) == 2, what="the supervisor heard on the call")
        await ws_b.send(pack_audio(sid, 2, voice))
        await wait_until(lambda: svc.desk.mic_dropped.get("not_yours") == 2, what="the other desk still refused")
        assert svc.phone.heard[sid] == 2

        await a.close()  # the board goes: its session ends, and nobody else starts hearing it
        await wait_until(lambda: sid not in svc.desk.sessions, what="the session ended with its board")
        await asyncio.sleep(0.2)
        assert not heard["b"] and not heard["tv"]
        await b.close()
        await tv.close()
        await svc.server.stop()
    run(go)
