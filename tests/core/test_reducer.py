from __future__ import annotations

import json

import msgspec
import pytest

from tests.helpers import T0, agent, call, queue
from wallboard.core.errors import FrameRejected
from wallboard.core.protocol import (
    AgentRemove,
    AgentUpdate,
    CallUpdate,
    CommandResult,
    Damaged,
    Heartbeat,
    QueueRemove,
    QueueUpdate,
    Snapshot,
    Welcome,
    decode_server,
)
from wallboard.core.reducer import FloorState, Verdict


def synced(seq: int = 10, stream: str = "s1") -> FloorState:
    st = FloorState()
    st.apply(Snapshot(stream=stream, seq=seq, ts=T0, agents=(agent("a1"), agent("a2")), queues=(queue("q1"),),
                      calls=(call("c1"), call("c0", state="ended"))))
    st.take_changes()
    return st


def up(seq: int, stream: str = "s1", **kw: object) -> AgentUpdate:
    return AgentUpdate(stream=stream, seq=seq, ts=T0 + seq, agent=agent(**kw))  # type: ignore[arg-type]


def test_snapshot_loads_everything_and_drops_ended_calls() -> None:
    st = synced()
    assert st.synced and st.seq == 10 and st.stream == "s1"
    assert set(st.agents) == {"a1", "a2"} and set(st.calls) == {"c1"}


def test_deltas_apply_in_order() -> None:
    st = synced()
    assert st.apply(up(11, id="a1", state="on_call")) is Verdict.APPLIED
    assert st.apply(CallUpdate(stream="s1", seq=12, ts=T0, call=call("c1", state="connected", agent_id="a1"))) is Verdict.APPLIED
    assert st.apply(QueueUpdate(stream="s1", seq=13, ts=T0, queue=queue("q1", offered=1))) is Verdict.APPLIED
    assert st.agents["a1"].state == "on_call" and st.calls["c1"].state == "connected"
    assert st.queues["q1"].offered == 1 and st.seq == 13 and st.counters.applied == 3


def test_ended_call_leaves_the_live_calls() -> None:
    st = synced()
    st.apply(CallUpdate(stream="s1", seq=11, ts=T0, call=call("c1", state="ended", end_reason="abandoned")))
    assert "c1" not in st.calls


def test_duplicate_is_dropped_and_counted() -> None:
    st = synced()
    st.apply(up(11, id="a1", state="on_call"))
    assert st.apply(up(11, id="a1", state="available")) is Verdict.DUPLICATE
    assert st.apply(up(5, id="a1", state="available")) is Verdict.DUPLICATE
    assert st.agents["a1"].state == "on_call" and st.counters.duplicates == 2


def test_gap_stops_everything_until_a_snapshot() -> None:
    st = synced()
    assert st.apply(up(12, id="a1", state="on_call")) is Verdict.RESYNC
    assert not st.synced and st.agents["a1"].state == "available"
    assert st.apply(up(13, id="a1", state="on_call")) is Verdict.WAITING
    assert st.counters.gaps == 1 and st.counters.waiting_drops == 1
    st.apply(Snapshot(stream="s1", seq=20, ts=T0, agents=(agent("a1", "wrapup"),)))
    assert st.synced and st.agents["a1"].state == "wrapup" and set(st.agents) == {"a1"}
    assert st.apply(up(21, id="a1", state="available")) is Verdict.APPLIED


def test_reordered_frames_are_a_gap_not_a_silent_drift() -> None:
    st = synced()
    assert st.apply(up(12, id="a1", state="paused")) is Verdict.RESYNC  # 11 arrives late
    assert st.apply(up(11, id="a1", state="on_call")) is Verdict.WAITING
    assert st.agents["a1"].state == "available"


def test_a_new_stream_forces_a_resync() -> None:
    st = synced()
    assert st.apply(up(11, stream="s2", id="a1", state="paused")) is Verdict.RESYNC
    st2 = synced()
    st2.apply(Welcome(version=1, stream="s2", ts=T0))
    assert not st2.synced


def test_heartbeat_reveals_a_silent_gap() -> None:
    st = synced()
    assert st.apply(Heartbeat(stream="s1", seq=10, ts=T0)) is Verdict.IGNORED
    assert st.synced
    assert st.apply(Heartbeat(stream="s1", seq=11, ts=T0)) is Verdict.RESYNC
    assert not st.synced


def test_removals_and_layout_changes() -> None:
    st = synced()
    st.apply(up(11, id="a3"))
    assert st.take_changes().layout
    st.apply(up(12, id="a3", state="paused"))
    ch = st.take_changes()
    assert not ch.layout and ch.agents == {"a3"}
    st.apply(AgentRemove(stream="s1", seq=13, ts=T0, id="a3"))
    st.apply(QueueRemove(stream="s1", seq=14, ts=T0, id="q1"))
    ch = st.take_changes()
    assert ch.layout and "a3" not in st.agents and not st.queues
    assert not st.take_changes().any


