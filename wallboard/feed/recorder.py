"""History from what a server publishes: the feed's own Call and Agent objects, turned into the history
store's calls and agent intervals — for a backend with no log of its own (the embedded call centre, a
FreeSWITCH bridge). Asterisk's bridge reads queue_log instead (``wallboard.asterisk.history``).

- A call is recorded from its first object (``queued_at``: entered), answered when ``answered_at`` appears,
  its hold summed from ``held_since`` changes, and over when it ends: ``completed`` / ``transferred`` after an
  answer → answered (handled once the agent's wrap-up, if any, is over: its time is the call's); else
  ``abandoned``, ``timeout``, or ``exited`` (a key, a failed or other end).
- An agent's intervals follow its state: logged in while not ``logged_out``; paused (with the reason);
  wrap-up. Talk and hold are the calls' own.

Records are written as they change (upserts: a rewrite is harmless). Pure bookkeeping plus the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from ..core.history import ABANDONED, ANSWERED, EXITED, TIMEOUT, CallRecord, Interval, QueueRules, queue_counters
from ..core.metrics import QueueCounters
from ..core.model import Agent, AgentState, Call, CallState
from ..core.protocol import Gone
from .historystore import HistoryStore

_UNANSWERED = {"abandoned": ABANDONED, "timeout": TIMEOUT}


class HistoryRecorder:
    def __init__(self, store: HistoryStore, keep_since: int = 0, *, calls: bool = True,
                 kinds: frozenset[str] = frozenset({"login", "pause", "wrapup"}), by_name: bool = False) -> None:
        """``calls``/``kinds``: what to record (Asterisk's bridge has queue_log for calls and pauses: it records
        only logins, which queue_log lacks for static members); ``by_name``: an agent's history key is its
        name (queue_log's member name), not its feed id."""
        self.store = store
        self.record_calls, self.kinds, self.by_name = calls, kinds, by_name
        #: every call recorded that entered since ``keep_since`` (today and the day before), by key: what
        #: today's counters are computed from, without asking the store
        self.recent: dict[tuple[str, str, int], CallRecord] = {
            c.key: c for c in (store.calls(keep_since, 2**62) if keep_since else ())}
        self.changed = True
        self._calls: dict[str, CallRecord] = {}  # by call id, while not handled
        self._held: dict[str, int] = {}  # call id → when its current hold began
        self._agents: dict[str, Agent] = {}  # as last seen
        self._open: dict[tuple[str, str], Interval] = {}  # (agent, kind) → the running interval
        self._last_call: dict[str, str] = {}  # agent → its call that ended, until its wrap-up is over

    def observe(self, updates: Iterable[object], now: int) -> None:
        out: list[CallRecord | Interval] = []
        for u in updates:
            if isinstance(u, Call) and self.record_calls and u.direction != "out":  # outbound: the outbound desk's
                self._call(u, now, out)
            elif isinstance(u, Agent):
                self._agent(u, now, out)
            elif isinstance(u, Gone) and u.kind == "agent":
                self._agent_gone(u.id, now, out)
        if out:
            self.store.write(out)
            for r in out:
                if isinstance(r, CallRecord):
                    self.recent[r.key] = r
                    self.changed = True

    def load(self, agents: Iterable[Agent], calls: Iterable[Call], now: int) -> None:
        """A snapshot: the floor as it is (agents' intervals from their state's start; calls from when they
        entered). The first one also ends what an earlier run left open: it never saw those end."""
        if not self._agents and not self._open:
            self.store.close_open(self.kinds, now)
        self.observe([*calls, *agents], now)

    # -- calls -------------------------------------------------------------------------------------------

    def _call(self, c: Call, now: int, out: list[CallRecord | Interval]) -> None:
        rec = self._calls.get(c.id) or CallRecord(id=c.id, queue=c.queue, entered=c.queued_at)
        if c.answered_at is not None and rec.answered is None:
            rec = msgspec.structs.replace(rec, answered=c.answered_at, agent=c.agent_id or "",
                                          wait_ms=max(0, c.answered_at - c.queued_at))
        if c.held_since is not None and c.id not in self._held:
            self._held[c.id] = c.held_since
        elif c.held_since is None and c.id in self._held:
            rec = msgspec.structs.replace(rec, hold_ms=rec.hold_ms + max(0, now - self._held.pop(c.id)))
        if c.status is CallState.ENDED:
            ended = c.ended_at or now
            if c.id in self._held:
                rec = msgspec.structs.replace(rec, hold_ms=rec.hold_ms + max(0, ended - self._held.pop(c.id)))
            if rec.answered is not None:
                rec = msgspec.structs.replace(rec, ended=ended, transferred=c.end_reason == "transferred",
                                              talk_ms=max(0, ended - rec.answered - rec.hold_ms))
                if rec.agent:
                    self._last_call[rec.agent] = c.id  # handled once the agent's next state says: wrap-up or not
                else:
                    rec = msgspec.structs.replace(rec, outcome=ANSWERED)
            else:
                rec = msgspec.structs.replace(rec, ended=ended, wait_ms=max(0, ended - c.queued_at),
                                              outcome=_UNANSWERED.get(c.end_reason, EXITED),
                                              detail=c.end_reason if c.end_reason not in _UNANSWERED else "")
        self._calls[c.id] = rec
        out.append(rec)
        if rec.outcome:
            del self._calls[c.id]

    def _handled(self, agent_id: str, now: int, out: list[CallRecord | Interval]) -> None:
        cid = self._last_call.pop(agent_id, None)
        rec = self._calls.pop(cid, None) if cid is not None else None
        if rec is None:
            return
        wrap = self._open.get((agent_id, "wrapup"))
        wrap_ms = max(0, now - wrap.start) if wrap is not None else 0
        out.append(msgspec.structs.replace(rec, outcome=ANSWERED, wrapup_ms=wrap_ms))

    # -- agents ------------------------------------------------------------------------------------------

    def _agent(self, a: Agent, now: int, out: list[CallRecord | Interval]) -> None:
        before = self._agents.get(a.id)
        self._agents[a.id] = a
        if before is not None and (before.state, before.reason) == (a.state, a.reason):
            return
        state = a.status
        at = min(a.since, now)  # when the new state began, by the server's own stamp
        if state is not AgentState.WRAPUP and a.id in self._last_call:
            self._handled(a.id, at, out)  # its wrap-up is over, or there was none
        key = a.name if self.by_name else a.id
        for kind, on, reason in (("login", state is not AgentState.LOGGED_OUT, ""),
                                 ("pause", state is AgentState.PAUSED, a.reason),
                                 ("wrapup", state is AgentState.WRAPUP, "")):
            if kind in self.kinds:
                self._set(key, kind, on, reason, at, at, out)

    def _set(self, agent: str, kind: str, on: bool, reason: str, since: int, now: int,
             out: list[CallRecord | Interval]) -> None:
        running = self._open.get((agent, kind))
        if running is not None and (not on or running.reason != reason):
            out.append(msgspec.structs.replace(running, end=now))
            del self._open[(agent, kind)]
            running = None
        if on and running is None:
            iv = Interval(agent=agent, kind=kind, start=since, reason=reason)
            self._open[(agent, kind)] = iv
            out.append(iv)

    def _agent_gone(self, agent: str, now: int, out: list[CallRecord | Interval]) -> None:
        seen = self._agents.pop(agent, None)
        key = seen.name if self.by_name and seen is not None else agent
        for kind in ("login", "pause", "wrapup"):
            self._set(key, kind, False, "", now, now, out)

    def counters(self, day_start: int, rules: Mapping[str, QueueRules] | None = None) -> dict[str, QueueCounters]:
        """Today's counters (calls that entered since ``day_start``); older days are let go of."""
        self.changed = False
        for key in [k for k, c in self.recent.items() if c.entered < day_start - 86_400_000]:
            del self.recent[key]
        return queue_counters(self.recent.values(), rules, start=day_start)
