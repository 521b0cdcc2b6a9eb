"""Asterisk's queues as the board's floor: AMI messages in, feed objects out. No I/O, no clock.

Rules (each one a trap of app_queue, see shared/reference/pbx-and-feeds.md §1):

1. An agent is a queue *member*, keyed by its interface (``Location`` in ``QueueStatus``,
   ``Interface`` in live events: the snapshot says ``Name``/``Location`` where live events
   say ``MemberName``/``Interface``). One agent may sit in several queues.
2. Keys are case-insensitive (``ServicelevelPerf`` vs the docs' ``ServiceLevelPerf``): the
   framing layer answers any spelling.
3. ``HoldTime`` and ``TalkTime`` are durations in **seconds** (the docs' "seconds since epoch" is
   wrong); ``AgentRingNoAnswer``'s ``RingTime`` is in **milliseconds**. Times here are ms.
4. Order: ``QueueCallerAbandon`` comes *before* ``QueueCallerLeave``; on an answered call
   ``QueueCallerLeave`` comes *before* ``AgentConnect``, and ``QueueMemberStatus`` may come
   before either. So a Leave never ends a call by itself: an abandon has already ended it,
   an ``AgentConnect`` follows at once, or (exit key, timeout) the caller's ``Hangup``
   or :meth:`tick` ends it.
5. Wrap-up has no event: after ``AgentComplete`` the member is in wrap-up for its own
   ``Wrapuptime``, or the queue's ``wrapuptime`` (configured here: AMI does not report it).
6. An agent's state comes, in this order, from: the device (offline), the queue call it is
   on (talking, or on hold), an offered call (ringing), the wrap-up timer, the device again
   (in use without a queue call: busy), the pause flag (paused only when paused in every
   queue it serves, with the reason), else available.

Counters start when the bridge starts and reset at the centre's local midnight
(Asterisk's own ``Completed``/``Abandoned`` cover an unknown span since its last reset).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from ..core.metrics import QueueCounters
from ..core.model import Agent, AgentState, Call, CallState, Queue
from .ami import AmiMessage

DAY_MS = 86_400_000

#: AMI device states (``Status`` numbers, ``DeviceStateChange`` words).
DEVICE_STATES = {
    "UNKNOWN": 0, "NOT_INUSE": 1, "INUSE": 2, "BUSY": 3, "INVALID": 4, "UNAVAILABLE": 5,
    "RINGING": 6, "RINGINUSE": 7, "ONHOLD": 8,
}
OFFLINE, IN_USE, RINGING, ON_HOLD = {4, 5}, {2, 3}, {6, 7}, {8}
#: A caller who left the queue without an AgentConnect or an abandon is gone after this long.
LEAVE_GRACE_MS = 2_000


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """What AMI does not say about a queue."""

    name: str = ""  # shown on the board (default: the queue's own name)
    wrapup_s: int = 0  # the queue's wrapuptime (members with their own Wrapuptime use theirs)
    sl_target_pct: float = 80.0
    short_abandon_s: int = 0


@dataclass(slots=True)
class _Membership:
    paused: bool = False
    reason: str = ""
    wrapup_s: int = 0


@dataclass(slots=True)
class _Member:
    interface: str
    name: str
    state_interface: str
    memberships: dict[str, _Membership] = field(default_factory=dict)
    device: int = 1
    call_id: str | None = None  # the queue call it is on
    ringing_call: str | None = None
    wrapup_until: int = 0
    wrapup_handle: tuple[str, int] | None = None  # (queue, handle ms so far) counted when wrap-up ends
    since: int = 0
    shown: Agent | None = None


@dataclass(slots=True)
class _Caller:
    call: Call
    left_at: int | None = None  # QueueCallerLeave seen, AgentConnect not (yet)


@dataclass(slots=True)
class _Queue:
    id: str
    sl_threshold_s: int = 20
    counters: QueueCounters = field(default_factory=QueueCounters)
    shown: Queue | None = None


class AsteriskFloor:
    """The floor as AMI tells it. Feed it messages with the time; it returns what changed."""

    def __init__(self, now: int, queues: Mapping[str, QueueConfig] | None = None,
                 teams: Mapping[str, str] | None = None, utc_offset_min: int = 540) -> None:
        self.config = dict(queues or {})
        self.teams = dict(teams or {})  # member name or interface -> team
        self.utc_offset_ms = utc_offset_min * 60_000
        self.interval_start = now
        self.next_midnight = self._midnight_after(now)
        self.members: dict[str, _Member] = {}
        self.queues: dict[str, _Queue] = {}
        self.callers: dict[str, _Caller] = {}
        self._snapshot: tuple[dict[str, _Member], dict[str, _Queue], dict[str, _Caller]] | None = None

    # -- the snapshot (QueueStatus) -------------------------------------------------------

    def begin_snapshot(self) -> None:
        """A QueueStatus of ours is under way: its list events build a fresh picture."""
        self._snapshot = ({}, {}, {})

    def end_snapshot(self) -> None:
        """QueueStatusComplete: the fresh picture replaces the old (calls in progress are kept)."""
        if self._snapshot is None:
            return
        members, queues, callers = self._snapshot
        self._snapshot = None
        for iface, m in members.items():
            old = self.members.get(iface)
            if old is not None:  # what AMI's list does not say, we keep: the call, wrap-up, and what the
                # boards were shown (so time in state restarts only if the state really changed)
                m.call_id, m.ringing_call, m.wrapup_until, m.wrapup_handle = (
                    old.call_id, old.ringing_call, old.wrapup_until, old.wrapup_handle)
                m.since, m.shown = old.since, old.shown
        for qid, q in queues.items():
            old_q = self.queues.get(qid)
            if old_q is not None:
                q.counters = old_q.counters
        kept = {cid: c for cid, c in self.callers.items() if c.call.status is CallState.CONNECTED}
        self.members, self.queues, self.callers = members, queues, {**kept, **callers}

    def in_snapshot(self) -> bool:
        return self._snapshot is not None

    # -- messages ------------------------------------------------------------------------

    def on(self, msg: AmiMessage, now: int) -> list[Agent | Queue | Call]:
        """Apply one AMI event; returns the feed objects it changed (in order)."""
        handler = _HANDLERS.get(msg.event.lower())
        if handler is None:
            return []
        changed = _Changes()
        handler(self, msg, now, changed)
        return changed.out(self, now)

    def tick(self, now: int) -> list[Agent | Queue | Call]:
        """Time passes: wrap-ups end, callers who left are gone, midnight resets the counters."""
        changed = _Changes()
        for m in self.members.values():
            if m.wrapup_until and now >= m.wrapup_until:
                self._end_wrapup(m, changed)
        for cid, c in list(self.callers.items()):
            if c.left_at is not None and now - c.left_at >= LEAVE_GRACE_MS:
                self._end_call(cid, now, "exited", changed)
        if now >= self.next_midnight:
            self.interval_start = self.next_midnight
            self.next_midnight = self._midnight_after(now)
            for q in self.queues.values():  # callers still waiting are offered to the new day too
                q.counters = QueueCounters(offered=sum(1 for c in self.callers.values() if c.call.queue == q.id
                                                   and c.call.status is not CallState.CONNECTED))
                changed.queues.add(q.id)
        return changed.out(self, now)

    def snapshot(self, now: int) -> tuple[list[Agent], list[Queue], list[Call]]:
        agents = [self._agent(m, now) for m in self.members.values()]
        queues = [self._queue(q) for q in self.queues.values()]
        return agents, queues, [c.call for c in self.callers.values()]

    def member_by_state_interface(self, device: str) -> _Member | None:
        for m in self.members.values():
            if m.state_interface.lower() == device.lower() or m.interface.lower() == device.lower():
                return m
        return None

    # -- handlers ------------------------------------------------------------------------------

    def _queue_params(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        if self._snapshot is None:
            return
        qid = msg["Queue"]
        self._snapshot[1][qid] = _Queue(qid, sl_threshold_s=_int(msg.get("ServiceLevel"), 20))

    def _queue_member(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        if self._snapshot is None:
            return
        members = self._snapshot[0]
        iface = msg["Location"]  # the snapshot's spelling (live events say Interface)
        m = members.get(iface)
        if m is None:
            m = members[iface] = _Member(iface, msg.get("Name", iface), msg.get("StateInterface", iface))
        self._membership(m, msg)
        m.device = _int(msg.get("Status"), 1)
        since_s = max(_int(msg.get("LastCall")), _int(msg.get("LastPause")), _int(msg.get("LoginTime")))
        m.since = min(now, since_s * 1000) if since_s else now

    def _queue_entry(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        if self._snapshot is None:
            return
        cid = msg["Uniqueid"]
        wait_ms = _int(msg.get("Wait")) * 1000
        self._snapshot[2][cid] = _Caller(Call(id=cid, queue=msg["Queue"], state=CallState.QUEUED.value,
                                              queued_at=now - wait_ms, caller_num=msg.get("CallerIDNum"),
                                              caller_name=_name(msg.get("CallerIDName"))))

    def _member_event(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        """QueueMemberStatus / Added / Pause / Penalty / Ringinuse: the live spelling."""
        iface = msg["Interface"]
        m = self.members.get(iface)
        if m is None:
            m = self.members[iface] = _Member(iface, msg.get("MemberName", iface), msg.get("StateInterface", iface),
                                              since=now)
            ch.layout = True
        m.name = msg.get("MemberName", m.name)
        self._membership(m, msg)
        if "Status" in msg:
            m.device = _int(msg["Status"], m.device)
        self._queue_known(msg["Queue"], ch)
        ch.members.add(iface)

    def _member_removed(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        m = self.members.get(msg["Interface"])
        if m is not None:
            m.memberships.pop(msg["Queue"], None)
            ch.members.add(m.interface)

    def _device_state(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        m = self.member_by_state_interface(msg.get("Device"))
        if m is not None:
            m.device = DEVICE_STATES.get(msg.get("State").upper(), m.device)
            ch.members.add(m.interface)

    def _caller_join(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        qid, cid = msg["Queue"], msg["Uniqueid"]
        q = self._queue_known(qid, ch)
        q.counters.offered += 1
        self.callers[cid] = _Caller(Call(id=cid, queue=qid, state=CallState.QUEUED.value, queued_at=now,
                                         caller_num=msg.get("CallerIDNum"), caller_name=_name(msg.get("CallerIDName"))))
        ch.calls.add(cid)
        ch.queues.add(qid)

    def _agent_called(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        c, m = self.callers.get(msg["Uniqueid"]), self.members.get(msg.get("Interface"))
        if c is not None and c.call.status is CallState.QUEUED:
            c.call = msgspec.structs.replace(c.call, state=CallState.RINGING.value)
            ch.calls.add(c.call.id)
        if m is not None:
            m.ringing_call = msg["Uniqueid"]
            ch.members.add(m.interface)

    def _agent_no_answer(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        """AgentRingNoAnswer (RingTime in ms) / AgentDump: the offer is over, the caller waits on."""
        c, m = self.callers.get(msg["Uniqueid"]), self.members.get(msg.get("Interface"))
        if c is not None and c.call.status is CallState.RINGING:
            c.call = msgspec.structs.replace(c.call, state=CallState.QUEUED.value)
            ch.calls.add(c.call.id)
        if m is not None and m.ringing_call == msg["Uniqueid"]:
            m.ringing_call = None
            ch.members.add(m.interface)

    def _caller_leave(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        c = self.callers.get(msg["Uniqueid"])
        if c is not None and c.call.status is not CallState.CONNECTED:
            c.left_at = now  # AgentConnect follows at once, or the caller is gone (tick / Hangup)

    def _agent_connect(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        cid, qid = msg["Uniqueid"], msg["Queue"]
        m = self.members.get(msg.get("Interface"))
        c = self.callers.get(cid)
        q = self._queue_known(qid, ch)
        wait_ms = (now - c.call.queued_at) if c is not None else _int(msg.get("HoldTime")) * 1000
        call = c.call if c is not None else Call(id=cid, queue=qid, state=CallState.QUEUED.value,
                                                 queued_at=now - wait_ms, caller_num=msg.get("CallerIDNum"))
        self.callers[cid] = _Caller(msgspec.structs.replace(
            call, state=CallState.CONNECTED.value, answered_at=now, agent_id=m.interface if m else None))
        q.counters.answered += 1
        q.counters.wait_answered_ms += wait_ms
        q.counters.answered_in_sl += wait_ms <= q.sl_threshold_s * 1000
        ch.calls.add(cid)
        ch.queues.add(qid)
        if m is not None:
            if m.wrapup_until:  # a new call before wrap-up ran out: that wrap-up is over
                self._end_wrapup(m, ch)
            m.call_id, m.ringing_call = cid, None
            ch.members.add(m.interface)

    def _agent_complete(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        cid, qid = msg["Uniqueid"], msg["Queue"]
        m = self.members.get(msg.get("Interface"))
        talk_ms = _int(msg.get("TalkTime")) * 1000  # seconds, like HoldTime
        self._end_call(cid, now, "completed", ch)
        if m is None:
            return
        if m.call_id == cid:
            m.call_id = None
        wrap_s = self._wrapup_s(m, qid)
        m.wrapup_handle = (qid, talk_ms + wrap_s * 1000)
        m.wrapup_until = now + wrap_s * 1000
        if not wrap_s:
            self._end_wrapup(m, ch)
        ch.members.add(m.interface)

    def _caller_abandon(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        qid, cid = msg["Queue"], msg["Uniqueid"]
        q = self._queue_known(qid, ch)
        c = self.callers.get(cid)
        wait_ms = (now - c.call.queued_at) if c is not None else _int(msg.get("HoldTime")) * 1000
        cfg = self.config.get(qid, QueueConfig())
        short = wait_ms <= cfg.short_abandon_s * 1000
        q.counters.abandoned += 1
        q.counters.abandoned_short += short
        q.counters.abandoned_in_sl += wait_ms <= q.sl_threshold_s * 1000
        ch.queues.add(qid)
        self._end_call(cid, now, "abandoned", ch)

    def _hangup(self, msg: AmiMessage, now: int, ch: _Changes) -> None:
        c = self.callers.get(msg.get("Uniqueid"))
        if c is not None and c.call.status is not CallState.CONNECTED:
            self._end_call(c.call.id, now, "exited", ch)  # left the queue some other way (exit key, timeout)

    # -- helpers --------------------------------------------------------------------------------

    def _membership(self, m: _Member, msg: AmiMessage) -> None:
        qid = msg["Queue"]
        ms = m.memberships.setdefault(qid, _Membership())
        if "Paused" in msg:
            ms.paused = msg["Paused"] == "1"
            ms.reason = msg.get("PausedReason") or msg.get("Reason") if ms.paused else ""
        ms.wrapup_s = _int(msg.get("Wrapuptime"), ms.wrapup_s)

    def _queue_known(self, qid: str, ch: _Changes) -> _Queue:
        q = self.queues.get(qid)
        if q is None:
            q = self.queues[qid] = _Queue(qid)
            ch.layout = True
            ch.queues.add(qid)
        return q

    def _wrapup_s(self, m: _Member, qid: str) -> int:
        own = m.memberships.get(qid, _Membership()).wrapup_s
        return own if own > 0 else self.config.get(qid, QueueConfig()).wrapup_s

    def _end_wrapup(self, m: _Member, ch: _Changes) -> None:
        m.wrapup_until = 0
        if m.wrapup_handle is not None:
            qid, handle_ms = m.wrapup_handle
            m.wrapup_handle = None
            q = self.queues.get(qid)
            if q is not None:
                q.counters.handled += 1
                q.counters.handle_ms += handle_ms
                ch.queues.add(qid)
        ch.members.add(m.interface)

    def _end_call(self, cid: str, now: int, why: str, ch: _Changes) -> None:
        c = self.callers.pop(cid, None)
        if c is None:
            return
        ch.ended.append(msgspec.structs.replace(c.call, state=CallState.ENDED.value, ended_at=now, end_reason=why))
        for m in self.members.values():
            if m.call_id == cid or m.ringing_call == cid:
                m.call_id = None if m.call_id == cid else m.call_id
                m.ringing_call = None if m.ringing_call == cid else m.ringing_call
                ch.members.add(m.interface)

    def _midnight_after(self, now: int) -> int:
        local = now + self.utc_offset_ms
        return (local // DAY_MS + 1) * DAY_MS - self.utc_offset_ms

    def state_of(self, m: _Member, now: int) -> tuple[AgentState, str]:
        """The agent's state and reason, by rule 6 of the module docstring."""
        if m.device in OFFLINE or not m.memberships:
            return AgentState.LOGGED_OUT, ""
        if m.call_id is not None:
            return (AgentState.ON_HOLD if m.device in ON_HOLD else AgentState.ON_CALL), ""
        if m.ringing_call is not None or m.device in RINGING:
            return AgentState.RINGING, ""
        if m.wrapup_until and now < m.wrapup_until:
            return AgentState.WRAPUP, ""  # before the device: it still says INUSE for a moment after the call
        if m.device in IN_USE or m.device in ON_HOLD:
            return AgentState.BUSY_OTHER, ""  # a call that is not a queue call (direct, outbound)
        paused = [ms for ms in m.memberships.values() if ms.paused]
        if paused and len(paused) == len(m.memberships):
            return AgentState.PAUSED, next((ms.reason for ms in paused if ms.reason), "")
        return AgentState.AVAILABLE, ""

    def _agent(self, m: _Member, now: int) -> Agent:
        state, reason = self.state_of(m, now)
        shown = m.shown
        if shown is None or shown.state != state.value or shown.reason != reason or shown.call_id != m.call_id:
            m.since = now if shown is not None else (m.since or now)
        team = self.teams.get(m.name) or self.teams.get(m.interface) or ""
        agent = Agent(id=m.interface, name=m.name, state=state.value, since=m.since, team=team, reason=reason,
                      queues=tuple(sorted(m.memberships)), call_id=m.call_id, ext=m.state_interface,
                      direction="in" if m.call_id else "")
        m.shown = agent
        return agent

    def _queue(self, q: _Queue) -> Queue:
        cfg = self.config.get(q.id, QueueConfig())
        queue = q.counters.queue(id=q.id, name=cfg.name or q.id, interval_start=self.interval_start,
                                 sl_threshold_s=q.sl_threshold_s, sl_target_pct=cfg.sl_target_pct,
                                 short_abandon_s=cfg.short_abandon_s)
        q.shown = queue
        return queue


