"""The board's side of the feed: connect, hello, decode, reduce, publish views; forever.

A thin shell around the pure core. Frames are decoded and reduced here, on the
asyncio thread, never on the GUI thread; the GUI gets an immutable
:class:`FloorView` as soon as the frames at hand are read, but at most every
``publish_interval_s`` (so 5,000 events/s become at most 100 views/s), through the
``on_view`` callback.

It never gives up: a lost, refused or silent connection is reported in
``FloorView.link`` and retried by the one policy of :mod:`wallboard.feed.backoff`.
A feed from which no byte has come for ``quiet_factor × heartbeat`` is treated as dead
(half-open TCP does not announce itself) and dropped at once, without waiting on a
closing handshake that will never come; a big snapshot still arriving is not silence.
A resync that brings no usable snapshot is asked again (after 2, then 4 heartbeats) and,
6 heartbeats after the third, the connection is made anew: never "Synchronising…" forever.

A monitoring session's audio (in the app) comes as binary frames on the same connection: each
goes to ``on_audio`` on this thread as it arrives (never through the GUI), and the supervisor's
microphone goes out through :meth:`FeedClient.send_audio`, which sends nothing unless this board's
session is active in whisper or barge, whoever calls it.

Every frame refreshes the data's age, heartbeats included, and a view goes to the GUI
for each heartbeat too, so a quiet floor stays LIVE. Each view says how late the newest
frame was handled (``behind_ms``, against the clock offset), so a board that cannot keep
up says so instead of LIVE.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.connection import broadcast
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from ..core.audio import AUDIO_TAG, AudioFrame, pack_audio, unpack_audio
from ..core.clock import ClockOffset
from ..core.errors import FrameRejected, HandshakeFailed, MalformedFrame, ServerRefused
from ..core.protocol import (
    ACCEPTS,
    DEFAULT_MAX_FRAME_BYTES,
    DELTA_TYPES,
    MONITOR_MODES,
    PROTOCOL_VERSION,
    RECENT_OUTCOMES,
    RECORD_TYPES,
    SPEAKING_MODES,
    SUBPROTOCOL,
    AlertAck,
    Batch,
    Caps,
    Command,
    CommandResult,
    Damaged,
    Heartbeat,
    Hello,
    MonitorUpdate,
    Resync,
    ServerError,
    ServerMessage,
    Snapshot,
    Source,
    TallyUpdate,
    Trend,
    Welcome,
    Whiteboard,
    decode_server,
    encode,
)
from ..core.reducer import FloorState, Verdict
from ..core.view import FloorView, LinkReason, LinkState, LinkStatus, OutboundView
from .backoff import Failure, retry_delay

#: What a batch may hold besides DELTA_TYPES: a delta whose record could not be read.
DAMAGED_DELTAS = RECORD_TYPES - {"snapshot"}
#: Resyncs asked without a usable snapshot before the connection is made anew.
RESYNC_TRIES = 3

log = logging.getLogger(__name__)
#: websockets logs whole frames at DEBUG, hello (and its token) included: never let it.
_ws_log = logging.getLogger(f"{__name__}.websockets")
_ws_log.setLevel(logging.INFO)


class FeedClient:
    def __init__(
        self,
        url: str,
        on_view: Callable[[FloorView], None],
        *,
        token: str | None = None,
        client_name: str = "wallboard",
        publish_interval_s: float = 0.01,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        quiet_factor: float = 3.0,
        refused_retry_s: float = 30.0,
        ssl: Any = None,
        wall_clock: Callable[[], float] = time.time,
        mono_clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        on_audio: Callable[[AudioFrame], None] | None = None,
        accept: tuple[str, ...] = ACCEPTS,
    ) -> None:
        """``accept``: the frame types beyond v1's this board takes (an older board took fewer)."""
        self.url = url
        self.accept = accept
        self.on_audio = on_audio
        self.on_view = on_view
        self._token = token
        self.client_name = client_name
        self.publish_interval_s = publish_interval_s
        self.max_frame_bytes = max_frame_bytes
        self.quiet_factor = quiet_factor
        self.refused_retry_s = refused_retry_s
        self._ssl = ssl
        self._wall = wall_clock
        self._mono = mono_clock
        self._rand = rand
        self.state = FloorState()
        self.offset = ClockOffset()
        self.link = LinkStatus(LinkState.CONNECTING, since_mono=mono_clock())
        self.heartbeat_s = 5.0
        self.caps = Caps()
        self.source: Source | None = None
        self.trend: Trend | None = None  # the server's trend history, once given
        self.outbound: OutboundView | None = None  # today's outbound results, once given
        self.last_frame_mono = 0.0
        self._last_stamp = (0, 0)  # (server stamp, local ms) of the newest frame
        self._resync_at: float | None = None  # when we last asked for a snapshot we still wait for
        self._resync_tries = 0
        self._logged_records: set[tuple[str, str]] = set()
        self._ws: ClientConnection | None = None
        self._publish_handle: asyncio.TimerHandle | None = None
        self._published_at = 0.0
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()  # cut a retry wait short (stop, or new credentials)
        self._logged_reasons: set[str] = set()
        self._pending: dict[str, asyncio.Future[CommandResult]] = {}
        self.sessions: dict[str, MonitorUpdate] = {}
        self.acks: dict[tuple[str, str], AlertAck] = {}
        self.audio_in = 0  # audio frames of this board's sessions received
        self.audio_dropped: dict[str, int] = {}  # audio frames not played or not sent, by why
        self._mic_seq = 0

    # -- lifecycle -----------------------------------------------------------------

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._ws is not None:
            asyncio.ensure_future(self._ws.close())

    def reconnect(self, token: str | None) -> None:
        """New credentials: use them at once (drop the connection, skip any retry wait)."""
        self._token = token
        self._wake.set()
        if self._ws is not None:
            asyncio.ensure_future(self._ws.close())

    async def run(self) -> None:
        attempt = 0
        while not self._stopping.is_set():
            self._set_link(LinkStatus(LinkState.CONNECTING, attempt, detail=self.url, since_mono=self._mono()))
            welcomed = False
            try:
                welcomed = await self._session()
                failure, reason, detail = Failure.LOST, LinkReason.CLOSED_BY_SERVER, ""
            except Exception as err:  # whatever it was, the board lives on: say it, retry by the policy
                welcomed = self.link.state is LinkState.LIVE
                failure, reason, detail = failure_of(err)
                if failure is Failure.LOST and not isinstance(err, (OSError, ConnectionClosed, InvalidHandshake,
                                                                    HandshakeFailed, TimeoutError)):
                    log.exception("feed session failed")
            if welcomed:
                attempt = 0  # a good session: the backoff starts again from its first step
            if self._stopping.is_set():
                break
            delay = retry_delay(failure, attempt, self._rand, self.refused_retry_s)
            attempt += 1
            words = f"{reason.value}: {detail}" if detail else reason.value
            if failure is Failure.REFUSED:
                log.error("feed refused the connection: %s (again in %.0f s)", words, delay)
            else:
                log.info("feed lost (%s); retry %d in %.2f s", words, attempt, delay)
            state = LinkState.REFUSED if failure is Failure.REFUSED else LinkState.RETRYING
            self._set_link(LinkStatus(state, attempt, delay, reason, detail, self._mono()))
            if await self._sleep(delay):
                break
        self._set_link(LinkStatus(LinkState.STOPPED, since_mono=self._mono()))

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopped or woken for new credentials; True when stopped."""
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except TimeoutError:
            pass
        self._wake.clear()
        return self._stopping.is_set()

    # -- one connection -------------------------------------------------------------

    async def _session(self) -> bool:
        """One connection, until it ends; True if it was ever welcomed (normal end: the server closed)."""
        async with connect(
            self.url, subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
            max_size=self.max_frame_bytes, open_timeout=5, compression=None, proxy=None,
            ping_interval=10, ping_timeout=10, close_timeout=2, ssl=self._ssl, logger=_ws_log,
            create_connection=_Connection,
        ) as ws:
            self._ws = ws
            if self._stopping.is_set():  # stopped while this connection was opening: stop() found none to close
                self._ws = None
                return False
            try:
                await ws.send(encode(Hello(versions=(PROTOCOL_VERSION,), client=self.client_name,
                                           token=self._token, accept=self.accept)), text=True)
                await self._handshake(ws)
                await self._receive(ws)
                return True
            except ConnectionClosed as err:
                if err.rcvd is not None and err.rcvd.code == 1009:
                    self.state.counters.rejected["too_large"] += 1
                raise
            finally:
                self._ws = None
                for fut in self._pending.values():
                    if not fut.done():
                        fut.set_exception(ConnectionError("feed connection lost"))
                self._pending.clear()
                self._end_sessions("connection_lost")

    def _end_sessions(self, why: str) -> None:
        """The server ends a board's sessions when it goes; show that here too, at once."""
        ts = int(self._wall() * 1000) + self.offset.offset_ms
        for sid, s in list(self.sessions.items()):
            if s.state != "ended":
                self.sessions[sid] = MonitorUpdate(ts=ts, session_id=sid, state="ended", mode=s.mode,
                                                   agent_id=s.agent_id, call_id=s.call_id, reason=why)

    async def _handshake(self, ws: ClientConnection) -> None:
        try:
            raw = await asyncio.wait_for(ws.recv(), 10)
            msg = decode_server(raw, self.max_frame_bytes)
        except FrameRejected as err:
            raise HandshakeFailed(f"bad welcome: {err.detail}") from None
        if isinstance(msg, ServerError):
            raise ServerRefused(msg.error.code, msg.error.message)
        if not isinstance(msg, Welcome):
            raise HandshakeFailed(f"expected welcome, got {type(msg).__name__}")
        if msg.version != PROTOCOL_VERSION:
            raise ServerRefused("unsupported_version", f"server chose version {msg.version}")
        self.heartbeat_s = msg.heartbeat_s
        known = tuple(m for m in msg.caps.monitor if m in MONITOR_MODES)  # a newer server's "coach": not ours
        self.caps = msg.caps if known == msg.caps.monitor else msgspec.structs.replace(msg.caps, monitor=known)
        self.source = msg.source
        if msg.stream != self.state.stream:
            self.offset.reset()  # a new server process may have a different clock
        self._frame(msg)
        self.state.apply(msg)
        self._resync_at, self._resync_tries = self._mono(), 0  # the snapshot is due now, unasked
        self._logged_records.clear()
        self._set_link(LinkStatus(LinkState.LIVE, detail=msg.server or self.url, since_mono=self._mono()))

    async def _receive(self, ws: ClientConnection) -> None:
        quiet = self.heartbeat_s * self.quiet_factor
        # One watchdog per connection, not a timeout per frame: ``wait_for`` around each ``recv`` made
        # a task per frame (at 5,000 frames/s a fifth of the feed thread's time, measured).
        silent: list[str] = []
        watchdog = asyncio.get_running_loop().create_task(self._watch(ws, quiet, silent))
        try:
            await self._frames(ws)
        except ConnectionClosed:
            if silent:
                raise _Silent(silent[0]) from None
            raise
        finally:
            watchdog.cancel()

    async def _watch(self, ws: ClientConnection, quiet: float, silent: list[str]) -> None:
        """Drop the connection once no byte has come for ``quiet`` seconds (a big snapshot still
        arriving is not silence): a half-open TCP connection never announces itself."""
        last = time.monotonic()
        while True:
            await asyncio.sleep(max(0.01, last + quiet - time.monotonic()))  # wakes when silence would be due
            if isinstance(ws, _Connection):
                last = max(last, ws.bytes_mono)
            if time.monotonic() - last >= quiet:
                silent.append(f"{quiet:.0f} s")
                if ws.transport is not None:
                    ws.transport.abort()  # half-open: no closing handshake will ever be answered
                return

    async def _frames(self, ws: ClientConnection) -> None:
        recv, decoded, message = ws.recv, self._decoded, self._message
        while True:
            raw = await recv()
            if type(raw) is bytes and raw[:1] == AUDIO_TAG:  # a session's audio (JSON never starts with "A");
                self._audio(raw)  # not floor data, so it does not make the floor's data any younger
                continue
            msg = await decoded(ws, raw)
            if type(msg) is Batch:  # each delta as if it had come alone; a bad one costs only itself
                for raw in msg.deltas:
                    one = await decoded(ws, raw)
                    if one is not None and (type(one) in DELTA_TYPES or (type(one) is Damaged and one.type in DAMAGED_DELTAS)):
                        await message(ws, one)
                    elif one is not None:
                        self.state.reject(MalformedFrame(f"{type(one).__name__} in a batch", reason="not_a_delta"))
            elif msg is not None:
                await message(ws, msg)

    async def _decoded(self, ws: ClientConnection, raw: str | bytes) -> ServerMessage | Damaged | None:
        """The frame's message, or None: it was dropped (counted, its reason logged once)."""
        try:
            return decode_server(raw, self.max_frame_bytes)
        except FrameRejected as err:
            verdict = self.state.reject(err)
            if err.reason not in self._logged_reasons:  # once per reason; counted always
                self._logged_reasons.add(err.reason)
                log.warning("dropped a feed frame (%s): %s", err.reason, err.detail[:200])
            if verdict is Verdict.RESYNC:
                await self._resync(ws, f"a {err.message_type or 'state'} frame could not be read")
            return None

    async def _message(self, ws: ClientConnection, msg: ServerMessage | Damaged) -> None:
        state = self.state
        self._frame(msg)
        if isinstance(msg, CommandResult):
            fut = self._pending.pop(msg.req_id, None)
            if fut is not None and not fut.done():
                fut.set_result(msg)
            return
        if isinstance(msg, MonitorUpdate):
            self.sessions[msg.session_id] = msg
            self._schedule_publish()
            return
        if isinstance(msg, AlertAck):
            self.acks[(msg.kind, msg.subject)] = msg
            self._schedule_publish()
            return
        if isinstance(msg, Trend):
            self.trend = msg  # the server's last hour: the board's chart starts full
            self._schedule_publish()
            return
        if isinstance(msg, (Whiteboard, TallyUpdate)):
            self.outbound = outbound_after(self.outbound, msg)
            self._schedule_publish()
            return
        if isinstance(msg, Snapshot) or (isinstance(msg, Damaged) and msg.type == "snapshot"):
            self.acks = {(a.kind, a.subject): a for a in msg.acks}
        if isinstance(msg, ServerError):
            raise ServerRefused(msg.error.code, msg.error.message)
        if isinstance(msg, Heartbeat):
            if msg.source != self.source and (msg.source is None or msg.source.up) and not state.synced:
                self._resync_at = self._mono()  # the source is back: its snapshot is on its way, unasked
            self.source = msg.source
        elif isinstance(msg, Damaged):
            self._log_bad(msg)
        verdict = state.apply(msg)
        if verdict is Verdict.RESYNC:
            await self._resync(ws, f"out of step at seq {state.seq}")
        elif state.synced:
            self._resync_at = None
        elif self._resync_at is not None and (self.source is None or self.source.up):
            await self._resync_again(ws)
        if verdict is not Verdict.IGNORED or self.link.state is not LinkState.LIVE or isinstance(msg, Heartbeat):
            self._schedule_publish()  # a heartbeat too: the data's age and the source reach the GUI

    async def _resync(self, ws: ClientConnection, why: str) -> None:
        log.info("feed: %s: asking for a snapshot", why)
        self._resync_at, self._resync_tries = self._mono(), 1
        await ws.send(encode(Resync(reason=why[:200])), text=True)

    async def _resync_again(self, ws: ClientConnection) -> None:
        """No usable snapshot yet: ask again, waiting longer each time; after RESYNC_TRIES, start anew."""
        assert self._resync_at is not None
        wait = max(1.0, 2 * self.heartbeat_s) * max(1, self._resync_tries)  # 2, 4, 6 heartbeats
        if self._mono() - self._resync_at < wait:
            return
        if self._resync_tries >= RESYNC_TRIES:
            raise _NoSnapshot(f"{self._resync_tries} resyncs unanswered")
        self._resync_tries += 1
        self._resync_at = self._mono()
        log.warning("feed: still no usable snapshot; asking again (%d of %d)", self._resync_tries, RESYNC_TRIES)
        await ws.send(encode(Resync(reason="no usable snapshot yet")), text=True)

    def _audio(self, raw: bytes) -> None:
        """A frame of a session's audio: to the player. One that does not read, or names a session this
        board never had, is bad input (counted with the rejected frames); a late one (its session over)
        or one with no player to take it is dropped and counted apart."""
        try:
            frame = unpack_audio(raw)
        except FrameRejected as err:
            self.state.reject(err)
            self._drop_audio(err.reason)
            return
        s = self.sessions.get(frame.session_id)
        if s is None:
            self.state.reject(MalformedFrame(f"audio for a session this board never had ({frame.session_id!r})",
                                             reason="bad_audio"))
            self._drop_audio("unknown_session")
            return
        if not s.audio or s.state == "ended" or self.on_audio is None:
            self._drop_audio("late" if self.on_audio is not None else "no_player")
            return
        self.audio_in += 1
        try:
            self.on_audio(frame)
        except Exception:  # the player's problem must not cost the feed
            self._drop_audio("player_failed")
            if self.audio_dropped["player_failed"] == 1:
                log.exception("the audio player failed")

    def _drop_audio(self, why: str) -> None:
        self.audio_dropped[why] = self.audio_dropped.get(why, 0) + 1

    def may_speak(self, session_id: str) -> bool:
        """Whether this board's session is one its microphone may reach (active, in the app, whisper
        or barge) as this board last heard from the server."""
        s = self.sessions.get(session_id)
        return s is not None and s.audio and s.state == "active" and s.mode in SPEAKING_MODES

    def send_audio(self, session_id: str, pcm: bytes) -> bool:
        """The supervisor's microphone (on the feed's loop): sent only if :meth:`may_speak`."""
        ws = self._ws
        if ws is None or not self.may_speak(session_id):
            self._drop_audio("not_speaking")
            return False
        self._mic_seq += 1
        broadcast([ws], pack_audio(session_id, self._mic_seq, pcm), text=False)
        return True

    def _log_bad(self, msg: Damaged) -> None:
        for bad in msg.bad:
            key = (bad.kind, bad.id or "")
            if key not in self._logged_records:  # once per record per connection; counted always
                self._logged_records.add(key)
                log.warning("feed: one %s record could not be read (id %s) in a %s: %s; the rest applies",
                            bad.kind, bad.id or "unknown", msg.type, bad.reason)

    def _frame(self, msg: Any) -> None:
        self.last_frame_mono = self._mono()
        ts = getattr(msg, "ts", None)
        if ts is not None:
            local = int(self._wall() * 1000)
            self.offset.observe(ts, local)
            self._last_stamp = (ts, local)  # how late it was is worked out when a view is made

    @property
    def behind_ms(self) -> int:
        """How late (after its server stamp) the newest frame was handled here."""
        ts, local = self._last_stamp
        return self.offset.lateness_ms(ts, local) if ts else 0

    # -- commands (the supervisor-actions issue builds on this) -------------------------

    async def command(self, req_id: str, action: str, args: dict[str, Any], timeout_s: float = 10.0) -> CommandResult:
        """Send a command and wait for its result; TimeoutError if none comes in time."""
        if self._ws is None:
            raise ConnectionError("not connected to the feed")
        fut: asyncio.Future[CommandResult] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = fut
        await self._ws.send(encode(Command(req_id=req_id, action=action, args=args)), text=True)
        try:
            return await asyncio.wait_for(fut, timeout_s)
        finally:
            self._pending.pop(req_id, None)

    # -- publishing to the GUI --------------------------------------------------------

    def _set_link(self, link: LinkStatus) -> None:
        self.link = link
        self._publish()

    def _schedule_publish(self) -> None:
        """Publish once what is buffered has been read, and at most every ``publish_interval_s``.

        ``call_soon`` runs after the frames already received in this turn of the loop, so a
        burst becomes one view; a lone event is shown at once instead of waiting out a timer.
        """
        if self._publish_handle is None:
            loop = asyncio.get_running_loop()
            wait = self.publish_interval_s - (self._mono() - self._published_at)
            if wait <= 0:
                self._publish_handle = loop.call_soon(self._publish)  # type: ignore[assignment]
            else:
                self._publish_handle = loop.call_later(wait, self._publish)

    def _publish(self) -> None:
        if self._publish_handle is not None:
            self._publish_handle.cancel()
            self._publish_handle = None
        self._published_at = self._mono()
        s = self.state
        view = FloorView(
            agents=MappingProxyType(dict(s.agents)),
            queues=MappingProxyType(dict(s.queues)),
            calls=MappingProxyType(dict(s.calls)),
            changes=s.take_changes(),
            link=self.link,
            synced=s.synced,
            offset_ms=self.offset.offset_ms,
            last_frame_mono=self.last_frame_mono,
            heartbeat_s=self.heartbeat_s,
            caps=self.caps,
            counters=s.counters.as_dict(),
            sessions=MappingProxyType(dict(self.sessions)),
            source=self.source,
            behind_ms=self.behind_ms,
            published_mono=self._published_at,
            unreadable=MappingProxyType(dict(s.unreadable)) if s.unreadable else _NOTHING,
            acks=MappingProxyType(dict(self.acks)),
            trend=self.trend,
            outbound=self.outbound,
        )
        try:
            self.on_view(view)
        except Exception:  # the GUI's problem must not kill the feed
            log.exception("on_view callback failed")


