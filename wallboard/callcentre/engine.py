"""The embedded call centre: a seeded discrete-event simulation of an inbound floor.

Callers arrive by (optionally time-of-day shaped) Poisson processes, wait in FIFO
queues, are routed by ACD to the longest-idle skilled agent, ring, talk (exponential
or lognormal), may be held, and leave for wrap-up; impatient callers abandon
(exponential patience). Agents take breaks with reasons, log out and in, make the
odd outbound call, and now and then get stuck on a very long call.

The engine never reads a clock: :meth:`CallCentre.advance` runs it up to a time the
caller gives, so the same class serves real time, "as fast as possible", and tests.
With the same plan, seed and start it produces the same floor, event for event.

Published objects are the feed's own immutable ``Agent``/``Queue``/``Call``; with
``publish=False`` nothing is built and only the statistics are kept (fast runs).
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Union

from ..core.metrics import QueueCounters
from ..core.model import Agent, AgentState, Call, CallState, Queue
from .traffic import BREAK_REASONS, GIVEN, OFFICE_DAY, SURNAMES, FloorPlan, QueueTraffic, lognormal_mu

Update = Union[Agent, Queue, Call]
DAY_MS = 86_400_000

# Event kinds (ints: cheap to compare in the heap).
ARRIVAL, ABANDON, ANSWER, HOLD_START, HOLD_END, CALL_END, WRAP_END = range(7)
BREAK_START, BREAK_END, LOGOUT, LOGIN, OUTBOUND, OUTBOUND_END, MIDNIGHT = range(7, 14)


@dataclass(slots=True, eq=False)
class _Agent:
    id: str
    name: str
    team: str
    skills: tuple[str, ...]
    ext: str
    state: AgentState = AgentState.AVAILABLE
    since: int = 0
    idle_since: int = 0
    reason: str = ""
    call: _Call | None = None
    direction: str = ""
    pending: str = ""  # "break" or "logout" wanted once the current work is done
    help: bool = False
    token: int = 0  # bumps on every state change; stale events carry an old token


@dataclass(slots=True, eq=False)
class _Call:
    id: str
    queue: str
    queued_at: int
    caller_num: str
    state: CallState = CallState.QUEUED
    agent: _Agent | None = None
    answered_at: int | None = None
    held_since: int | None = None
    talk_ms: int = 0
    hold_at_ms: int = 0
    hold_ms: int = 0
    held_total_ms: int = 0
    long: bool = False
    immediate: bool = False


@dataclass(slots=True)
class _QueueStats(QueueCounters):
    """The queue's interval counters since ``interval_start`` (the centre's midnight)."""

    interval_start: int = 0


@dataclass(slots=True)
class RunStats:
    """Per-call outcomes for calls arriving after the warm-up, split into batches."""

    warmup_end_ms: int
    batch_ms: int
    batches: list[list[float]] = field(default_factory=list)
    # per batch: offered, answered, abandoned, waited, answered_in_sl, wait_all_ms, wait_answered_ms

    def record(self, queued_at: int, answered: bool, waited: bool, wait_ms: int, in_sl: bool) -> None:
        if queued_at < self.warmup_end_ms:
            return
        i = (queued_at - self.warmup_end_ms) // self.batch_ms
        while len(self.batches) <= i:
            self.batches.append([0.0] * 7)
        b = self.batches[i]
        b[0] += 1
        b[1 if answered else 2] += 1
        b[3] += waited
        b[4] += in_sl
        b[5] += wait_ms
        if answered:
            b[6] += wait_ms


class CallCentre:
    def __init__(self, plan: FloorPlan, start_ms: int, seed: int = 1, publish: bool = True,
                 warmup_ms: int = 0, batch_ms: int = 3_600_000) -> None:
        self.plan = plan
        self.now = start_ms
        self.rng = random.Random(seed)
        self.publish = publish
        self.updates: list[Update] = []
        self.stats = RunStats(start_ms + warmup_ms, batch_ms)
        self._heap: list[tuple[int, int, int, object, int]] = []
        self._n = 0
        self._call_n = 0
        self.queues: dict[str, QueueTraffic] = {q.id: q for q in plan.queues}
        day0 = self._midnight(start_ms)
        self.qstats: dict[str, _QueueStats] = {q.id: _QueueStats(interval_start=day0) for q in plan.queues}
        self.waiting: dict[str, deque[_Call]] = {q.id: deque() for q in plan.queues}
        self.calls: dict[str, _Call] = {}
        self.agents: dict[str, _Agent] = {}
        self.available: dict[str, set[_Agent]] = {q.id: set() for q in plan.queues}
        self._peak = max(OFFICE_DAY) if plan.time_of_day else 1.0
        self._build_agents()
        for q in plan.queues:
            self._next_arrival(q, start_ms)
        self._push(day0 + DAY_MS, MIDNIGHT, None, 0)

    # -- set-up ------------------------------------------------------------------

    def day_start(self, t: int) -> int:
        """When the centre's day that holds ``t`` began (its local midnight)."""
        return self._midnight(t)

    def _midnight(self, t: int) -> int:
        off = self.plan.utc_offset_min * 60_000
        return (t + off) // DAY_MS * DAY_MS - off

    def _build_agents(self) -> None:
        p, rng = self.plan, self.rng
        qids = [q.id for q in p.queues]
        width = len(str(p.agents))
        for i in range(p.agents):
            skills = [qids[i % len(qids)]]
            if len(qids) > 1 and rng.random() < p.multi_skill:
                other = rng.choice([q for q in qids if q != skills[0]])
                skills.append(other)
            name = p.names[i] if i < len(p.names) else f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[(i * 7 + i // len(SURNAMES)) % len(GIVEN)]}"
            a = _Agent(
                id=f"a{i + 1:0{width}d}", name=name, team=f"Team {chr(65 + i % max(1, p.teams))}",
                skills=tuple(skills), ext=str(2001 + i), since=self.now, idle_since=self.now,
            )
            self.agents[a.id] = a
            if rng.random() < p.initially_logged_out:
                a.state = AgentState.LOGGED_OUT
                self._push(self.now + int(rng.expovariate(1 / 1_200_000)), LOGIN, a, a.token)
            else:
                self._become_available(a, emit=False)
        for a in self.agents.values():
            self._schedule_personal(a)

    def _schedule_personal(self, a: _Agent) -> None:
        """Breaks, logouts and outbound calls: independent Poisson clocks per agent."""
        p = self.plan
        for rate, kind in ((p.breaks_per_hour, BREAK_START), (p.logouts_per_hour, LOGOUT),
                           (p.outbound_per_hour, OUTBOUND)):
            if rate > 0:
                self._push(self.now + int(self.rng.expovariate(rate / 3_600_000)), kind, a, -1)

    # -- the event heap -------------------------------------------------------------

    def _push(self, t: int, kind: int, ref: object, token: int) -> None:
        self._n += 1
        heapq.heappush(self._heap, (t, self._n, kind, ref, token))

    def advance(self, until_ms: int) -> list[Update]:
        """Run every event up to and including ``until_ms``; return what changed, in order."""
        heap = self._heap
        while heap and heap[0][0] <= until_ms:
            t, _, kind, ref, token = heapq.heappop(heap)
            self.now = t
            self._dispatch(kind, ref, token)
        self.now = max(self.now, until_ms)
        out, self.updates = self.updates, []
        return out

    def _dispatch(self, kind: int, ref: object, token: int) -> None:
        if kind == ARRIVAL:
            assert isinstance(ref, QueueTraffic)
            self._arrival(ref)
        elif kind <= WRAP_END or kind == OUTBOUND_END:
            if kind in (ABANDON, ANSWER, HOLD_START, HOLD_END):
                assert isinstance(ref, _Call)
                if kind == ABANDON:
                    self._abandon(ref)
                elif kind == ANSWER:
                    self._answer(ref, token)
                elif kind == HOLD_START:
                    self._hold(ref, True)
                else:
                    self._hold(ref, False)
            else:
                assert isinstance(ref, _Agent)
                if token != ref.token:
                    return
                if kind == CALL_END:
                    self._call_end(ref)
                elif kind == WRAP_END:
                    self._wrap_end(ref)
                else:
                    self._outbound_end(ref)
        elif kind == MIDNIGHT:
            self._midnight_reset()
        else:
            assert isinstance(ref, _Agent)
            self._personal(kind, ref, token)

    # -- callers -----------------------------------------------------------------

    def _next_arrival(self, q: QueueTraffic, t: int) -> None:
        if q.calls_per_hour <= 0:
            return
        rate = q.calls_per_hour * self._peak / 3_600_000  # per ms, thinned below
        while True:
            t += max(1, round(self.rng.expovariate(rate)))
            if not self.plan.time_of_day:
                break
            hour = ((t + self.plan.utc_offset_min * 60_000) // 3_600_000) % 24
            if self.rng.random() * self._peak <= OFFICE_DAY[hour]:
                break
        self._push(t, ARRIVAL, q, 0)

    def _arrival(self, q: QueueTraffic) -> None:
        self._next_arrival(q, self.now)
        self._call_n += 1
        call = _Call(
            id=f"c{self._call_n}", queue=q.id, queued_at=self.now,
            caller_num=f"0{self.rng.randrange(3, 99)}{self.rng.randrange(10_000_000, 99_999_999)}",
        )
        self.calls[call.id] = call
        st = self.qstats[q.id]
        st.offered += 1
        if q.patience_s != math.inf:
            self._push(self.now + max(1, round(self.rng.expovariate(1 / (q.patience_s * 1000)))), ABANDON, call, 0)
        agent = self._longest_idle(q.id)
        if agent is not None:
            call.immediate = True
            self._offer(agent, call)
        else:
            self.waiting[q.id].append(call)
            self._emit_call(call)
        self._emit_queue(q.id)

    def _longest_idle(self, qid: str) -> _Agent | None:
        pool = self.available[qid]
        if not pool:
            return None
        return min(pool, key=lambda a: (a.idle_since, a.id))

    def _offer(self, a: _Agent, call: _Call) -> None:
        self._leave_pool(a)
        call.state = CallState.RINGING
        call.agent = a
        a.call = call
        a.direction = "in"
        self._set(a, AgentState.RINGING)
        ring = round(self.plan.ring_s * 1000)
        if ring <= 0:
            self._answer(call, a.token)
        else:
            self._push(self.now + ring, ANSWER, call, a.token)
            self._emit_call(call)

    def _answer(self, call: _Call, token: int) -> None:
        a = call.agent
        if call.state is not CallState.RINGING or a is None or a.token != token:
            return
        q = self.queues[call.queue]
        st = self.qstats[q.id]
        wait = self.now - call.queued_at
        st.answered += 1
        st.wait_answered_ms += wait
        st.waited(wait)
        in_sl = wait <= q.sl_threshold_s * 1000
        st.answered_in_sl += in_sl
        self.stats.record(call.queued_at, True, not call.immediate, wait, in_sl)
        call.state = CallState.CONNECTED
        call.answered_at = self.now
        talk = self._talk_ms(q, call)
        call.talk_ms = talk
        if self.plan.hold_prob and self.rng.random() < self.plan.hold_prob:
            call.hold_ms = min(round(self.rng.expovariate(1 / (self.plan.hold_mean_s * 1000))), talk // 2)
            call.hold_at_ms = round(self.rng.uniform(0.2, 0.6) * (talk - call.hold_ms))
            if call.hold_ms > 0:
                self._push(self.now + call.hold_at_ms, HOLD_START, call, 0)
        self._set(a, AgentState.ON_CALL)
        if call.long and self.plan.help_prob and self.rng.random() < self.plan.help_prob:
            a.help = True
        self._push(self.now + talk, CALL_END, a, a.token)
        self._emit_call(call)
        self._emit_queue(q.id)

    def _talk_ms(self, q: QueueTraffic, call: _Call) -> int:
        p, rng = self.plan, self.rng
        if p.long_call_prob and rng.random() < p.long_call_prob:
            call.long = True
            return round(rng.uniform(p.long_call_min_s, p.long_call_max_s) * 1000)
        mean = (q.aht_s - q.wrapup_s) * 1000
        if q.handle_dist == "lognormal":
            return max(1000, round(rng.lognormvariate(lognormal_mu(mean, q.handle_sigma), q.handle_sigma)))
        return max(1, round(rng.expovariate(1 / mean)))

    def _hold(self, call: _Call, start: bool) -> None:
        a = call.agent
        if a is None or call.state not in (CallState.CONNECTED, CallState.HELD):
            return
        if start:
            call.state = CallState.HELD
            call.held_since = self.now
            self._push(self.now + call.hold_ms, HOLD_END, call, 0)
            a.state = AgentState.ON_HOLD  # same call: the agent's "since" stays the call's
        else:
            call.state = CallState.CONNECTED
            call.held_total_ms += self.now - (call.held_since or self.now)
            call.held_since = None
            a.state = AgentState.ON_CALL
        self._emit_agent(a)
        self._emit_call(call)

    def _abandon(self, call: _Call) -> None:
        if call.state not in (CallState.QUEUED, CallState.RINGING):
            return
        q = self.queues[call.queue]
        st = self.qstats[q.id]
        wait = self.now - call.queued_at
        st.abandoned += 1
        st.waited(wait)
        st.abandoned_short += wait <= q.short_abandon_s * 1000
        st.abandoned_in_sl += wait <= q.sl_threshold_s * 1000
        self.stats.record(call.queued_at, False, True, wait, False)
        a = call.agent
        if call.state is CallState.QUEUED:
            try:
                self.waiting[q.id].remove(call)
            except ValueError:
                pass
        call.state = CallState.ENDED
        self._end_call(call, "abandoned")
        if a is not None:  # the caller hung up while the agent's phone rang
            a.call = None
            self._become_available(a)
        self._emit_queue(q.id)

    def _end_call(self, call: _Call, reason: str) -> None:
        call.state = CallState.ENDED
        self.calls.pop(call.id, None)
        if self.publish:
            self.updates.append(Call(
                id=call.id, queue=call.queue, state="ended", queued_at=call.queued_at,
                caller_num=call.caller_num, agent_id=call.agent.id if call.agent else None,
                answered_at=call.answered_at, ended_at=self.now, end_reason=reason,
            ))

    def hang_up(self, agent_id: str) -> bool:
        """The caller on this agent's call hangs up now (takes effect at the next advance)."""
        a = self.agents.get(agent_id)
        if a is None or a.call is None or a.state not in (AgentState.ON_CALL, AgentState.ON_HOLD):
            return False
        self._push(self.now, CALL_END, a, a.token)
        return True

    # -- agents ------------------------------------------------------------------

    def _call_end(self, a: _Agent) -> None:
        call = a.call
        if call is None:
            return
        a.call = None
        a.help = False
        self._end_call(call, "completed")
        q = self.queues[call.queue]
        if q.wrapup_s > 0:
            self._set(a, AgentState.WRAPUP)
            a.call = call  # kept for the handle-time count at wrap-up end
            self._push(self.now + round(q.wrapup_s * 1000), WRAP_END, a, a.token)
        else:
            self._count_handled(call, self.now)
            self._free(a)

    def _wrap_end(self, a: _Agent) -> None:
        call = a.call
        a.call = None
        if call is not None:
            self._count_handled(call, self.now)
        self._free(a)

    def _count_handled(self, call: _Call, done: int) -> None:
        st = self.qstats[call.queue]
        st.handled += 1
        st.handle_ms += done - (call.answered_at or done)
        self._emit_queue(call.queue)

    def _free(self, a: _Agent) -> None:
        """The agent finished some work: honour a pending break/logout, else take a call."""
        a.direction = ""
        if a.pending == "logout":
            a.pending = ""
            self._logout(a)
        elif a.pending:
            reason, a.pending = a.pending, ""
            self._go_on_break(a, reason)
        else:
            self._become_available(a)

    def _become_available(self, a: _Agent, emit: bool = True) -> None:
        a.idle_since = self.now
        a.call = None
        # The longest-waiting caller among the agent's queues, if any.
        best: _Call | None = None
        for qid in a.skills:
            dq = self.waiting[qid]
            while dq and dq[0].state is not CallState.QUEUED:
                dq.popleft()
            if dq and (best is None or dq[0].queued_at < best.queued_at):
                best = dq[0]
        if best is not None:
            self.waiting[best.queue].popleft()
            self._offer(a, best)
            return
        a.token += 1
        a.state = AgentState.AVAILABLE
        a.since = self.now
        a.reason = ""
        for qid in a.skills:
            self.available[qid].add(a)
        if emit:
            self._emit_agent(a)

    def _leave_pool(self, a: _Agent) -> None:
        for qid in a.skills:
            self.available[qid].discard(a)

    def _set(self, a: _Agent, state: AgentState, reason: str = "") -> None:
        a.token += 1
        if state is not AgentState.AVAILABLE:
            self._leave_pool(a)
        a.state = state
        a.since = self.now
        a.reason = reason
        self._emit_agent(a)

    def _personal(self, kind: int, a: _Agent, token: int) -> None:
        p, rng = self.plan, self.rng
        if kind in (BREAK_START, LOGOUT, OUTBOUND):
            rate = {BREAK_START: p.breaks_per_hour, LOGOUT: p.logouts_per_hour, OUTBOUND: p.outbound_per_hour}[kind]
            self._push(self.now + int(rng.expovariate(rate / 3_600_000)), kind, a, -1)
            if a.state is AgentState.LOGGED_OUT or a.state is AgentState.PAUSED:
                return
            if kind == OUTBOUND:
                if a.state is AgentState.AVAILABLE:
                    a.direction = "out"
                    self._set(a, AgentState.ON_CALL)
                    self._push(self.now + round(rng.expovariate(1 / 150_000)), OUTBOUND_END, a, a.token)
                return
            want = "logout" if kind == LOGOUT else self._break_reason()
            if a.state is AgentState.AVAILABLE:
                a.pending = want
                self._leave_pool(a)
                self._free(a)
            elif not a.pending:
                a.pending = want
        elif kind == BREAK_END:
            if token == a.token and a.state is AgentState.PAUSED:
                self._become_available(a)
        elif kind == LOGIN and token == a.token and a.state is AgentState.LOGGED_OUT:
            self._become_available(a)

    def _break_reason(self) -> str:
        x = self.rng.random()
        for reason, share, _ in BREAK_REASONS:
            x -= share
            if x < 0:
                return reason
        return BREAK_REASONS[0][0]

    def _go_on_break(self, a: _Agent, reason: str) -> None:
        self._set(a, AgentState.PAUSED, reason)
        mean_min = next(m for r, _, m in BREAK_REASONS if r == reason)
        self._push(self.now + round(self.rng.expovariate(1 / (mean_min * 60_000))), BREAK_END, a, a.token)

    def _logout(self, a: _Agent) -> None:
        self._set(a, AgentState.LOGGED_OUT)
        self._push(self.now + round(self.rng.uniform(600_000, 3_600_000)), LOGIN, a, a.token)

    def _outbound_end(self, a: _Agent) -> None:
        self._free(a)

    def _midnight_reset(self) -> None:
        self._push(self.now + DAY_MS, MIDNIGHT, None, 0)
        # Callers still waiting at midnight are offered to the new day too, so each day's
        # counters add up: offered = answered + abandoned + still waiting.
        carried = Counter(c.queue for c in self.calls.values()
                          if c.state in (CallState.QUEUED, CallState.RINGING))
        for qid in self.qstats:
            self.qstats[qid] = _QueueStats(interval_start=self.now, offered=carried[qid])
            self._emit_queue(qid)

    # -- publishing ----------------------------------------------------------------

    def _emit_agent(self, a: _Agent) -> None:
        if self.publish:
            self.updates.append(self.agent_view(a))

    def _emit_call(self, c: _Call) -> None:
        if self.publish:
            self.updates.append(self.call_view(c))

    def _emit_queue(self, qid: str) -> None:
        if self.publish:
            self.updates.append(self.queue_view(qid))

    def agent_view(self, a: _Agent) -> Agent:
        return Agent(
            id=a.id, name=a.name, team=a.team, state=a.state.value, since=a.since, reason=a.reason,
            queues=a.skills, call_id=a.call.id if a.call is not None and a.state is not AgentState.WRAPUP else None,
            ext=a.ext, direction=a.direction if a.state in (AgentState.ON_CALL, AgentState.ON_HOLD, AgentState.RINGING) else "",
            help=a.help,
        )

    def call_view(self, c: _Call) -> Call:
        return Call(
            id=c.id, queue=c.queue, state=c.state.value, queued_at=c.queued_at, caller_num=c.caller_num,
            agent_id=c.agent.id if c.agent else None, answered_at=c.answered_at, held_since=c.held_since,
        )

    def queue_view(self, qid: str) -> Queue:
        q, s = self.queues[qid], self.qstats[qid]
        return s.queue(id=q.id, name=q.name, interval_start=s.interval_start, sl_threshold_s=q.sl_threshold_s,
                       sl_target_pct=q.sl_target_pct, short_abandon_s=q.short_abandon_s)

    def snapshot(self) -> tuple[list[Agent], list[Queue], list[Call]]:
        return (
            [self.agent_view(a) for a in self.agents.values()],
            [self.queue_view(q) for q in self.queues],
            [self.call_view(c) for c in self.calls.values()],
        )
