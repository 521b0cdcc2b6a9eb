"""The supervisor's figures, computed from the floor's state at a given server time.

Definitions (also in ``resources/docs/metrics.md``; keep them in step):

- **Offered / answered / abandoned**: the server's interval counters (since the
  queue's ``interval_start``, the centre's local midnight).
- **Short abandons** (caller gave up within ``short_abandon_s``) are removed from
  offered and abandoned, and so from the abandon rate and service level.
- **Abandon rate** = abandoned / offered.
- **Service level**, two forms, named on screen:
  ``SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS`` (default)
  = answered within T / (answered + abandoned after T);
  ``SLFormula.ANSWERED_OVER_OFFERED`` = answered within T / offered.
- **ASA** = total wait of answered calls / answered.
- **AHT** = total (talk + hold + wrap-up) of handled calls / handled.
- **Waiting (待ち呼)** = live calls queued or ringing an agent, not yet answered.
- **Longest wait** = now − ``queued_at`` of the oldest waiting caller (server clock).
- **Time in state** = now − ``since`` (server clock, corrected by the client's offset).

Nothing here reads a clock: ``now_ms`` is always passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum

from .model import WAITING_CALL_STATES, Agent, AgentState, Call, Queue


class SLFormula(str, Enum):
    ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS = "answered_vs_answered_and_late_abandons"
    ANSWERED_OVER_OFFERED = "answered_vs_offered"

    @property
    def label(self) -> str:
        if self is SLFormula.ANSWERED_OVER_OFFERED:
            return "answered ≤T ÷ offered"
        return "answered ≤T ÷ (answered + abandoned >T)"


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue_id: str
    name: str
    waiting: int
    longest_wait_s: float | None
    longest_today_s: float | None  # 最長待ち today: the longest wait of a caller who left, or of one waiting now
    offered: int
    answered: int
    abandoned: int
    abandon_rate: float | None
    service_level: float | None
    sl_threshold_s: int | None  # None when queues with different thresholds are summed
    sl_target_pct: float
    asa_s: float | None
    aht_s: float | None
    agents_by_state: Mapping[AgentState, int]

    @property
    def logged_in(self) -> int:
        return sum(n for s, n in self.agents_by_state.items() if s is not AgentState.LOGGED_OUT)

    @property
    def available(self) -> int:
        return self.agents_by_state.get(AgentState.AVAILABLE, 0)


@dataclass(frozen=True, slots=True)
class FloorFigures:
    queues: tuple[QueueFigures, ...]
    total: QueueFigures
    groups: tuple[QueueFigures, ...] = ()  # a profile's queue groups, each summing its queues


_WAITING_STRINGS = frozenset(s.value for s in WAITING_CALL_STATES)


def _by_state(raw: Mapping[str, int]) -> dict[AgentState, int]:
    out: dict[AgentState, int] = {}
    for name, n in raw.items():
        if n:  # counted agent by agent: a state all left is 0, not a state anyone is in
            st = AgentState.of(name)
            out[st] = out.get(st, 0) + n
    return out


def seconds_since(since_ms: int, now_ms: int) -> float:
    """Elapsed seconds, never negative (a skewed or early stamp shows 0, not -3 s)."""
    return max(0.0, (now_ms - since_ms) / 1000.0)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den > 0 else None


@dataclass(slots=True)
class QueueCounters:
    """A queue's interval counters, as the feed's ``Queue`` carries them; also an accumulator."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    abandoned_short: int = 0
    answered_in_sl: int = 0
    abandoned_in_sl: int = 0
    wait_answered_ms: int = 0
    handled: int = 0
    handle_ms: int = 0
    longest_wait_ms: int = 0  # a maximum, not a sum

    def add(self, q: Queue) -> None:
        self.offered += q.offered
        self.answered += q.answered
        self.abandoned += q.abandoned
        self.abandoned_short += q.abandoned_short
        self.answered_in_sl += q.answered_in_sl
        self.abandoned_in_sl += q.abandoned_in_sl
        self.wait_answered_ms += q.wait_answered_ms
        self.handled += q.handled
        self.handle_ms += q.handle_ms
        self.longest_wait_ms = max(self.longest_wait_ms, q.longest_wait_ms)

    def waited(self, wait_ms: int) -> None:
        """A caller left the queue (answered or not) after waiting ``wait_ms``: today's longest wait."""
        self.longest_wait_ms = max(self.longest_wait_ms, wait_ms)

    def queue(self, *, id: str, name: str, interval_start: int, sl_threshold_s: int, sl_target_pct: float,
              short_abandon_s: int, interval_partial: bool = False) -> Queue:
        """The feed's ``Queue`` with these counters (every producer builds it here, field for field)."""
        return Queue(id=id, name=name, interval_start=interval_start, interval_partial=interval_partial,
                     sl_threshold_s=sl_threshold_s,
                     sl_target_pct=sl_target_pct, short_abandon_s=short_abandon_s,
                     **{f.name: getattr(self, f.name) for f in fields(QueueCounters)})


