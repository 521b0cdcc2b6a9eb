"""What every PBX bridge does the same way, whatever the PBX: one reconnect loop, the truth about
the link on every board, the floor taken until it is true, the monitoring desk.

A bridge (Asterisk's AMI, FreeSWITCH's event socket) subclasses :class:`PbxLink` and says only what
is its PBX's own: how one session goes (:meth:`PbxLink._session`: connect, log in, then
:meth:`PbxLink._keep_in_step` with its own :meth:`PbxLink._take_floor`), how its floor looks
(:meth:`PbxLink._floor_snapshot`), what time does to it (:meth:`PbxLink._tick_floor`), and the
:class:`~wallboard.feed.monitoring.Dialer` (dial, switch, hang up, speak) with its legs.

- **Reconnect** with the feed's retry policy (``wallboard.feed.backoff``): a refused login every
  30 s ± 25 %, a lost connection from 0.25 s doubling, started again from the shortest step after a
  good session (one that logged in).
- **The link, told**: ``connecting``, ``syncing`` (logged in, the floor not yet taken — or refused,
  or incomplete: retried with backoff), ``refused`` (the PBX's words), ``down`` (since when) and
  ``up``, in ``welcome.source`` and every heartbeat. Until it is up boards hold what they had and
  say how old it is; a board that connects meanwhile gets no snapshot.
- **Nothing stops it**: a failure in a handler or a tick is logged once per kind and the rest goes on.
- **A lost link never leaves a monitoring session silently**: a session being ended whose legs may live
  on in the PBX is ``stuck`` (the supervisor may still be heard) until the PBX is back and confirms.
- **Legs** (the supervisor's ring into the agent's call, :class:`Leg`): ended only when the PBX says the leg
  is gone; a hang-up refused or not confirmed within ``hangup_confirm_s`` makes the session ``stuck``, and
  every leg still open is hung up again as soon as the link is back. A leg answered but not on the call
  within ``spy_timeout_s`` ends as ``timeout``; one never answered, as ``supervisor_unreachable``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..core.metrics import QueueCounters
from ..core.model import Agent, Call, Queue
from ..core.outbound import DEFAULT_RULES, OutcomeRefused, outcome_from
from ..core.pbxfloor import FloorBase, Update
from ..core.protocol import Source, SourceReason
from .backoff import Failure, reconnect_delay, retry_delay
from .monitoring import MonitorDesk, Session
from .recorder import HistoryRecorder
from .server import FeedServer

log = logging.getLogger(__name__)

__all__ = ["LinkRefused", "PbxLink", "SnapshotFailed", "Update", "describe", "snapshot_delay", "words"]


@dataclass(slots=True, kw_only=True)
class Leg:
    """One ring of the supervisor's endpoint into the agent's call, by the id we gave it (``key``)."""

    session_id: str
    mode: str
    key: str
    sent_mono: float
    answered_mono: float | None = None  # the PBX says the endpoint answered
    connected: bool = False  # on the agent's call (spying, eavesdropping)
    dropped: bool = False  # we want it gone (stop, mode change, end): its events no longer count
    hangup_mono: float | None = None  # when we last asked the PBX to hang it up
    stuck_told: bool = False


class LinkRefused(Exception):
    """The PBX said no to our login: wrong user or password; retrying fast will not help.

    ``str()`` is the PBX's words; ``auth`` says whether it was the credentials (else another refusal)."""

    def __init__(self, words: str, auth: bool = True) -> None:
        super().__init__(words)
        self.auth = auth


class SnapshotFailed(Exception):
    """The floor could not be taken (refused, or incomplete): retried with backoff.

    ``str()`` is the whole story for the log; ``reason`` and ``detail`` are what boards are told."""

    def __init__(self, words: str, reason: SourceReason = SourceReason.SNAPSHOT_FAILED, detail: str = "") -> None:
        super().__init__(words)
        self.reason = reason
        self.detail = detail or words


