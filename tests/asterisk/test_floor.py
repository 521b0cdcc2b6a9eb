"""The AMI floor, message by message (fields and order as real Asterisk sends them)."""

from __future__ import annotations

import pytest

from wallboard.asterisk.ami import AmiMessage
from wallboard.asterisk.floor import AsteriskFloor, QueueConfig
from wallboard.bridge import ConfigError, load_config
from wallboard.core.model import Agent, Call, Queue

T0 = 1_795_343_640_000
ALICE = "PJSIP/1001"


def msg(**fields: str) -> AmiMessage:
    return AmiMessage(tuple((k.replace("_", "-"), v) for k, v in fields.items()))


def member(event: str, queue: str, status: str = "1", paused: str = "0", reason: str = "",
           wrapup: str = "0") -> AmiMessage:
    return msg(Event=event, Queue=queue, MemberName="Alice", Interface=ALICE, StateInterface=ALICE,
               Membership="dynamic", Penalty="0", CallsTaken="0", LastCall="0", LastPause="0", LoginTime="0",
               InCall="0", Status=status, Paused=paused, PausedReason=reason, Ringinuse="0", Wrapuptime=wrapup)


def caller(event: str, queue: str, uid: str, **kw: str) -> AmiMessage:
    return msg(Event=event, Channel=f"PJSIP/trunk-{uid}", ChannelState="6", ChannelStateDesc="Up",
               CallerIDNum="0312345678", CallerIDName="<unknown>", Context="from-trunk", Exten="100", Priority="2",
               Uniqueid=uid, Linkedid=uid, Queue=queue, **kw)


def agents(updates: list[Agent | Queue | Call]) -> list[tuple[str, str]]:
    return [(u.state, u.reason) for u in updates if isinstance(u, Agent)]


