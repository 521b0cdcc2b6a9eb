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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any
from enum import Enum

from .errors import FrameRejected, UnknownMessageType
from .model import CALL_TRANSITIONS, Agent, Call, CallState, Queue
from .protocol import (
    AgentRemove, AgentUpdate, CallUpdate, Heartbeat, QueueRemove, QueueUpdate,
    ServerMessage, Snapshot, Welcome,
)


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


class FloorState:
    """Agents, queues and live calls of one feed stream, kept exactly in step with it."""

    __slots__ = (
        "stream", "seq", "synced", "agents", "queues", "calls", "counters",
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
        self.changed_agents: set[str] = set()
        self.changed_queues: set[str] = set()
        self.layout_changed = False
        self.last_ts = 0
        self._count = 0
        self._first_ts = 0

    # -- the reducer ---------------------------------------------------------------

    def apply(self, msg: ServerMessage) -> Verdict:
        c = self.counters
        c.frames += 1
        if isinstance(msg, Snapshot):
            self._load(msg)
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
        if not isinstance(msg, (AgentUpdate, AgentRemove, QueueUpdate, QueueRemove, CallUpdate)):
            return Verdict.IGNORED
        if not self.synced:
            c.waiting_drops += 1
            return Verdict.WAITING
        if msg.stream != self.stream:
            return self._lost_step()
        if msg.seq <= self.seq:
            c.duplicates += 1
            return Verdict.DUPLICATE
        if msg.seq != self.seq + 1:
            return self._lost_step()
        self.seq = msg.seq
        self._stamp(msg.ts)
        c.applied += 1
        if isinstance(msg, AgentUpdate):
            a = msg.agent
            if a.id not in self.agents:
                self.layout_changed = True
            self.agents[a.id] = a
            self.changed_agents.add(a.id)
        elif isinstance(msg, CallUpdate):
            self._call(msg.call)
        elif isinstance(msg, QueueUpdate):
            q = msg.queue
            if q.id not in self.queues:
                self.layout_changed = True
            self.queues[q.id] = q
            self.changed_queues.add(q.id)
        elif isinstance(msg, AgentRemove):
            if self.agents.pop(msg.id, None) is not None:
                self.layout_changed = True
        else:
            if self.queues.pop(msg.id, None) is not None:
                self.layout_changed = True
        return Verdict.APPLIED

    def _call(self, call: Call) -> None:
        before = self.calls.get(call.id)
        new = call.status
        if before is not None and new not in CALL_TRANSITIONS[before.status] and new != before.status:
            self.counters.odd_transitions += 1
        if new is CallState.ENDED:
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

    def _load(self, snap: Snapshot) -> None:
        self.stream = snap.stream
        self.seq = snap.seq
        self._stamp(snap.ts)
        self.synced = True
        self.agents = {a.id: a for a in snap.agents}
        self.queues = {q.id: q for q in snap.queues}
        self.calls = {c.id: c for c in snap.calls if c.status is not CallState.ENDED}
        self.layout_changed = True
        self.changed_agents = set(self.agents)
        self.changed_queues = set(self.queues)
        self.counters.snapshots += 1

    def reject(self, err: FrameRejected) -> None:
        """Count a frame that never became a message (bad JSON, too large, unknown type)."""
        self.counters.frames += 1
        self.counters.rejected[err.reason] += 1
        if isinstance(err, UnknownMessageType):
            self.counters.unknown_types[err.message_type] += 1

    def take_changes(self) -> Changes:
        ch = Changes(frozenset(self.changed_agents), frozenset(self.changed_queues), self.layout_changed,
                     self._count, self._first_ts if self._count else 0, self.last_ts if self._count else 0)
        self.changed_agents = set()
        self.changed_queues = set()
        self.layout_changed = False
        self._count = 0
        return ch
