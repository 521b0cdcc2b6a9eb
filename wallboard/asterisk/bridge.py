"""The Asterisk bridge: one AMI connection in, feed protocol v1 out to any number of boards.

It logs in to the Asterisk Manager Interface, takes the floor from ``QueueStatus`` (and
checks it against ``QueueSummary``), then follows the live events through
:class:`~wallboard.asterisk.floor.AsteriskFloor` and publishes every change once, to every
board. It never opens a second AMI connection for a board.

When AMI goes away the boards are told the truth: heartbeats stop (they show STALE with
the data's age), monitoring sessions end (``connection_lost``), and the bridge reconnects
with the same jittered backoff as the boards, logs in again and takes a fresh snapshot,
which replaces the old one on every board.

Listen / whisper / barge (the :class:`~wallboard.feed.monitoring.Dialer` here): an
``Originate`` of the supervisor's phone into ``ChanSpy`` on the agent's device, with
``Data: <StateInterface>-,<options>``: the trailing ``-`` matches that device's channels
exactly (``PJSIP/10-`` never matches ``PJSIP/100-…``); options ``qbE`` listen, ``qwE``
whisper (only the agent hears), ``qBE`` barge. ``OriginateResponse: Failure`` means the
phone was not reached; ``Success`` only means the phone answered, so the session becomes
active on ``ChanSpyStart`` and, if none comes within ``spy_timeout_s`` (no such channel),
it ends as ``timeout`` and the supervisor's leg is hung up. ``ChanSpyStop`` (the call ended:
option ``E``) or the supervisor hanging up ends it. A mode change hangs up the leg and
rings the phone again in the new mode. Stop is a ``Hangup`` of the supervisor's leg.

AMI rights this needs, no more: ``read = agent,call`` (queue and channel events) and
``write = originate,call`` (Originate; Hangup to stop a session).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.model import Agent, Call, Queue
from ..feed.backoff import reconnect_delay
from ..feed.monitoring import MODES, MonitorDesk, Session
from ..feed.server import FeedServer
from .ami import AmiMessage, AmiParser, action
from .floor import AsteriskFloor

log = logging.getLogger(__name__)

SPY_OPTIONS = {"listen": "qbE", "whisper": "qwE", "barge": "qBE"}
assert set(SPY_OPTIONS) == set(MODES)


class AmiRefused(Exception):
    """Asterisk said no to our login: wrong user or secret; retrying fast will not help."""


@dataclass(frozen=True, slots=True)
class AmiSettings:
    host: str
    port: int
    username: str
    secret: str = field(repr=False)  # never in a repr, a log or a crash report
    connect_timeout_s: float = 5.0


@dataclass(slots=True)
class _Leg:
    """One ring of the supervisor's phone into ChanSpy."""

    session_id: str
    mode: str
    action_id: str
    endpoint: str
    data: str
    sent_mono: float
    channel: str = ""
    uniqueid: str = ""
    answered_mono: float | None = None
    connected: bool = False
    dropped: bool = False  # hung up by us (stop, or a mode change): its events no longer count


