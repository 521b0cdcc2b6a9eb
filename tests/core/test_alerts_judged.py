"""The alert book passes an agent judged before whose agent and call objects are unchanged until its times
reach the next threshold (``AlertBook._judged``): over random floors that change, come and go, cool down, are
acknowledged and whose clock now and then steps back, it must return what judging everyone afresh returns."""

from __future__ import annotations

import random

from tests.helpers import T0, agent, call
from wallboard.core.alerts import AlertBook, AlertRules, QueueRules, Threshold
from wallboard.core.model import Agent, Call
from wallboard.core.protocol import AlertAck

S = 1000
RULES = AlertRules(default=QueueRules(talk=Threshold(20, 45), hold=Threshold(8, 15), wrapup=Threshold(10, None),
                                      pause=Threshold(None, 30), pause_reasons={"lunch": Threshold(25, 40)}),
                   queues={"q2": QueueRules(talk=Threshold(12, 30))}, hysteresis=0.2, cooldown_s=15)


def someone(rng: random.Random, aid: str, now: int) -> tuple[Agent, Call | None]:
    """An agent in a random state that began up to a minute ago (some on hold, some with help up)."""
    since = now - rng.randint(0, 60) * S - rng.randint(0, 999)
    q = rng.choice(["q1", "q2"])
    helped = rng.random() < 0.05
    kind = rng.randrange(5)
    if kind < 2:
        held = since + rng.randint(0, 20) * S if kind == 1 and rng.random() < 0.7 else None
        c = call(f"c-{aid}-{now}", q, "connected", queued_at=since - 3 * S, agent_id=aid,
                 answered_at=since + rng.choice([0, 0, 1500]), held_since=held)
        return agent(aid, "on_hold" if held else "on_call", since=since, call_id=c.id, queues=(q,), help=helped), c
    if kind == 2:
        return agent(aid, "wrapup", since=since, queues=(q,), help=helped), None
    if kind == 3:
        return agent(aid, "paused", since=since, reason=rng.choice(["", "lunch", "break"]), queues=(q,), help=helped), None
    return agent(aid, "available", since=since, queues=(q,), help=helped), None


def test_passing_agents_judged_before_changes_nothing_judged() -> None:
    for seed in range(12):
        rng = random.Random(seed)
        memo, fresh = AlertBook(RULES), AlertBook(RULES)
        checks = {id(memo): 0, id(fresh): 0}
        for book in (memo, fresh):  # each value a book judges: the memo must judge far fewer
            def counted(*args, _book=book, _check=book._check, _checks=checks):  # type: ignore[no-untyped-def]
                _checks[id(_book)] += 1
                return _check(*args)
            book._check = counted  # type: ignore[method-assign]
        now = T0
        floor = {f"a{k}": someone(rng, f"a{k}", now) for k in range(30)}
        acks: dict[tuple[str, str], AlertAck] = {}
        for step in range(150):
            now += rng.choice([1, 1, 1, 2, 5, -40]) * S + rng.randint(0, 300)  # now and then the clock steps back
            for aid in rng.sample(sorted(floor), rng.randint(0, 3)):  # a few agents change (new objects)
                floor[aid] = someone(rng, aid, now)
            shown = [a for a, _ in floor.values() if rng.random() < 0.95]  # one left out now and then (not due)
            calls = {c.id: c for _, c in floor.values() if c is not None}
            if memo.active and rng.random() < 0.1:
                key = rng.choice(sorted(memo.active))
                acks[key] = AlertAck(ts=now, kind=key[0], subject=key[1], by="sv", at=now)
            fresh._judged.clear()
            got = memo.update(shown, calls, None, now, acks)
            want = fresh.update(shown, calls, None, now, acks)
            assert got == want, (seed, step)
            # most urgent first, as the active alerts are now (the sorted list is kept while no alert changes)
            assert got == sorted(memo.active.values(), key=lambda al: (-al.level, al.raised_ms, al.key)), (seed, step)
        assert checks[id(memo)] < 0.7 * checks[id(fresh)], checks  # it was used (about a third here)