def snapshot(floor: AsteriskFloor, *extra: AmiMessage) -> None:
    floor.begin_snapshot()
    for m in (msg(Event="QueueParams", Queue="sales", Max="0", Strategy="rrmemory", Calls="1", Holdtime="0",
                  TalkTime="0", Completed="0", Abandoned="0", ServiceLevel="20", ServicelevelPerf="0.0",
                  ServicelevelPerf2="0.0", Weight="0"),
              msg(Event="QueueMember", Queue="sales", Name="Alice", Location=ALICE, StateInterface=ALICE,
                  Membership="dynamic", Penalty="0", CallsTaken="3", LastCall=str(T0 // 1000 - 60), LastPause="0",
                  LoginTime=str(T0 // 1000 - 3600), InCall="0", Status="1", Paused="0", PausedReason="",
                  Wrapuptime="0"), *extra):
        floor.on(m, T0)
    floor.end_snapshot()
    floor.snapshot(T0)  # published at once, as the bridge does


def test_the_snapshot_takes_waiting_callers_and_time_in_state() -> None:
    f = AsteriskFloor(T0)
    snapshot(f, msg(Event="QueueEntry", Queue="sales", Position="1", Channel="PJSIP/trunk-0001",
                    Uniqueid="1795343500.1", CallerIDNum="0312345678", CallerIDName="Tanaka", ConnectedLineNum="",
                    ConnectedLineName="", Wait="42", Priority="0"))
    a, q, c = f.snapshot(T0)
    assert [(x.id, x.state, x.since) for x in a] == [(ALICE, "available", T0 - 60_000)]  # since LastCall
    assert [(x.id, x.state, x.queued_at, x.caller_name) for x in c] == [("1795343500.1", "queued", T0 - 42_000, "Tanaka")]
    assert q[0].sl_threshold_s == 20


def test_device_state_ring_no_answer_and_logging_off() -> None:
    f = AsteriskFloor(T0)
    snapshot(f)
    f.on(caller("QueueCallerJoin", "sales", "9.1", Position="1", Count="1"), T0 + 1000)
    assert agents(f.on(caller("AgentCalled", "sales", "9.1", Interface=ALICE, MemberName="Alice"), T0 + 1100)) == [
        ("ringing", "")]
    out = f.on(caller("AgentRingNoAnswer", "sales", "9.1", Interface=ALICE, MemberName="Alice", RingTime="15000"),
               T0 + 16_100)  # RingTime in ms
    assert agents(out) == [("available", "")] and [u.state for u in out if isinstance(u, Call)] == ["queued"]
    assert agents(f.on(msg(Event="DeviceStateChange", Device=ALICE, State="INUSE"), T0 + 17_000)) == [("busy_other", "")]
    assert agents(f.on(msg(Event="DeviceStateChange", Device=ALICE, State="UNAVAILABLE"), T0 + 18_000)) == [
        ("logged_out", "")]
    out = f.on(caller("Hangup", "sales", "9.1", Cause="16", Cause_txt="Normal Clearing"), T0 + 19_000)
    assert [(u.state, u.end_reason) for u in out if isinstance(u, Call)] == [("ended", "exited")]


def test_paused_only_when_paused_everywhere_and_wrapup_from_the_member() -> None:
    f = AsteriskFloor(T0, {"sales": QueueConfig(wrapup_s=30)})
    snapshot(f)
    f.on(member("QueueMemberAdded", "support"), T0)
    assert agents(f.on(member("QueueMemberPause", "sales", paused="1", reason="break"), T0 + 1)) == []  # still serves support
    assert agents(f.on(member("QueueMemberPause", "support", paused="1", reason="break"), T0 + 2)) == [("paused", "break")]
    f.on(member("QueueMemberPause", "support"), T0 + 3)
    f.on(member("QueueMemberPause", "sales"), T0 + 3)
    f.on(member("QueueMemberStatus", "sales", wrapup="10"), T0 + 4)  # the member's own wrap-up wins
    f.on(caller("QueueCallerJoin", "sales", "9.2", Position="1", Count="1"), T0 + 5)
    f.on(caller("QueueCallerLeave", "sales", "9.2", Position="1", Count="0"), T0 + 6)
    out = f.on(caller("AgentConnect", "sales", "9.2", Interface=ALICE, MemberName="Alice", HoldTime="0", RingTime="0"),
               T0 + 6)
    assert agents(out) == [("on_call", "")]
    out = f.on(caller("AgentComplete", "sales", "9.2", Interface=ALICE, MemberName="Alice", HoldTime="0",
                      TalkTime="100", Reason="caller"), T0 + 106_000)
    assert agents(out) == [("wrapup", "")]
    assert agents(f.tick(T0 + 115_000)) == [] and agents(f.tick(T0 + 116_000)) == [("available", "")]
    q = next(u for u in f.tick(T0 + 117_000) + f.snapshot(T0)[1] if isinstance(u, Queue))
    assert (q.answered, q.handled, q.handle_ms) == (1, 1, 110_000)
    f.on(member("QueueMemberRemoved", "sales"), T0 + 200_000)
    out = f.on(member("QueueMemberRemoved", "support"), T0 + 200_001)
    assert agents(out) == [("logged_out", "")]


def test_a_caller_who_leaves_without_an_agent_is_gone_after_a_moment() -> None:
    f = AsteriskFloor(T0)
    snapshot(f)
    f.on(caller("QueueCallerJoin", "sales", "9.3", Position="1", Count="1"), T0)
    f.on(caller("QueueCallerLeave", "sales", "9.3", Position="1", Count="0"), T0 + 30_000)  # exit key, timeout
    assert f.tick(T0 + 31_000) == []  # an AgentConnect may still follow
    out = f.tick(T0 + 32_500)
    assert [(u.state, u.end_reason) for u in out if isinstance(u, Call)] == [("ended", "exited")]


def test_counters_reset_at_the_centres_midnight() -> None:
    jst_midnight = (T0 + 540 * 60_000) // 86_400_000 * 86_400_000 + 86_400_000 - 540 * 60_000
    f = AsteriskFloor(jst_midnight - 60_000)
    snapshot(f)
    f.on(caller("QueueCallerJoin", "sales", "9.4", Position="1", Count="1"), jst_midnight - 50_000)
    f.on(caller("QueueCallerJoin", "sales", "9.5", Position="1", Count="2"), jst_midnight - 40_000)
    f.on(caller("QueueCallerAbandon", "sales", "9.4", Position="1", OriginalPosition="1", HoldTime="10"),
         jst_midnight - 40_000)
    out = f.tick(jst_midnight + 1)
    [q] = [u for u in out if isinstance(u, Queue)]
    assert (q.interval_start, q.offered, q.abandoned) == (jst_midnight, 1, 0)  # the one still waiting carries over


@pytest.mark.parametrize(("raw", "words"), [
    ({"queues": {"sales": {"wrapup_s": -1}}}, "queues.sales.wrapup_s: a number from 0 to 3600"),
    ({"queues": {"sales": {"wrap_up": 5}}}, "queues.sales.wrap_up: unknown setting"),
    ({"teams": {"A": "Alice"}}, "teams.A: expected a list"),
    ({"utc_offset_min": 9}, ""),
    ({"utc_offset_min": 9000}, "utc_offset_min: minutes east of UTC"),
    ({"ami": {}}, "ami: unknown setting"),
])
def test_bridge_config_errors_name_the_key(raw: dict, words: str) -> None:  # type: ignore[type-arg]
    if not words:
        assert load_config(raw)[2] == 9
        return
    with pytest.raises(ConfigError, match=words.replace(".", r"\.")):
        load_config(raw)


def test_the_example_bridge_config_parses() -> None:
    import tomllib
    from pathlib import Path
    raw = tomllib.loads((Path(__file__).resolve().parents[2] / "resources" / "asterisk" / "bridge.example.toml")
                        .read_text("utf-8"))
    queues, teams, offset = load_config(raw)
    assert queues["sales"] == QueueConfig(name="営業", wrapup_s=5, sl_target_pct=80, short_abandon_s=5)
    assert teams["Carol"] == "Team B" and offset == 540


def test_a_resync_keeps_time_in_state_and_the_call() -> None:
    f = AsteriskFloor(T0)
    snapshot(f)
    f.on(caller("QueueCallerJoin", "sales", "9.6", Position="1", Count="1"), T0 + 1000)
    f.on(caller("AgentConnect", "sales", "9.6", Interface=ALICE, MemberName="Alice", HoldTime="0", RingTime="0"),
         T0 + 2000)
    snapshot(f)  # AMI came back: a fresh QueueStatus says nothing of the call
    [alice] = f.snapshot(T0 + 60_000)[0]
    assert (alice.state, alice.call_id, alice.since) == ("on_call", "9.6", T0 + 2000)