@dataclass
class _Changes:
    members: set[str] = field(default_factory=set)
    queues: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)
    ended: list[Call] = field(default_factory=list)
    layout: bool = False

    def out(self, floor: AsteriskFloor, now: int) -> list[Agent | Queue | Call]:
        """Queues first (a new queue before the calls in it), then calls, ended calls, agents."""
        out: list[Agent | Queue | Call] = []
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
        for iface in sorted(self.members):
            m = floor.members.get(iface)
            if m is not None:
                before_agent = m.shown
                agent = floor._agent(m, now)
                if agent != before_agent:
                    out.append(agent)
        return out


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(float(value)) if value not in (None, "") else default
    except ValueError:
        return default


def _name(caller_id_name: str) -> str:
    return "" if caller_id_name in ("<unknown>", "") else caller_id_name


_HANDLERS = {
    "queueparams": AsteriskFloor._queue_params,
    "queuemember": AsteriskFloor._queue_member,
    "queueentry": AsteriskFloor._queue_entry,
    "queuememberstatus": AsteriskFloor._member_event,
    "queuememberadded": AsteriskFloor._member_event,
    "queuememberpause": AsteriskFloor._member_event,
    "queuememberpenalty": AsteriskFloor._member_event,
    "queuememberringinuse": AsteriskFloor._member_event,
    "queuememberremoved": AsteriskFloor._member_removed,
    "devicestatechange": AsteriskFloor._device_state,
    "queuecallerjoin": AsteriskFloor._caller_join,
    "agentcalled": AsteriskFloor._agent_called,
    "agentringnoanswer": AsteriskFloor._agent_no_answer,
    "agentdump": AsteriskFloor._agent_no_answer,
    "queuecallerleave": AsteriskFloor._caller_leave,
    "agentconnect": AsteriskFloor._agent_connect,
    "agentcomplete": AsteriskFloor._agent_complete,
    "queuecallerabandon": AsteriskFloor._caller_abandon,
    "hangup": AsteriskFloor._hangup,
}