_NOTHING: Mapping[tuple[str, str], str] = MappingProxyType({})


def outbound_after(before: OutboundView | None, msg: Whiteboard | TallyUpdate) -> OutboundView | None:
    """The outbound view after a message: a whiteboard replaces it; a tally replaces its agent's and adds
    its outcome to the ticker when it is a positive not shown yet (a tally before any whiteboard waits)."""
    version = before.version + 1 if before is not None else 1
    if isinstance(msg, Whiteboard):
        return OutboundView(msg.rules, MappingProxyType({t.agent: t for t in msg.tallies}), msg.recent, version)
    if before is None:
        return None
    tallies = dict(before.tallies)
    tallies[msg.tally.agent] = msg.tally
    recent = before.recent
    o = msg.outcome
    kind = before.rules.kind(o.kind) if o is not None else None
    if o is not None and kind is not None and kind.positive and all(r.id != o.id for r in recent):
        recent = (*recent, o)[-RECENT_OUTCOMES:]
    return OutboundView(before.rules, MappingProxyType(tallies), recent, version)



class _Connection(ClientConnection):
    """A client connection that notes when bytes last came, so a big frame arriving is not silence."""

    bytes_mono = 0.0

    def data_received(self, data: bytes) -> None:
        self.bytes_mono = time.monotonic()
        super().data_received(data)