class AsteriskBridge:
    def __init__(self, ami: AmiSettings, server: FeedServer, floor: AsteriskFloor, *,
                 clock: Callable[[], int] | None = None, mono: Callable[[], float] = time.monotonic,
                 tick_s: float = 0.2, spy_timeout_s: float = 8.0, ring_timeout_s: float = 30.0,
                 refused_retry_s: float = 30.0, rand: Callable[[], float] = random.random) -> None:
        self.ami = ami
        self.server = server
        self.floor = floor
        self.clock = clock or server.clock
        self._mono = mono
        self.tick_s = tick_s
        self.spy_timeout_s = spy_timeout_s
        self.ring_timeout_s = ring_timeout_s
        self.refused_retry_s = refused_retry_s
        self._rand = rand
        self.desk = MonitorDesk(server, self)
        server.monitor_modes = MODES
        server.on_command = self.desk.handle
        server.on_disconnect = self.desk.on_disconnect
        self.legs: dict[str, _Leg] = {}  # by action id
        self.connected = False
        self.logins = 0
        self._writer: asyncio.StreamWriter | None = None
        self._pending: list[tuple[str, asyncio.Future[AmiMessage]]] = []  # in the order sent
        self._awaited: set[str] = set()  # actions whose answer we wait for (login, snapshot)
        self._ids = itertools.count(1)
        self._stopping = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------------

    async def run(self) -> None:
        """Forever: connect, log in, take the floor, follow it; on loss, say so and start again."""
        attempt = 0
        ticker = asyncio.create_task(self._ticks())
        try:
            while not self._stopping.is_set():
                try:
                    await self._session()
                    attempt = 0
                    delay = reconnect_delay(0, self._rand)
                    why = "AMI closed the connection"
                except AmiRefused as err:
                    log.error("AMI refused the login: %s (retrying in %.0f s)", err, self.refused_retry_s)
                    delay, why = self.refused_retry_s, "login refused"
                    attempt += 1
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as err:
                    delay = reconnect_delay(attempt, self._rand)
                    why = f"{type(err).__name__}: {err}"
                    attempt += 1
                self._lost(why)
                if self._stopping.is_set():
                    break
                log.warning("AMI %s:%d lost (%s); reconnecting in %.2f s", self.ami.host, self.ami.port, why, delay)
                try:
                    await asyncio.wait_for(self._stopping.wait(), delay)
                except TimeoutError:
                    pass
        finally:
            ticker.cancel()

    def stop(self) -> None:
        self._stopping.set()
        if self._writer is not None:
            self._writer.close()

    def _lost(self, why: str) -> None:
        self.connected = False
        self.server.source_live = False  # boards see STALE with the data's age, never a frozen LIVE
        self._writer = None
        for _, fut in self._pending:
            if not fut.done():
                fut.set_exception(ConnectionError(why))
        self._pending.clear()
        self._awaited.clear()
        for sid in list(self.desk.sessions):
            self.desk.end(sid, "connection_lost")
        self.legs.clear()

    async def _session(self) -> None:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.ami.host, self.ami.port),
                                                self.ami.connect_timeout_s)
        self._writer = writer
        parser = AmiParser()
        pump = asyncio.create_task(self._pump(reader, parser))
        try:
            reply = await self._ask("Login", Username=self.ami.username, Secret=self.ami.secret, Events="on")
            if reply.response.lower() != "success":
                raise AmiRefused(reply.get("Message") or reply.response)
            self.logins += 1
            self.connected = True
            log.info("AMI %s:%d: logged in as %s (%s)", self.ami.host, self.ami.port, self.ami.username,
                     parser.greeting)
            self.floor.begin_snapshot()
            await self._ask("QueueStatus")  # its list events and QueueStatusComplete come through the pump
            summary = await self._ask("QueueSummary")
            if summary.response.lower() != "success":
                log.warning("QueueSummary refused: %s", summary.get("Message"))
            await pump
        finally:
            pump.cancel()
            writer.close()

    async def _pump(self, reader: asyncio.StreamReader, parser: AmiParser) -> None:
        while True:
            data = await reader.read(65536)
            if not data:
                raise ConnectionResetError("AMI closed the connection")
            for msg in parser.feed(data):
                self._on_message(msg)

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
        return await asyncio.wait_for(fut, 10)

    def _fire(self, name: str, **fields: str) -> str:
        """Send without waiting; a refusal is logged, never raised."""
        action_id, fut = self._send(name, **fields)

        def answered(f: asyncio.Future[AmiMessage]) -> None:
            if not f.cancelled() and f.exception() is None and f.result().response.lower() != "success":
                log.info("AMI %s refused: %s", name, f.result().get("Message"))
        fut.add_done_callback(answered)
        return action_id

    # -- what AMI says ---------------------------------------------------------------------------

    def _on_message(self, msg: AmiMessage) -> None:
        if not msg.event:
            if msg.response:
                self._answer(msg)
            return
        event = msg.event.lower()
        now = self.clock()
        if event == "queuestatuscomplete":
            if self.floor.in_snapshot():
                self.floor.end_snapshot()
                agents, queues, calls = self.floor.snapshot(now)
                self.server.load([self.desk.mark(a) for a in agents], queues, calls)
                self.server.source_live = True
                log.info("AMI snapshot: %d agents, %d queues, %d callers waiting", len(agents), len(queues),
                         len(calls))
            return
        if event == "queuesummary":
            self._check_summary(msg)
            return
        if event in ("originateresponse", "chanspystart", "chanspystop"):
            self._on_spy(event, msg)
            return
        if event == "hangup":
            self._on_spy(event, msg)
        self._publish(self.floor.on(msg, now))

    def _publish(self, updates: list[Agent | Queue | Call]) -> None:
        if not updates:
            return
        self.server.publish([self.desk.mark(u) if isinstance(u, Agent) else u for u in updates])
        self.desk.after_publish()

    def _answer(self, msg: AmiMessage) -> None:
        """A response goes to the action with its ActionID. A peer that does not echo ours (a
        recorded session played back) answers, in order, the oldest action we are waiting on."""
        at = next((i for i, (aid, _) in enumerate(self._pending) if aid == msg.action_id), None)
        if at is None:
            at = next((i for i, (aid, _) in enumerate(self._pending) if aid in self._awaited), None)
            if at is None:
                return
        action_id, fut = self._pending.pop(at)
        self._awaited.discard(action_id)
        if not fut.done():
            fut.set_result(msg)

    def _check_summary(self, msg: AmiMessage) -> None:
        """QueueSummary against our picture: a difference is logged (AMI's LoggedIn excludes offline members)."""
        qid = msg.get("Queue")
        waiting = sum(1 for c in self.floor.callers.values() if c.call.queue == qid and c.call.answered_at is None)
        if msg.get("Callers") and int(msg.get("Callers", "0")) != waiting:
            log.warning("queue %s: QueueSummary says %s callers, the snapshot %d", qid, msg.get("Callers"), waiting)

    async def _ticks(self) -> None:
        while True:
            await asyncio.sleep(self.tick_s)
            if self.connected and not self.floor.in_snapshot():
                self._publish(self.floor.tick(self.clock()))
            self._spy_timeouts()

    # -- the Dialer: listen / whisper / barge via ChanSpy ------------------------------------------

    def dial(self, s: Session) -> None:
        member = self.floor.members.get(s.agent_id)
        if member is None or self._writer is None:
            asyncio.get_running_loop().call_soon(self.desk.end, s.id, "connection_lost" if member else "call_ended")
            return
        data = f"{member.state_interface}-,{SPY_OPTIONS[s.mode]}"
        action_id = self._fire("Originate", Channel=s.endpoint, Application="ChanSpy", Data=data, Async="true",
                               CallerID=f'"{s.mode.capitalize()}: {member.name}"'[:80],
                               Timeout=str(int(self.ring_timeout_s * 1000)))
        self.legs[action_id] = _Leg(s.id, s.mode, action_id, s.endpoint, data, self._mono())
        log.info("monitor %s: ringing %s to %s %s (ChanSpy %s)", s.id, s.endpoint, s.mode, member.name, data)

    def switch(self, s: Session, mode: str) -> None:
        self._drop(s.id)
        s.state = "dialing"  # the phone rings again, in the new mode
        self.dial(s)

    def hang_up(self, s: Session) -> None:
        self._drop(s.id)

    def _drop(self, session_id: str) -> None:
        for leg in [leg for leg in self.legs.values() if leg.session_id == session_id and not leg.dropped]:
            leg.dropped = True
            if leg.channel and self._writer is not None:
                self._fire("Hangup", Channel=leg.channel)
            elif not leg.channel:
                continue  # not answered yet: hung up when its OriginateResponse comes
            del self.legs[leg.action_id]

    def _leg_for(self, msg: AmiMessage, event: str) -> _Leg | None:
        if event == "originateresponse":
            leg = self.legs.get(msg.action_id)
            if leg is None:  # an ActionID we did not write: match on what we asked for
                leg = next((lg for lg in self.legs.values() if not lg.channel and lg.data == msg.get("Data")
                            and msg.get("Application").lower() == "chanspy"
                            and msg.get("Channel").startswith(lg.endpoint)), None)
            return leg
        uid = msg.get("SpyerUniqueid") if event.startswith("chanspy") else msg.get("Uniqueid")
        chan = msg.get("SpyerChannel") if event.startswith("chanspy") else msg.get("Channel")
        return next((lg for lg in self.legs.values() if (uid and lg.uniqueid == uid) or (chan and lg.channel == chan)),
                    None)

    def _on_spy(self, event: str, msg: AmiMessage) -> None:
        leg = self._leg_for(msg, event)
        if leg is None:
            return
        if event == "originateresponse":
            if msg.get("Response").lower() != "success":
                del self.legs[leg.action_id]
                if not leg.dropped:
                    log.info("monitor %s: %s not reached (reason %s)", leg.session_id, leg.endpoint, msg.get("Reason"))
                    self.desk.end(leg.session_id, "supervisor_unreachable")
                return
            leg.channel, leg.uniqueid, leg.answered_mono = msg.get("Channel"), msg.get("Uniqueid"), self._mono()
            if leg.dropped:  # stopped while it rang: hang up what answered
                self._fire("Hangup", Channel=leg.channel)
                del self.legs[leg.action_id]
            return
        if leg.dropped:
            return
        if event == "chanspystart":
            leg.connected = True
            self.desk.connected(leg.session_id)
        elif event in ("chanspystop", "hangup"):
            del self.legs[leg.action_id]
            # ChanSpyStop: the spied-on call ended (option E). Hangup first: the supervisor hung up.
            self.desk.end(leg.session_id, "call_ended" if event == "chanspystop" else "hung_up")

    def _spy_timeouts(self) -> None:
        now = self._mono()
        for leg in list(self.legs.values()):
            if leg.dropped or leg.connected:
                continue
            if leg.answered_mono is not None and now - leg.answered_mono > self.spy_timeout_s:
                log.warning("monitor %s: the phone answered but ChanSpy found no channel for %s in %.0f s",
                            leg.session_id, leg.data, self.spy_timeout_s)
                self.desk.end(leg.session_id, "timeout")
            elif leg.answered_mono is None and now - leg.sent_mono > self.ring_timeout_s + 5:
                self.desk.end(leg.session_id, "supervisor_unreachable")
