"""The AMI floor, message by message (fields and order as real Asterisk sends them)."""

from __future__ import annotations

import msgspec
import pytest

from tests.asterisk.capture import answers
from wallboard.asterisk.ami import AmiMessage
from wallboard.asterisk.floor import AsteriskFloor, QueueConfig
from wallboard.bridge import ConfigError, load_config
from wallboard.core.model import Agent, Call, Queue
from wallboard.core.protocol import Gone

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


PARAMS = msg(Event="QueueParams", Queue="sales", Max="0", Strategy="rrmemory", Calls="1", Holdtime="0",
             TalkTime="0", Completed="0", Abandoned="0", ServiceLevel="20", ServicelevelPerf="0.0",
             ServicelevelPerf2="0.0", Weight="0")


def queue_member(iface: str = ALICE, name: str = "Alice", state_interface: str = "", status: str = "1",
                 queue: str = "sales") -> AmiMessage:
    return msg(Event="QueueMember", Queue=queue, Name=name, Location=iface, StateInterface=state_interface or iface,
               Membership="dynamic", Penalty="0", CallsTaken="3", LastCall=str(T0 // 1000 - 60), LastPause="0",
               LoginTime=str(T0 // 1000 - 3600), InCall="0", Status=status, Paused="0", PausedReason="",
               Wrapuptime="0")


def snapshot(floor: AsteriskFloor, *extra: AmiMessage, at: int = T0) -> list[object]:
    out = floor.load_queue_status([PARAMS, queue_member(), *extra], at)
    floor.snapshot(at)  # published at once, as the bridge does
    return out  # type: ignore[return-value]


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


# -- what a live Asterisk sends (tests/asterisk/captures, recorded from Asterisk f0c1c1a) ---------------

BOB = "Local/1002@agents/n"


def test_an_agent_complete_without_uniqueid_ends_the_members_own_call() -> None:
    """app_queue: "Empty caller_snapshot; sending incomplete event" (the frames as a live Asterisk sent them)."""
    f = AsteriskFloor(T0, {"sales": QueueConfig(wrapup_s=5)})
    f.load_queue_status([PARAMS, queue_member(BOB, "Bob")], T0)
    f.on(caller("QueueCallerJoin", "sales", "9.7", Position="1", Count="1"), T0 + 1000)
    f.on(caller("AgentConnect", "sales", "9.7", Interface=BOB, MemberName="Bob", HoldTime="1", RingTime="1"), T0 + 2000)
    out = f.on(msg(Event="AgentComplete", Privilege="agent,all", Queue="sales", Interface=BOB, MemberName="Bob",
                   HoldTime="10", TalkTime="12", Reason="agent"), T0 + 14_000)
    assert agents(out) == [("wrapup", "")]
    assert [(u.id, u.state, u.end_reason) for u in out if isinstance(u, Call)] == [("9.7", "ended", "completed")]
    assert not f.callers and f.members[BOB].call_id is None
    # one that names no member we know either: skipped and counted, never an exception
    assert f.on(msg(Event="AgentComplete", Queue="sales", Interface="Local/1999@agents/n", TalkTime="3"), T0) == []
    assert f.oddities == {"AgentComplete without Uniqueid or a known Interface": 1}
    assert f.take_new_oddities() == ["AgentComplete without Uniqueid or a known Interface"]
    assert f.take_new_oddities() == []  # each kind is reported once


@pytest.mark.parametrize("event", ["QueueCallerJoin", "AgentCalled", "AgentConnect", "AgentComplete",
                                   "QueueCallerAbandon", "QueueCallerLeave", "AgentRingNoAnswer", "Hangup",
                                   "QueueMemberStatus", "QueueMemberPause", "QueueMemberRemoved",
                                   "DeviceStateChange", "QueueMember", "QueueEntry", "QueueParams"])
def test_any_field_of_any_event_may_be_missing_or_odd(event: str) -> None:
    full = {"Event": event, "Queue": "sales", "Uniqueid": "9.8", "Interface": ALICE, "Location": ALICE,
            "MemberName": "Alice", "Name": "Alice", "StateInterface": ALICE, "Status": "2", "Paused": "1",
            "PausedReason": "lunch", "HoldTime": "3", "TalkTime": "4", "Wait": "5", "Device": ALICE, "State": "INUSE",
            "ServiceLevel": "20", "CallerIDNum": "03", "LastCall": "1", "Wrapuptime": "9"}
    odd_values = ["", "-1", "1e999", "nan", "x" * 300, "0"]
    for drop in [None, *full]:
        for odd in odd_values:
            f = AsteriskFloor(T0)
            snapshot(f)
            f.on(caller("QueueCallerJoin", "sales", "9.8"), T0)
            fields = {k: (odd if k == drop else v) for k, v in full.items() if k != drop or odd}
            for out in (f.on(msg(**fields), T0 + 1000), f.tick(T0 + 90_000)):
                for obj in out:  # every object is one a board accepts (the feed's limits)
                    msgspec.convert(msgspec.to_builtins(obj), type(obj))


def test_a_caller_seen_first_in_a_snapshot_is_offered_and_answered_once() -> None:
    f = AsteriskFloor(T0)
    waiting = msg(Event="QueueEntry", Queue="sales", Position="1", Uniqueid="9.9", CallerIDNum="03", Wait="30")
    snapshot(f, waiting)
    assert f.snapshot(T0)[1][0].offered == 1  # joined before we counted, waiting now: offered now
    snapshot(f, waiting, at=T0 + 5000)  # a resync: the same caller is not offered twice
    f.on(caller("AgentConnect", "sales", "9.9", Interface=ALICE, MemberName="Alice", HoldTime="35"), T0 + 6000)
    # answered before the bridge started: not answered in our counters (never answered > offered)
    f.on(caller("AgentConnect", "sales", "8.1", Interface=ALICE, MemberName="Alice", HoldTime="3"), T0 + 7000)
    f.on(caller("QueueCallerAbandon", "sales", "8.2", HoldTime="3"), T0 + 8000)  # one we never saw join
    q = f.snapshot(T0 + 9000)[1][0]
    assert (q.offered, q.answered, q.abandoned, q.interval_partial, q.interval_start) == (1, 1, 0, True, T0)


def test_agents_already_on_a_call_come_from_the_channel_list() -> None:
    """The bridge started with two calls up (captures/midcall): QueueStatus says only "in use"."""
    (_, status), = answers("midcall", "QueueStatus")
    (_, channels), = answers("midcall", "Status")
    f = AsteriskFloor(T0)
    f.load_queue_status(status, T0)
    assert {m.interface: f.state_of(m, T0)[0].value for m in f.members.values()}["Local/1001@agents/n"] == "busy_other"
    out = f.apply_channels(channels, T0)
    on_call = {u.id: u for u in out if isinstance(u, Agent) and u.state == "on_call"}
    assert set(on_call) == {"Local/1001@agents/n", BOB}
    calls = {u.id: u for u in out if isinstance(u, Call)}
    for a in on_call.values():
        call = calls[a.call_id]  # type: ignore[index]
        leg = next(c for c in channels if c.get("Channel").startswith(a.ext + "-") and c.get("BridgeID"))
        assert (call.state, call.queue, call.agent_id) == ("connected", "sales", a.id)
        assert a.since == call.answered_at == T0 - int(leg.get("Seconds")) * 1000  # the agent's leg: its real start
    assert all(q.answered == 0 for q in f.snapshot(T0)[1])  # answered before we counted
    assert f.apply_channels(channels, T0 + 1000) == []  # known now: nothing changes


def test_a_reload_that_moves_members_is_published_as_removals_and_updates() -> None:
    """`queue reload all` after queues.conf changed (captures/reload): Bob removed, Dave added, no event."""
    (_, before), (_, after), *_ = answers("reload", "QueueStatus")
    f = AsteriskFloor(T0)
    f.load_queue_status(before, T0)
    out = f.load_queue_status(after, T0 + 5000)
    assert [u for u in out if isinstance(u, Gone)] == [Gone("agent", BOB)]
    assert [u.id for u in out if isinstance(u, Agent)] == ["Local/1004@agents/n"]
    assert f.load_queue_status(after, T0 + 10_000) == []  # nothing changed since


def test_a_hint_member_is_found_by_its_device() -> None:
    """FreePBX style: Local/1006@from-queue/n with StateInterface hint:1006@agents (captures/hint)."""
    (_, status), = answers("hint", "QueueStatus")
    (reply, _), = answers("hint", "ExtensionState")
    f = AsteriskFloor(T0)
    f.load_queue_status(status, T0)
    frank = f.members["Local/1006@from-queue/n"]
    assert frank.hint == ("1006", "agents") and frank.spy_device == ""
    assert f.resolve_hint(frank.interface, reply.get("Hint")) == "Local/1006@agents" == frank.spy_device
    assert frank.owns_channel("Local/1006@agents-0000000b;1") and not frank.owns_channel("Local/10061@agents-1;1")
    assert f.resolve_hint(frank.interface, "Custom:DND1006&PJSIP/1006") == "PJSIP/1006"


def test_the_examples_ask_nothing_current_asterisk_rejects() -> None:
    """`eventwhencalled` / `eventmemberstatus` are "Unknown keyword" on current Asterisk (the events are
    always sent); the manager user's rights are the ones the bridge checks at login."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    queues = (root / "resources" / "asterisk" / "queues.conf.example").read_text("utf-8")
    keywords = {line.split("=")[0].strip() for line in queues.splitlines() if "=" in line and not line.startswith(";")}
    assert not keywords & {"eventwhencalled", "eventmemberstatus"}
    manager = (root / "resources" / "asterisk" / "manager.conf.example").read_text("utf-8")
    assert "write = originate,call" in manager and "read = agent,call" in manager
    readme = (root / "README.md").read_text("utf-8")
    assert "eventwhencalled = yes" not in readme and "eventmemberstatus = yes" not in readme
