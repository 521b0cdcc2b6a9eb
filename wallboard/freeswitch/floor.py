"""FreeSWITCH's mod_callcenter as the board's floor: event-socket events in, feed objects out. No I/O,
no clock.

Rules (each one checked against mod_callcenter's source and a FreeSWITCH 1.11.1 run;
shared/reference/freeswitch.md, tests/freeswitch/captures/README.md):

1. An agent is a mod_callcenter *agent*, keyed by its name (``1001@default``); the queues it serves
   are its *tiers*. Status (``Logged Out``, ``Available``, ``Available (On Demand)``, ``On Break``)
   and state (``Waiting``, ``Receiving``, ``In a queue call``, ``Idle``, ``Reserved``) are separate:
   the events ``agent-status-change`` and ``agent-state-change`` carry one each.
2. A caller is a queue *member*; its call id is the caller's channel (``CC-Member-Session-UUID``),
   the one every event of it names. ``member-queue-start`` offers it; ``agent-offering`` rings an
   agent; ``bridge-agent-start`` answers it (``CC-Agent-UUID`` is the agent's channel: the one to
   eavesdrop on); ``bridge-agent-fail`` puts it back in the queue; ``bridge-agent-end`` ends it.
3. ``member-queue-end`` says how a caller left: ``Terminated`` (answered, then hung up), or ``Cancel``
   with ``CC-Cancel-Reason``: ``BREAK_OUT`` is the caller hanging up while waiting (mod_callcenter turns
   ``NONE`` into it when no agent was found) — **abandoned**; ``TIMEOUT`` and ``NO_AGENT_TIMEOUT`` are
   the queue's overflow — **timeout**, not abandoned; ``EXIT_WITH_KEY`` is the caller pressing a key
   — **exited**. Kept apart in the call's ``end_reason`` and in the counters (only BREAK_OUT abandons).
4. Wrap-up has no event: after ``bridge-agent-end`` the agent is in wrap-up for its
   ``wrap_up_time`` (from the agent list: the bridge reads it at every snapshot).
5. An agent's state comes, in this order, from: the status (logged out), the queue call it is on
   (talking, or held — ``CHANNEL_HOLD`` on either side), an offered call or ``Receiving`` (ringing),
   the wrap-up timer, ``In a queue call`` without a call we know (talking), the status again (``On
   Break``: paused, reason ``no_answer`` when ``agent-max-no-answer`` put it there, else ``break``),
   the state ``Idle`` (an on-demand agent not taking calls: paused, reason ``idle``), else available.
6. **Any field may be missing or wrong.** A handler never raises on what the socket sends: an event
   without what it needs is counted in :attr:`FreeSwitchFloor.oddities` (the bridge logs each kind
   once) and skipped; numbers that are not numbers read as absent; text is clipped to the feed's
   limits.
7. Tiers and agents added or removed by ``callcenter_config`` or a reload have no event: the bridge
   takes the floor again now and then, and the floor turns the difference into updates and removals.
8. A caller whose channel hangs up without a ``member-queue-end`` (the module unloaded, the event
   lost) is ended ``exited`` after a grace period.

Counters count only what the floor saw begin, as for Asterisk: a caller is offered when it joins, or
when a snapshot first shows it waiting; answered and abandoned only if it was offered in them. They
run from the bridge's start (``interval_partial``) until the centre's local midnight, then from midnight.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..core.metrics import QueueCounters
from ..core.model import Agent, AgentState, Call, CallState, Queue
from ..core.pbxfloor import (
    HELP_STATES,
    LEAVE_GRACE_MS,
    MAX_ID,
    MAX_QUEUES,
    MAX_TEXT,
    Changes,
    FloorBase,
    Update,
    clip,
    number,
)
from ..core.protocol import Gone

__all__ = ["CANCEL_REASONS", "LEAVE_GRACE_MS", "FreeSwitchFloor", "QueueConfig", "Update"]

#: ``CC-Cancel-Reason`` → the call's end reason (rule 3).
CANCEL_REASONS = {"BREAK_OUT": "abandoned", "NONE": "abandoned", "TIMEOUT": "timeout",
                  "NO_AGENT_TIMEOUT": "timeout", "EXIT_WITH_KEY": "exited"}

@dataclass(frozen=True, slots=True)
class QueueConfig:
    """What the event socket does not say about a queue."""

    name: str = ""
    sl_target_pct: float = 80.0
    sl_threshold_s: int = 20
    short_abandon_s: int = 0


@dataclass(slots=True)
class _Agent:
    name: str
    status: str = "Logged Out"
    state: str = "Waiting"
    wrapup_s: int = 0
    contact: str = ""
    queues: set[str] = field(default_factory=set)
    call_id: str | None = None
    channel: str = ""  # the agent's channel on its queue call (eavesdrop on it)
    ringing_call: str | None = None
    held: bool = False
    no_answer_break: bool = False
    help: bool = False  # raised by the agent (CUSTOM wallboard::help), until cleared
    wrapup_until: int = 0
    wrapup_handle: tuple[str, int] | None = None  # (queue, handle ms so far) counted when wrap-up ends
    since: int = 0
    started: int | None = None
    shown: Agent | None = None


@dataclass(slots=True)
class _Caller:
    call: Call
    counted: bool = True
    left_at: int | None = None  # its channel hung up, member-queue-end not (yet) seen


@dataclass(slots=True)
class _Queue:
    id: str
    counters: QueueCounters = field(default_factory=QueueCounters)
    shown: Queue | None = None


class FreeSwitchFloor(FloorBase):
    """The floor as the event socket tells it. Feed it events with the time; it returns what changed."""

    queues: dict[str, _Queue]
    callers: dict[str, _Caller]

    def __init__(self, now: int, queues: Mapping[str, QueueConfig] | None = None,
                 teams: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None,
                 utc_offset_min: int = 540, day_start_min: int = 0) -> None:
        super().__init__(now, utc_offset_min, day_start_min)
        self.config = dict(queues or {})
        self.teams = dict(teams or {})
        self.names = dict(names or {})  # agent name → the name shown
        self.agents: dict[str, _Agent] = {}

    # -- the snapshot (the JSON API's lists) ---------------------------------------------------

    def load(self, agents: Iterable[Mapping[str, Any]], tiers: Iterable[Mapping[str, Any]],
             members: Iterable[Mapping[str, Any]], queues: Iterable[Mapping[str, Any]], now: int) -> list[Update]:
        """``callcenter_config`` agent list, tier list, member list and queue list: the fresh picture
        replaces the old. Returns what differs from what the boards were shown, removals included.
        What the lists do not say is kept: counters, wrap-up, what was shown (so time in state restarts
        only if the state really changed)."""
        new_queues: dict[str, _Queue] = {}
        for row in queues:
            qid = _text(row, "name", MAX_ID)
            if qid:
                new_queues[qid] = self.queues.get(qid) or _Queue(qid)
            else:
                self._odd("a queue list row without name")
        new_agents: dict[str, _Agent] = {}
        for row in agents:
            name = _text(row, "name", MAX_ID)
            if not name:
                self._odd("an agent list row without name")
                continue
            old = self.agents.get(name)
            a = new_agents[name] = _Agent(name, status=_text(row, "status") or "Logged Out",
                                          state=_text(row, "state") or "Waiting",
                                          wrapup_s=min(_int(row.get("wrap_up_time")), 86_400),
                                          contact=_text(row, "contact"))
            if old is not None:
                a.call_id, a.channel, a.ringing_call, a.held = old.call_id, old.channel, old.ringing_call, old.held
                a.wrapup_until, a.wrapup_handle, a.no_answer_break = old.wrapup_until, old.wrapup_handle, \
                    old.no_answer_break
                a.since, a.shown, a.help = old.since, old.shown, old.help
            else:
                changed_s = max(_int(row.get("last_status_change")), _int(row.get("last_bridge_start")),
                                _int(row.get("last_bridge_end")))
                a.since = min(now, changed_s * 1000) if changed_s else now
                end_s = _int(row.get("last_bridge_end"))
                if a.state == "Waiting" and end_s and (end_s + a.wrapup_s) * 1000 > now:
                    a.wrapup_until = (end_s + a.wrapup_s) * 1000  # in wrap-up when the bridge started
            if a.status != "On Break":
                a.no_answer_break = False
            if a.state == "In a queue call" and _text(row, "uuid", MAX_ID):
                a.channel = _text(row, "uuid", MAX_ID)
        for row in tiers:
            qid, name = _text(row, "queue", MAX_ID), _text(row, "agent", MAX_ID)
            tiered = new_agents.get(name)
            if not qid or tiered is None:
                continue  # a tier of an agent that is not in the list: mod_callcenter ignores it too
            if len(tiered.queues) >= MAX_QUEUES:
                self._odd(f"an agent in more than {MAX_QUEUES} queues")
                continue
            tiered.queues.add(qid)
            new_queues.setdefault(qid, self.queues.get(qid) or _Queue(qid))
        new_callers: dict[str, _Caller] = {}
        for row in members:
            self._member_row(row, now, new_agents, new_queues, new_callers)
        return self._replace(new_agents, new_queues, new_callers, now)

    def _member_row(self, row: Mapping[str, Any], now: int, agents: dict[str, _Agent],
                    queues: dict[str, _Queue], callers: dict[str, _Caller]) -> None:
        cid, qid, state = _text(row, "session_uuid", MAX_ID), _text(row, "queue", MAX_ID), _text(row, "state")
        if state not in ("Waiting", "Trying", "Answered"):
            return  # Abandoned members stay in the table a while (discard-abandoned-after): gone for us
        if not cid or not qid:
            self._odd("a member list row without session_uuid or queue")
            return
        queues.setdefault(qid, self.queues.get(qid) or _Queue(qid))
        joined = min(_int(row.get("joined_epoch")) * 1000 or now, now)
        known = self.callers.get(cid)
        if state == "Answered":
            agent = agents.get(_text(row, "serving_agent", MAX_ID))
            answered = min(_int(row.get("bridge_epoch")) * 1000 or now, now)
            call = Call(id=cid, queue=qid, state=CallState.CONNECTED.value, queued_at=min(joined, answered),
                        answered_at=answered, agent_id=agent.name if agent else None,
                        caller_num=_text(row, "cid_number"), caller_name=_text(row, "cid_name"))
            if known is not None and known.call.status is CallState.CONNECTED:
                call = known.call
            callers[cid] = _Caller(call, counted=known.counted if known is not None else False)
            if agent is not None and agent.call_id != cid:
                agent.call_id, agent.ringing_call = cid, None
                agent.started = answered
            return
        call = Call(id=cid, queue=qid, state=CallState.QUEUED.value, queued_at=joined,
                    caller_num=_text(row, "cid_number"), caller_name=_text(row, "cid_name"))
        if known is not None:
            callers[cid] = _Caller(msgspec.structs.replace(known.call, queue=qid), counted=known.counted)
        else:  # waiting, and seen for the first time: offered now
            callers[cid] = _Caller(call)
            queues[qid].counters.offered += 1

    def _replace(self, agents: dict[str, _Agent], queues: dict[str, _Queue], callers: dict[str, _Caller],
                 now: int) -> list[Update]:
        changed = Changes(agents=set(agents), queues=set(queues))
        gone_agents = [Gone("agent", name) for name in self.agents if name not in agents]
        calls_before = {cid: c.call for cid, c in self.callers.items()}
        for cid, c in self.callers.items():
            if cid not in callers:  # gone while we were not listening
                why = "completed" if c.call.status is CallState.CONNECTED else "exited"
                changed.ended.append(msgspec.structs.replace(c.call, state=CallState.ENDED.value, ended_at=now,
                                                             end_reason=why))
        for a in agents.values():  # a call the member list no longer has is over
            if a.call_id is not None and a.call_id not in callers:
                a.call_id, a.channel, a.held = None, "", False
            if a.ringing_call is not None and a.ringing_call not in callers:
                a.ringing_call = None
        gone_queues = [Gone("queue", qid) for qid in self.queues if qid not in queues]
        self.agents, self.queues, self.callers = agents, queues, callers
        changed.calls = {cid for cid, c in callers.items() if calls_before.get(cid) != c.call}
        return [*gone_agents, *changed.out(self, now), *gone_queues]

    # -- events ----------------------------------------------------------------------------------

    def on(self, event: Mapping[str, str], now: int) -> list[Update]:
        """Apply one event (its headers); returns the feed objects it changed, in order."""
        name = event.get("Event-Name", "")
        if name == "CUSTOM":
            if event.get("Event-Subclass") == "wallboard::help":
                changed = Changes()
                self._help(event, changed)
                return changed.out(self, now)
            if event.get("Event-Subclass") != "callcenter::info":
                return []
            handler = _ACTIONS.get(event.get("CC-Action", ""))
            if handler is None:
                if event.get("CC-Action", "").startswith("agent-") and event.get("CC-Action", "").endswith("-get"):
                    return []  # the answer to someone's `callcenter_config agent get`: nothing changed
                self._odd(f"callcenter::info {event.get('CC-Action', '')[:40] or 'without CC-Action'}")
                return []
        else:
            handler = _CHANNEL.get(name)
            if handler is None:
                return []
        changed = Changes()
        handler(self, event, now, changed)
        return changed.out(self, now)

    def _slots(self) -> Mapping[str, _Agent]:
        return self.agents

    def agent_of(self, event: Mapping[str, str]) -> str | None:
        """Whose a ``wallboard::…`` event is: its ``Agent`` header (the mod_callcenter agent, ``1001@default``, or
        its user part), else the channel that raised it: its ``cc_agent`` variable, or who an agent's own phone
        is (its user name, caller id or ANI: ``1001`` for ``1001@default``)."""
        for who in (event.get("Agent", ""), event.get("variable_cc_agent", ""), event.get("Caller-Username", ""),
                    event.get("Caller-Caller-ID-Number", ""), event.get("Caller-ANI", "")):
            if not who:
                continue
            if who in self.agents:
                return who
            named = [n for n in self.agents if n.partition("@")[0] == who]
            if len(named) == 1:
                return named[0]
        return None

    def _help(self, ev: Mapping[str, str], ch: Changes) -> None:
        """``CUSTOM wallboard::help`` (手上げ) with ``State: raised`` (the default) or ``cleared``."""
        name = self.agent_of(ev)
        state = ev.get("State", "raised").strip().lower()
        if name is None or state not in HELP_STATES:
            self._odd("a wallboard::help event " + ("for no known agent" if name is None else "with an unknown State"))
            return
        self.agents[name].help = HELP_STATES[state]
        ch.agents.add(name)

    # -- handlers ---------------------------------------------------------------------------------

    def _need(self, ev: Mapping[str, str], *keys: str) -> list[str] | None:
        values = []
        for key in keys:
            value = ev.get(key, "")
            if not 0 < len(value) <= MAX_ID:
                self._odd(f"{ev.get('CC-Action') or ev.get('Event-Name') or 'an event'} "
                          f"{'without' if not value else 'with an over-long'} {key}")
                return None
            values.append(value)
        return values

    def _join(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        """member-queue-start / member-queue-resume."""
        if (got := self._need(ev, "CC-Queue", "CC-Member-Session-UUID")) is None:
            return
        qid, cid = got
        if cid in self.callers:
            return  # a repeated join: counted once
        q = self._queue_known(qid, ch)
        q.counters.offered += 1
        self.callers[cid] = _Caller(Call(id=cid, queue=qid, state=CallState.QUEUED.value, queued_at=now,
                                         caller_num=_clip(ev.get("CC-Member-CID-Number", "")),
                                         caller_name=_clip(ev.get("CC-Member-CID-Name", ""))))
        ch.calls.add(cid)
        ch.queues.add(qid)

    def _offering(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        if (got := self._need(ev, "CC-Agent", "CC-Member-Session-UUID")) is None:
            return
        name, cid = got
        c, a = self.callers.get(cid), self.agents.get(name)
        if c is not None and c.call.status is CallState.QUEUED:
            c.call = msgspec.structs.replace(c.call, state=CallState.RINGING.value)
            ch.calls.add(cid)
        if a is not None:
            a.ringing_call = cid
            ch.agents.add(name)

    def _bridge_start(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        if (got := self._need(ev, "CC-Queue", "CC-Agent", "CC-Member-Session-UUID")) is None:
            return
        qid, name, cid = got
        c, a = self.callers.get(cid), self.agents.get(name)
        if c is not None and c.call.status is CallState.CONNECTED:
            return  # a repeated start: counted once
        q = self._queue_known(qid, ch)
        if c is not None:
            wait_ms = now - c.call.queued_at
            call = c.call
        else:
            answered_s, joined_s = _int(ev.get("CC-Agent-Answered-Time")), _int(ev.get("CC-Member-Joined-Time"))
            wait_ms = min(max(0, answered_s - joined_s) * 1000 if answered_s and joined_s else 0, now)
            call = Call(id=cid, queue=qid, state=CallState.QUEUED.value, queued_at=now - wait_ms,
                        caller_num=_clip(ev.get("CC-Member-CID-Number", "")),
                        caller_name=_clip(ev.get("CC-Member-CID-Name", "")))
        counted = c is not None and c.counted
        self.callers[cid] = _Caller(msgspec.structs.replace(call, state=CallState.CONNECTED.value, answered_at=now,
                                                            agent_id=name if a else None), counted=counted)
        if counted:
            q.counters.answered += 1
            q.counters.wait_answered_ms += wait_ms
            q.counters.waited(wait_ms)
            q.counters.answered_in_sl += wait_ms <= self._sl_s(qid) * 1000
            ch.queues.add(qid)
        ch.calls.add(cid)
        if a is not None:
            if a.wrapup_until:
                self._end_wrapup(a, ch)
            if a.call_id is not None and a.call_id != cid:
                self._end_call(a.call_id, now, "completed", ch)
            a.call_id, a.ringing_call, a.held = cid, None, False
            a.channel = _clip(ev.get("CC-Agent-UUID", ""), MAX_ID)
            ch.agents.add(name)

    def _bridge_fail(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        """The offered agent did not take it: the caller waits on."""
        c = self.callers.get(ev.get("CC-Member-Session-UUID", ""))
        a = self.agents.get(ev.get("CC-Agent", ""))
        if c is not None and c.call.status is CallState.RINGING:
            c.call = msgspec.structs.replace(c.call, state=CallState.QUEUED.value)
            ch.calls.add(c.call.id)
        if a is not None and a.ringing_call is not None:
            a.ringing_call = None
            ch.agents.add(a.name)

    def _bridge_end(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        if (got := self._need(ev, "CC-Agent")) is None:
            return
        [name] = got
        a = self.agents.get(name)
        cid = ev.get("CC-Member-Session-UUID", "") or (a.call_id if a is not None else "") or ""
        c = self.callers.get(cid)
        qid = ev.get("CC-Queue", "") or (c.call.queue if c is not None else "")
        counted = c is not None and c.counted
        talk_ms = now - c.call.answered_at if c is not None and c.call.answered_at is not None else 0
        self._end_call(cid, now, "completed", ch)
        if a is None or a.call_id not in (None, cid):
            return
        a.call_id, a.channel, a.held = None, "", False
        a.wrapup_handle = (qid, max(0, talk_ms) + a.wrapup_s * 1000) if counted else None
        a.wrapup_until = now + a.wrapup_s * 1000
        if not a.wrapup_s:
            self._end_wrapup(a, ch)
        ch.agents.add(name)

    def _leave(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        """member-queue-end: how the caller left (rule 3)."""
        if (got := self._need(ev, "CC-Queue", "CC-Member-Session-UUID")) is None:
            return
        qid, cid = got
        c = self.callers.get(cid)
        if c is None:
            return
        if c.call.status is CallState.CONNECTED or ev.get("CC-Cause") == "Terminated":
            if c.call.status is CallState.CONNECTED:
                self._end_call(cid, now, "completed", ch)  # bridge-agent-end comes first; if it never did
            else:
                self._end_call(cid, now, "exited", ch)
            return
        reason = ev.get("CC-Cancel-Reason", "")
        why = CANCEL_REASONS.get(reason)
        if why is None:
            self._odd(f"member-queue-end with CC-Cancel-Reason {reason[:30]!r}")
            why = "exited"
        if c.counted:  # a caller who timed out or left by a key waited too
            self._queue_known(qid, ch).counters.waited(now - c.call.queued_at)
            ch.queues.add(qid)
        if why == "abandoned" and c.counted:
            q = self._queue_known(qid, ch)
            wait_ms = now - c.call.queued_at
            q.counters.abandoned += 1
            q.counters.abandoned_short += wait_ms <= self.config.get(qid, QueueConfig()).short_abandon_s * 1000
            q.counters.abandoned_in_sl += wait_ms <= self._sl_s(qid) * 1000
            ch.queues.add(qid)
        self._end_call(cid, now, why, ch)

    def _status(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        if (got := self._need(ev, "CC-Agent", "CC-Agent-Status")) is None:
            return
        name, status = got
        a = self._agent_known(name, ch)
        if status != "On Break":
            a.no_answer_break = False
        a.status = _clip(status, 32)
        ch.agents.add(name)

    def _state(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        if (got := self._need(ev, "CC-Agent", "CC-Agent-State")) is None:
            return
        name, state = got
        a = self._agent_known(name, ch)
        a.state = _clip(state, 32)
        if state in ("Waiting", "Idle") and a.ringing_call is not None:
            a.ringing_call = None  # the offer is over (answered elsewhere, caller gone)
        ch.agents.add(name)

    def _added(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        if (got := self._need(ev, "CC-Agent")) is None:
            return
        self._agent_known(got[0], ch)
        ch.agents.add(got[0])

    def _max_no_answer(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        a = self.agents.get(ev.get("CC-Agent", ""))
        if a is not None:
            a.no_answer_break = True  # its status change (to On Break) follows
            ch.agents.add(a.name)

    def _contact(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        a = self.agents.get(ev.get("CC-Agent", ""))
        if a is not None:
            a.contact = _clip(ev.get("CC-Agent-Contact", ""))

    def _hangup(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        uid = ev.get("Unique-ID", "")
        c = self.callers.get(uid)
        if c is not None and c.call.status is not CallState.CONNECTED and c.left_at is None:
            c.left_at = now  # member-queue-end should follow at once (rule 8)

    def _hold(self, ev: Mapping[str, str], now: int, ch: Changes) -> None:
        uid = ev.get("Unique-ID", "")
        held = ev.get("Event-Name") == "CHANNEL_HOLD"
        for a in self.agents.values():
            if a.call_id is not None and uid in (a.channel, a.call_id) and a.held != held:
                a.held = held
                c = self.callers.get(a.call_id)
                if c is not None and c.call.status in (CallState.CONNECTED, CallState.HELD):
                    c.call = msgspec.structs.replace(c.call, state=(CallState.HELD if held else CallState.CONNECTED).value,
                                                     held_since=now if held else None)
                    ch.calls.add(c.call.id)
                ch.agents.add(a.name)

    # -- helpers ----------------------------------------------------------------------------------

    def _agent_known(self, name: str, ch: Changes) -> _Agent:
        a = self.agents.get(name)
        if a is None:
            a = self.agents[name] = _Agent(_clip(name, MAX_ID), status="")  # logged in, status not yet known
            ch.agents.add(name)
        return a

    def _queue_known(self, qid: str, ch: Changes) -> _Queue:
        q = self.queues.get(qid)
        if q is None:
            q = self.queues[qid] = _Queue(qid)
            ch.queues.add(qid)
        return q

    def _sl_s(self, qid: str) -> int:
        return self.config.get(qid, QueueConfig()).sl_threshold_s

    def _end_wrapup(self, a: _Agent, ch: Changes) -> None:
        self._wrapup_over(a, a.name, ch)

    def _end_call(self, cid: str, now: int, why: str, ch: Changes) -> None:
        c = self.callers.pop(cid, None)
        if c is None:
            return
        ch.ended.append(msgspec.structs.replace(c.call, state=CallState.ENDED.value, ended_at=now, end_reason=why))
        for a in self.agents.values():
            if a.call_id == cid:
                a.call_id, a.channel, a.held = None, "", False
                ch.agents.add(a.name)
            if a.ringing_call == cid:
                a.ringing_call = None
                ch.agents.add(a.name)

    def state_of(self, a: _Agent, now: int) -> tuple[AgentState, str]:
        """The agent's state and reason, by rule 5 of the module docstring."""
        if a.status == "Logged Out":
            return AgentState.LOGGED_OUT, ""
        if a.call_id is not None:
            return (AgentState.ON_HOLD if a.held else AgentState.ON_CALL), ""
        if a.ringing_call is not None or a.state == "Receiving":
            return AgentState.RINGING, ""
        if a.wrapup_until and now < a.wrapup_until:
            return AgentState.WRAPUP, ""
        if a.state == "In a queue call":
            return AgentState.ON_CALL, ""
        if a.status == "On Break":
            return AgentState.PAUSED, "no_answer" if a.no_answer_break else "break"
        if a.state == "Idle":
            return AgentState.PAUSED, "idle"
        if a.status.startswith("Available") or not a.status:
            return AgentState.AVAILABLE, ""
        return AgentState.UNKNOWN, ""

    def _agent(self, a: _Agent, now: int) -> Agent:
        state, reason = self.state_of(a, now)
        shown = a.shown
        if shown is None or shown.state != state.value or shown.reason != reason or shown.call_id != a.call_id:
            a.since = a.started if a.started is not None else now if shown is not None else (a.since or now)
        a.started = None
        user = a.name.partition("@")[0]
        team = self.teams.get(a.name) or self.teams.get(user) or ""
        agent = Agent(id=a.name, name=_clip(self.names.get(a.name) or self.names.get(user) or a.name),
                      state=state.value, since=max(0, a.since), team=_clip(team), reason=reason,
                      queues=tuple(sorted(a.queues)), call_id=a.call_id, ext=_clip(a.contact),
                      direction="in" if a.call_id else "", help=a.help and state is not AgentState.LOGGED_OUT)
        a.shown = agent
        return agent

    def _queue(self, q: _Queue) -> Queue:
        cfg = self.config.get(q.id, QueueConfig())
        q.shown = self.counters_of(q).queue(id=q.id, name=_clip(cfg.name) or q.id.partition("@")[0] or q.id,
                                   interval_start=self.interval_start, interval_partial=self.interval_partial,
                                   sl_threshold_s=cfg.sl_threshold_s, sl_target_pct=cfg.sl_target_pct,
                                   short_abandon_s=cfg.short_abandon_s)
        return q.shown


