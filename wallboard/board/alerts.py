"""What the alert book's alerts mean on the board: marks per agent and queue, newly critical, exceptions.

Rules:

1. A tile or a queue card carries the highest level of its alerts: warning or critical, each
   with its own glyph and word (colour is never the only cue).
2. Only two things move: an agent's help flag (手上げ) until it is acknowledged, and a critical
   alert left unacknowledged for ``flash_after_s``. They *pulse* (a slow, low swell), never
   flash; everything else is steady.
3. A critical alert is announced (tray, sound) once per episode: when it first becomes critical.
4. The exceptions (a TV page option) are the agents with an agent alert — long calls, long holds,
   overdue wrap-up or pause, help flags — most urgent first.
5. A figure that sums queues (a TV's key strip) is marked by kind: its waiting count by the queues'
   ``waiting_count`` alerts, its longest wait by ``waiting_time``, its service level by
   ``service_level``: the mark sits on the figure that is wrong, not on the first one.

Pure: the time is passed in, and the alert book (:mod:`wallboard.core.alerts`) does the judging.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from ..core.alerts import Alert, AlertBook, AlertRules, Level
from ..core.metrics import FloorFigures
from ..core.model import Agent
from ..core.view import FloorView


class Mark(IntEnum):
    """How a tile or card shows its alerts (rule 1 and 2), in rising urgency."""

    NONE = 0
    WARN = 1
    CRITICAL = 2
    PULSE = 3  # critical, unacknowledged and due for attention: the calm pulse


@dataclass(frozen=True, slots=True)
class AlertMarks:
    alerts: tuple[Alert, ...] = ()  # every active alert, most urgent first
    agents: Mapping[str, Mark] = field(default_factory=dict)
    queues: Mapping[str, Mark] = field(default_factory=dict)
    newly_critical: tuple[Alert, ...] = ()  # rule 3: announce these
    exceptions: tuple[str, ...] = ()  # rule 4: agent ids
    queue_kinds: Mapping[str, Mark] = field(default_factory=dict)  # rule 5: kind -> highest over the queues

    @property
    def pulsing(self) -> bool:
        return any(m is Mark.PULSE for m in self.agents.values()) or any(
            m is Mark.PULSE for m in self.queues.values())


def mark_of(alert: Alert, now_ms: int, flash_after_s: float) -> Mark:
    if alert.level is Level.NONE:
        return Mark.NONE
    if alert.level is Level.WARN:
        return Mark.WARN
    if alert.acked_by is None and (alert.kind == "help" or alert.flashing(now_ms, flash_after_s)):
        return Mark.PULSE
    return Mark.CRITICAL


class BoardAlerts:
    """The alert book as one board sees it: evaluated once a second, and on demand after an ack."""

    def __init__(self, rules: AlertRules | None = None) -> None:
        self.book = AlertBook(rules)
        self._critical_seen: set[tuple[str, str]] = set()
        self.marks = AlertMarks()
        # Agents by when a rule can first fire for them (``AlertBook.due_ms``): an evaluation passes the
        # book only those due by now, not all 2,000 (most of an idle board's alert work was skipping them).
        self._due: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []  # (due, agent); stale entries are dropped as they surface
        self._ready: set[str] = set()  # due by the last evaluation: passed every time, until they change

    @property
    def rules(self) -> AlertRules:
        return self.book.rules

    def update(self, view: FloorView, figures: FloorFigures | None, now_ms: int,
               counted: Callable[[Agent], bool] | None = None, changed: Iterable[str] | None = None) -> AlertMarks:
        """Evaluate at ``now_ms``. ``counted``: the agents in the board's part (None: all). ``changed``: the
        agents changed since the last evaluation, their calls' changes included (None: look at every one)."""
        agents, calls = view.agents, view.calls
        if changed is None:
            self._due, self._heap, self._ready = {}, [], set()
            changed = agents
        due_of, heap, ready = self._due, self._heap, self._ready
        for aid in changed:
            a = agents.get(aid)
            ready.discard(aid)
            if a is None or (counted is not None and not counted(a)):
                due_of.pop(aid, None)
                continue
            due_of[aid] = due = self.book.due_ms(a, calls)
            if due != math.inf:
                heapq.heappush(heap, (due, aid))
        while heap and heap[0][0] <= now_ms:
            due, aid = heapq.heappop(heap)
            if due_of.get(aid) == due:  # not changed since it was pushed
                ready.add(aid)
        if len(heap) > 4 * len(due_of) + 1000:  # changes pile up entries: keep only each agent's own
            self._heap = heap = [(d, aid) for aid, d in due_of.items() if d != math.inf and aid not in ready]
            heapq.heapify(heap)
        alerts = self.book.update([a for aid in ready if (a := agents.get(aid)) is not None], calls, figures, now_ms,
                                  view.acks)
        flash_after = self.book.rules.flash_after_s
        per_agent: dict[str, Mark] = {}
        per_queue: dict[str, Mark] = {}
        per_kind: dict[str, Mark] = {}
        fresh: list[Alert] = []
        seen = self._critical_seen
        for al in alerts:
            m = mark_of(al, now_ms, flash_after)
            if al.agent_id is not None:
                if m > per_agent.get(al.agent_id, Mark.NONE):
                    per_agent[al.agent_id] = m
            elif al.queue_id is not None:
                per_queue[al.queue_id] = max(m, per_queue.get(al.queue_id, Mark.NONE))
                per_kind[al.kind] = max(m, per_kind.get(al.kind, Mark.NONE))
            if al.level is Level.CRITICAL and al.key not in seen:
                seen.add(al.key)
                fresh.append(al)
        seen &= {al.key for al in alerts if al.level is Level.CRITICAL}
        exceptions = tuple(dict.fromkeys(al.agent_id for al in alerts if al.agent_id is not None))
        self.marks = AlertMarks(tuple(alerts), per_agent, per_queue, tuple(fresh), exceptions, per_kind)
        return self.marks

    def acknowledge_here(self, key: tuple[str, str], who: str, now_ms: int) -> bool:
        """For a server that keeps no acknowledgements: this board's own (rule 2 stops here only)."""
        return self.book.acknowledge(key, who, now_ms) is not None
