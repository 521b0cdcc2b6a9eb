from __future__ import annotations

from collections import Counter

import pytest

from wallboard.callcentre.engine import DAY_MS, CallCentre
from wallboard.callcentre.traffic import FloorPlan, QueueTraffic, demo_plan
from wallboard.core.model import AgentState, CallState
from wallboard.core.protocol import Snapshot
from wallboard.core.reducer import FloorState

START = 1_763_780_400_000  # 2025-11-22 03:00 UTC = 12:00 JST


def test_same_seed_same_floor_event_for_event() -> None:
    runs = []
    for _ in range(2):
        cc = CallCentre(demo_plan(40, 3), START, seed=7)
        runs.append(cc.advance(START + 2 * 3_600_000))
    assert runs[0] == runs[1] and len(runs[0]) > 1000
    other = CallCentre(demo_plan(40, 3), START, seed=8).advance(START + 2 * 3_600_000)
    assert other != runs[0]


def check_invariants(cc: CallCentre) -> None:
    agents, queues, calls = cc.snapshot()
    by_id = {c.id: c for c in calls}
    for a in agents:
        st = a.status
        if st in (AgentState.RINGING, AgentState.ON_CALL, AgentState.ON_HOLD) and a.direction != "out":
            assert a.call_id in by_id, a
            assert by_id[a.call_id].agent_id == a.id
        if st is AgentState.AVAILABLE:
            assert a.call_id is None
        if st is AgentState.PAUSED:
            assert a.reason
    for c in calls:
        assert c.status is not CallState.ENDED
        if c.status in (CallState.CONNECTED, CallState.HELD):
            assert c.answered_at is not None and c.answered_at >= c.queued_at
    waiting = Counter(c.queue for c in calls if c.status in (CallState.QUEUED, CallState.RINGING))
    for q in queues:
        # every offered call is answered, abandoned or still waiting
        assert q.offered == q.answered + q.abandoned + waiting[q.id], q
        assert q.answered_in_sl <= q.answered and q.abandoned_in_sl <= q.abandoned
    # an available agent never coexists with a queued caller it could take
    idle_skills = {qid for a in agents if a.status is AgentState.AVAILABLE for qid in a.queues}
    assert not any(c.status is CallState.QUEUED and c.queue in idle_skills for c in calls)


def test_floor_invariants_hold_all_day() -> None:
    cc = CallCentre(demo_plan(60, 4), START, seed=3)
    for step in range(1, 49):
        cc.advance(START + step * 30 * 60_000)
        check_invariants(cc)


def test_updates_replayed_through_the_reducer_rebuild_the_floor() -> None:
    """The engine's own update stream is the feed: replaying it must land on its snapshot."""
    cc = CallCentre(demo_plan(30, 3), START, seed=5)
    a, q, c = cc.snapshot()
    st = FloorState()
    st.apply(Snapshot(stream="s", seq=0, ts=START, agents=tuple(a), queues=tuple(q), calls=tuple(c)))
    from wallboard.core.protocol import delta
    for seq, obj in enumerate(cc.advance(START + 3 * 3_600_000), start=1):
        st.apply(delta(obj, "s", seq, 0))
    a, q, c = cc.snapshot()
    assert st.agents == {x.id: x for x in a}
    assert st.queues == {x.id: x for x in q}
    assert st.calls == {x.id: x for x in c}


def test_acd_gives_the_call_to_the_longest_idle_skilled_agent() -> None:
    plan = FloorPlan(queues=(QueueTraffic("q", "Q", 0.0, 200.0),), agents=3, ring_s=0, breaks_per_hour=0,
                     logouts_per_hour=0, outbound_per_hour=0, initially_logged_out=0, hold_prob=0, long_call_prob=0)
    cc = CallCentre(plan, START, seed=1)
    ids = list(cc.agents)
    # make a2 the longest idle
    cc.agents[ids[1]].idle_since = START - 60_000
    cc._arrival(cc.queues["q"])
    assert cc.agents[ids[1]].state is AgentState.ON_CALL
    assert cc.agents[ids[0]].state is AgentState.AVAILABLE


def test_counters_reset_at_the_centres_midnight() -> None:
    cc = CallCentre(demo_plan(20, 2), START, seed=2)
    cc.advance(START + 11 * 3_600_000)  # 23:00 JST
    assert cc.queue_view("sales").offered > 0
    cc.advance(START + 12 * 3_600_000 + 1)  # just past 00:00 JST
    q = cc.queue_view("sales")
    midnight_jst = (START + 12 * 3_600_000)
    assert q.interval_start == midnight_jst and (q.interval_start + 9 * 3_600_000) % DAY_MS == 0
    assert q.offered < 10


def test_demo_floor_shows_every_state_a_supervisor_must_recognise() -> None:
    cc = CallCentre(demo_plan(48, 4), START, seed=1)
    seen: set[str] = set()
    reasons: set[str] = set()
    directions: set[str] = set()
    helped = False
    for obj in cc.advance(START + 8 * 3_600_000):
        state = getattr(obj, "state", None)
        if hasattr(obj, "team"):
            seen.add(state)
            reasons.add(obj.reason)  # type: ignore[union-attr]
            directions.add(obj.direction)  # type: ignore[union-attr]
            helped |= obj.help  # type: ignore[union-attr]
    assert {"available", "ringing", "on_call", "on_hold", "wrapup", "paused", "logged_out"} <= seen
    assert {"break", "lunch"} <= reasons and {"in", "out"} <= directions and helped


def test_bad_plans_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="wrapup_s < aht_s"):
        QueueTraffic("q", "Q", 10, aht_s=100, wrapup_s=200)
    with pytest.raises(ValueError, match="at least one agent"):
        FloorPlan(queues=(QueueTraffic("q", "Q", 10),), agents=0)