class _Silent(TimeoutError):
    """No byte for 3 heartbeats (the detail: how long)."""


class _NoSnapshot(HandshakeFailed):
    """Resyncs unanswered: the connection is made anew."""


def failure_of(err: BaseException) -> tuple[Failure, LinkReason, str]:
    """What ended a session: its kind for :func:`~wallboard.feed.backoff.retry_delay`, and the reason
    and detail the board shows (the reason is translated there; the detail is shown as it is)."""
    if isinstance(err, ServerRefused):
        reason = {"unauthorized": LinkReason.UNAUTHORIZED,
                  "unsupported_version": LinkReason.UNSUPPORTED_VERSION}.get(err.code, LinkReason.REFUSED)
        return Failure.REFUSED, reason, err.message if reason is not LinkReason.REFUSED else str(err)
    if isinstance(err, InvalidURI):
        return Failure.REFUSED, LinkReason.INVALID_URL, str(err)
    if isinstance(err, InvalidStatus):
        code = err.response.status_code
        kind = Failure.UNAVAILABLE if code >= 500 or code == 429 else Failure.REFUSED
        return kind, LinkReason.HTTP, f"HTTP {code} {err.response.reason_phrase}".rstrip()
    if isinstance(err, ConnectionClosed) and err.rcvd is not None:
        code = err.rcvd.code
        if code == 1008:
            return Failure.REFUSED, LinkReason.REFUSED, err.rcvd.reason or "policy violation"
        if code == 1012:
            return Failure.RESTART, LinkReason.RESTART, ""
        if code == 1013:
            return Failure.UNAVAILABLE, LinkReason.BUSY, err.rcvd.reason
    if isinstance(err, ssl.SSLCertVerificationError):
        return Failure.LOST, LinkReason.CERTIFICATE, str(err.verify_message)
    if isinstance(err, ConnectionRefusedError):
        return Failure.LOST, LinkReason.CONNECTION_REFUSED, ""
    if isinstance(err, ConnectionClosed):
        return Failure.LOST, LinkReason.CLOSED, str(err.rcvd.code) if err.rcvd else "no close frame"
    if isinstance(err, _Silent):
        return Failure.LOST, LinkReason.SILENT, str(err)
    if isinstance(err, _NoSnapshot):
        return Failure.LOST, LinkReason.NO_SNAPSHOT, str(err)
    if isinstance(err, TimeoutError):
        return Failure.LOST, LinkReason.TIMEOUT, str(err)
    return Failure.LOST, LinkReason.OTHER, str(err) or type(err).__name__


def tls_context(ca_file: str | None = None, insecure: bool = False) -> ssl.SSLContext:
    """The TLS context for ``wss://``: certificates verified by default, optionally against a custom CA.

    ``insecure`` turns verification off (labs only): it is logged loudly every time.
    """
    ctx = ssl.create_default_context(cafile=ca_file)
    if insecure:
        log.warning("TLS CERTIFICATE VERIFICATION IS OFF: anyone on the network path can impersonate the feed")
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx
