"""The FreeSWITCH bridge: one event-socket connection in, feed protocol v1 out to any number of boards.

It connects to mod_event_socket (inbound), authenticates, subscribes to mod_callcenter's events
(``CUSTOM callcenter::info``) and the few channel events it needs, takes the floor from the JSON API
(``callcenter_config`` agent list, tier list, member list, queue list) and follows the events through
:class:`~wallboard.freeswitch.floor.FreeSwitchFloor`. The reconnect loop, the link's truth on the boards
(``connecting`` … ``up``), the periodic retake of the floor (tiers change with no event) and the
monitoring desk are the same as the Asterisk bridge's (:class:`~wallboard.feed.pbxlink.PbxLink`).

Listen / whisper / barge: ``bgapi originate`` of the supervisor's endpoint into ``&eavesdrop(<the agent's
channel>)`` (the agent's channel is ``CC-Agent-UUID`` of ``bridge-agent-start``; at a snapshot, the agent
list's ``uuid``), the leg with its own ``origination_uuid`` so it can be hung up even while it rings and
each of its events is known for sure. Whisper sets ``eavesdrop_whisper_bleg`` (the agent hears the
supervisor, the caller does not), barge both whisper variables. The session is active when the leg runs
``eavesdrop`` (``CHANNEL_EXECUTE``). A mode change is made live: ``sendevent`` of an ``eavesdrop-command``
to the leg (``0`` listen, ``2`` whisper, ``3`` barge), which eavesdrop reads between frames. The
supervisor's keypad is off (``eavesdrop_enable_dtmf=false``): its ``1`` would let the caller alone hear the
supervisor and ``*`` would end the listen, neither of which a board could show.

Ending is confirmed, never assumed: a session is ended only when ``CHANNEL_HANGUP_COMPLETE`` shows its leg
gone (or the originate failed). ``uuid_kill`` refused, no confirmation within ``hangup_confirm_s``, or a lost
socket make the session ``stuck``, said on the board and in the audit log; a stuck leg is killed again as soon
as the socket is back.

Event-socket rights: the bridge sends ``api`` (callcenter_config, uuid_kill, json), ``bgapi originate`` and
``sendevent``; bind mod_event_socket to the bridge's host only and restrict it with an ACL
(``apply-inbound-acl``). No in-app audio here: FreeSWITCH has no AudioSocket in its core.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..core.history import QueueRules
from ..core.metrics import QueueCounters
from ..core.model import Agent, Call, Queue
from ..core.protocol import SourceReason
from ..feed.monitoring import MODES, Session
from ..feed.pbxlink import Leg, LinkRefused, PbxLink, SnapshotFailed, Update
from ..feed.recorder import HistoryRecorder
from ..feed.server import FeedServer
from .esl import BadEvent, EslMessage, EslParser, command, event_of
from .floor import FreeSwitchFloor

log = logging.getLogger(__name__)

#: What the bridge subscribes to. CUSTOM goes last: every word after it is read as a subclass (found live).
EVENTS = ("CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE CHANNEL_HOLD CHANNEL_UNHOLD BACKGROUND_JOB "
          "CUSTOM callcenter::info wallboard::outcome wallboard::help")
#: The channel variables of each mode's leg (eavesdrop on the agent's channel).
MODE_VARS = {
    "listen": {},
    "whisper": {"eavesdrop_whisper_bleg": "true"},
    "barge": {"eavesdrop_whisper_aleg": "true", "eavesdrop_whisper_bleg": "true"},
}
#: What eavesdrop does on an ``eavesdrop-command`` (switch_ivr_async.c): 0 listen, 2 the agent hears, 3 both.
SWITCH_COMMANDS = {"listen": "0", "whisper": "2", "barge": "3"}
assert set(MODE_VARS) == set(SWITCH_COMMANDS) == set(MODES)
#: The callcenter_config lists of one snapshot, in the order asked.
LISTS = ("queue list", "agent list", "tier list", "member list")
#: An endpoint the supervisor's profile names: a dial string without what would end or split it.
ENDPOINT = re.compile(r"^[A-Za-z0-9_.@:/+=;%$-]{1,200}$")
#: A channel's uuid as FreeSWITCH makes them (what ``&eavesdrop(…)`` is given: nothing that could end the app's data).
CHANNEL_UUID = re.compile(r"^[0-9A-Za-z-]{1,64}$")


@dataclass(frozen=True, slots=True)
class EslSettings:
    host: str
    port: int
    password: str = field(repr=False)  # never in a repr, a log or a crash report
    connect_timeout_s: float = 5.0


@dataclass(slots=True, kw_only=True)
class _Leg(Leg):
    """One ring of the supervisor's endpoint into eavesdrop; ``key`` is the origination_uuid we gave it."""

    endpoint: str = ""
    target: str = ""  # the agent's channel
    job: str = ""  # the bgapi job of its originate
    target_gone: bool = False  # the agent's channel hung up (it does before the leg that eavesdrops on it)


