"""A simulated day written to the history store as it is published, then read back: the same counters the
live board showed, to the call; per agent reconciles with per queue."""

from __future__ import annotations

from pathlib import Path

from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.history import QueueRules, agent_days, queue_counters
from wallboard.feed.historystore import HistoryStore
from wallboard.feed.recorder import HistoryRecorder

START = 1_763_780_400_000  # 2025-11-22 12:00 JST: the engine counts from its local midnight on


def test_a_simulated_day_replays_into_the_counters_the_board_showed(tmp_path: Path) -> None:
    engine = CallCentre(demo_plan(40, 3), START, seed=7)
    store = HistoryStore(tmp_path / "h.sqlite")
    rec = HistoryRecorder(store)
    agents, queues, calls = engine.snapshot()
    rec.load(agents, calls, engine.now)
    t = START
    for _ in range(4 * 3600):  # four hours, a second at a time (as the service publishes)
        t += 1000
        rec.observe(engine.advance(t), engine.now)
    live = {q.id: q for q in engine.snapshot()[1]}
    rules = {q.id: QueueRules(q.sl_threshold_s, q.short_abandon_s) for q in live.values()}
    got = queue_counters(store.calls(START - 86_400_000, t + 1), rules, start=START)
    assert set(got) == set(live)
    for qid, q in live.items():
        g = got[qid]
        assert (g.offered, g.answered, g.abandoned, g.abandoned_short, g.answered_in_sl, g.abandoned_in_sl,
                g.wait_answered_ms) == (q.offered, q.answered, q.abandoned, q.abandoned_short, q.answered_in_sl,
                                         q.abandoned_in_sl, q.wait_answered_ms), qid
        assert (g.handled, g.handle_ms, g.longest_wait_ms) == (q.handled, q.handle_ms, q.longest_wait_ms), qid
    assert sum(q.answered for q in live.values()) > 300  # a real day's traffic, not an empty test
    days = agent_days(store.calls(START, t + 1), store.intervals(START, t + 1), START, t + 1, t)
    assert sum(d.answered for d in days.values()) == sum(q.answered for q in live.values())
    assert all(d.login_ms > 0 for d in days.values() if d.answered)
    assert any(d.pause_ms for d in days.values())  # breaks, by reason
    store.close()


def test_the_stores_sql_sums_are_the_definitions_sums(tmp_path: Path) -> None:
    """Reports sum in SQLite (a month of a big floor is millions of calls); the definitions live in
    core.history. The two must give the same figures, interval by interval, queue by queue, agent by agent."""
    from wallboard.core.history import interval_rows, outcome_rows

    engine = CallCentre(demo_plan(30, 3), START, seed=11)
    store = HistoryStore(tmp_path / "h.sqlite")
    rec = HistoryRecorder(store)
    t = START
    for _ in range(2 * 3600):
        t += 1000
        rec.observe(engine.advance(t), engine.now)
    rules = {q.id: QueueRules(q.sl_threshold_s, q.short_abandon_s) for q in engine.snapshot()[1]}
    calls = store.calls(START, t)
    py = {(r["queue"], r["start"]): r for r in interval_rows(calls, START, t, 15, rules)}
    sql = store.counters(START, t, rules, 15 * 60_000)
    assert set(py) == set(sql) and len(py) > 10
    for key, (c, longest) in sql.items():
        assert queue_counters([x for x in calls if x.queue == key[0] and key[1] <= x.entered < key[1] + 900_000],
                              rules)[key[0]] == c
        assert py[key]["longest_wait_s"] == longest / 1000
    assert [{"queue": q, **n} for q, n in store.outcome_counts(START, t).items()] == outcome_rows(calls, START, t)
    days = agent_days(calls, [], START, t, t)
    sums = store.agent_sums(START, t)
    assert {a: (d.answered, d.transferred, d.talk_ms, d.hold_ms, d.wrapup_ms) for a, d in days.items()} == sums
    store.close()


def test_logins_by_member_name_and_a_restart_ends_what_was_left_open(tmp_path: Path) -> None:
    """The Asterisk bridge records only logins from its live floor, under the member's name (queue_log's own
    key for the agent); a restarted recorder ends the intervals an earlier run never saw end."""
    from wallboard.core.model import Agent

    store = HistoryStore(tmp_path / "h.sqlite")
    rec = HistoryRecorder(store, calls=False, kinds=frozenset({"login"}), by_name=True)
    alice = Agent(id="Local/1001@agents/n", name="Alice", state="available", since=START)
    rec.load([alice], [], START)
    rec.observe([Agent(id=alice.id, name="Alice", state="paused", reason="lunch", since=START + 60_000)], START + 60_000)
    rec.observe([Agent(id=alice.id, name="Alice", state="logged_out", since=START + 120_000)], START + 120_000)
    rec.observe([Agent(id=alice.id, name="Alice", state="available", since=START + 180_000)], START + 180_000)
    ivs = store.intervals(START, START + 86_400_000)
    assert [(iv.agent, iv.kind, iv.start, iv.end) for iv in ivs] == [
        ("Alice", "login", START, START + 120_000), ("Alice", "login", START + 180_000, None)]  # no pause: queue_log's
    store.close()
    store = HistoryStore(tmp_path / "h.sqlite")
    HistoryRecorder(store, calls=False, kinds=frozenset({"login"}), by_name=True).load([], [], START + 600_000)
    assert store.intervals(START, START + 86_400_000)[-1].end == START + 600_000  # closed at the restart
    days = agent_days([], store.intervals(START, START + 86_400_000), START, START + 86_400_000, START + 900_000)
    assert days["Alice"].login_ms == 120_000 + 420_000
    store.close()