_int, _clip = number, clip


def _text(row: Mapping[str, Any], key: str, limit: int = MAX_TEXT) -> str:
    value = row.get(key)
    return value[:limit] if isinstance(value, str) else ""


_ACTIONS = {
    "member-queue-start": FreeSwitchFloor._join,
    "member-queue-resume": FreeSwitchFloor._join,
    "agent-offering": FreeSwitchFloor._offering,
    "bridge-agent-start": FreeSwitchFloor._bridge_start,
    "bridge-agent-fail": FreeSwitchFloor._bridge_fail,
    "bridge-agent-end": FreeSwitchFloor._bridge_end,
    "member-queue-end": FreeSwitchFloor._leave,
    "agent-status-change": FreeSwitchFloor._status,
    "agent-state-change": FreeSwitchFloor._state,
    "agent-add": FreeSwitchFloor._added,
    "agent-max-no-answer": FreeSwitchFloor._max_no_answer,
    "agent-contact-change": FreeSwitchFloor._contact,
    "members-count": lambda floor, ev, now, ch: None,  # a count we keep ourselves (the bridge checks it at resync)
}
_CHANNEL = {
    "CHANNEL_HANGUP_COMPLETE": FreeSwitchFloor._hangup,
    "CHANNEL_HOLD": FreeSwitchFloor._hold,
    "CHANNEL_UNHOLD": FreeSwitchFloor._hold,
}
