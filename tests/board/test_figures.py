"""The board's figures: scoped to its part of the floor, queue groups summed, cards in order; callers waiting; the trend."""

from __future__ import annotations

import math

from tests.board.helpers import apply, view
from tests.helpers import T0, agent, call, queue
from wallboard.board.alerts import Mark
from wallboard.board.model import BoardModel, BoardSettings
from wallboard.board.scope import Scope
from wallboard.board.trend import TrendBuffer
from wallboard.core.model import AgentState

QUEUES = [queue("sales", name="Sales", offered=10, answered=8, answered_in_sl=8),
          queue("billing", name="Billing", offered=4, answered=2, answered_in_sl=1, abandoned=2),
          queue("tech", name="Tech", offered=1, answered=1, answered_in_sl=1)]
AGENTS = [agent("a1", "available", queues=("sales", "billing")), agent("a2", "on_call", queues=("sales",)),
          agent("a3", "available", queues=("tech",))]
CALLS = [call("w1", "sales", queued_at=T0 - 50_000, caller_num="0311112222", caller_name="山田"),
         call("w2", "billing", queued_at=T0 - 80_000, caller_num="0900000000"),
         call("w3", "sales", state="ringing", queued_at=T0 - 20_000),
         call("x", "sales", state="connected", queued_at=T0 - 99_000)]
GROUPS = {"受付": ("sales", "billing")}


def test_a_group_sums_its_queues_and_counts_each_agent_once() -> None:
    m = BoardModel(BoardSettings(groups=GROUPS))
    m.take(view(AGENTS, QUEUES, CALLS))
    f = m.figures_at(T0)
    assert f is not None
    (g,) = f.groups
    assert (g.name, g.waiting, g.offered, g.answered, g.abandoned) == ("受付", 3, 14, 10, 2)
    assert g.longest_wait_s == 80.0 and g.agents_by_state == {AgentState.AVAILABLE: 1, AgentState.ON_CALL: 1}
    assert math.isclose(g.service_level or 0, 9 / 12)  # answered within T ÷ (answered + abandoned after T)
    # the cards: the total, the group, then the queues no group holds
    assert [c.queue_id for c in m.cards()] == ["*", "group:受付", "tech"]


def test_a_group_with_no_queue_on_this_floor_has_no_card() -> None:
    """A card of zeros for a group whose queues are elsewhere (or out of scope) would look true."""
    m = BoardModel(BoardSettings(groups={**GROUPS, "夜間": ("night", "weekend")}))
    m.take(view(AGENTS, QUEUES, CALLS))
    f = m.figures_at(T0)
    assert f is not None and [g.name for g in f.groups] == ["受付"]
    scoped = BoardModel(BoardSettings(groups=GROUPS, scope=Scope(queues=("tech",))))
    scoped.take(view(AGENTS, QUEUES, CALLS))
    assert [c.queue_id for c in scoped.cards()] == ["*", "tech"] if scoped.figures_at(T0) else False


def test_a_groups_card_carries_the_highest_mark_of_its_queues() -> None:
    m = BoardModel(BoardSettings(groups=GROUPS))
    m.take(view(AGENTS, QUEUES, CALLS))
    m.figures_at(T0)
    marks = m.update_alerts(T0)
    # billing: a caller waiting 80 s (a warning), service level 25 % (critical); sales is fine
    assert {al.key for al in marks.alerts} == {("waiting_time", "billing"), ("service_level", "billing")}
    assert marks.queues == {"billing": Mark.CRITICAL} and m.card_mark(m.cards()[1]) is Mark.CRITICAL
    assert m.card_mark(m.cards()[2]) is Mark.NONE


def test_the_profiles_queues_are_the_boards_figures() -> None:
    m = BoardModel(BoardSettings(scope=Scope(queues=("tech",))))
    m.take(view(AGENTS, QUEUES, CALLS))
    f = m.figures_at(T0)
    assert f is not None and [q.queue_id for q in f.queues] == ["tech"]
    assert (f.total.waiting, f.total.offered, f.total.logged_in) == (0, 1, 1)


