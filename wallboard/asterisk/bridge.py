"""The Asterisk bridge: one AMI connection in, feed protocol v1 out to any number of boards.

It logs in to the Asterisk Manager Interface, reads what its manager user may do
(``ListCommands``), takes the floor (``QueueStatus``, hints resolved with ``ExtensionState``,
the calls members are already on from ``Status``), then follows the live events through
:class:`~wallboard.asterisk.floor.AsteriskFloor` and publishes every change once, to every
board. It never opens a second AMI connection for a board.

The boards are always told the truth about the PBX link (``welcome.source`` and every
heartbeat): ``connecting``, ``syncing`` (logged in, but the snapshot is refused — app_queue
not loaded yet after a restart — or incomplete: retried with backoff until it succeeds),
``refused`` (the login, with Asterisk's words), ``down`` (lost or unreachable, since when), and
``up``. While it is not up, boards hold what they had and say how old it is; a board that
connects meanwhile gets no snapshot, so old data is never shown as live. ``queue reload``
changes members without a word on AMI: the floor is taken again every ``resync_s`` and on
``Reload``/``Load`` events (with ``read = system``), and the difference is published.

Nothing AMI sends can stop the bridge: the floor skips (and counts) what it cannot use, a
failure in a handler is logged once per kind and the rest goes on, and a lost connection is
retried with the feed's retry policy (``wallboard.feed.backoff``: a refused login every 30 s ± 25 %,
a lost connection from 0.25 s), which starts again from the shortest step after a good session.

Listen / whisper / barge (the :class:`~wallboard.feed.monitoring.Dialer` here): an
``Originate`` of the supervisor's phone into ``ChanSpy`` on the agent's device, with
``Data: <device>-,<options>``: the trailing ``-`` matches that device's channels exactly
(``PJSIP/10-`` never matches ``PJSIP/100-…``); a ``hint:`` member is spied on by its hint's
device. Options ``qbEd`` listen, ``qbEwd`` whisper (only the agent hears), ``qbEBd`` barge. The leg
gets its own uniqueid (``ChannelId``), so it can be hung up even while it rings, and every
event of it is known for sure. ``OriginateResponse: Failure`` means the phone was not reached;
``Success`` only means it answered, so the session becomes active on ``ChanSpyStart`` and, if
none comes within ``spy_timeout_s`` (no such channel), it ends as ``timeout``. A mode change is
made live, without ringing again: ChanSpy's ``d`` option, and ``PlayDTMF`` with ``Receive: true``
on the leg (4 listen, 5 whisper, 6 barge; Asterisk ≥ 18). A refused switch puts the session back
in the mode it is really in. On an older Asterisk (AMI < 7) or without ``PlayDTMF`` rights, the
options lose ``d`` and a mode change hangs up the leg and rings the phone again.

**In the app** (an :class:`~wallboard.asterisk.audiosocket.AudioHub` given, Asterisk ≥ 18): the leg is
``AudioSocket/<hub>/<uuid>/c(slin)`` instead of the supervisor's phone; Asterisk connects to the hub
with that UUID and the call's audio goes to the board that owns the session, the board's
microphone back (whisper and barge only). Ending, confirming and ``stuck`` are as for a phone.

Ending is confirmed, never assumed: a session is ``ended`` only when Asterisk's ``Hangup``
event (or a failed originate) shows every leg of it gone. A refused ``Hangup``, no
confirmation within ``hangup_confirm_s``, or a lost AMI connection make the session ``stuck``,
on the board and in the audit log, because the supervisor may still be heard; a stuck leg is
hung up again as soon as AMI is back. Monitoring is offered only if the manager user may
both ``Originate`` and ``Hangup``.

AMI rights this needs, no more: ``read = agent,call,dtmf`` (queue and channel events, digits on a
supervisor's leg — a phone keypad's switch; add ``system``
for instant reaction to module reloads, and ``user`` for the ``WallboardOutcome`` / ``WallboardHelp``
UserEvents: outbound results and agents' help requests) and ``write = originate,call`` (Originate; Hangup,
Status and ExtensionState are the ``call`` class).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..core.history import QueueRules
from ..core.metrics import QueueCounters
from ..core.model import Agent, Call, Queue
from ..core.protocol import SourceReason
from ..feed.monitoring import MODES, Session
from ..feed.pbxlink import Leg, LinkRefused, PbxLink, SnapshotFailed, snapshot_delay
from ..feed.server import FeedServer
from .ami import AmiMessage, AmiParser, action
from .audiosocket import AudioHub
from .floor import AsteriskFloor, QueueConfig, Update
from .history import QueueLogHistory

log = logging.getLogger(__name__)
T = TypeVar("T")

SPY_OPTIONS = {"listen": "qbE", "whisper": "qwE", "barge": "qBE"}  # no live switch: a change re-rings
#: With ``d``, DTMF 4/5/6 received on the leg switch listen/whisper/barge in place.
LIVE_OPTIONS = {"listen": "qbEd", "whisper": "qbEwd", "barge": "qbEBd"}
SWITCH_DIGITS = {"listen": "4", "whisper": "5", "barge": "6"}
assert set(SPY_OPTIONS) == set(LIVE_OPTIONS) == set(SWITCH_DIGITS) == set(MODES)
#: AMI's version from Asterisk 18 (PlayDTMF ``Receive``, AudioSocket): the greeting says AMI's, not Asterisk's.
LIVE_SWITCH_AMI = 7
#: What monitoring needs of the manager user: ring the phone, and hang it up again.
MONITOR_RIGHTS = frozenset({"originate", "hangup"})
#: Modules whose (re)load changes the floor: take it again.
FLOOR_MODULES = ("app_queue", "all")


class AmiRefused(LinkRefused):
    """Asterisk said no to our login: wrong user or secret; retrying fast will not help."""


__all__ = ["AmiRefused", "AmiSettings", "AsteriskBridge", "SnapshotFailed", "snapshot_delay"]


@dataclass(frozen=True, slots=True)
class AmiSettings:
    host: str
    port: int
    username: str
    secret: str = field(repr=False)  # never in a repr, a log or a crash report
    connect_timeout_s: float = 5.0


@dataclass(slots=True)
class _Listing(Generic[T]):
    """An action answered by a list of events: what ends it, what came, what to do with it at once."""

    complete: str
    then: Callable[[list[AmiMessage]], T]
    future: asyncio.Future[T]
    items: list[AmiMessage] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class _Leg(Leg):
    """One ring of the supervisor's phone into ChanSpy; ``key`` is the uniqueid we gave it."""

    action_id: str = ""
    endpoint: str = ""
    data: str = ""
    live: bool = False  # ChanSpy has ``d``: its mode is switched by PlayDTMF
    sent_digits: list[str] = field(default_factory=list)  # PlayDTMF digits whose DTMFEnd is still to come

    @property
    def uniqueid(self) -> str:
        return self.key


class AsteriskBridge(PbxLink[_Leg]):
    kind = "AMI"
    floor: AsteriskFloor

    def __init__(self, ami: AmiSettings, server: FeedServer, floor: AsteriskFloor, *,
                 clock: Callable[[], int] | None = None, mono: Callable[[], float] = time.monotonic,
                 tick_s: float = 0.2, spy_timeout_s: float = 8.0, ring_timeout_s: float = 30.0,
                 refused_retry_s: float = 30.0, resync_s: float = 60.0, hangup_confirm_s: float = 5.0,
                 list_timeout_s: float = 10.0, rand: Callable[[], float] = random.random,
                 spy_prefix: str | None = None, audio: AudioHub | None = None,
                 history: QueueLogHistory | None = None) -> None:
        super().__init__(server, (ami.host, ami.port), connect_timeout_s=ami.connect_timeout_s, clock=clock, mono=mono, tick_s=tick_s,
                         refused_retry_s=refused_retry_s, resync_s=resync_s, rand=rand, spy_timeout_s=spy_timeout_s,
                         ring_timeout_s=ring_timeout_s, hangup_confirm_s=hangup_confirm_s)
        self.ami = ami
        self.floor = floor
        self.list_timeout_s = list_timeout_s
        self._spy_prefix = spy_prefix or uuid.uuid4().hex[:8]
        self._spy_ids = itertools.count(1)
        self.hub = audio
        self.history = history
        self._take_day()  # today's counters from the first snapshot on, not from when the bridge started
        if audio is not None:
            audio.on_audio = self.desk.heard
            audio.on_closed = self._socket_closed
            server.on_audio = self.desk.microphone
        self.ami_version = 0  # AMI's major version, from the greeting
        self.live_switch = False  # mode changes by PlayDTMF, no re-ring
        self.rights: frozenset[str] = frozenset()  # AMI actions our manager user may send (lower case)
        self._parser = AmiParser()
        self._pending: list[tuple[str, asyncio.Future[AmiMessage]]] = []  # in the order sent
        self._awaited: set[str] = set()  # actions whose answer we wait for
        self._lists: dict[str, _Listing[Any]] = {}
        self._ids = itertools.count(1)

    # -- lifecycle -------------------------------------------------------------------------

    async def _login(self) -> None:
        # Asterisk answers a bad login and hangs up at once: the answer is read before the end.
        reply = await self._ask("Login", Username=self.ami.username, Secret=self.ami.secret, Events="on")
        if reply.response.lower() != "success":
            said = reply.get("Message") or reply.response or "no reason given"
            raise AmiRefused(said, auth="authentication" in said.lower())
        self.ami_version = _ami_major(self._parser.greeting)
        log.info("AMI %s:%d: logged in as %s (%s)", self.ami.host, self.ami.port, self.ami.username,
                 self._parser.greeting)

    async def _drive(self) -> None:
        """One logged-in AMI session: learn our rights, take the floor until it is true, keep it so."""
        self._set_source("syncing", SourceReason.TAKING_FLOOR)
        await self._learn_rights()
        self._retry_stuck_legs()
        await self._keep_in_step()

    async def _pump(self, reader: asyncio.StreamReader) -> None:
        self._parser = parser = AmiParser()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    raise ConnectionResetError("AMI closed the connection")
                for msg in parser.feed(data):
                    self._on_message(msg)
        except BaseException as err:  # whatever waits on an answer learns at once that none will come
            self._fail_waiting(ConnectionError(str(err) or type(err).__name__))
            raise

    def _fail_waiting(self, err: Exception) -> None:
        for _, fut in self._pending:
            if not fut.done():
                fut.set_exception(err)
        for listing in self._lists.values():
            if not listing.future.done():
                listing.future.set_exception(err)
        self._pending.clear()
        self._awaited.clear()
        self._lists.clear()

    async def _learn_rights(self) -> None:
        """What our manager user may do (``ListCommands`` lists exactly that), and so what to offer."""
        reply = await self._ask("ListCommands")
        if reply.response.lower() == "success":
            self.rights = frozenset(k.lower() for k, _ in reply.fields if k and k.lower() not in ("response", "actionid"))
        else:
            self.rights = frozenset()
            log.error("AMI ListCommands refused (%s): monitoring is off, since the bridge cannot tell "
                      "whether it could end a session", reply.get("Message"))
        missing = sorted(MONITOR_RIGHTS - self.rights)
        if missing:
            why = (f"the bridge's AMI user may not {' or '.join(m.capitalize() for m in missing)} "
                   f"(manager.conf: write = originate,call): "
                   f"{'a session could not be ended' if 'hangup' in missing else 'no phone could be rung'}")
            log.error("monitoring is OFF: %s", why)
            self.server.set_monitoring((), why)
        else:
            self.live_switch = "playdtmf" in self.rights and self.ami_version >= LIVE_SWITCH_AMI
            if not self.live_switch:
                log.warning("monitoring mode changes ring the supervisor's phone again: %s",
                            f"AMI {self.ami_version} is older than Asterisk 18's" if self.ami_version < LIVE_SWITCH_AMI
                            else "PlayDTMF is not available (the AMI user needs write class call; app_senddtmf must be loaded)")
            audio = self.hub is not None and self.live_switch
            if self.hub is not None and not audio:
                log.error("in-app listening is OFF: it needs Asterisk 18 or later (AudioSocket, PlayDTMF Receive)")
            self.server.set_monitoring(MODES, audio=audio)
        if "status" not in self.rights:
            log.warning("the AMI user may not use Status (write class call): agents already on a call when "
                        "the bridge starts show as busy until that call ends")
        if "extensionstate" not in self.rights and any(m.hint for m in self.floor.members.values()):
            log.warning("the AMI user may not use ExtensionState (write class call): members with a hint: "
                        "state interface cannot be monitored")

    # -- taking the floor ------------------------------------------------------------------------

    async def _take_floor(self) -> list[Update]:
        """QueueStatus, hints, Status. Each list is applied (and, on a live floor, its difference
        published) the moment it completes, in the pump: events that follow it in the stream apply
        to the new picture, and nothing older is ever published after something newer."""
        def applied(updates: list[Update]) -> list[Update]:
            if self.server.source_live:
                self._publish(updates)
            return updates
        updates = await self._ask_list("QueueStatus", "QueueStatusComplete",
                                       lambda items: applied(self.floor.load_queue_status(items, self.clock())))
        await self._resolve_hints()
        if "status" in self.rights:
            updates += await self._ask_list("Status", "StatusComplete",
                                            lambda items: applied(self.floor.apply_channels(items, self.clock())))
        return updates

    async def _resolve_hints(self) -> None:
        for m in list(self.floor.members.values()):
            if m.hint is None or m.hint_device or "extensionstate" not in self.rights:
                continue
            exten, context = m.hint
            try:
                reply = await self._ask("ExtensionState", Exten=exten, Context=context)
            except (ValueError, TimeoutError) as err:
                log.warning("ExtensionState %s@%s: %s", exten, context, err)
                continue
            device = self.floor.resolve_hint(m.interface, reply.get("Hint")) if reply.response.lower() == "success" \
                else ""
            if device:
                log.info("member %s: %s is %s", m.name, m.state_interface, device)
            else:
                log.warning("member %s: %s names no device (%s): it cannot be monitored", m.name,
                            m.state_interface, reply.get("Message") or reply.get("Hint") or "no hint")

    def _floor_snapshot(self) -> tuple[list[Agent], list[Queue], list[Call]]:
        return self.floor.snapshot(self.clock())

    async def _after_snapshot(self) -> None:
        await self._check_summary()

    async def _check_summary(self) -> None:
        """QueueSummary against our picture: a difference is logged (never fatal)."""
        try:
            summary = await self._ask_list("QueueSummary", "QueueSummaryComplete", list)
        except SnapshotFailed as err:
            log.warning("QueueSummary: %s", err)
            return
        for msg in summary:
            qid = msg.get("Queue")
            waiting = sum(1 for c in self.floor.callers.values() if c.call.queue == qid and c.call.answered_at is None)
            if msg.get("Callers") and msg.get("Callers") != str(waiting):
                log.warning("queue %s: QueueSummary says %s callers, the snapshot %d", qid, msg.get("Callers"),
                            waiting)

    # -- actions -------------------------------------------------------------------------------

    def _send(self, name: str, **fields: str) -> tuple[str, asyncio.Future[AmiMessage]]:
        if self._writer is None:
            raise ConnectionError("not connected to AMI")
        action_id = f"wb-{next(self._ids)}"
        fut: asyncio.Future[AmiMessage] = asyncio.get_running_loop().create_future()
        self._pending.append((action_id, fut))
        self._writer.write(action(name, action_id, **fields))
        return action_id, fut

    async def _ask(self, name: str, **fields: str) -> AmiMessage:
        action_id, fut = self._send(name, **fields)
        self._awaited.add(action_id)
        return await asyncio.wait_for(fut, self.list_timeout_s)

    async def _ask_list(self, name: str, complete: str, then: Callable[[list[AmiMessage]], T], **fields: str) -> T:
        """An action whose answer is a list of events ended by ``complete``, handed to ``then`` as
        it completes; SnapshotFailed if refused or not complete in time."""
        action_id, fut = self._send(name, **fields)
        self._awaited.add(action_id)
        items: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._lists[action_id] = _Listing(complete.lower(), then, items)
        try:
            try:
                reply = await asyncio.wait_for(fut, self.list_timeout_s)
            except TimeoutError:
                raise SnapshotFailed(f"{name}: no answer in {self.list_timeout_s:.0f} s") from None
            if reply.response.lower() != "success":
                words = reply.get("Message") or reply.response or "no reason"
                if "unknown command" in words.lower() and name.lower().startswith("queue"):
                    said = f"{name}: {words.split('.')[0]}"
                    raise SnapshotFailed(f"app_queue is not loaded yet ({said})", SourceReason.NOT_LOADED,
                                         f"app_queue: {said}")
                raise SnapshotFailed(f"{name} refused: {words}")
            try:
                return await asyncio.wait_for(items, self.list_timeout_s)
            except TimeoutError:
                raise SnapshotFailed(f"{name}: incomplete, no {complete} in {self.list_timeout_s:.0f} s") from None
        finally:
            self._lists.pop(action_id, None)

    def _fire(self, name: str, on_answer: Callable[[AmiMessage], None] | None = None, **fields: str) -> str:
        """Send without waiting; the answer goes to ``on_answer`` (a refusal is logged)."""
        action_id, fut = self._send(name, **fields)

        def answered(f: asyncio.Future[AmiMessage]) -> None:
            if f.cancelled() or f.exception() is not None:
                return
            reply = f.result()
            if reply.response.lower() != "success":
                log.warning("AMI %s refused: %s", name, reply.get("Message"))
            if on_answer is not None:
                on_answer(reply)
        fut.add_done_callback(answered)
        return action_id

    # -- what AMI says ---------------------------------------------------------------------------

    def _on_message(self, msg: AmiMessage) -> None:
        if not msg.event:
            if msg.response:
                self._answer(msg)
            return
        listing = self._lists.get(msg.action_id) if msg.action_id else None
        if listing is not None:
            if msg.event.lower() != listing.complete:
                listing.items.append(msg)
            elif not listing.future.done():
                try:
                    listing.future.set_result(listing.then(listing.items))
                except Exception as err:  # a bug of ours: the snapshot fails (and is retried), the bridge lives
                    log.exception("AMI %s list could not be used", msg.event)
                    listing.future.set_exception(SnapshotFailed(f"{msg.event}: {type(err).__name__}: {err}"))
            return
        event = msg.event.lower()
        try:
            if event in ("originateresponse", "chanspystart", "chanspystop", "hangup"):
                self._on_spy(event, msg)
            elif event == "dtmfend":
                self._on_digit(msg)
            elif event == "userevent" and msg.get("UserEvent").lower() == "wallboardoutcome":
                self._on_outcome(msg)
            if event in ("reload", "load", "unload") and msg.get("Module").lower().removesuffix(".so") in FLOOR_MODULES:
                log.info("AMI %s of %s: taking the floor again", msg.event, msg.get("Module"))
                self._resync_now.set()
            updates = self.floor.on(msg, self.clock())
            if self.server.source_live:  # else the snapshot under way (or the next one) tells it all
                self._publish(updates)
        except Exception:  # a bug of ours must not cost the boards their floor: log once per kind, carry on
            self._failed(event, "AMI %s could not be handled (logged once; the bridge carries on): %s", msg.event,
                         dict(msg.fields))
        for kind in self.floor.take_new_oddities():
            log.warning("AMI sent %s: skipped (counted, logged once per kind)", kind)

    def _on_outcome(self, msg: AmiMessage) -> None:
        """``UserEvent: WallboardOutcome`` (``read = user``): an outbound result raised by the dialplan or an agent
        desktop — Agent (member name or interface; else the raising channel's member), Kind, optional Amount,
        Campaign, Id (else the channel's Uniqueid: a call's result counts once) and Uniqueid (the call)."""
        m = self.floor.member_of(msg)
        fields: dict[str, object] = {
            "id": msg.get("Id") or msg.get("OutcomeId") or msg.get("Uniqueid"), "agent": m.interface if m else "",
            "kind": msg.get("Kind").strip().lower(), "amount": msg.get("Amount"), "campaign": msg.get("Campaign"),
            "call": msg.get("CallId") or msg.get("Uniqueid"), "at": ""}
        self._outcome(fields, m is not None, "AMI WallboardOutcome", msg.get("Agent") or msg.get("Channel") or "no Agent",
                      "ami")

    def _answer(self, msg: AmiMessage) -> None:
        """A response goes to the action with its ActionID. A peer that does not echo ours answers,
        in order, the oldest action we are waiting on."""
        at = next((i for i, (aid, _) in enumerate(self._pending) if aid == msg.action_id), None)
        if at is None:
            at = next((i for i, (aid, _) in enumerate(self._pending) if aid in self._awaited), None)
            if at is None:
                return
        action_id, fut = self._pending.pop(at)
        self._awaited.discard(action_id)
        if not fut.done():
            fut.set_result(msg)

    def _tick_floor(self) -> list[Update]:
        return self.floor.tick(self.clock())

    def _day_counters(self, day_start: int, first: bool) -> dict[str, QueueCounters] | None:
        if self.history is None:
            return None
        counters = self.history.poll(day_start)
        rules = {q.id: QueueRules(q.sl_threshold_s, self.floor.config.get(q.id, QueueConfig()).short_abandon_s)
                 for q in self.floor.queues.values()}  # T from Asterisk's own servicelevel, as the live floor
        if rules != {k: v for k, v in self.history.rules.items() if k in rules}:
            self.history.rules.update(rules)
            counters = self.history.counters()
        return self.history.counters() if counters is None and first else counters

    # -- the Dialer: listen / whisper / barge via ChanSpy ------------------------------------------

    def dial(self, s: Session) -> None:
        asyncio.get_running_loop().create_task(self._dial(s))

    async def _dial(self, s: Session) -> None:
        member = self.floor.members.get(s.agent_id)
        if member is None or self._writer is None:
            self.desk.finish(s.id, "connection_lost" if member else "call_ended")
            return
        if member.hint is not None and not member.spy_device:
            await self._resolve_hints()
        device = member.spy_device
        if not device:
            self.desk.finish(s.id, "no_device")
            return
        if self.desk.sessions.get(s.id) is not s or s.state not in ("dialing",) or self._writer is None:
            return  # stopped (or the link went) while we looked the device up
        if s.audio and self.hub is None:
            self.desk.finish(s.id, "no_device")
            return
        uid = f"wbspy-{self._spy_prefix}-{next(self._spy_ids)}"
        data = f"{device}-,{(LIVE_OPTIONS if self.live_switch else SPY_OPTIONS)[s.mode]}"
        channel = self.hub.dial_string(self.hub.expect(s.id)) if s.audio and self.hub is not None else s.endpoint
        leg = _Leg(session_id=s.id, mode=s.mode, key=uid, endpoint=channel, data=data, sent_mono=self._mono(),
                   live=self.live_switch)
        self.legs[uid] = leg

        def refused(reply: AmiMessage) -> None:
            if reply.response.lower() != "success" and uid in self.legs:
                self._leg_ended(leg, "pbx_refused")
        leg.action_id = self._fire("Originate", refused, Channel=channel, Application="ChanSpy", Data=data,
                                   Async="true", ChannelId=uid, CallerID=f'"{s.mode.capitalize()}: {member.name}"'[:80],
                                   Timeout=str(int(self.ring_timeout_s * 1000)))
        log.info("monitor %s: %s to %s %s (ChanSpy %s, leg %s)", s.id,
                 "opening the audio leg" if s.audio else f"ringing {s.endpoint}", s.mode, member.name, data, uid)

    def switch(self, s: Session, mode: str) -> None:
        legs = [leg for leg in self._legs_of(s.id) if not leg.dropped]
        if legs and all(leg.live and leg.connected for leg in legs):
            for leg in legs:  # in place: ChanSpy's d, as if the leg had received the digit
                self._switch_live(s, leg, mode)
            return
        self._drop(s.id)
        s.state = "dialing"  # the phone rings again, in the new mode
        self.dial(s)

    def _switch_live(self, s: Session, leg: _Leg, mode: str) -> None:
        before = leg.mode

        digit = SWITCH_DIGITS[mode]

        def answered(reply: AmiMessage) -> None:
            if reply.response.lower() == "success":
                leg.mode = mode
                log.info("monitor %s: switched to %s in place (leg %s)", s.id, mode, leg.uniqueid)
                return
            if digit in leg.sent_digits:
                leg.sent_digits.remove(digit)
            if leg.uniqueid in self.legs and not leg.dropped:
                self.desk.really_in(s.id, before, "pbx_refused",
                                    f"pbx_refused {mode}: {reply.get('Message') or 'PlayDTMF refused'}")
        leg.sent_digits.append(digit)
        self._fire("PlayDTMF", answered, Channel=leg.uniqueid, Digit=digit, Receive="true")

    def _on_digit(self, msg: AmiMessage) -> None:
        """A digit the spy leg received (``read = dtmf``): ours (a PlayDTMF), or the supervisor's phone
        keypad — with ChanSpy's ``d``, 4/5/6 on the keypad switch the mode too. The board and the audit
        log follow what the call is really in."""
        leg = self.legs.get(msg.get("Uniqueid"))
        if leg is None or leg.dropped or not leg.live or msg.get("Direction").lower() != "received":
            return
        digit = msg.get("Digit")
        if digit in leg.sent_digits:
            leg.sent_digits.remove(digit)
            return
        mode = next((m for m, d in SWITCH_DIGITS.items() if d == digit), None)
        if mode is not None and mode != leg.mode:
            leg.mode = mode
            self.desk.really_in(leg.session_id, mode, "keypad", "ok (phone keypad)")

    def speak(self, s: Session, pcm: bytes) -> None:
        if self.hub is not None:
            self.hub.send(s.id, pcm)

    def _socket_closed(self, session_id: str, why: str) -> None:
        log.info("monitor %s: the audio socket closed (%s)", session_id, why)

    hangup_event = "Hangup event"

    def _audio_cut(self, session_id: str) -> None:
        if self.hub is not None:
            self.hub.forget(session_id)

    def _hangup_leg(self, leg: _Leg) -> None:
        if self._writer is None:
            return
        leg.hangup_mono, leg.stuck_told = self._mono(), False

        def answered(reply: AmiMessage) -> None:
            if reply.response.lower() == "success" or leg.uniqueid not in self.legs:
                return  # Asterisk hangs it up: its Hangup event confirms
            words = reply.get("Message")
            if "no such channel" in words.lower():
                if leg.answered_mono is not None:  # it was up, and is no more
                    self._leg_gone(leg)
                return  # still ringing or not yet created: its OriginateResponse will tell
            leg.stuck_told = True
            self.desk.stuck(leg.session_id, "hangup_refused", words)
        self._fire("Hangup", answered, Channel=leg.uniqueid)

    def _leg_for(self, msg: AmiMessage, event: str) -> _Leg | None:
        if event == "originateresponse":  # its Uniqueid is the ChannelId we gave (an old Asterisk: <null>)
            leg = self.legs.get(msg.get("Uniqueid"))
            if leg is None and msg.get("Uniqueid") in ("", "<null>"):
                leg = next((lg for lg in self.legs.values() if lg.action_id == msg.action_id), None)
            return leg
        return self.legs.get(msg.get("SpyerUniqueid") if event.startswith("chanspy") else msg.get("Uniqueid"))

    def _on_spy(self, event: str, msg: AmiMessage) -> None:
        leg = self._leg_for(msg, event)
        if leg is None:
            return
        if event == "originateresponse":
            if msg.get("Response").lower() != "success":
                s = self.desk.sessions.get(leg.session_id)
                if s is not None and s.audio and self.hub is not None:
                    log.error("monitor %s: Asterisk could not open the audio leg to the hub at %s (reachable from "
                              "the PBX? --audio-listen / --audio-advertise; chan_audiosocket loaded?)", s.id,
                              self.hub.advertise)
                    self._leg_ended(leg, "audio_unreachable")
                else:
                    self._leg_ended(leg, "supervisor_unreachable")
                return
            leg.answered_mono = self._mono()
            if leg.dropped:  # stopped while it rang: hang up what answered
                self._hangup_leg(leg)
            return
        if event == "hangup":
            self._leg_ended(leg, "hung_up")  # not by us: the supervisor hung up
            return
        if leg.dropped:
            return
        if event == "chanspystart":
            leg.connected = True
            self.desk.connected(leg.session_id)
        else:  # ChanSpyStop: the spied-on call ended (option E); the leg's Hangup follows
            self.desk.finish(leg.session_id, "call_ended")


def _ami_major(greeting: str | None) -> int:
    """``Asterisk Call Manager/13.0.0`` → 13 (0 if it says no version)."""
    version = (greeting or "").rpartition("/")[2]
    major = version.split(".")[0]
    return int(major) if major.isdigit() else 0