class FreeSwitchBridge(PbxLink[_Leg]):
    kind = "ESL"
    floor: FreeSwitchFloor

    def __init__(self, esl: EslSettings, server: FeedServer, floor: FreeSwitchFloor, *,
                 clock: Callable[[], int] | None = None, mono: Callable[[], float] = time.monotonic,
                 tick_s: float = 0.2, spy_timeout_s: float = 8.0, ring_timeout_s: float = 30.0,
                 refused_retry_s: float = 30.0, resync_s: float = 60.0, hangup_confirm_s: float = 5.0,
                 api_timeout_s: float = 10.0, rand: Callable[[], float] = random.random,
                 new_uuid: Callable[[], str] = lambda: str(uuid.uuid4()), history: HistoryRecorder | None = None,
                 rules: Mapping[str, QueueRules] | None = None) -> None:
        super().__init__(server, (esl.host, esl.port), connect_timeout_s=esl.connect_timeout_s, clock=clock, mono=mono, tick_s=tick_s,
                         refused_retry_s=refused_retry_s, resync_s=resync_s, rand=rand, spy_timeout_s=spy_timeout_s,
                         ring_timeout_s=ring_timeout_s, hangup_confirm_s=hangup_confirm_s)
        self.esl = esl
        self.floor = floor
        self.api_timeout_s = api_timeout_s
        self._new_uuid = new_uuid  # a leg's origination_uuid (a replay gives the recorded ones)
        self.recorder = history  # today's counters from what it published: they survive a restart
        self.rules = dict(rules or {})
        self._take_day()
        self.bad_events = 0  # events whose JSON or shape could not be used (each logged once per kind)
        self._jobs: dict[str, _Leg] = {}  # bgapi Job-UUID → leg
        self._replies: list[asyncio.Future[EslMessage]] = []  # in the order sent: ESL answers in order
        self._greeted: asyncio.Future[EslMessage] | None = None

    # -- the session -----------------------------------------------------------------------------

    async def _login(self) -> None:
        # made before the pump first runs (it starts at our first await): the greeting cannot come before it
        self._greeted = asyncio.get_running_loop().create_future()
        try:
            greeting = await asyncio.wait_for(asyncio.shield(self._greeted), self.connect_timeout_s)
        except TimeoutError:
            raise TimeoutError("no auth/request from the event socket") from None
        if greeting.content_type == "text/rude-rejection":
            raise LinkRefused(f"the event socket refused this host ({greeting.body.decode(errors='replace').strip()[:120]}"
                              "; event_socket.conf.xml apply-inbound-acl)", auth=False)
        reply = await self._ask(f"auth {self.esl.password}")
        if not reply.ok:
            raise LinkRefused(reply.reply or "no reason given", auth=True)
        log.info("ESL %s: authenticated", self.target)

    async def _drive(self) -> None:
        self._set_source("syncing", SourceReason.TAKING_FLOOR)
        reply = await self._ask(f"event json {EVENTS}")
        if not reply.ok:
            raise ConnectionError(f"the event socket would not send events: {reply.reply}")
        self.server.set_monitoring(MODES, audio=False)  # a refused originate or uuid_kill is told per session
        self._retry_stuck_legs()
        await self._keep_in_step()

    async def _pump(self, reader: asyncio.StreamReader) -> None:
        parser = EslParser()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    raise ConnectionResetError("the event socket closed the connection")
                for msg in parser.feed(data):
                    self._on_message(msg)
        except BaseException as err:
            self._fail_waiting(ConnectionError(str(err) or type(err).__name__))
            raise

    def _fail_waiting(self, err: Exception) -> None:
        for fut in self._replies:
            if not fut.done():
                fut.set_exception(err)
        self._replies.clear()
        if self._greeted is not None and not self._greeted.done():
            self._greeted.set_exception(err)

    def _send(self, data: bytes) -> asyncio.Future[EslMessage]:
        if self._writer is None:
            raise ConnectionError("not connected to the event socket")
        fut: asyncio.Future[EslMessage] = asyncio.get_running_loop().create_future()
        self._replies.append(fut)
        self._writer.write(data)
        return fut

    async def _ask(self, line: str) -> EslMessage:
        return await asyncio.wait_for(self._send(command(line)), self.api_timeout_s)

    def _fire(self, data: bytes, on_reply: Callable[[EslMessage], None]) -> None:
        """Send without waiting; the reply goes to ``on_reply`` (none if the socket goes first)."""
        fut = self._send(data)

        def replied(f: asyncio.Future[EslMessage]) -> None:
            if not f.cancelled() and f.exception() is None:
                on_reply(f.result())
        fut.add_done_callback(replied)

    # -- what the socket says ----------------------------------------------------------------------

    def _on_message(self, msg: EslMessage) -> None:
        kind = msg.content_type
        if kind in ("auth/request", "text/rude-rejection"):
            if self._greeted is not None and not self._greeted.done():
                self._greeted.set_result(msg)
            return
        if kind in ("command/reply", "api/response"):
            if self._replies:
                fut = self._replies.pop(0)
                if not fut.done():
                    fut.set_result(msg)
            return
        if kind == "text/disconnect-notice":
            log.warning("ESL %s: %s", self.target, msg.body.decode("utf-8", "replace").strip()[:200])
            return
        if kind != "text/event-json":
            return
        try:
            event = event_of(msg)
        except BadEvent as err:
            self._bad(str(err))
            return
        name = event.get("Event-Name", "")
        try:
            if name == "BACKGROUND_JOB":
                self._on_job(event)
                return
            if name == "CUSTOM" and event.get("Event-Subclass") == "wallboard::outcome":
                self._on_outcome(event)
                return
            if name == "CHANNEL_HANGUP_COMPLETE":
                for leg in self.legs.values():
                    leg.target_gone = leg.target_gone or leg.target == event.get("Unique-ID")
            if name in ("CHANNEL_HANGUP_COMPLETE", "CHANNEL_EXECUTE") and event.get("Unique-ID") in self.legs:
                self._on_leg(name, event)
                return
            updates = self.floor.on(event, self.clock())
            if self.server.source_live:
                self._publish(updates)
        except Exception:  # a bug of ours must not cost the boards their floor
            self._failed(name, "ESL %s could not be handled (logged once; the bridge carries on): %s", name,
                         {k: v for k, v in event.items() if k.startswith(("CC-", "Unique-ID"))})
        for oddity in self.floor.take_new_oddities():
            log.warning("ESL sent %s: skipped (counted, logged once per kind)", oddity)

    def _on_outcome(self, event: Mapping[str, str]) -> None:
        """``CUSTOM wallboard::outcome``: an outbound result raised by the dialplan (``event`` application) or an
        agent desktop (``sendevent``): Agent (else the raising channel's agent), Kind, optional Amount, Campaign,
        Id (else the channel's Unique-ID: a call's result counts once) and Call."""
        agent = self.floor.agent_of(event)
        fields: dict[str, object] = {
            "id": event.get("Id") or event.get("Unique-ID", ""), "agent": agent or "",
            "kind": event.get("Kind", "").strip().lower(), "amount": event.get("Amount"),
            "campaign": event.get("Campaign"), "call": event.get("Call") or event.get("Unique-ID"), "at": ""}
        self._outcome(fields, agent is not None, "ESL wallboard::outcome",
                      event.get("Agent") or event.get("Unique-ID") or "no Agent", "esl")

    def _bad(self, why: str) -> None:
        self.bad_events += 1
        self.floor._odd(why)
        for oddity in self.floor.take_new_oddities():
            log.warning("ESL sent %s: dropped (counted, logged once per kind)", oddity)

    # -- taking the floor ---------------------------------------------------------------------------

    async def _take_floor(self) -> list[Update]:
        """The four lists asked back to back and applied together, in the pump, the moment the last one
        is in: events after it apply to the new picture, nothing older is published after something newer."""
        futures = [self._send(command("api json " + msgspec.json.encode(
            {"command": "callcenter_config", "data": {"arguments": what}}).decode())) for what in LISTS]
        lists: dict[str, list[Mapping[str, Any]]] = {}
        applied: asyncio.Future[list[Update]] = asyncio.get_running_loop().create_future()

        def got(what: str, f: asyncio.Future[EslMessage]) -> None:
            if applied.done() or f.cancelled() or f.exception() is not None:
                return
            try:
                lists[what] = _rows(what, f.result())
            except SnapshotFailed as err:
                applied.set_exception(err)
                return
            if len(lists) == len(LISTS):
                try:
                    updates = self.floor.load(lists["agent list"], lists["tier list"], lists["member list"],
                                              lists["queue list"], self.clock())
                except Exception as err:  # a bug of ours: the snapshot fails (and is retried), the bridge lives
                    log.exception("the callcenter lists could not be used")
                    applied.set_exception(SnapshotFailed(f"the lists could not be used: {type(err).__name__}: {err}"))
                    return
                if self.server.source_live:
                    self._publish(updates)
                applied.set_result(updates)
        for what, fut in zip(LISTS, futures):
            fut.add_done_callback(functools.partial(got, what))
        try:
            return await asyncio.wait_for(asyncio.shield(applied), self.api_timeout_s)
        except TimeoutError:
            raise SnapshotFailed(f"callcenter_config: no answer in {self.api_timeout_s:.0f} s") from None
        finally:
            if not applied.done():
                applied.cancel()

    def _floor_snapshot(self) -> tuple[list[Agent], list[Queue], list[Call]]:
        return self.floor.snapshot(self.clock())

    def _tick_floor(self) -> list[Update]:
        return self.floor.tick(self.clock())

    def _day_counters(self, day_start: int, first: bool) -> dict[str, QueueCounters] | None:
        if self.recorder is None or not (first or self.recorder.changed or day_start != self.floor.interval_start):
            return None
        return self.recorder.counters(day_start, self.rules)

    # -- the Dialer: listen / whisper / barge via eavesdrop -------------------------------------------

    def dial(self, s: Session) -> None:
        a = self.floor.agents.get(s.agent_id)
        if a is None or self._writer is None:
            self.desk.finish(s.id, "connection_lost" if a is not None else "call_ended")
            return
        if s.audio:
            self.desk.finish(s.id, "no_device")  # never offered here (caps.audio is false)
            return
        if not CHANNEL_UUID.match(a.channel):
            log.warning("monitor %s: %s has no channel to eavesdrop on (%r)", s.id, a.name, a.channel[:60])
            self.desk.finish(s.id, "no_device")
            return
        if not ENDPOINT.match(s.endpoint):
            log.warning("monitor %s: %r is not a dial string this bridge will send", s.id, s.endpoint[:60])
            self.desk.finish(s.id, "supervisor_unreachable")
            return
        uid = self._new_uuid()
        leg = _Leg(session_id=s.id, mode=s.mode, key=uid, endpoint=s.endpoint, target=a.channel, sent_mono=self._mono())
        self.legs[uid] = leg
        who = re.sub(r"[^\w .-]", "", f"{s.mode.capitalize()} {self.floor._agent(a, self.clock()).name}")[:60]
        variables = {"origination_uuid": uid, "origination_caller_id_name": f"'{who}'",
                     "originate_timeout": str(int(self.ring_timeout_s)), "eavesdrop_enable_dtmf": "false",
                     "ignore_early_media": "true", **MODE_VARS[s.mode]}
        dial = "{" + ",".join(f"{k}={v}" for k, v in variables.items()) + "}" + s.endpoint

        def queued(reply: EslMessage) -> None:
            job = reply.headers.get("Job-UUID", "")
            if not reply.ok or not job:
                if uid in self.legs:
                    self._leg_ended(leg, "pbx_refused")
                return
            leg.job = job
            self._jobs[job] = leg
        self._fire(command(f"bgapi originate {dial} &eavesdrop({a.channel})"), queued)
        log.info("monitor %s: ringing %s to %s %s (eavesdrop on %s, leg %s)", s.id, s.endpoint, s.mode, a.name,
                 a.channel, uid)

    def switch(self, s: Session, mode: str) -> None:
        legs = [leg for leg in self._legs_of(s.id) if not leg.dropped]
        if legs and all(leg.connected for leg in legs):
            for leg in legs:
                self._switch_live(s, leg, mode)
            return
        self._drop(s.id)  # not yet eavesdropping: ring again, in the new mode
        s.state = "dialing"
        self.dial(s)

    def _switch_live(self, s: Session, leg: _Leg, mode: str) -> None:
        before = leg.mode

        def replied(reply: EslMessage) -> None:
            if reply.ok:
                leg.mode = mode
                log.info("monitor %s: switched to %s in place (leg %s)", s.id, mode, leg.key)
            elif leg.key in self.legs and not leg.dropped:
                self.desk.really_in(s.id, before, "pbx_refused", f"pbx_refused {mode}: {reply.reply[:120]}")
        data = (f"sendevent CUSTOM\nEvent-Subclass: wallboard::monitor\nunique-id: {leg.key}\n"
                f"eavesdrop-command: {SWITCH_COMMANDS[mode]}\n\n").encode()
        self._fire(data, replied)

    hangup_event = "CHANNEL_HANGUP_COMPLETE"

    def _hangup_leg(self, leg: _Leg) -> None:
        if self._writer is None:
            return
        leg.hangup_mono, leg.stuck_told = self._mono(), False

        def replied(reply: EslMessage) -> None:
            if reply.ok or leg.key not in self.legs:
                return  # its CHANNEL_HANGUP_COMPLETE confirms
            if "no such channel" in reply.reply.lower():
                if leg.answered_mono is not None or not leg.job:  # it was up and is no more, or never rang
                    self._leg_gone(leg)
                return  # still being created: its job's answer will tell
            leg.stuck_told = True
            self.desk.stuck(leg.session_id, "hangup_refused", reply.reply[:200])
        self._fire(command(f"api uuid_kill {leg.key}"), replied)

    def _leg_forgotten(self, leg: _Leg) -> None:
        self._jobs.pop(leg.job, None)

    def _on_job(self, event: Mapping[str, str]) -> None:
        leg = self._jobs.pop(event.get("Job-UUID", ""), None)
        if leg is None:
            return
        result = event.get("_body", "").strip()
        if result.startswith("+OK"):
            leg.answered_mono = self._mono()
            if leg.dropped:
                self._hangup_leg(leg)  # stopped while it rang: hang up what answered
            return
        cause = result.removeprefix("-ERR").strip()
        log.info("monitor %s: the originate failed: %s", leg.session_id, cause[:120])
        self._leg_ended(leg, "supervisor_unreachable")

    def _on_leg(self, name: str, event: Mapping[str, str]) -> None:
        leg = self.legs[event["Unique-ID"]]
        if name == "CHANNEL_EXECUTE":
            if event.get("Application") == "eavesdrop" and not leg.dropped and not leg.connected:
                leg.connected = True
                self.desk.connected(leg.session_id)
            return
        if leg.dropped:
            self._leg_gone(leg)
            return
        target_on = not leg.target_gone and any(a.channel == leg.target for a in self.floor.agents.values())
        self._leg_ended(leg, "hung_up" if target_on else "call_ended")  # hung_up: by the supervisor


