"""The board's side of the feed: connect, hello, decode, reduce, publish views; forever.

A thin shell around the pure core. Frames are decoded and reduced here, on the
asyncio thread, never on the GUI thread; the GUI gets an immutable
:class:`FloorView` as soon as the frames at hand are read, but at most every
``publish_interval_s`` (so 5,000 events/s become at most 100 views/s), through the
``on_view`` callback.

It never gives up: a lost, refused or silent connection is reported in
``FloorView.link`` and retried with :func:`reconnect_delay`. A feed silent for
longer than ``quiet_factor × heartbeat`` is treated as dead (half-open TCP does not
announce itself) and reconnected.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from ..core.clock import ClockOffset
from ..core.errors import FrameRejected, HandshakeFailed, ServerRefused
from ..core.model import Agent, Call, Queue
from ..core.protocol import (
    DEFAULT_MAX_FRAME_BYTES, PROTOCOL_VERSION, SUBPROTOCOL, Caps, Command, CommandResult, Heartbeat, Hello,
    MonitorUpdate, Resync, ServerError, Source, Welcome, decode_server, encode,
)
from ..core.reducer import Changes, FloorState, Verdict
from .backoff import reconnect_delay

log = logging.getLogger(__name__)
#: websockets logs whole frames at DEBUG, hello (and its token) included: never let it.
_ws_log = logging.getLogger(f"{__name__}.websockets")
_ws_log.setLevel(logging.INFO)


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """The connection as the supervisor should understand it."""

    state: str  # "connecting" | "live" | "retrying" | "refused" | "stopped"
    attempt: int = 0
    retry_in_s: float | None = None
    detail: str = ""
    since_mono: float = 0.0


@dataclass(frozen=True, slots=True)
class FloorView:
    """An immutable picture of the floor for the GUI; safe to read from any thread."""

    agents: Mapping[str, Agent]
    queues: Mapping[str, Queue]
    calls: Mapping[str, Call]
    changes: Changes
    link: LinkStatus
    synced: bool
    offset_ms: int  # server clock − local clock
    last_frame_mono: float  # time.monotonic() of the last frame (0: none yet)
    heartbeat_s: float
    caps: Caps
    counters: Mapping[str, Any] = field(default_factory=dict)
    sessions: Mapping[str, MonitorUpdate] = field(default_factory=dict)  # this board's monitoring
    source: Source | None = None  # the server's own source (a bridge's PBX); None: the server is it

    @property
    def source_up(self) -> bool:
        """Whether the data behind this view is the source's, live (not held since it was lost)."""
        return self.source is None or self.source.up

    def server_now_ms(self, local_ms: int) -> int:
        return local_ms + self.offset_ms

    def age_s(self, mono_now: float) -> float | None:
        return None if self.last_frame_mono == 0 else max(0.0, mono_now - self.last_frame_mono)


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
    ) -> None:
        self.url = url
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
        self.link = LinkStatus("connecting", since_mono=mono_clock())
        self.heartbeat_s = 5.0
        self.caps = Caps()
        self.source: Source | None = None
        self.last_frame_mono = 0.0
        self._ws: ClientConnection | None = None
        self._publish_handle: asyncio.TimerHandle | None = None
        self._published_at = 0.0
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()  # cut a retry wait short (stop, or new credentials)
        self._logged_reasons: set[str] = set()
        self._pending: dict[str, asyncio.Future[CommandResult]] = {}
        self.sessions: dict[str, MonitorUpdate] = {}

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
            self._set_link(LinkStatus("connecting", attempt, detail=self.url, since_mono=self._mono()))
            delay: float
            try:
                await self._session()
                attempt = 0
                delay = reconnect_delay(0, self._rand)
                detail = "connection closed by the server"
            except ServerRefused as err:
                log.error("feed refused the connection: %s", err)
                self._set_link(LinkStatus("refused", attempt, self.refused_retry_s, str(err), self._mono()))
                attempt += 1
                if await self._sleep(self.refused_retry_s):
                    break
                continue
            except (OSError, ConnectionClosed, InvalidHandshake, HandshakeFailed, TimeoutError) as err:
                detail = _describe(err)
                delay = reconnect_delay(attempt, self._rand)
                attempt += 1
            except InvalidURI as err:
                detail = f"invalid feed URL: {err}"
                delay = self.refused_retry_s
            if self._stopping.is_set():
                break
            log.info("feed lost (%s); retry %d in %.2f s", detail, attempt, delay)
            self._set_link(LinkStatus("retrying", attempt, delay, detail, self._mono()))
            if await self._sleep(delay):
                break
        self._set_link(LinkStatus("stopped", since_mono=self._mono()))

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopped or woken for new credentials; True when stopped."""
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except TimeoutError:
            pass
        self._wake.clear()
        return self._stopping.is_set()

    # -- one connection -------------------------------------------------------------

    async def _session(self) -> None:
        async with connect(
            self.url, subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
            max_size=self.max_frame_bytes, open_timeout=5, compression=None, proxy=None,
            ping_interval=10, ping_timeout=10, ssl=self._ssl, logger=_ws_log,
        ) as ws:
            self._ws = ws
            try:
                await ws.send(encode(Hello(versions=(PROTOCOL_VERSION,), client=self.client_name,
                                           token=self._token)), text=True)
                await self._handshake(ws)
                await self._receive(ws)
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
        self.caps = msg.caps
        self.source = msg.source
        if msg.stream != self.state.stream:
            self.offset.reset()  # a new server process may have a different clock
        self._frame(msg)
        self.state.apply(msg)
        self._set_link(LinkStatus("live", detail=msg.server or self.url, since_mono=self._mono()))

    async def _receive(self, ws: ClientConnection) -> None:
        state = self.state
        while True:
            try:
                raw = await asyncio.wait_for(ws.recv(), self.heartbeat_s * self.quiet_factor)
            except TimeoutError:
                raise TimeoutError(f"feed silent for {self.heartbeat_s * self.quiet_factor:.0f} s") from None
            try:
                msg = decode_server(raw, self.max_frame_bytes)
            except FrameRejected as err:
                state.reject(err)
                if err.reason not in self._logged_reasons:  # once per reason; counted always
                    self._logged_reasons.add(err.reason)
                    log.warning("dropped a feed frame (%s): %s", err.reason, err.detail[:200])
                continue
            self._frame(msg)
            if isinstance(msg, CommandResult):
                fut = self._pending.pop(msg.req_id, None)
                if fut is not None and not fut.done():
                    fut.set_result(msg)
                continue
            if isinstance(msg, MonitorUpdate):
                self.sessions[msg.session_id] = msg
                self._schedule_publish()
                continue
            if isinstance(msg, ServerError):
                raise ServerRefused(msg.error.code, msg.error.message)
            source_changed = isinstance(msg, Heartbeat) and msg.source != self.source
            if source_changed:
                self.source = msg.source  # type: ignore[union-attr]
            verdict = state.apply(msg)
            if verdict is Verdict.RESYNC:
                log.info("feed out of step at seq %d: asking for a snapshot", state.seq)
                await ws.send(encode(Resync(reason="gap")), text=True)
            if verdict is not Verdict.IGNORED or not self.link.state == "live" or source_changed:
                self._schedule_publish()

    def _frame(self, msg: Any) -> None:
        self.last_frame_mono = self._mono()
        ts = getattr(msg, "ts", None)
        if ts is not None:
            self.offset.observe(ts, int(self._wall() * 1000))

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
        )
        try:
            self.on_view(view)
        except Exception:  # the GUI's problem must not kill the feed
            log.exception("on_view callback failed")


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


def _describe(err: BaseException) -> str:
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"feed certificate not trusted ({err.verify_message})"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, ConnectionClosed):
        return f"connection closed ({err.rcvd.code if err.rcvd else 'no close frame'})"
    if isinstance(err, TimeoutError):
        return str(err) or "timed out"
    return str(err) or type(err).__name__
