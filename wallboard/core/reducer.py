"""The floor's state, and the one function that changes it: :meth:`FloorState.apply`.

Rules:

1. A snapshot replaces everything and sets ``seq``; deltas must then arrive with
   ``seq`` exactly one higher each. A duplicate (``seq`` already seen) is dropped and
   counted. A gap, a reordering, a heartbeat announcing a ``seq`` we never got, a
   new ``stream``, or a new connection (``welcome``) make the state *unsynced*: nothing
   more is applied until a fresh snapshot (after a gap, the caller is told to ask for
   one: ``Verdict.RESYNC``). Never a silent drift, and never old data shown as live.
2. Nothing here raises on feed data. Oddities are counted in :class:`FeedCounters`.
3. ``changed_agents`` / ``changed_queues`` / ``layout_changed`` accumulate until the
   reader takes them (:meth:`FloorState.take_changes`), so the board repaints only what
   changed, once per frame, not once per event.
4. One bad record costs only itself (a :class:`~wallboard.core.protocol.Damaged` message):
   the rest applies; a bad agent stays on the board as ``unknown`` (listed in
   ``unreadable``, never silently gone), a bad queue or call is taken off and listed, and
   the next good record of the same id clears it.
5. A snapshot lost whole (its envelope unreadable) unsyncs the board at once: the deltas
   after it are on a base the board does not have, and their ``seq`` may not show it (a
   server may send a snapshot at the ``seq`` it had). A lost delta, or a newer server's
   type that carries a ``seq``, is caught by rule 1 at the next delta or heartbeat.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

from .errors import FrameRejected, UnknownMessageType
from .model import CALL_TRANSITIONS, Agent, AgentState, Call, CallState, Queue
from .protocol import (
    DELTA_TYPES,
    AgentRemove,
    AgentUpdate,
    BadRecord,
    CallUpdate,
    Damaged,
    Delta,
    Heartbeat,
    QueueRemove,
    QueueUpdate,
    ServerMessage,
    Snapshot,
    Welcome,
)

_ENDED = CallState.ENDED.value
#: CALL_TRANSITIONS as (before, after) state strings: one set lookup per call; only a pair outside it (an odd
#: transition, or a state this board does not know) takes the enums' slower way.
_ALLOWED: frozenset[tuple[str, str]] = frozenset((a.value, b.value) for a, bs in CALL_TRANSITIONS.items() for b in bs)
#: The reason a placeholder agent carries: its record could not be read (shown as such, never as a pause).
UNREADABLE = "unreadable data"


class Verdict(Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    RESYNC = "resync"  # caller must request a snapshot
    WAITING = "waiting"  # unsynced, dropped until the snapshot arrives
    IGNORED = "ignored"  # not state (command results, errors)


@dataclass(slots=True)
class FeedCounters:
    """What happened to the frames; shown in diagnostics, asserted in tests."""

    frames: int = 0
    applied: int = 0
    duplicates: int = 0
    gaps: int = 0
    resyncs_requested: int = 0
    snapshots: int = 0
    waiting_drops: int = 0
    odd_transitions: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unknown_types: Counter[str] = field(default_factory=Counter)
    bad_records: Counter[str] = field(default_factory=Counter)  # by kind: agent, queue, call

    def as_dict(self) -> dict[str, Any]:
        """A copy safe to hand to another thread (``dataclasses.asdict`` miscopies Counters)."""
        return {f.name: dict(v) if isinstance(v := getattr(self, f.name), Counter) else v for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Changes:
    agents: frozenset[str]
    queues: frozenset[str]
    layout: bool  # agents or queues added/removed: the board re-lays out
    count: int = 0  # state messages applied since the last take
    first_ts: int = 0  # server stamp of the oldest of them (how stale the screen is before this)
    last_ts: int = 0  # and of the newest

    @property
    def any(self) -> bool:
        return bool(self.agents or self.queues or self.layout)

    def then(self, later: Changes) -> Changes:
        """These changes followed by ``later``'s: one set for a reader that missed a take."""
        if not self.count and not self.any:
            return later
        if not later.count and not later.any:
            return self
        return Changes(self.agents | later.agents, self.queues | later.queues, self.layout or later.layout,
                       self.count + later.count, self.first_ts if self.count else later.first_ts,
                       later.last_ts if later.count else self.last_ts)


