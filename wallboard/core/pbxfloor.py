"""What every PBX floor does alike, whatever the PBX: the day's counters and their midnight, wrap-up's
handle time counted when it ends, skipped input counted (never raised), numbers and text from the PBX
made safe for the feed, and the order changes are published in.

A floor (``wallboard.asterisk.floor``, ``wallboard.freeswitch.floor``) is pure: events and the time in,
feed objects out. It keeps, by id, agent *slots* (whatever its PBX calls an agent), queue slots (``id``,
``counters``, ``shown``) and caller slots (``call``, ``counted``: offered in this day's counters), and
builds the feed's objects itself (:meth:`FloorBase._agent`, :meth:`FloorBase._queue`). Agent slots have
``wrapup_until``, ``wrapup_handle`` and ``shown``; caller slots ``left_at`` (seen leaving, how not yet known).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .metrics import QueueCounters
from .model import Agent, Call, CallState, Queue
from .protocol import Gone

DAY_MS = 86_400_000
#: The feed's limits (core.model): ids 1–128 characters, text ≤ 256, ≤ 256 queues per agent.
MAX_ID, MAX_TEXT, MAX_QUEUES = 128, 256, 256
#: A caller who left the queue (or whose channel went) with no word of how is ended ``exited`` after this long.
LEAVE_GRACE_MS = 2_000
#: A help request's ``State`` (an AMI WallboardHelp UserEvent, a FreeSWITCH wallboard::help event): raised or
#: cleared, in the spellings a dialplan may use.
HELP_STATES = {"raised": True, "raise": True, "on": True, "1": True, "cleared": False, "clear": False, "off": False,
               "0": False}

Update = Agent | Queue | Call | Gone


class FloorBase:
    def __init__(self, now: int, utc_offset_min: int, day_start_min: int = 0) -> None:
        self.utc_offset_ms = utc_offset_min * 60_000
        self.day_start_ms = day_start_min * 60_000  # the day's counters reset at this local time (0: midnight)
        self.interval_start = now
        self.interval_partial = True  # counting began mid-day (the bridge started): not since midnight
        self.next_midnight = self._midnight_after(now)
        self.queues: dict[str, Any] = {}
        self.callers: dict[str, Any] = {}
        self.oddities: Counter[str] = Counter()  # what was skipped, by kind
        self._new_oddities: list[str] = []
        #: The day's counters from the history store (queue_log), by queue, once it is on: then they, not the
        #: floor's own count of what it saw, are the queues' counters (they survive a restart of anything).
        self.history_counters: dict[str, QueueCounters] | None = None

    # -- what each floor says for itself ------------------------------------------------------

    def _slots(self) -> Mapping[str, Any]:
        """The agent slots, by the agent's id."""
        raise NotImplementedError

    def _agent(self, slot: Any, now: int) -> Agent:
        raise NotImplementedError

    def _queue(self, q: Any) -> Queue:
        raise NotImplementedError

    def _end_call(self, cid: str, now: int, why: str, ch: Changes) -> None:
        raise NotImplementedError

    # -- time passes -----------------------------------------------------------------------------

    def tick(self, now: int) -> list[Update]:
        """Time passes: wrap-ups end, callers who left are gone, midnight starts a new day's counters."""
        changed = Changes()
        for aid, slot in self._slots().items():
            if slot.wrapup_until and now >= slot.wrapup_until:
                self._wrapup_over(slot, aid, changed)
        for cid, c in list(self.callers.items()):
            if c.left_at is not None and now - c.left_at >= LEAVE_GRACE_MS:
                self._end_call(cid, now, "exited", changed)
        self._new_day_if_due(now, changed)
        return changed.out(self, now)

    def snapshot(self, now: int) -> tuple[list[Agent], list[Queue], list[Call]]:
        """The whole floor as the feed's objects (a board's first picture)."""
        return ([self._agent(a, now) for a in self._slots().values()], [self._queue(q) for q in self.queues.values()],
                [c.call for c in self.callers.values()])

    # -- shared ----------------------------------------------------------------------------------

    def take_new_oddities(self) -> list[str]:
        """Kinds of skipped input seen for the first time since the last call (to log once each)."""
        new, self._new_oddities = self._new_oddities, []
        return new

    def _odd(self, kind: str) -> None:
        kind = kind[:120]
        if kind not in self.oddities:
            self._new_oddities.append(kind)
        self.oddities[kind] += 1

    def _midnight_after(self, now: int) -> int:
        """The next start of a day (local midnight, or the configured reset time) after ``now``."""
        local = now + self.utc_offset_ms - self.day_start_ms
        return (local // DAY_MS + 1) * DAY_MS - self.utc_offset_ms + self.day_start_ms

    def day_start_of(self, now: int) -> int:
        return self._midnight_after(now) - DAY_MS

    def set_day_counters(self, counters: dict[str, QueueCounters], day_start: int, now: int) -> list[Update]:
        """The history's counters for today (since ``day_start``) become the queues' counters; returns the
        queues whose figures changed."""
        self.history_counters = counters
        self.interval_start, self.interval_partial = day_start, False
        ch = Changes(queues=set(self.queues))
        return ch.out(self, now)

    def counters_of(self, q: Any) -> QueueCounters:
        """What a queue's ``Queue`` carries: the history's count once it is on, else the floor's own."""
        if self.history_counters is not None:
            return self.history_counters.get(q.id) or QueueCounters()
        return q.counters  # type: ignore[no-any-return]

    def _new_day_if_due(self, now: int, ch: Changes) -> None:
        """Past the centre's midnight: the counters start again, callers still waiting offered to the new day."""
        if now < self.next_midnight:
            return
        self.interval_start = self.next_midnight
        self.interval_partial = False
        self.next_midnight = self._midnight_after(now)
        if self.history_counters is not None:
            self.history_counters = {}  # the history's new day follows at its next poll
            ch.queues.update(self.queues)
            return
        for c in self.callers.values():
            c.counted = c.call.status is not CallState.CONNECTED
        for q in self.queues.values():
            q.counters = QueueCounters(offered=sum(1 for c in self.callers.values() if c.call.queue == q.id
                                                   and c.counted))
            ch.queues.add(q.id)

    def _wrapup_over(self, slot: Any, agent_id: str, ch: Changes) -> None:
        """Wrap-up over: the call it followed is handled now, its talk and wrap-up counted (if it was offered
        in the day's counters)."""
        slot.wrapup_until = 0
        if slot.wrapup_handle is not None:
            qid, handle_ms = slot.wrapup_handle
            slot.wrapup_handle = None
            q = self.queues.get(qid)
            if q is not None:
                q.counters.handled += 1
                q.counters.handle_ms += handle_ms
                ch.queues.add(qid)
        ch.agents.add(agent_id)


@dataclass
class Changes:
    """What one event or tick changed, by id; :meth:`out` makes the feed's objects, in a safe order."""

    agents: set[str] = field(default_factory=set)
    queues: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)
    ended: list[Call] = field(default_factory=list)

    def out(self, floor: FloorBase, now: int) -> list[Update]:
        """Queues first (a new queue before the calls in it), then calls, ended calls, agents; each only
        if it differs from what the boards were shown."""
        out: list[Update] = []
        for qid in sorted(self.queues):
            q = floor.queues.get(qid)
            if q is not None:
                before = q.shown
                new = floor._queue(q)
                if new != before:
                    out.append(new)
        for cid in sorted(self.calls):
            c = floor.callers.get(cid)
            if c is not None:
                out.append(c.call)
        out.extend(self.ended)
        slots = floor._slots()
        for aid in sorted(self.agents):
            slot = slots.get(aid)
            if slot is not None:
                before_agent = slot.shown
                agent = floor._agent(slot, now)
                if agent != before_agent:
                    out.append(agent)
        return out


def number(value: Any, default: int = 0) -> int:
    """A non-negative whole number from a PBX's text; anything else (``-``, ``1e999``, ``nan``) is absent."""
    try:
        n = int(float(value)) if value not in (None, "") else default
    except (ValueError, OverflowError, TypeError):
        return default
    return n if 0 <= n <= 2**53 // 1000 else default


def clip(value: str, limit: int = MAX_TEXT) -> str:
    return value[:limit]


def is_id(value: str) -> bool:
    return 0 < len(value) <= MAX_ID
