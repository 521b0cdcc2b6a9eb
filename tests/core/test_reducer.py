from __future__ import annotations

from tests.helpers import T0, agent, call, queue
from wallboard.core.protocol import (
    AgentRemove, AgentUpdate, CallUpdate, CommandResult, Heartbeat, QueueRemove, QueueUpdate,
    Snapshot, Welcome,
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