def test_callers_waiting_longest_first_with_their_place_in_the_queue() -> None:
    m = BoardModel()
    m.take(view(AGENTS, QUEUES, CALLS))
    got = [(w.call_id, w.queue_name, w.number, w.name, w.wait_s, w.position, w.ringing) for w in m.waiting(T0)]
    assert got == [("w2", "Billing", "0900000000", "", 80.0, 1, False),
                   ("w1", "Sales", "0311112222", "山田", 50.0, 1, False),
                   ("w3", "Sales", "", "", 20.0, 2, True)]
    assert [m.wait_level("billing", s) for s in (59, 60, 120)] == [0, 1, 2]


def test_the_trend_holds_live_seconds_only() -> None:
    t = TrendBuffer(seconds=10)
    for s, v in ((100, 1.0), (101, 2.0), (104, None), (105, 3.0)):
        t.sample(s, v)
    assert [None if math.isnan(x) else x for x in t.values] == [None] * 4 + [1.0, 2.0, None, None, None, 3.0]
    assert t.samples == 3 and t.top() == 3.0
    t.sample(103, 9.0)  # the server clock stepped back: the newer samples stay
    assert t.samples == 3 and t.last_s == 105
    t.sample(200, 1.0)  # long gone: only the new sample
    assert t.samples == 1


def test_counts_kept_agent_by_agent_match_a_count_from_scratch() -> None:
    """The model counts only the agents each view changed (views skipped between two counts, and views
    merged by a GUI that fell behind, included); a full recount of the same floor must agree, always."""
    from wallboard.callcentre.engine import CallCentre
    from wallboard.callcentre.traffic import demo_plan

    cc = CallCentre(demo_plan(120, 5), T0, seed=3)
    cc.advance(T0 + 1_800_000)
    a, q, c = cc.snapshot()
    agents, queues, calls = {x.id: x for x in a}, {x.id: x for x in q}, {x.id: x for x in c}
    teams = sorted({x.team for x in a})
    settings = BoardSettings(scope=Scope(teams=tuple(teams[:2])), groups={"two": tuple(list(queues)[:2])})
    kept = BoardModel(settings)
    kept.take(view(agents.values(), queues.values(), calls.values()))
    now, steps = cc.now, 0
    for step in range(400):
        changed = apply(cc.advance(now := now + 700), agents, queues, calls)
        v = view(agents.values(), queues.values(), calls.values(), changed=changed or {"none"}, layout=False)
        kept.take(v)
        if step % 3:  # some views are not counted at once: their changes wait for the next count
            continue
        fresh = BoardModel(settings)
        fresh.take(v)
        assert kept.figures_at(now) == fresh.figures_at(now), step
        steps += 1
    assert steps > 100 and sum(1 for x in agents.values() if x.state == "on_call") > 0


def test_a_view_that_changed_nothing_keeps_the_counts_and_the_next_change_counts_again() -> None:
    """A heartbeat's view (one every few seconds on a quiet floor) is the same floor: the board keeps its
    counts (counting 2,000 agents again cost a millisecond a heartbeat) and its figures still follow the
    clock; a view that changed something is counted, also after heartbeats."""
    from dataclasses import replace

    from wallboard.core.reducer import Changes

    m = BoardModel()
    v1 = view(AGENTS, QUEUES, CALLS)
    assert m.take(v1).moved
    first = m.figures_at(T0)
    counts = m._counts
    beat = replace(v1, changes=Changes(frozenset(), frozenset(), False))
    assert not m.take(beat).moved
    later = m.figures_at(T0 + 30_000)
    assert m._counts is counts and later is not None and first is not None
    assert later.total.longest_wait_s == first.total.longest_wait_s + 30  # the clock moved them
    answered = [*AGENTS[:1], agent("a2", "available", queues=("sales",)), AGENTS[2]]
    moved = view(answered, QUEUES, CALLS, changed={"a2"}, layout=False)
    assert m.take(moved).moved
    after = m.figures_at(T0 + 31_000)
    assert m._counts is not counts and after is not None
    assert after.total.agents_by_state[AgentState.AVAILABLE] == first.total.agents_by_state[AgentState.AVAILABLE] + 1
