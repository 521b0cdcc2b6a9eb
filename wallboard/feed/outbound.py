"""The server's outbound desk: today's tallies kept from the floor and from outcomes, stored, and rebuilt.

Every server that publishes a floor (a bridge, the embedded call centre) can hold one: the
:class:`~wallboard.feed.server.FeedServer` shows it what it publishes (outbound calls become dials and
connects, agents' logins the per-hour rates) and hands it each outcome (an AMI ``UserEvent``, the CRM
webhook, the simulator's dialler). Outcomes and dials go to the history store as they come, so a
restarted server rebuilds today's whiteboard exactly (outcome ids make a replay harmless).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable

from ..core.model import Agent, AgentState, Call
from ..core.outbound import OutboundRules, Outcome, Tally, TallyBook
from ..core.protocol import RECENT_OUTCOMES, TallyUpdate, Whiteboard
from .historystore import HistoryError, HistoryStore

log = logging.getLogger("wallboard.outbound")


class OutboundDesk:
    def __init__(self, rules: OutboundRules, day_start: Callable[[int], int], now: int,
                 store: HistoryStore | None = None) -> None:
        """``day_start(now)``: when the centre's day that holds ``now`` began (its midnight or reset time)."""
        self.rules, self.store, self.day_start = rules, store, day_start
        self.book = TallyBook(rules, day_start(now))
        self.recent: deque[Outcome] = deque(maxlen=RECENT_OUTCOMES)  # the latest positives, for a ticker
        self.refused = 0  # outcomes that could not be counted (a wrong kind, another day)
        self._positive = {k.id for k in rules.kinds if k.positive}
        self._calls: dict[str, tuple[str, bool]] = {}  # outbound call id → (agent, connected) as last stored
        self._rebuild(now)

    def _rebuild(self, now: int) -> None:
        """Today from the store: its outcomes and dials (an empty store, or none: an empty day)."""
        if self.store is None:
            return
        start = self.book.day_start
        for call, agent, at, connected in self.store.dials(start, now + 1):
            self.book.dial(agent, call, at, connected is not None)
            self._calls[call] = (agent, connected is not None)
        for o in self.store.outcomes(start, now + 1):
            if self.book.outcome(o) and o.kind in self._positive:
                self.recent.append(o)

    # -- what the server sees ---------------------------------------------------------------------------

    def observe(self, objects: Iterable[object], now: int) -> list[TallyUpdate]:
        """Published floor objects; the tallies they changed (a new day: every tally)."""
        out: dict[str, None] = {}
        if self.day_start(now) > self.book.day_start:
            self.book.new_day(self.day_start(now))
            self._calls.clear()
            self.recent.clear()
            out.update(dict.fromkeys(self.book.days))
        dials: list[tuple[str, str, int, int | None]] = []
        for obj in objects:
            if isinstance(obj, Call):
                if obj.direction == "out" and obj.agent_id:
                    seen = (obj.agent_id, obj.answered_at is not None)
                    if self._calls.get(obj.id) != seen:  # a new attempt, or now connected
                        if self.book.dial(obj.agent_id, obj.id, obj.queued_at, seen[1]):
                            out[obj.agent_id] = None
                        self._calls[obj.id] = seen
                        dials.append((obj.id, obj.agent_id, obj.queued_at, obj.answered_at))
            elif isinstance(obj, Agent):
                self._agent(obj, now, out)
        if dials and self.store is not None:
            self._store(lambda s: s.add_dials(dials))
        if len(self._calls) > 200_000:  # a day's attempts are tens of thousands; never grow without end
            self._calls.clear()
        return [TallyUpdate(ts=now, tally=self.book.tally(a)) for a in out if self.book.active(a)]

    def _agent(self, a: Agent, now: int, out: dict[str, None]) -> None:
        logged_in = a.status is not AgentState.LOGGED_OUT
        if not self.book.knows_login(a.id):
            closed, since = (0, None)
            if self.store is not None:
                closed, since = self.store.login_today((a.id, a.name), self.book.day_start, now)
            if logged_in and since is None:
                since = max(min(a.since, now), self.book.day_start)
            self.book.set_login(a.id, closed, since if logged_in else None)
            if a.id in self.book.days and (closed or since is not None):
                out[a.id] = None
        elif self.book.login(a.id, logged_in, min(max(a.since, self.book.day_start), now)):
            out[a.id] = None

    def record(self, o: Outcome, source: str = "") -> TallyUpdate | None:
        """An outcome: counted, stored and its tally returned — None if it was counted before (a replay) or
        is not today's."""
        if o.at < self.book.day_start or o.id in self.book.seen:
            if o.at < self.book.day_start:
                self.refused += 1
                log.info("outcome %s refused: it is from before today's start", o.id)
            return None
        if self.store is not None and not self._store(lambda s: s.add_outcome(o, source)):
            return None  # stored before this server's day began counting it (or the store failed)
        if not self.book.outcome(o):
            self.refused += 1
            return None
        if o.kind in self._positive:
            self.recent.append(o)
        return TallyUpdate(ts=o.at, tally=self.book.tally(o.agent), outcome=o)

    def _store(self, write: Callable[[HistoryStore], object]) -> object:
        assert self.store is not None
        try:
            return write(self.store)
        except HistoryError as err:  # the day's figures go on in memory; the operator is told
            log.error("%s", err)
            return True

    def whiteboard(self, now: int) -> Whiteboard:
        return Whiteboard(ts=now, rules=self.rules, tallies=tuple(self.book.tallies()), recent=tuple(self.recent))

    def tally(self, agent: str) -> Tally:
        return self.book.tally(agent)
