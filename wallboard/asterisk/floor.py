"""Asterisk's queues as the board's floor: AMI messages in, feed objects out. No I/O, no clock.

Rules (each one a trap of app_queue, see shared/reference/pbx-and-feeds.md §1 and
tests/asterisk/captures/README.md):

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
7. **Any field may be missing.** A live Asterisk sends ``AgentComplete`` without ``Uniqueid``
   or ``Channel`` once the caller's channel is gone (then the member's own call is the one
   that ended). A handler never raises on what AMI sends: an event without what it needs is
   counted in :attr:`AsteriskFloor.oddities` (the bridge logs each kind once) and skipped,
   numbers that are not numbers read as absent, and text is clipped to the feed's limits,
   so nothing here can make an object a board would refuse.
8. QueueStatus says nothing of the calls members are on; the channel list (``Status``)
   does: a ``Queue`` channel bridged with a member's device channel is that member's call,
   answered about ``Seconds`` (of the member's leg: its ring included) ago. A member whose
   state interface is a hint (``hint:1006@agents``) is found by the hint's device, which the
   bridge resolves (``ExtensionState``) and gives to :meth:`resolve_hint`.
9. ``queue reload`` changes members with **no event**: only a fresh QueueStatus shows it, so
   the bridge takes one now and then and on ``Reload``; the floor turns the difference into
   updates and removals.

Counters count only what the floor saw begin: a caller is *offered* when it joins, or when a
snapshot first shows it waiting; a call is answered or abandoned in the counters only if it
was offered in them, so answered + abandoned never exceeds offered. They run from the moment
the bridge started (``Queue.interval_partial``) until the centre's local midnight, then from
midnight (Asterisk's own ``Completed``/``Abandoned`` cover an unknown span since its last reset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import msgspec

from ..core.metrics import QueueCounters
from ..core.model import Agent, AgentState, Call, CallState, Queue
from ..core.pbxfloor import (
    DAY_MS,
    HELP_STATES,
    LEAVE_GRACE_MS,
    MAX_ID,
    MAX_QUEUES,
    Changes,
    FloorBase,
    Update,
    clip,
    is_id,
    number,
)
from ..core.protocol import Gone
from .ami import AmiMessage

__all__ = ["DAY_MS", "AsteriskFloor", "QueueConfig", "Update"]

#: AMI device states (``Status`` numbers, ``DeviceStateChange`` words).
DEVICE_STATES = {
    "UNKNOWN": 0, "NOT_INUSE": 1, "INUSE": 2, "BUSY": 3, "INVALID": 4, "UNAVAILABLE": 5,
    "RINGING": 6, "RINGINUSE": 7, "ONHOLD": 8,
}
OFFLINE, IN_USE, RINGING, ON_HOLD = {4, 5}, {2, 3}, {6, 7}, {8}


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
    hint_device: str = ""  # what a ``hint:`` state interface resolved to ("" = not resolved)
    started: int | None = None  # when its next state began, if not now (a call found already up)
    help: bool = False  # raised by the agent (UserEvent WallboardHelp), until cleared

    @property
    def hint(self) -> tuple[str, str] | None:
        """(exten, context) of a ``hint:exten@context`` state interface."""
        if not self.state_interface.lower().startswith("hint:"):
            return None
        exten, _, context = self.state_interface[5:].partition("@")
        return (exten, context or "default") if exten else None

    @property
    def spy_device(self) -> str:
        """The device whose channels are this member's calls ("" while a hint is unresolved).

        ``Local/1001@agents/n`` dials channels named ``Local/1001@agents-…``: options are dropped.
        """
        if self.hint is not None:
            return self.hint_device
        device = self.state_interface or self.interface
        if device.lower().startswith("local/") and device.count("/") >= 2:
            device = device.rsplit("/", 1)[0]
        return device

    def owns_channel(self, channel: str) -> bool:
        return bool(self.spy_device) and _device_of(channel) == self.spy_device.lower()


@dataclass(slots=True)
class _Caller:
    call: Call
    left_at: int | None = None  # QueueCallerLeave seen, AgentConnect not (yet)
    counted: bool = True  # offered in this interval's counters (answered/abandoned count only then)


@dataclass(slots=True)
class _Queue:
    id: str
    sl_threshold_s: int = 20
    counters: QueueCounters = field(default_factory=QueueCounters)
    shown: Queue | None = None


class AsteriskFloor(FloorBase):
    """The floor as AMI tells it. Feed it messages with the time; it returns what changed."""

    queues: dict[str, _Queue]
    callers: dict[str, _Caller]

    def __init__(self, now: int, queues: Mapping[str, QueueConfig] | None = None,
                 teams: Mapping[str, str] | None = None, utc_offset_min: int = 540, day_start_min: int = 0) -> None:
        super().__init__(now, utc_offset_min, day_start_min)
        self.config = dict(queues or {})
        self.teams = dict(teams or {})  # member name or interface -> team
        self.members: dict[str, _Member] = {}
        self._snapshot: tuple[dict[str, _Member], dict[str, _Queue], dict[str, _Caller]] | None = None

    # -- the snapshot (QueueStatus, then the channel list) ------------------------------------

    def load_queue_status(self, events: Iterable[AmiMessage], now: int) -> list[Update]:
        """A whole QueueStatus answer (its QueueParams, QueueMember and QueueEntry events): the
        fresh picture replaces the old; returns what differs from what the boards were shown."""
        self._snapshot = ({}, {}, {})
        for msg in events:
            self.on(msg, now)
        return self._end_snapshot(now)

    def _end_snapshot(self, now: int) -> list[Update]:
        """The fresh picture replaces the old. Returns what differs from what
        the boards were shown, removals included (rule 9).

        What AMI's list does not say is kept from before: the call a member is on (the channel
        list tells it, :meth:`apply_channels`), its wrap-up, and what the boards were shown (so time
        in state restarts only if the state really changed).
        """
        if self._snapshot is None:
            return []
        members, queues, callers = self._snapshot
        self._snapshot = None
        calls_before = {cid: c.call for cid, c in self.callers.items()}
        for iface, m in members.items():
            old = self.members.get(iface)
            if old is not None:
                m.call_id, m.ringing_call, m.wrapup_until, m.wrapup_handle = (
                    old.call_id, old.ringing_call, old.wrapup_until, old.wrapup_handle)
                m.since, m.shown, m.help = old.since, old.shown, old.help
                m.hint_device = m.hint_device or old.hint_device
        for qid, q in queues.items():
            old_q = self.queues.get(qid)
            if old_q is not None:
                q.counters, q.shown = old_q.counters, old_q.shown
        for cid, c in callers.items():  # a waiting caller seen for the first time is offered now
            known = self.callers.get(cid)
            if known is not None:
                c.counted, c.call = known.counted, msgspec.structs.replace(c.call, queued_at=known.call.queued_at)
            elif c.call.queue in queues:
                queues[c.call.queue].counters.offered += 1
        changed = Changes(agents=set(members), queues=set(queues))
        gone_agents = [Gone("agent", iface) for iface in self.members if iface not in members]
        for cid, c in self.callers.items():
            if c.call.status is CallState.CONNECTED:
                callers.setdefault(cid, c)
            elif cid not in callers:  # gone from the queue while we were not listening
                changed.ended.append(msgspec.structs.replace(c.call, state=CallState.ENDED.value, ended_at=now,
                                                             end_reason="exited"))
        gone_queues = [Gone("queue", qid) for qid in self.queues if qid not in queues]
        self.members, self.queues, self.callers = members, queues, callers
        changed.calls = {cid for cid, c in callers.items() if calls_before.get(cid) != c.call}
        # removed agents first (their calls may name them), removed queues last (after their calls)
        out = changed.out(self, now)
        return [*gone_agents, *out, *gone_queues]

    def apply_channels(self, channels: Iterable[AmiMessage], now: int) -> list[Update]:
        """Rule 8: who is on which queue call, from the channel list (``Status``), at a snapshot.

        A member on a queue call we did not know is put on it (answered ``Seconds`` of its own leg
        ago); a member we had on a call that no channel shows any more is off it (the call ended
        while we were not listening), unless it was answered a moment ago (the bridge may still
        be forming).
        """
        by_bridge: dict[str, list[AmiMessage]] = {}
        for ch in channels:
            if ch.get("BridgeID"):
                by_bridge.setdefault(ch.get("BridgeID"), []).append(ch)
        devices = {m.spy_device.lower(): m for m in self.members.values() if m.spy_device}
        on_call: dict[str, tuple[str, AmiMessage, AmiMessage]] = {}  # member -> (call id, caller, member leg)
        for legs in by_bridge.values():
            for caller in legs:
                uid = caller.get("Uniqueid")
                if caller.get("Application").lower() != "queue" or not _is_id(uid):
                    continue
                for leg in legs:
                    m = devices.get(_device_of(leg.get("Channel")))
                    if leg is not caller and m is not None:
                        on_call[m.interface] = (uid, caller, leg)
        changed = Changes()
        for m in self.members.values():
            found = on_call.get(m.interface)
            if found is None:
                c = self.callers.get(m.call_id) if m.call_id is not None else None
                if c is not None and (c.call.answered_at or 0) < now - LEAVE_GRACE_MS:
                    self._end_call(c.call.id, now, "completed", changed)
                continue
            uid, caller, leg = found
            if m.call_id == uid:
                continue
            queue = _clip(caller.get("Data").split(",")[0], MAX_ID) or next(iter(m.memberships), "")
            if not queue:
                continue
            talk_ms = min(_int(leg.get("Seconds")) * 1000, now)
            waited_ms = max(min(_int(caller.get("Seconds")) * 1000, now), talk_ms)
            self.callers[uid] = _Caller(Call(
                id=uid, queue=queue, state=CallState.CONNECTED.value, queued_at=now - waited_ms,
                answered_at=now - talk_ms, agent_id=m.interface, caller_num=_clip(caller.get("CallerIDNum")),
                caller_name=_name(caller.get("CallerIDName"))), counted=False)  # answered before we counted
            self._queue_known(queue, changed)
            m.call_id, m.ringing_call, m.wrapup_until = uid, None, 0
            m.started = now - talk_ms
            changed.calls.add(uid)
            changed.agents.add(m.interface)
        return changed.out(self, now)

    def resolve_hint(self, iface: str, hint: str) -> str:
        """The device of a member's ``hint:`` state interface, from ``ExtensionState``'s ``Hint``
        (``PJSIP/1006&Custom:DND1006``): its first channel device. Returns it ("" if none)."""
        device = next((d.strip() for d in hint.split("&") if "/" in d and ":" not in d.split("/")[0]), "")
        for m in (self._snapshot[0].get(iface) if self._snapshot is not None else None, self.members.get(iface)):
            if m is not None:
                m.hint_device = device
        return device

    # -- messages ------------------------------------------------------------------------

    def on(self, msg: AmiMessage, now: int) -> list[Update]:
        """Apply one AMI event; returns the feed objects it changed (in order)."""
        handler = _HANDLERS.get(msg.event.lower())
        if handler is None:
            return []
        changed = Changes()
        handler(self, msg, now, changed)
        return changed.out(self, now)

    def member_by_device(self, device: str) -> _Member | None:
        d = device.lower()
        for m in self.members.values():
            if d in (m.state_interface.lower(), m.interface.lower(), m.spy_device.lower()):
                return m
        return None

    def member_of(self, msg: AmiMessage) -> _Member | None:
        """Whose a UserEvent is: its ``Agent`` header (member name or interface), else the member whose device
        runs the channel that raised it (a feature code dialled from the agent's phone)."""
        who = msg.get("Agent")
        if who:
            low = who.lower()
            return self.members.get(who) or next((m for m in self.members.values()
                                                  if low in (m.name.lower(), m.interface.lower())), None)
        channel = msg.get("Channel")
        return next((m for m in self.members.values() if channel and m.owns_channel(channel)), None)

    def _user_event(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        """``UserEvent: WallboardHelp`` (手上げ) with ``State: raised`` (the default) or ``cleared``."""
        if msg.get("UserEvent").lower() != "wallboardhelp":
            return  # WallboardOutcome is the bridge's (the outbound desk); others are not ours
        m = self.member_of(msg)
        state = msg.get("State", "raised").strip().lower()
        if m is None or state not in HELP_STATES:
            self._odd("a WallboardHelp UserEvent " + ("for no known agent" if m is None else "with an unknown State"))
            return
        m.help = HELP_STATES[state]
        ch.agents.add(m.interface)

    def _slots(self) -> Mapping[str, _Member]:
        return self.members

    # -- handlers ------------------------------------------------------------------------------

    def _need(self, msg: AmiMessage, *keys: str) -> list[str] | None:
        """The values of ``keys`` if each is a usable id; else the oddity is counted and None."""
        values = []
        for key in keys:
            value = msg.get(key)
            if not _is_id(value):
                self._odd(f"{msg.event or 'an event'} {'without' if not value else 'with an over-long'} {key}")
                return None
            values.append(value)
        return values

    def _queue_params(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if self._snapshot is None or (got := self._need(msg, "Queue")) is None:
            return
        [qid] = got
        self._snapshot[1][qid] = _Queue(qid, sl_threshold_s=min(_int(msg.get("ServiceLevel"), 20), 86_400))

    def _queue_member(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if self._snapshot is None or (got := self._need(msg, "Queue", "Location")) is None:
            return
        qid, iface = got  # the snapshot's spelling (live events say Interface)
        members = self._snapshot[0]
        m = members.get(iface)
        if m is None:
            m = members[iface] = _Member(iface, _clip(msg.get("Name")) or iface,
                                         _clip(msg.get("StateInterface")) or iface)
        self._membership(m, qid, msg)
        m.device = _int(msg.get("Status"), 1)
        since_s = max(_int(msg.get("LastCall")), _int(msg.get("LastPause")), _int(msg.get("LoginTime")))
        m.since = min(now, since_s * 1000) if since_s else now

    def _queue_entry(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if self._snapshot is None or (got := self._need(msg, "Queue", "Uniqueid")) is None:
            return
        qid, cid = got
        wait_ms = min(_int(msg.get("Wait")) * 1000, now)
        self._snapshot[2][cid] = _Caller(Call(id=cid, queue=qid, state=CallState.QUEUED.value,
                                              queued_at=now - wait_ms, caller_num=_clip(msg.get("CallerIDNum")),
                                              caller_name=_name(msg.get("CallerIDName"))))

    def _member_event(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        """QueueMemberStatus / Added / Pause / Penalty / Ringinuse: the live spelling."""
        if (got := self._need(msg, "Queue", "Interface")) is None:
            return
        qid, iface = got
        m = self.members.get(iface)
        if m is None:
            m = self.members[iface] = _Member(iface, _clip(msg.get("MemberName")) or iface,
                                              _clip(msg.get("StateInterface")) or iface, since=now)
        m.name = _clip(msg.get("MemberName")) or m.name
        self._membership(m, qid, msg)
        m.device = _int(msg.get("Status"), m.device)
        self._queue_known(qid, ch)
        ch.agents.add(iface)

    def _member_removed(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        m = self.members.get(msg.get("Interface"))
        if m is not None:
            m.memberships.pop(msg.get("Queue"), None)
            ch.agents.add(m.interface)

    def _device_state(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        m = self.member_by_device(msg.get("Device"))
        if m is not None:
            m.device = DEVICE_STATES.get(msg.get("State").upper(), m.device)
            ch.agents.add(m.interface)

    def _caller_join(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if (got := self._need(msg, "Queue", "Uniqueid")) is None:
            return
        qid, cid = got
        if cid in self.callers:
            return  # a repeated join: counted once
        q = self._queue_known(qid, ch)
        q.counters.offered += 1
        self.callers[cid] = _Caller(Call(id=cid, queue=qid, state=CallState.QUEUED.value, queued_at=now,
                                         caller_num=_clip(msg.get("CallerIDNum")),
                                         caller_name=_name(msg.get("CallerIDName"))))
        ch.calls.add(cid)
        ch.queues.add(qid)

    def _agent_called(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if (got := self._need(msg, "Uniqueid")) is None:
            return
        [cid] = got
        c, m = self.callers.get(cid), self.members.get(msg.get("Interface"))
        if c is not None and c.call.status is CallState.QUEUED:
            c.call = msgspec.structs.replace(c.call, state=CallState.RINGING.value)
            ch.calls.add(c.call.id)
        if m is not None:
            m.ringing_call = cid
            ch.agents.add(m.interface)

    def _agent_no_answer(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        """AgentRingNoAnswer (RingTime in ms) / AgentDump: the offer is over, the caller waits on."""
        cid = msg.get("Uniqueid")
        c, m = self.callers.get(cid), self.members.get(msg.get("Interface"))
        if c is not None and c.call.status is CallState.RINGING:
            c.call = msgspec.structs.replace(c.call, state=CallState.QUEUED.value)
            ch.calls.add(c.call.id)
        if m is not None and m.ringing_call is not None and m.ringing_call == (cid or m.ringing_call):
            m.ringing_call = None
            ch.agents.add(m.interface)

    def _caller_leave(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        c = self.callers.get(msg.get("Uniqueid"))
        if c is not None and c.call.status is not CallState.CONNECTED:
            c.left_at = now  # AgentConnect follows at once, or the caller is gone (tick / Hangup)

    def _agent_connect(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if (got := self._need(msg, "Queue", "Uniqueid")) is None:
            return
        qid, cid = got
        m = self.members.get(msg.get("Interface"))
        c = self.callers.get(cid)
        if c is not None and c.call.status is CallState.CONNECTED:
            return  # a repeated connect: counted once
        q = self._queue_known(qid, ch)
        wait_ms = (now - c.call.queued_at) if c is not None else min(_int(msg.get("HoldTime")) * 1000, now)
        call = c.call if c is not None else Call(id=cid, queue=qid, state=CallState.QUEUED.value,
                                                 queued_at=now - wait_ms, caller_num=_clip(msg.get("CallerIDNum")),
                                                 caller_name=_name(msg.get("CallerIDName")))
        counted = c is not None and c.counted  # a caller who joined before we counted is not answered in them
        self.callers[cid] = _Caller(msgspec.structs.replace(
            call, state=CallState.CONNECTED.value, answered_at=now, agent_id=m.interface if m else None),
            counted=counted)
        if counted:
            q.counters.answered += 1
            q.counters.wait_answered_ms += wait_ms
            q.counters.waited(wait_ms)
            q.counters.answered_in_sl += wait_ms <= q.sl_threshold_s * 1000
            ch.queues.add(qid)
        ch.calls.add(cid)
        if m is not None:
            if m.wrapup_until:  # a new call before wrap-up ran out: that wrap-up is over
                self._end_wrapup(m, ch)
            if m.call_id is not None and m.call_id != cid:
                self._end_call(m.call_id, now, "completed", ch)  # its last call's end was never told
            m.call_id, m.ringing_call = cid, None
            ch.agents.add(m.interface)

    def _agent_complete(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        """The member's call is over. Without Uniqueid (the caller's channel already gone: rule 7)
        the call that ended is the member's own."""
        m = self.members.get(msg.get("Interface"))
        cid = msg.get("Uniqueid") or (m.call_id if m is not None else None)
        if not cid:
            self._odd(f"{msg.event} without Uniqueid or a known Interface")
            return
        c = self.callers.get(cid)
        qid = msg.get("Queue") or (c.call.queue if c is not None else "")
        counted = c is not None and c.counted
        self._end_call(cid, now, "completed", ch)
        if m is None:
            return
        if m.call_id not in (None, cid):
            return  # not the call this member is on: no wrap-up from it
        m.call_id = None
        wrap_s = self._wrapup_s(m, qid)
        talk_ms = min(_int(msg.get("TalkTime")) * 1000, DAY_MS)  # seconds, like HoldTime
        m.wrapup_handle = (qid, talk_ms + wrap_s * 1000) if counted else None
        m.wrapup_until = now + wrap_s * 1000
        if not wrap_s:
            self._end_wrapup(m, ch)
        ch.agents.add(m.interface)

    def _caller_abandon(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        if (got := self._need(msg, "Queue", "Uniqueid")) is None:
            return
        qid, cid = got
        c = self.callers.get(cid)
        if c is None or c.call.status is CallState.CONNECTED:
            return  # one we never saw join (not offered in our counters), or already answered
        if c.counted:
            q = self._queue_known(qid, ch)
            wait_ms = now - c.call.queued_at
            cfg = self.config.get(qid, QueueConfig())
            q.counters.abandoned += 1
            q.counters.waited(wait_ms)
            q.counters.abandoned_short += wait_ms <= cfg.short_abandon_s * 1000
            q.counters.abandoned_in_sl += wait_ms <= q.sl_threshold_s * 1000
            ch.queues.add(qid)
        self._end_call(cid, now, "abandoned", ch)

    def _hangup(self, msg: AmiMessage, now: int, ch: Changes) -> None:
        c = self.callers.get(msg.get("Uniqueid"))
        if c is not None and c.call.status is not CallState.CONNECTED:
            self._end_call(c.call.id, now, "exited", ch)  # left the queue some other way (exit key, timeout)

    # -- helpers --------------------------------------------------------------------------------

    def _membership(self, m: _Member, qid: str, msg: AmiMessage) -> None:
        ms = m.memberships.get(qid)
        if ms is None:
            if len(m.memberships) >= MAX_QUEUES:
                self._odd(f"a member in more than {MAX_QUEUES} queues")
                return
            ms = m.memberships[qid] = _Membership()
        if "Paused" in msg:
            ms.paused = msg.get("Paused") == "1"
            ms.reason = _clip(msg.get("PausedReason") or msg.get("Reason")) if ms.paused else ""
        ms.wrapup_s = min(_int(msg.get("Wrapuptime"), ms.wrapup_s), 86_400)

    def _queue_known(self, qid: str, ch: Changes) -> _Queue:
        q = self.queues.get(qid)
        if q is None:
            q = self.queues[qid] = _Queue(qid)
            ch.queues.add(qid)
        return q

    def _wrapup_s(self, m: _Member, qid: str) -> int:
        own = m.memberships.get(qid, _Membership()).wrapup_s
        return own if own > 0 else self.config.get(qid, QueueConfig()).wrapup_s

    def _end_wrapup(self, m: _Member, ch: Changes) -> None:
        self._wrapup_over(m, m.interface, ch)

    def _end_call(self, cid: str, now: int, why: str, ch: Changes) -> None:
        c = self.callers.pop(cid, None)
        if c is None:
            return
        ch.ended.append(msgspec.structs.replace(c.call, state=CallState.ENDED.value, ended_at=now, end_reason=why))
        for m in self.members.values():
            if m.call_id == cid or m.ringing_call == cid:
                m.call_id = None if m.call_id == cid else m.call_id
                m.ringing_call = None if m.ringing_call == cid else m.ringing_call
                ch.agents.add(m.interface)

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
            m.since = m.started if m.started is not None else now if shown is not None else (m.since or now)
        m.started = None
        team = self.teams.get(m.name) or self.teams.get(m.interface) or ""
        agent = Agent(id=m.interface, name=m.name, state=state.value, since=max(0, m.since), team=_clip(team),
                      reason=reason, queues=tuple(sorted(m.memberships)), call_id=m.call_id, ext=m.state_interface,
                      direction="in" if m.call_id else "", help=m.help and state is not AgentState.LOGGED_OUT)
        m.shown = agent
        return agent

    def _queue(self, q: _Queue) -> Queue:
        cfg = self.config.get(q.id, QueueConfig())
        q.shown = self.counters_of(q).queue(id=q.id, name=_clip(cfg.name) or q.id, interval_start=self.interval_start,
                                   interval_partial=self.interval_partial, sl_threshold_s=q.sl_threshold_s,
                                   sl_target_pct=cfg.sl_target_pct, short_abandon_s=cfg.short_abandon_s)
        return q.shown


_int, _clip, _is_id = number, clip, is_id


def _device_of(channel: str) -> str:
    """``PJSIP/agent-1001-0000002a`` → ``pjsip/agent-1001``; ``Local/1001@agents-00000033;1`` →
    ``local/1001@agents``: a channel's name is its device, a dash and a sequence number."""
    return channel.rpartition("-")[0].lower()


def _name(caller_id_name: str) -> str:
    return "" if caller_id_name in ("<unknown>", "") else _clip(caller_id_name)


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
    "userevent": AsteriskFloor._user_event,
}