def _longest_today(s: QueueCounters, oldest: int | None, now_ms: int) -> float | None:
    waiting = None if oldest is None else seconds_since(oldest, now_ms)
    done = s.longest_wait_ms / 1000.0 if s.longest_wait_ms or s.answered or s.abandoned else None
    return max((v for v in (waiting, done) if v is not None), default=None)


def _figures(
    queue_id: str, name: str, s: QueueCounters, waiting: int, oldest: int | None, now_ms: int,
    sl_threshold_s: int | None, sl_target_pct: float, by_state: Mapping[AgentState, int],
    formula: SLFormula,
) -> QueueFigures:
    abandoned = s.abandoned - s.abandoned_short
    offered = s.offered - s.abandoned_short
    if formula is SLFormula.ANSWERED_OVER_OFFERED:
        sl = _ratio(s.answered_in_sl, offered)
    else:
        sl = _ratio(s.answered_in_sl, s.answered + s.abandoned - s.abandoned_in_sl)
    return QueueFigures(
        queue_id=queue_id,
        name=name,
        waiting=waiting,
        longest_wait_s=None if oldest is None else seconds_since(oldest, now_ms),
        longest_today_s=_longest_today(s, oldest, now_ms),
        offered=offered,
        answered=s.answered,
        abandoned=abandoned,
        abandon_rate=_ratio(abandoned, offered),
        service_level=sl,
        sl_threshold_s=sl_threshold_s,
        sl_target_pct=sl_target_pct,
        asa_s=None if s.answered == 0 else s.wait_answered_ms / s.answered / 1000.0,
        aht_s=None if s.handled == 0 else s.handle_ms / s.handled / 1000.0,
        agents_by_state=by_state,
    )


@dataclass(frozen=True, slots=True)
class FloorCounts:
    """Everything in the figures that does not depend on the time (so a clock tick reuses it)."""

    queues: Mapping[str, Queue]
    waiting: Mapping[str, int]
    oldest: Mapping[str, int]
    all_oldest: int | None
    total_waiting: int
    per_queue: Mapping[str, Mapping[AgentState, int]]
    floor: Mapping[AgentState, int]
    #: group name → (its queues present on the floor, its agents by state: each agent once)
    groups: Mapping[str, tuple[tuple[str, ...], Mapping[AgentState, int]]] = field(default_factory=dict)


def floor_figures(
    agents: Iterable[Agent],
    queues: Mapping[str, Queue],
    calls: Iterable[Call],
    now_ms: int,
    formula: SLFormula = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS,
) -> FloorFigures:
    """Per-queue figures (in ``queues`` order) and the floor total."""
    return figures_at(floor_counts(agents, queues, calls), now_ms, formula)


def floor_counts(agents: Iterable[Agent], queues: Mapping[str, Queue], calls: Iterable[Call],
                 groups: Mapping[str, Iterable[str]] | None = None) -> FloorCounts:
    """One pass over calls and agents: waiting callers, oldest join times, agents by state.

    ``groups`` (name → queue ids): figures that sum several queues, e.g. 受付 = sales + billing; an
    agent skilled in two of a group's queues is one agent of the group, not two. A group with no
    known queue is left out."""
    return AgentCounts(agents, queues, groups).floor_counts(queues, calls)


