"""Alert marks: what pulses, what is steady, what is announced, which agents are exceptions."""

from __future__ import annotations

from tests.board.helpers import apply, view
from tests.helpers import T0, agent, call, queue
from wallboard.board.alerts import Mark
from wallboard.board.model import BoardModel, BoardSettings
from wallboard.board.scope import Scope
from wallboard.core.protocol import AlertAck

MIN = 60_000


def floor(now: int) -> list:  # type: ignore[type-arg]
    return [
        agent("long", "on_call", now - 11 * MIN, call_id="c1", queues=("q1",), team="A"),  # over 10 min: warn
        agent("longer", "on_call", now - 20 * MIN - 10_000, call_id="c2", queues=("q1",), team="A"),  # critical
        agent("help", "available", now, help=True, queues=("q1",), team="B"),  # 手上げ: critical, pulses
        agent("fine", "on_call", now - MIN, call_id="c3", queues=("q1",), team="B"),
    ]


CALLS = [call("c1", state="connected", agent_id="long", answered_at=T0 - 11 * MIN),
         call("c2", state="connected", agent_id="longer", answered_at=T0 - 20 * MIN - 10_000),
         call("c3", state="connected", agent_id="fine", answered_at=T0 - MIN)]


def board(**kw: object) -> BoardModel:
    m = BoardModel(BoardSettings(**kw))  # type: ignore[arg-type]
    m.take(view(floor(T0), [queue()], CALLS))
    m.figures_at(T0)
    return m


def test_levels_marks_and_the_pulse() -> None:
    m = board()
    marks = m.update_alerts(T0)
    # a help flag pulses at once; a critical alert only once it is left unacknowledged for flash_after_s
    assert dict(marks.agents) == {"long": Mark.WARN, "longer": Mark.CRITICAL, "help": Mark.PULSE}
    assert {al.key for al in marks.newly_critical} == {("talk", "longer"), ("help", "help")}
    assert marks.exceptions == ("longer", "help", "long")  # critical first, then by when they rose
    later = m.update_alerts(T0 + 21_000)  # critical for 31 s, unacknowledged
    assert later.agents["longer"] is Mark.PULSE and later.newly_critical == ()  # announced once per episode


def test_an_acknowledgement_stops_the_pulse_on_every_board() -> None:
    m = board()
    m.update_alerts(T0)
    acked = view(floor(T0), [queue()], CALLS, acks={("help", "help"): AlertAck(ts=T0, kind="help", subject="help",
                                                                                  by="田中", at=T0 + 1000)})
    m.take(acked)
    marks = m.update_alerts(T0 + 2000)
    assert marks.agents["help"] is Mark.CRITICAL and marks.agents["longer"] is Mark.CRITICAL and not marks.pulsing


def test_a_teams_board_judges_only_its_agents() -> None:
    m = board(scope=Scope(teams=("B",)))
    assert set(m.update_alerts(T0).agents) == {"help"}


def test_a_summed_figure_is_marked_by_the_kind_of_its_queues_alerts() -> None:
    """A TV's key strip put every queue alert on 待ち呼, even a long wait or a low SL elsewhere."""
    m = BoardModel(BoardSettings())
    waiting = [call(f"w{i}", queue="q2", queued_at=T0 - 90_000 + i) for i in range(2)]  # 1:30: waiting_time warn
    m.take(view([agent("a", "available", T0, queues=("q1", "q2"))], [queue(), queue("q2")], waiting))
    m.figures_at(T0)
    marks = m.update_alerts(T0)
    assert dict(marks.queue_kinds) == {"waiting_time": Mark.WARN}
    assert dict(marks.queues) == {"q2": Mark.WARN}
    more = [call(f"m{i}", queue="q1", queued_at=T0 - 5_000) for i in range(10)]  # ten waiting in q1: critical count
    m.take(view([agent("a", "available", T0, queues=("q1", "q2"))], [queue(), queue("q2")], waiting + more))
    m.figures_at(T0)
    marks = m.update_alerts(T0)
    assert marks.queue_kinds["waiting_count"] >= Mark.CRITICAL and marks.queue_kinds["waiting_time"] is Mark.WARN


def test_alerts_kept_agent_by_agent_match_an_evaluation_of_every_agent() -> None:
    """The board passes the alert book only the agents a rule can fire for by now, kept by when each
    becomes due and changed by the views' changes (views skipped between evaluations, minutes with no
    change at all, a part of the floor): an evaluation of every agent must give the same, always."""
    from wallboard.callcentre.engine import CallCentre
    from wallboard.callcentre.traffic import demo_plan
    from wallboard.core.alerts import AlertBook, AlertRules, QueueRules, Threshold

    cc = CallCentre(demo_plan(150, 5), T0, seed=5)
    cc.advance(T0 + 1_800_000)
    a, q, c = cc.snapshot()
    agents, queues, calls = {x.id: x for x in a}, {x.id: x for x in q}, {x.id: x for x in c}
    teams = sorted({x.team for x in a})
    # thresholds of seconds, not minutes: in this quarter of an hour agents cross them all the time
    rules = AlertRules(default=QueueRules(talk=Threshold(40, 90), hold=Threshold(5, 20), wrapup=Threshold(8, 20),
                                          pause=Threshold(30, 60), pause_reasons={}))
    kept = BoardModel(BoardSettings(scope=Scope(teams=tuple(teams[:3])), rules=rules))
    every = AlertBook(rules)  # the reference: every agent of the part, every time
    kept.take(view(agents.values(), queues.values(), calls.values()))
    now, steps, seen, raised = cc.now, 0, 0, set()
    for step in range(600):
        quiet = 200 <= step < 260  # a minute of nothing at all: timers alone cross thresholds
        changed = apply([] if quiet else cc.advance(now + 1_500), agents, queues, calls)
        now += 1_500
        if quiet:
            cc.now = now
        v = view(agents.values(), queues.values(), calls.values(), changed=changed or {"none"}, layout=False)
        kept.take(v)
        if step % 4 == 1:  # some views are not evaluated at once: their changes wait for the next
            continue
        kept.figures_at(now)
        marks = kept.update_alerts(now)
        full = every.update([x for x in agents.values() if kept.is_counted(x)], v.calls, kept.figures, now)
        assert list(marks.alerts) == full, step
        steps += 1
        seen += len(marks.agents)
        raised |= {(al.key, al.raised_ms) for al in marks.alerts if al.agent_id is not None}
    assert steps > 400 and seen > 1000 and len(raised) > 300  # alerts came and went (else this proves nothing)