def test_call_update_marks_its_agent_and_queue_changed() -> None:
    st = synced()
    st.apply(CallUpdate(stream="s1", seq=11, ts=T0, call=call("c1", state="connected", agent_id="a2")))
    ch = st.take_changes()
    assert ch.agents == {"a2"} and ch.queues == {"q1"}


def test_transitions_outside_the_table_are_counted_but_applied() -> None:
    st = synced()
    st.apply(CallUpdate(stream="s1", seq=11, ts=T0, call=call("c1", state="held")))  # queued -> held
    assert st.counters.odd_transitions == 1 and st.calls["c1"].state == "held"


def test_non_state_messages_are_ignored() -> None:
    st = synced()
    assert st.apply(CommandResult(req_id="r", ts=T0, ok=True)) is Verdict.IGNORED
    assert st.seq == 10


def test_changes_carry_the_stamps_of_what_is_not_yet_shown() -> None:
    st = synced()
    for seq in (11, 12, 13):
        st.apply(up(seq, id="a1", state="on_call"))
    ch = st.take_changes()
    assert (ch.count, ch.first_ts, ch.last_ts) == (3, T0 + 11, T0 + 13)
    empty = st.take_changes()
    assert (empty.count, empty.first_ts, empty.last_ts) == (0, 0, 0)


# -- one bad record costs only itself (rule 4); a lost snapshot unsyncs at once (rule 5) ----------------

def _damaged(raw: dict[str, object]) -> Damaged:
    msg = decode_server(json.dumps(raw))
    assert isinstance(msg, Damaged)
    return msg


def test_a_snapshot_with_one_unreadable_agent_applies_the_rest_and_shows_it() -> None:
    good = [msgspec.to_builtins(agent(f"a{i}")) for i in range(5)]
    bad = {"id": "a9", "name": "Suzuki", "state": "available", "since": -1}
    s = FloorState()
    assert s.apply(_damaged({"type": "snapshot", "stream": "s", "seq": 3, "ts": T0, "agents": [*good, bad],
                             "queues": [msgspec.to_builtins(queue("q1")), {"id": "q2", "name": "Q2"}]})) \
        is Verdict.APPLIED
    assert s.synced and s.seq == 3 and set(s.agents) == {"a0", "a1", "a2", "a3", "a4", "a9"}
    assert (s.agents["a9"].state, s.agents["a9"].name) == ("unknown", "Suzuki")  # never silently gone
    assert set(s.queues) == {"q1"} and set(s.unreadable) == {("agent", "a9"), ("queue", "q2")}
    assert "since" in s.unreadable[("agent", "a9")]
    assert s.counters.bad_records == {"agent": 1, "queue": 1}
    # the server fixes the record: the next good one clears it
    assert s.apply(AgentUpdate(stream="s", seq=4, ts=T0, agent=agent("a9", "on_call"))) is Verdict.APPLIED
    assert s.agents["a9"].state == "on_call" and set(s.unreadable) == {("queue", "q2")}


def test_a_delta_with_an_unreadable_record_keeps_its_step() -> None:
    s = FloorState()
    s.apply(Snapshot(stream="s", seq=1, ts=T0, agents=(agent("a1"),), calls=(call("c1", agent_id="a1"),)))
    v = s.apply(_damaged({"type": "call.update", "stream": "s", "seq": 2, "ts": T0,
                          "call": {"id": "c1", "queue": "q1", "state": "connected", "queued_at": "never"}}))
    assert v is Verdict.APPLIED and s.seq == 2 and "c1" not in s.calls and ("call", "c1") in s.unreadable
    assert s.apply(AgentUpdate(stream="s", seq=3, ts=T0, agent=agent("a1", "wrapup"))) is Verdict.APPLIED


def test_an_unreadable_snapshot_unsyncs_at_once_an_unreadable_delta_does_not() -> None:
    s = FloorState()
    s.apply(Snapshot(stream="s", seq=1, ts=T0, agents=(agent("a1"),)))
    with pytest.raises(FrameRejected) as delta_err:
        decode_server(b'{"type": "agent.update", "stream": "s", "seq": "x"}')
    assert s.reject(delta_err.value) is Verdict.IGNORED and s.synced  # its seq shows at the next frame
    with pytest.raises(FrameRejected) as snap_err:
        decode_server(b'{"type": "snapshot", "stream": "s", "seq": 1}')  # a PBX reload, unreadable
    assert s.reject(snap_err.value) is Verdict.RESYNC and not s.synced  # never deltas on the old base
    assert s.apply(AgentUpdate(stream="s", seq=2, ts=T0, agent=agent("a1", "paused"))) is Verdict.WAITING