def _rows(what: str, reply: EslMessage) -> list[Mapping[str, Any]]:
    """The rows of a ``callcenter_config`` JSON answer; SnapshotFailed, typed, if it is not one."""
    body = reply.body.decode("utf-8", "replace").strip()
    if body.startswith("-ERR"):
        said = body[:160]
        if "command not found" in body.lower() or "invalid" in body.lower():
            raise SnapshotFailed(f"mod_callcenter is not loaded ({said})", SourceReason.NOT_LOADED,
                                 f"mod_callcenter: {said}")
        raise SnapshotFailed(f"callcenter_config {what} refused: {said}")
    try:
        answer = msgspec.json.decode(reply.body)
    except msgspec.DecodeError:
        raise SnapshotFailed(f"callcenter_config {what}: not JSON: {body[:80]!r}") from None
    if not isinstance(answer, dict):
        raise SnapshotFailed(f"callcenter_config {what}: not a JSON object")
    if answer.get("status") != "success":
        said = str(answer.get("message") or answer.get("response") or answer.get("status") or "no reason")[:160]
        if "exist" in said.lower() or "not found" in said.lower():  # unloaded: "… or non-existant command"
            raise SnapshotFailed(f"mod_callcenter is not loaded ({said})", SourceReason.NOT_LOADED,
                                 f"mod_callcenter: {said}")
        raise SnapshotFailed(f"callcenter_config {what} refused: {said}")
    rows = answer.get("response")
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise SnapshotFailed(f"callcenter_config {what}: the response is not a list")
    return [r for r in rows if isinstance(r, dict)]