class AgentCounts:
    """Agents by state per queue, per group and on the floor, kept agent by agent.

    At 5,000 events a second a board recounting 2,000 agents ten times a second spent a twentieth of a
    core on it; a view changes a few dozen agents, and :meth:`move` takes each one's old self out and
    its new self in. Counted by the raw state string (the hot path), turned into states when read."""

    __slots__ = ("_queue", "_floor", "_groups", "members")

    def __init__(self, agents: Iterable[Agent], queues: Iterable[str],
                 groups: Mapping[str, Iterable[str]] | None = None) -> None:
        self._queue: dict[str, dict[str, int]] = {q: {} for q in queues}
        self._floor: dict[str, int] = {}
        # a group none of whose queues is on this floor (or in this board's part) has no card: zeros would look true
        self.members = {name: known for name, ids in (groups or {}).items()
                        if (known := tuple(q for q in dict.fromkeys(ids) if q in self._queue))}
        self._groups: list[tuple[frozenset[str], dict[str, int]]] = [(frozenset(ids), {})
                                                                       for ids in self.members.values()]
        for agent in agents:
            self._add(agent, 1)

    def _add(self, agent: Agent, n: int) -> None:
        st = agent.state
        floor = self._floor
        floor[st] = floor.get(st, 0) + n
        raw_queue = self._queue
        for qid in agent.queues:
            counts = raw_queue.get(qid)
            if counts is not None:
                counts[st] = counts.get(st, 0) + n
        if self._groups and agent.queues:
            for ids, counts in self._groups:
                if not ids.isdisjoint(agent.queues):
                    counts[st] = counts.get(st, 0) + n

    def move(self, old: Agent | None, new: Agent | None) -> None:
        """An agent changed (None: it was not counted before, or is not now)."""
        if old is not None:
            self._add(old, -1)
        if new is not None:
            self._add(new, 1)

    def floor_counts(self, queues: Mapping[str, Queue], calls: Iterable[Call]) -> FloorCounts:
        """With the calls' part (waiting callers, oldest join times: one pass over the live calls)."""
        waiting: dict[str, int] = dict.fromkeys(queues, 0)
        oldest: dict[str, int] = {}
        all_oldest: int | None = None
        total_waiting = 0
        waiting_states = _WAITING_STRINGS
        for call in calls:
            if call.state not in waiting_states or call.direction == "out":  # a dialler's ringing call waits for no one
                continue
            total_waiting += 1
            qid = call.queue
            if qid in waiting:
                waiting[qid] += 1
                prev = oldest.get(qid)
                if prev is None or call.queued_at < prev:
                    oldest[qid] = call.queued_at
            if all_oldest is None or call.queued_at < all_oldest:
                all_oldest = call.queued_at
        per_queue = {q: _by_state(c) for q, c in self._queue.items()}
        groups = {name: (ids, _by_state(counts)) for (name, ids), (_, counts) in zip(self.members.items(), self._groups)}
        return FloorCounts(queues, waiting, oldest, all_oldest, total_waiting, per_queue, _by_state(self._floor), groups)


def figures_at(
    counts: FloorCounts, now_ms: int,
    formula: SLFormula = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS,
) -> FloorFigures:
    """The figures at ``now_ms`` from counts taken once per change of the floor."""
    queues, waiting, oldest, per_queue = counts.queues, counts.waiting, counts.oldest, counts.per_queue
    out = []
    total = QueueCounters()
    thresholds = set()
    target = 0.0
    for qid, q in queues.items():
        s = QueueCounters()
        s.add(q)
        total.add(q)
        thresholds.add(q.sl_threshold_s)
        target = max(target, q.sl_target_pct)
        out.append(_figures(
            qid, q.name, s, waiting[qid], oldest.get(qid), now_ms, q.sl_threshold_s,
            q.sl_target_pct, per_queue[qid], formula,
        ))
    total_fig = _figures(
        "*", "Total", total, counts.total_waiting, counts.all_oldest, now_ms,
        thresholds.pop() if len(thresholds) == 1 else None, target, counts.floor, formula,
    )
    return FloorFigures(tuple(out), total_fig, tuple(_group(name, ids, by_state, counts, now_ms, formula)
                                                     for name, (ids, by_state) in counts.groups.items()))


def _group(name: str, ids: tuple[str, ...], by_state: Mapping[AgentState, int], counts: FloorCounts, now_ms: int,
           formula: SLFormula) -> QueueFigures:
    """A group's figures: its queues' counters and callers summed, as the total sums every queue."""
    s = QueueCounters()
    thresholds = set()
    target = 0.0
    oldest: int | None = None
    for qid in ids:
        q = counts.queues[qid]
        s.add(q)
        thresholds.add(q.sl_threshold_s)
        target = max(target, q.sl_target_pct)
        o = counts.oldest.get(qid)
        if o is not None and (oldest is None or o < oldest):
            oldest = o
    return _figures(f"group:{name}", name, s, sum(counts.waiting[q] for q in ids), oldest, now_ms,
                    thresholds.pop() if len(thresholds) == 1 else None, target, by_state, formula)