class FloorState:
    """Agents, queues and live calls of one feed stream, kept exactly in step with it."""

    __slots__ = (
        "stream", "seq", "synced", "agents", "queues", "calls", "counters", "unreadable",
        "changed_agents", "changed_queues", "layout_changed", "last_ts", "_count", "_first_ts",
    )

    def __init__(self) -> None:
        self.stream: str | None = None
        self.seq = 0
        self.synced = False
        self.agents: dict[str, Agent] = {}
        self.queues: dict[str, Queue] = {}
        self.calls: dict[str, Call] = {}
        self.counters = FeedCounters()
        #: records that would not decode, by (kind, id) → why; records without a usable id under (kind, "")
        self.unreadable: dict[tuple[str, str], str] = {}
        self.changed_agents: set[str] = set()
        self.changed_queues: set[str] = set()
        self.layout_changed = False
        self.last_ts = 0
        self._count = 0
        self._first_ts = 0

    # -- the reducer ---------------------------------------------------------------

    def apply(self, msg: ServerMessage | Damaged) -> Verdict:
        c = self.counters
        c.frames += 1
        kind = type(msg)
        if kind not in DELTA_TYPES:
            return self._other(msg)
        d: Delta = msg  # type: ignore[assignment]  # (a delta, by its type: no cast() call on the hot path)
        # Rule 1, written out here, first: this is the path every event takes (``_step`` is the same, for the rest).
        if not self.synced:
            c.waiting_drops += 1
            return Verdict.WAITING
        if d.stream != self.stream:
            return self._lost_step()
        seq = d.seq
        if seq <= self.seq:
            c.duplicates += 1
            return Verdict.DUPLICATE
        if seq != self.seq + 1:
            return self._lost_step()
        self.seq = seq
        self.last_ts = d.ts  # (_stamp, written out)
        if not self._count:
            self._first_ts = d.ts
        self._count += 1
        c.applied += 1
        if self.unreadable:
            self._readable(d)
        if kind is AgentUpdate:
            a = d.agent  # type: ignore[union-attr]
            agents = self.agents
            if a.id not in agents:
                self.layout_changed = True
            agents[a.id] = a
            self.changed_agents.add(a.id)
        elif kind is CallUpdate:
            self._call(d.call)  # type: ignore[union-attr]
        elif kind is QueueUpdate:
            q = d.queue  # type: ignore[union-attr]
            if q.id not in self.queues:
                self.layout_changed = True
            self.queues[q.id] = q
            self.changed_queues.add(q.id)
        elif kind is AgentRemove:
            if self.agents.pop(d.id, None) is not None:  # type: ignore[union-attr]
                self.layout_changed = True
        else:
            if self.queues.pop(d.id, None) is not None:  # type: ignore[union-attr]
                self.layout_changed = True
        return Verdict.APPLIED

    def _other(self, msg: ServerMessage | Damaged) -> Verdict:
        """Everything that is not a delta: a snapshot, a welcome, a heartbeat, a damaged message, the rest."""
        if isinstance(msg, Snapshot):
            self._load(msg.stream, msg.seq, msg.ts, msg.agents, msg.queues, msg.calls)
            return Verdict.APPLIED
        if isinstance(msg, Welcome):
            # A new connection: what we hold is as old as the last connection, until the snapshot
            # that follows (at once, or once a bridge has its PBX back) says what is true now.
            self.synced = False
            return Verdict.IGNORED
        if isinstance(msg, Heartbeat):
            if not self.synced:
                return Verdict.WAITING
            self.last_ts = msg.ts
            if msg.stream != self.stream or msg.seq != self.seq:
                return self._lost_step()
            return Verdict.IGNORED
        return self._damaged(msg) if isinstance(msg, Damaged) else Verdict.IGNORED

    def _step(self, stream: str, seq: int, ts: int) -> Verdict:
        """Rule 1 for one delta: APPLIED means it is the next one and may be applied."""
        c = self.counters
        if not self.synced:
            c.waiting_drops += 1
            return Verdict.WAITING
        if stream != self.stream:
            return self._lost_step()
        if seq <= self.seq:
            c.duplicates += 1
            return Verdict.DUPLICATE
        if seq != self.seq + 1:
            return self._lost_step()
        self.seq = seq
        self._stamp(ts)
        c.applied += 1
        return Verdict.APPLIED

    def _agent(self, a: Agent) -> None:
        if a.id not in self.agents:
            self.layout_changed = True
        self.agents[a.id] = a
        self.changed_agents.add(a.id)

    def _queue(self, q: Queue) -> None:
        if q.id not in self.queues:
            self.layout_changed = True
        self.queues[q.id] = q
        self.changed_queues.add(q.id)

    def _readable(self, msg: AgentUpdate | AgentRemove | QueueUpdate | QueueRemove | CallUpdate) -> None:
        """A good record (or a removal) of an id we could not read: it is no longer unreadable."""
        if isinstance(msg, AgentUpdate):
            key = ("agent", msg.agent.id)
        elif isinstance(msg, QueueUpdate):
            key = ("queue", msg.queue.id)
        elif isinstance(msg, CallUpdate):
            key = ("call", msg.call.id)
        else:
            key = ("agent" if isinstance(msg, AgentRemove) else "queue", msg.id)
        self.unreadable.pop(key, None)

    def _damaged(self, msg: Damaged) -> Verdict:
        """Rule 4: the good records apply, each bad one is marked (and an agent kept, as unknown)."""
        if msg.type == "snapshot":
            self._load(msg.stream, msg.seq, msg.ts, msg.agents, msg.queues, msg.calls)
        else:
            verdict = self._step(msg.stream, msg.seq, msg.ts)
            if verdict is not Verdict.APPLIED:
                return verdict
            for a in msg.agents:
                self._agent(a)
            for q in msg.queues:
                self._queue(q)
            for call in msg.calls:
                self._call(call)
        for bad in msg.bad:
            self._unreadable(bad, msg.ts)
        return Verdict.APPLIED

    def _unreadable(self, bad: BadRecord, ts: int) -> None:
        self.counters.bad_records[bad.kind] += 1
        self.unreadable[(bad.kind, bad.id or "")] = bad.reason
        if bad.id is None:
            return
        if bad.kind == "agent":
            known = self.agents.get(bad.id)
            self._agent(Agent(id=bad.id, name=bad.name or (known.name if known else bad.id),
                              state=AgentState.UNKNOWN.value, since=ts, reason=UNREADABLE))
        elif bad.kind == "queue":
            if self.queues.pop(bad.id, None) is not None:
                self.layout_changed = True
        else:
            call = self.calls.pop(bad.id, None)
            if call is not None:
                self.changed_queues.add(call.queue)
                if call.agent_id is not None:
                    self.changed_agents.add(call.agent_id)

    def _call(self, call: Call) -> None:
        before = self.calls.get(call.id)
        if (before is not None and call.state != before.state  # (the same state again is no transition)
                and (before.state, call.state) not in _ALLOWED and call.status not in CALL_TRANSITIONS[before.status]):
            self.counters.odd_transitions += 1
        if call.state == _ENDED:
            self.calls.pop(call.id, None)
        else:
            self.calls[call.id] = call
        self.changed_queues.add(call.queue)
        if call.agent_id is not None:
            self.changed_agents.add(call.agent_id)

    def _stamp(self, ts: int) -> None:
        self.last_ts = ts
        if self._count == 0:
            self._first_ts = ts
        self._count += 1

    def _lost_step(self) -> Verdict:
        self.synced = False
        self.counters.gaps += 1
        self.counters.resyncs_requested += 1
        return Verdict.RESYNC

    def _load(self, stream: str, seq: int, ts: int, agents: tuple[Agent, ...], queues: tuple[Queue, ...],
              calls: tuple[Call, ...]) -> None:
        self.stream = stream
        self.seq = seq
        self._stamp(ts)
        self.synced = True
        self.unreadable = {}
        self.agents = {a.id: a for a in agents}
        self.queues = {q.id: q for q in queues}
        self.calls = {c.id: c for c in calls if c.status is not CallState.ENDED}
        self.layout_changed = True
        self.changed_agents = set(self.agents)
        self.changed_queues = set(self.queues)
        self.counters.snapshots += 1

    def reject(self, err: FrameRejected) -> Verdict:
        """Count a frame that never became a message (bad JSON, too large, unknown type). A lost
        snapshot makes the board unsynced at once (rule 5): RESYNC, the caller asks for another."""
        self.counters.frames += 1
        self.counters.rejected[err.reason] += 1
        if isinstance(err, UnknownMessageType):
            self.counters.unknown_types[err.message_type] += 1
        elif err.message_type == "snapshot" and self.synced:
            return self._lost_step()
        return Verdict.IGNORED

    def take_changes(self) -> Changes:
        ch = Changes(frozenset(self.changed_agents), frozenset(self.changed_queues), self.layout_changed,
                     self._count, self._first_ts if self._count else 0, self.last_ts if self._count else 0)
        self.changed_agents = set()
        self.changed_queues = set()
        self.layout_changed = False
        self._count = 0
        return ch