def snapshot_delay(attempt: int, rand: Callable[[], float]) -> float:
    """Seconds before taking the floor again after ``attempt + 1`` failures: 1 s doubling to 10 s,
    jittered (a queue module loads within seconds of a restart; an unloaded one may stay so for long)."""
    return reconnect_delay(attempt, rand, first_s=1.0, cap_s=10.0)


def describe(err: BaseException, target: str) -> tuple[SourceReason, str]:
    """Why a PBX link went, as a reason boards translate and its specifics."""
    if isinstance(err, ConnectionRefusedError):
        return SourceReason.CONNECTION_REFUSED, target
    if isinstance(err, TimeoutError):
        return SourceReason.NO_ANSWER, target
    if isinstance(err, asyncio.IncompleteReadError):
        return SourceReason.CLOSED, ""
    return SourceReason.LOST, f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def words(reason: SourceReason, detail: str) -> str:
    """The same, in one line for the log."""
    return f"{reason.value}: {detail}" if detail else reason.value


L = TypeVar("L", bound=Leg)


class PbxLink(Generic[L]):
    """One PBX link feeding one :class:`FeedServer`; see the module docstring for the contract."""

    #: How the log names the link ("AMI", "ESL").
    kind = "PBX"
    #: The PBX's floor (the subclass's own kind of it).
    floor: FloorBase

    def __init__(self, server: FeedServer, address: tuple[str, int], *, connect_timeout_s: float = 5.0,
                 clock: Callable[[], int] | None = None, mono: Callable[[], float] = time.monotonic,
                 tick_s: float = 0.2, refused_retry_s: float = 30.0,
                 resync_s: float = 60.0, rand: Callable[[], float] = random.random, spy_timeout_s: float = 8.0,
                 ring_timeout_s: float = 30.0, hangup_confirm_s: float = 5.0) -> None:
        self.server = server
        self.address = address
        self.target = f"{address[0]}:{address[1]}"  # for the log and the boards
        self.connect_timeout_s = connect_timeout_s
        self._writer: asyncio.StreamWriter | None = None
        self.clock = clock or server.clock
        self._mono = mono
        self.tick_s = tick_s
        self.refused_retry_s = refused_retry_s
        self.resync_s = resync_s
        self._rand = rand
        self.spy_timeout_s = spy_timeout_s
        self.ring_timeout_s = ring_timeout_s
        self.hangup_confirm_s = hangup_confirm_s
        self.legs: dict[str, L] = {}  # by the id we gave the leg
        #: History from what this bridge publishes (a PBX with no log of its own to read)
        self.recorder: HistoryRecorder | None = None
        self.desk = MonitorDesk(server, self)
        server.set_monitoring((), "the bridge has not logged in to the PBX yet")
        server.on_command = self.desk.handle
        server.on_disconnect = self.desk.on_disconnect
        self.connected = False
        self.logins = 0
        self.snapshots = 0
        self.handler_failures: Counter[str] = Counter()
        self.outcomes_refused: Counter[str] = Counter()  # outbound results the PBX raised that were not counted, by why
        self._stopping = asyncio.Event()
        self._resync_now = asyncio.Event()
        self._not_up_since = self.clock()
        self._set_source("connecting", None, self.target)

    # -- what a PBX says for itself ------------------------------------------------------------

    async def _pump(self, reader: asyncio.StreamReader) -> None:
        """Read the PBX's messages until the connection ends (raise why); whatever waits on an answer
        learns at once that none will come (:meth:`_fail_waiting`)."""
        raise NotImplementedError

    async def _login(self) -> None:
        """Log in on the new connection (the pump already reads); :class:`LinkRefused` if refused."""
        raise NotImplementedError

    async def _drive(self) -> None:
        """Logged in: learn what may be done, then :meth:`_keep_in_step` (never returns while linked)."""
        raise NotImplementedError

    def _fail_waiting(self, err: Exception) -> None:
        """The link went: every answer still awaited fails with ``err``."""

    async def _take_floor(self) -> list[Update]:
        """Read the whole floor from the PBX; on a live floor, publish what differs. SnapshotFailed if not."""
        raise NotImplementedError

    def _floor_snapshot(self) -> tuple[list[Agent], list[Queue], list[Call]]:
        raise NotImplementedError

    def _tick_floor(self) -> list[Update]:
        return []

    def _day_counters(self, day_start: int, first: bool) -> dict[str, QueueCounters] | None:
        """Today's counters from the bridge's history, if it keeps one and they changed (always when
        ``first``); None: leave the floor's as they are."""
        return None

    def _take_day(self) -> None:
        """The history's counts become the queues' (at start, then each tick, linked or not: history
        accrues while the PBX link is down); published when the boards are live."""
        now = self.clock()
        start = self.floor.day_start_of(now)
        counters = self._day_counters(start, self.floor.history_counters is None)
        if counters is None:
            return
        updates = self.floor.set_day_counters(counters, start, now)
        if self.connected and self.server.source_live:
            self._publish(updates)

    @property
    def _linked(self) -> bool:
        """Whether there is a connection to send on."""
        return self._writer is not None

    def _hangup_leg(self, leg: L) -> None:
        """Ask the PBX to hang the leg up (its hang-up event confirms; a refusal: ``desk.stuck``)."""
        raise NotImplementedError

    def _leg_forgotten(self, leg: L) -> None:
        """The leg is gone for good: whatever else kept it (a job id) may go."""

    def _audio_cut(self, session_id: str) -> None:
        """The session's audio (in the app), if any, stops now both ways."""

    #: The PBX event that confirms a leg is gone (for the log and the boards).
    hangup_event = "hangup"

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    async def _after_snapshot(self) -> None:
        """A check after the first good snapshot (never fatal)."""

    # -- the Dialer (the monitoring desk calls these) --------------------------------------------

    def dial(self, s: Session) -> None:
        raise NotImplementedError

    def switch(self, s: Session, mode: str) -> None:
        raise NotImplementedError

    def speak(self, s: Session, pcm: bytes) -> None:
        """Microphone frames (in-app whisper/barge): dropped where the PBX takes no audio from us."""

    def hang_up(self, s: Session) -> None:
        if not self._legs_of(s.id):
            self.desk.gone(s.id)
        elif not self._linked:
            for leg in self._legs_of(s.id):
                leg.dropped = True
            self._audio_cut(s.id)  # an audio leg's socket at least is ours to cut: not a word more either way
            self.desk.stuck(s.id, "pbx_link_lost", f"the bridge is not connected to {self.kind}")
        else:
            self._drop(s.id)

    # -- legs --------------------------------------------------------------------------------------

    def _legs_of(self, session_id: str) -> list[L]:
        return [leg for leg in self.legs.values() if leg.session_id == session_id]

    def _drop(self, session_id: str) -> None:
        """Hang up every leg of the session (again, for one that is stuck); confirmed by the PBX's events."""
        self._audio_cut(session_id)
        for leg in self._legs_of(session_id):
            leg.dropped = True
            self._hangup_leg(leg)

    def _retry_stuck_legs(self) -> None:
        """Back on the PBX: every leg we could not end is hung up now (or found gone)."""
        for leg in list(self.legs.values()):
            leg.dropped = True
            leg.answered_mono = leg.answered_mono or self._mono()  # "no such channel" now means it is gone
            self._hangup_leg(leg)

    def _leg_ended(self, leg: L, why: str) -> None:
        """The PBX says the leg is gone. Not asked for: the session ends for ``why``."""
        if leg.dropped:
            self._leg_gone(leg)
            return
        self._forget(leg)
        log.info("monitor %s: leg %s ended (%s)", leg.session_id, leg.key, why)
        if not self._legs_of(leg.session_id):
            self._audio_cut(leg.session_id)
        self.desk.finish(leg.session_id, why)

    def _leg_gone(self, leg: L) -> None:
        self._forget(leg)
        s = self.desk.sessions.get(leg.session_id)
        if s is not None and s.state in ("ending", "stuck") and not self._legs_of(s.id):
            self.desk.gone(s.id)

    def _forget(self, leg: L) -> None:
        self.legs.pop(leg.key, None)
        self._leg_forgotten(leg)

    def _timeouts(self) -> None:
        """Legs hung up, answered or rung too long ago without the PBX's word."""
        now = self._mono()
        for leg in list(self.legs.values()):
            if leg.dropped:
                if leg.hangup_mono is not None and not leg.stuck_told and now - leg.hangup_mono > self.hangup_confirm_s:
                    leg.stuck_told = True
                    self.desk.stuck(leg.session_id, "hangup_unconfirmed",
                                    f"no {self.hangup_event} for leg {leg.key} in {self.hangup_confirm_s:g} s")
                continue
            if leg.connected:
                continue
            if leg.answered_mono is not None and now - leg.answered_mono > self.spy_timeout_s:
                log.warning("monitor %s: the endpoint answered but the leg was not on the call in %.0f s",
                            leg.session_id, self.spy_timeout_s)
                self.desk.finish(leg.session_id, "timeout")
            elif leg.answered_mono is None and now - leg.sent_mono > self.ring_timeout_s + 5:
                self.desk.finish(leg.session_id, "supervisor_unreachable")

    # -- the loop ---------------------------------------------------------------------------------

    async def run(self) -> None:
        """Forever: connect, log in, take the floor, follow it; on loss, say so and start again."""
        attempt = 0
        ticker = asyncio.create_task(self._ticks())
        try:
            while not self._stopping.is_set():
                logins = self.logins
                reason: SourceReason
                try:
                    await self._session()
                    state, reason, detail = "down", SourceReason.CLOSED, ""
                except LinkRefused as err:
                    reason = SourceReason.AUTH_FAILED if err.auth else SourceReason.LOGIN_REFUSED
                    state, detail = "refused", str(err)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, ConnectionError) as err:
                    reason, detail = describe(err, self.target)
                    state = "down"
                except Exception as err:  # a bug of ours: the bridge logs it and goes on, it never stops
                    log.exception("the %s session failed", self.kind)
                    state, reason, detail = "down", SourceReason.INTERNAL, type(err).__name__
                why = words(reason, detail)
                if self.logins > logins:  # it was a good session: start the backoff again
                    attempt = 0
                self._lost(state, reason, detail)
                if self._stopping.is_set():
                    break
                if state == "refused":
                    delay = retry_delay(Failure.REFUSED, attempt, self._rand, self.refused_retry_s)
                    log.error("%s %s refused the login: %s (retrying in %.0f s)", self.kind, self.target, why, delay)
                else:
                    delay = retry_delay(Failure.LOST, attempt, self._rand)
                    log.warning("%s %s lost (%s); reconnecting in %.2f s", self.kind, self.target, why, delay)
                attempt += 1
                try:
                    await asyncio.wait_for(self._stopping.wait(), delay)
                except TimeoutError:
                    pass
        finally:
            ticker.cancel()

    def stop(self) -> None:
        self._stopping.set()
        self._close()

    def _set_source(self, state: str, reason: SourceReason | None = None, detail: str = "") -> None:
        now = self.clock()
        if state == "up":
            self._not_up_since = 0
        elif not self._not_up_since:
            self._not_up_since = now
        old = self.server.source
        why = reason.value if reason is not None else ""
        if old is not None and old.state == state and old.reason == why and old.detail == detail:
            return
        self.server.source = Source(state=state, since=now if state == "up" else self._not_up_since,
                                    reason=why, detail=detail[:256])

    async def _session(self) -> None:
        """One connection: connect, log in, keep in step; return or raise when the link ends."""
        reader, writer = await asyncio.wait_for(asyncio.open_connection(*self.address), self.connect_timeout_s)
        self._writer = writer
        pump = asyncio.create_task(self._pump(reader))
        driver: asyncio.Task[None] | None = None
        try:
            await self._login()
            self.logins += 1
            self.connected = True
            driver = asyncio.create_task(self._drive())
            done, _ = await asyncio.wait({pump, driver}, return_when=asyncio.FIRST_COMPLETED)
            for task in (pump, driver):  # the first one to fail says why
                if task in done and (err := task.exception()) is not None:
                    raise err
        finally:
            pump.cancel()
            if driver is not None:
                driver.cancel()
            writer.close()

    def _lost(self, state: str, reason: SourceReason, detail: str) -> None:
        self._writer = None
        self._fail_waiting(ConnectionError(words(reason, detail)))
        self.connected = False
        self._set_source(state, reason, detail)
        why = words(reason, detail)
        for s in list(self.desk.sessions.values()):  # legs may live on in the PBX: say so until we know
            if s.state == "stuck":
                continue  # already said; hung up again once the PBX is back
            if s.state == "ending":
                if self._legs_of(s.id):
                    self.desk.stuck(s.id, "pbx_link_lost", why)
                else:
                    self.desk.gone(s.id)
            else:
                self.desk.finish(s.id, "connection_lost")

    async def _keep_in_step(self) -> None:
        """Logged in: take the floor until it is true, and again every ``resync_s`` or when asked
        (``_resync_now``: the PBX said its queues were reloaded)."""
        self._set_source("syncing", SourceReason.TAKING_FLOOR)
        while True:
            await self._synchronise()
            self._resync_now.clear()
            try:
                await asyncio.wait_for(self._resync_now.wait(), self.resync_s)
            except TimeoutError:
                pass

    async def _synchronise(self) -> None:
        """Take the floor until it succeeds. On a live floor a success publishes the difference;
        otherwise (first time, or after a failure) it replaces the boards' picture whole."""
        attempt = 0
        while True:
            try:
                updates = await self._take_floor()
                break
            except SnapshotFailed as err:
                delay = snapshot_delay(attempt, self._rand)
                attempt += 1
                log.warning("%s snapshot failed: %s; again in %.1f s", self.kind, err, delay)
                self._set_source("syncing", err.reason, err.detail)
                self._resync_now.clear()
                try:
                    await asyncio.wait_for(self._resync_now.wait(), delay)
                except TimeoutError:
                    pass
        self.snapshots += 1
        if self.server.source_live:
            if updates:
                log.info("%s resync: %d changes the events had not told", self.kind, len(updates))
            return
        agents, queues, calls = self._floor_snapshot()
        if self.recorder is not None:
            self.recorder.load(agents, calls, self.clock())
        self.server.load([self.desk.mark(a) for a in agents], queues, calls)
        self._set_source("up")
        log.info("%s snapshot: %d agents, %d queues, %d calls", self.kind, len(agents), len(queues), len(calls))
        await self._after_snapshot()

    def _publish(self, updates: list[Update]) -> None:
        if not updates:
            return
        if self.recorder is not None:
            self.recorder.observe(updates, self.clock())
        self.server.publish([self.desk.mark(u) if isinstance(u, Agent) else u for u in updates])
        self.desk.after_publish()

    def _outcome(self, fields: dict[str, object], agent_known: bool, what: str, who: str, source: str) -> None:
        """An outbound result the PBX raised (``what``: its event, ``who``: whose it says it is), counted on the
        server's outbound desk; one that cannot be is skipped and counted by why, logged the first time."""
        try:
            outcome = outcome_from(fields, self.clock(), self.server.outbound.rules if self.server.outbound
                                   else DEFAULT_RULES)
        except OutcomeRefused as err:
            reason = str(err) if agent_known else "for no known agent"
            self.outcomes_refused[reason] += 1
            if self.outcomes_refused[reason] == 1:
                log.warning("%s skipped: %s (%s; counted, logged once per reason)", what, reason, who)
            return
        self.server.outcome(outcome, source)

    def _failed(self, kind: str, what: str, *args: object) -> None:
        """A bug of ours in handling ``kind``: counted, logged the first time, and the bridge carries on."""
        self.handler_failures[kind] += 1
        if self.handler_failures[kind] == 1:
            log.exception(what, *args)

    async def _ticks(self) -> None:
        while True:
            await asyncio.sleep(self.tick_s)
            try:
                self._take_day()
                if self.connected and self.server.source_live:
                    self._publish(self._tick_floor())
                self._timeouts()
            except Exception:
                self._failed("tick", "the bridge's tick failed (logged once; it carries on)")
