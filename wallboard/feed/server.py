"""A feed-protocol v1 server: one source of truth, any number of boards.

Whatever produces the floor (the embedded call centre, the Asterisk bridge) calls
:meth:`FeedServer.publish` with changed objects; the server numbers them, encodes each
once and broadcasts the same bytes to every board. A board that joins gets
``welcome`` and a ``snapshot`` in one synchronous step before it is added to the
broadcast set, so it can never miss or double a delta.

It never blocks on a slow board: a board whose send buffer passes ``max_buffer`` is
disconnected (close 1013) and will resync when it comes back.

A server fed by something else (a bridge and its PBX) says how that link is in
:attr:`FeedServer.source`, on the welcome and on every heartbeat: heartbeats keep flowing
while the PBX is away (the connection is fine), and tell the boards the data behind them is
not live. A board that connects meanwhile gets its welcome and heartbeats, but no snapshot
until the source is up again: it is told why it waits, and never shown old data as live.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec
from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from ..core.audio import AUDIO_TAG, AudioFrame, unpack_audio
from ..core.errors import FrameRejected
from ..core.model import Agent, Call, CallState, Queue
from ..core.outbound import Outcome
from ..core.protocol import (
    PROTOCOL_VERSION,
    SUBPROTOCOL,
    AlertAck,
    Caps,
    Command,
    CommandResult,
    ErrorInfo,
    Gone,
    Heartbeat,
    Hello,
    Resync,
    Snapshot,
    Source,
    TallyUpdate,
    Welcome,
    batch_frames,
    decode_client,
    delta,
    encode,
    error_message,
)
from .outbound import OutboundDesk
from .trendlog import TrendLog

log = logging.getLogger(__name__)
audit_log = logging.getLogger("wallboard.audit")
#: Acknowledgements are kept this long (ms), and no more than ACKS_KEPT of them.
ACK_TTL_MS, ACKS_KEPT = 12 * 3_600_000, 10_000
#: websockets logs whole frames at DEBUG, hello (and its token) included: never let it.
_ws_log = logging.getLogger(f"{__name__}.websockets")
_ws_log.setLevel(logging.INFO)

Clock = Callable[[], int]
CommandHandler = Callable[[Command, "Peer"], Awaitable[CommandResult]]
AudioHandler = Callable[["Peer", AudioFrame], None]
#: Audio is real time: a board whose connection holds this much unsent is skipped, frame by frame,
#: rather than hear the call later and later.
AUDIO_BACKLOG = 64 * 1024


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a board's token stands for: what it may see and do is decided here, not on the board."""

    name: str
    role: str = "viewer"  # "viewer" (display only) | "supervisor" (may monitor)
    teams: frozenset[str] | None = None  # teams a supervisor may monitor; None = every team

    def may_monitor(self, team: str) -> bool:
        return self.role == "supervisor" and (self.teams is None or team in self.teams)


@dataclass(slots=True)
class Peer:
    """One connected board, as the server sees it: on a socket of its own, or behind a relay (``relay``
    takes what is sent to it; ``connection`` is None)."""

    connection: ServerConnection | None
    client: str
    principal: Principal
    batch: bool = False  # it takes ``batch`` frames (said so in its hello)
    trend: bool = False  # it takes the ``trend`` history after its snapshot
    outbound: bool = False  # it takes the ``whiteboard`` after its snapshot, and ``tally`` messages
    relay: Callable[[bytes], None] | None = None

    @property
    def where(self) -> object:
        """For the log: the board's address, or the relay it is behind."""
        return self.connection.remote_address if self.connection is not None else self.client


class Mirror(Protocol):
    """Something that keeps a copy of the server's floor elsewhere (a broker's bucket, for relays)."""

    def published(self, updates: list[Agent | Queue | Call | Gone]) -> None:
        """These changes were just published, in this order."""

    def loaded(self) -> None:
        """The whole floor was just set anew (read it from the server)."""

    def source_changed(self) -> None:
        """:attr:`FeedServer.source` (or what the server offers) just changed."""


class FeedServer:
    def __init__(
        self,
        clock: Clock,
        *,
        token: str | None = None,
        principals: Mapping[str, Principal] | None = None,
        anonymous: Principal | None = Principal("anonymous"),
        monitor_modes: tuple[str, ...] = (),
        heartbeat_s: float = 2.0,
        name: str = "wallboard",
        max_buffer: int = 8 * 1024 * 1024,
        hello_timeout_s: float = 5.0,
        on_command: CommandHandler | None = None,
        on_disconnect: Callable[[Peer], None] | None = None,
        on_audio: AudioHandler | None = None,
        coalesce_s: float = 0.0,
    ) -> None:
        """``principals`` maps tokens to who they are; a board without a token is
        ``anonymous`` (None: refused). ``token`` is a shorthand for one viewer token
        and no anonymous access. ``coalesce_s``: deltas published within this long go out together, as
        one ``batch`` frame to each board that takes them (a bridge publishes each PBX event alone:
        without it every event cost every board a frame of its own); 0 sends each publish at once."""
        self.clock = clock
        self.stream = uuid.uuid4().hex
        self.seq = 0
        self.agents: dict[str, Agent] = {}
        self.queues: dict[str, Queue] = {}
        self.calls: dict[str, Call] = {}
        self.acks: dict[tuple[str, str], AlertAck] = {}  # (kind, subject) → the latest acknowledgement
        self.peers: dict[ServerConnection, Peer] = {}
        self._waiting: dict[ServerConnection, Principal] = {}  # welcomed, no snapshot yet (source not up)
        self._principals = dict(principals or {})
        self._anonymous = anonymous
        if token is not None:
            self._principals[token] = Principal("board")
            self._anonymous = None
        self._monitor_modes = monitor_modes
        self.monitor_off = ""  # why a supervisor gets no monitoring modes, when it gets none
        self.audio = False  # the call's audio can be sent to a supervisor's board (caps.audio)
        self.on_audio = on_audio
        self.audio_dropped: Counter[str] = Counter()  # audio frames not relayed, by why
        self._source: Source | None = None
        self.heartbeat_s = heartbeat_s
        self.name = name
        self.max_buffer = max_buffer
        self.hello_timeout_s = hello_timeout_s
        self.on_command = on_command
        self.on_disconnect = on_disconnect
        self.trend = TrendLog()  # the last hour of callers waiting, for boards that join late
        #: ``report.*`` commands (a ReportDesk's handle), and who may send them: "supervisor" or "all".
        self.reports: Callable[[Command], Awaitable[CommandResult]] | None = None
        self.reports_for = "supervisor"
        #: Today's outbound results (an OutboundDesk), counted from what is published and from outcomes.
        self.outbound: OutboundDesk | None = None
        self.refused = 0
        self._source_ready = asyncio.Event()
        self._source_ready.set()
        self._server: Server | None = None
        self._beat: asyncio.Task[None] | None = None
        self._commands: set[asyncio.Task[None]] = set()
        self.coalesce_s = coalesce_s
        #: held until the next flush, in order: ("d", a delta's frame) or ("t", a tally's frame)
        self._held: list[tuple[str, bytes]] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self.mirror: Mirror | None = None
        #: An acknowledgement taken here, for the other relays of the same floor (a relay's).
        self.on_ack: Callable[[AlertAck], None] | None = None
        #: While the source is not up, a joining board waits for its snapshot (a bridge: its PBX is away, its
        #: floor unknown). A relay, once it has read its sites, serves what it has, the source saying what is not live.
        self.hold_when_down = True

    # -- the source side -------------------------------------------------------------

    @property
    def source(self) -> Source | None:
        """How the link to what feeds this server is (None: the server is its own source)."""
        return self._source

    @source.setter
    def source(self, source: Source | None) -> None:
        if source == self._source:
            return
        self._source = source
        if source is None or source.up or not self.hold_when_down:
            self._source_ready.set()
        else:
            self._source_ready.clear()
        if self.mirror is not None:
            self.mirror.source_changed()
        self._beat_now()  # every board hears of the change at once, not at the next heartbeat

    @property
    def source_live(self) -> bool:
        """Whether the data served is the source's, now (a bridge with its PBX)."""
        return self._source is None or self._source.up

    def serve_when_down(self) -> None:
        """From now on a joining board gets the floor at once, whatever the source (see :attr:`hold_when_down`)."""
        self.hold_when_down = False
        self._source_ready.set()

    @property
    def monitor_modes(self) -> tuple[str, ...]:
        return self._monitor_modes

    def set_monitoring(self, modes: tuple[str, ...], off: str = "", audio: bool | None = None) -> None:
        """What the backend offers (and, if nothing, why; ``audio``: in-app audio, None = as it was)
        changed — a bridge learnt its PBX rights: supervisors' boards reconnect to get it in a fresh
        welcome (close 1012, "service restart")."""
        audio = self.audio if audio is None else audio
        if (tuple(modes), off, audio) == (self._monitor_modes, self.monitor_off, self.audio):
            return
        self._monitor_modes, self.monitor_off, self.audio = tuple(modes), off, audio
        if self.mirror is not None:
            self.mirror.source_changed()
        for ws, principal in [*((ws, p.principal) for ws, p in self.peers.items()), *self._waiting.items()]:
            if principal.role == "supervisor":
                asyncio.ensure_future(ws.close(1012, "monitoring capabilities changed; reconnect"))

    def load(self, agents: Iterable[Agent], queues: Iterable[Queue], calls: Iterable[Call]) -> None:
        """Set the whole floor (start-up, or a bridge that resynchronised with its PBX)."""
        self.agents = {a.id: a for a in agents}
        self.queues = {q.id: q for q in queues}
        self.calls = {c.id: c for c in calls if c.status is not CallState.ENDED}
        self.trend.sample(self.clock(), self.calls, self.source_live)
        self.seq += 1
        snap = self._snapshot_frame()
        self._broadcast(snap)
        if self.mirror is not None:
            self.mirror.loaded()
        if self.outbound is not None:
            self.outbound.observe([*self.agents.values(), *self.calls.values()], self.clock())
            self._send_whiteboard(list(self.peers))

    def publish(self, updates: Iterable[Agent | Queue | Call | Gone]) -> int:
        """Number, store and broadcast each change in order; returns how many were sent."""
        frames = []
        ts = self.clock()
        updates = updates if isinstance(updates, list) else list(updates)
        for obj in updates:
            if isinstance(obj, Gone) and obj.id not in (self.agents if obj.kind == "agent" else self.queues):
                continue  # never shown: nothing to remove
            self.seq += 1
            if isinstance(obj, Agent):
                self.agents[obj.id] = obj
            elif isinstance(obj, Queue):
                self.queues[obj.id] = obj
            elif isinstance(obj, Gone):
                (self.agents if obj.kind == "agent" else self.queues).pop(obj.id, None)
            elif obj.status is CallState.ENDED:
                self.calls.pop(obj.id, None)
            else:
                self.calls[obj.id] = obj
            msg = delta(obj, self.stream, self.seq, ts)
            frames.append(encode(msg))
        self.trend.sample(ts, self.calls, self.source_live)
        if self.mirror is not None:
            self.mirror.published(updates)
        held = self._held
        held.extend(("d", f) for f in frames)
        if self.outbound is not None:  # after the deltas: a board has the call a tally counts
            held.extend(("t", encode(t)) for t in self.outbound.observe(updates, ts))
        if held and self._flush_at is None:
            loop = _running_loop() if self.coalesce_s > 0 else None
            if loop is None:
                self.flush()
            else:
                self._flush_at = loop.call_later(self.coalesce_s, self.flush)
        return len(frames)

    def flush(self) -> None:
        """Send what publishing held back, in order: each run of deltas as one frame to the boards that take
        ``batch`` (one per delta to the rest), each tally to the boards that take ``outbound``. Every other
        frame a board gets is sent after a flush, so nothing overtakes a delta (a heartbeat's ``seq`` never
        runs ahead of the deltas a board has)."""
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        held, self._held = self._held, []
        run: list[bytes] = []
        for kind, frame in held:
            if kind == "d":
                run.append(frame)
                continue
            self._send_deltas(run)
            run = []
            self._write(frame, self._outbound_peers())
        self._send_deltas(run)

    def _send_deltas(self, frames: list[bytes]) -> None:
        if not frames or not self.peers:
            return
        batched = [ws for ws, peer in self.peers.items() if peer.batch] if len(frames) > 1 else []
        if batched:  # one frame for a run of deltas to the boards that take it; one per delta to the rest
            for frame in batch_frames(frames):
                self._write(frame, batched)
            singles = [ws for ws, peer in self.peers.items() if not peer.batch]
            for frame in frames if singles else ():
                self._write(frame, singles)
        else:
            for frame in frames:
                self._write(frame)

    def outcome(self, o: Outcome, source: str = "") -> bool:
        """An outbound result (a bridge's UserEvent, the webhook, the dialler): counted once, stored, and its
        tally sent to the boards that take it. False: counted before (a replay), not today's, or no desk."""
        if self.outbound is None:
            return False
        update = self.outbound.record(o, source)
        if update is None:
            return False
        self._send_tallies([update])
        return True

    def _outbound_peers(self) -> list[ServerConnection]:
        return [ws for ws, peer in self.peers.items() if peer.outbound]

    def _send_tallies(self, updates: list[TallyUpdate]) -> None:
        peers = self._outbound_peers()
        if peers:
            self.flush()
        for u in updates if peers else ():
            self._write(encode(u), peers)

    def _send_whiteboard(self, to: list[ServerConnection]) -> None:
        peers = [ws for ws in to if ws in self.peers and self.peers[ws].outbound]
        if self.outbound is not None and peers:
            self._broadcast(encode(self.outbound.whiteboard(self.clock())), peers)

    def _snapshot_frame(self) -> bytes:
        return encode(Snapshot(
            stream=self.stream, seq=self.seq, ts=self.clock(), agents=tuple(self.agents.values()),
            queues=tuple(self.queues.values()), calls=tuple(self.calls.values()), acks=tuple(self.acks.values()),
        ))

    def _broadcast(self, frame: bytes, to: list[ServerConnection] | None = None) -> None:
        """To every board (or those ``to``), after what publishing held back."""
        if self._held:
            self.flush()
        self._write(frame, to)

    def _send(self, ws: ServerConnection, frame: bytes, text: bool = True) -> None:
        """To one board, after what publishing held back."""
        if self._held:
            self.flush()
        if text:
            write_text([ws], frame)
        else:
            broadcast([ws], frame, text=False)

    def _write(self, frame: bytes, to: list[ServerConnection] | None = None) -> None:
        """To every board (or those ``to``) now; a board that lets too much pile up is told to come back."""
        peers = self.peers if to is None else to
        if not peers:
            return
        slow = [ws for ws in peers if ws.transport is not None
                and ws.transport.get_write_buffer_size() > self.max_buffer]
        for ws in slow:
            log.warning("board %s too slow (%d bytes queued): disconnecting it", ws.remote_address,
                        ws.transport.get_write_buffer_size())
            self.peers.pop(ws, None)
            asyncio.ensure_future(ws.close(1013, "too slow; reconnect and resync"))
        write_text([ws for ws in peers if ws in self.peers] if slow else peers, frame)

    # -- the network side ------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> int:
        """Listen; returns the bound port (pass 0 to get a free one)."""
        self._server = await serve(
            self._handle, host, port, subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
            compression=None, max_size=64 * 1024, ping_interval=20, ping_timeout=20, logger=_ws_log, **kwargs,
        )
        self._beat = asyncio.create_task(self._heartbeats())
        sock = next(iter(self._server.sockets))
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
        for task in list(self._commands):
            task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self.peers.clear()

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            self._beat_now()

    def _beat_now(self) -> None:
        now = self.clock()
        self.trend.sample(now, self.calls, self.source_live)
        beat = encode(Heartbeat(stream=self.stream, seq=self.seq, ts=now, source=self._source))
        self._broadcast(beat)
        if self._waiting:
            broadcast(self._waiting, beat, text=True)

    async def _refuse(self, ws: ServerConnection, code: str, message: str) -> None:
        self.refused += 1
        log.info("refused %s: %s", ws.remote_address, code)
        try:
            await ws.send(encode(error_message(code, message, self.clock())), text=True)
            await ws.close(1008, code)
        except ConnectionClosed:
            pass

    async def _handle(self, ws: ServerConnection) -> None:
        try:
            raw = await asyncio.wait_for(ws.recv(), self.hello_timeout_s)
            hello = decode_client(raw)
        except (TimeoutError, FrameRejected) as err:
            await self._refuse(ws, "bad_request", f"expected hello: {err}")
            return
        except ConnectionClosed:
            return
        if not isinstance(hello, Hello):
            await self._refuse(ws, "bad_request", "the first message must be hello")
            return
        if PROTOCOL_VERSION not in hello.versions:
            await self._refuse(ws, "unsupported_version", f"this server speaks version {PROTOCOL_VERSION}")
            return
        principal = self._who(hello.token)
        if principal is None:
            await self._refuse(ws, "unauthorized", "missing or wrong token")
            return
        peer = Peer(ws, hello.client[:64], principal, batch="batch" in hello.accept, trend="trend" in hello.accept,
                    outbound="outbound" in hello.accept)
        supervisor = principal.role == "supervisor"
        caps = Caps(monitor=self.monitor_modes if supervisor else (),
                    role=principal.role, monitor_off=self.monitor_off if supervisor and not self.monitor_modes else "",
                    audio=self.audio and supervisor and bool(self.monitor_modes),
                    reports=self._may_report(principal), outbound=self.outbound is not None)
        welcome = encode(Welcome(
            version=PROTOCOL_VERSION, stream=self.stream, ts=self.clock(), heartbeat_s=self.heartbeat_s,
            caps=caps, server=self.name, source=self._source,
        ))
        self._send(ws, welcome)
        if not self._source_ready.is_set() and not await self._wait_for_source(ws, principal):
            return
        # snapshot + joining the broadcast set: one synchronous step.
        self._send(ws, self._snapshot_frame())
        history = self.trend.message(self.clock(), self.queues) if peer.trend else None
        if history is not None:
            self._send(ws, encode(history))
        if peer.outbound and self.outbound is not None:
            self._send(ws, encode(self.outbound.whiteboard(self.clock())))
        self.peers[ws] = peer
        log.info("board connected from %s (%s); %d boards", ws.remote_address, peer.client, len(self.peers))
        try:
            async for raw in ws:
                await self._from_board(peer, raw)
        except ConnectionClosed:
            pass
        finally:
            self.peers.pop(ws, None)
            log.info("board %s left; %d boards", ws.remote_address, len(self.peers))
            if self.on_disconnect is not None:
                self.on_disconnect(peer)

    async def _wait_for_source(self, ws: ServerConnection, principal: Principal) -> bool:
        """The source (a bridge's PBX) is away: the board hears why in heartbeats, and gets no
        snapshot until it is back. False if the board left meanwhile."""
        self._waiting[ws] = principal
        closed = asyncio.ensure_future(ws.wait_closed())
        try:
            while not self._source_ready.is_set() and not closed.done():
                ready = asyncio.ensure_future(self._source_ready.wait())
                await asyncio.wait({ready, closed}, return_when=asyncio.FIRST_COMPLETED)
                ready.cancel()
        finally:
            closed.cancel()
            self._waiting.pop(ws, None)
        return ws.state is State.OPEN

    def _who(self, token: str | None) -> Principal | None:
        """The principal a token stands for. Keys are tokens, or ``sha256:<hex>`` of one (a tokens
        file holds only hashes); every one is compared, in constant time: no timing hint."""
        if not token:
            return self._anonymous
        raw = token.encode()
        digest = "sha256:" + hashlib.sha256(raw).hexdigest()
        found = None
        for known, principal in self._principals.items():
            if hmac.compare_digest(digest.encode() if known.startswith("sha256:") else raw, known.encode()):
                found = principal
        return found

    def send_to(self, peer: Peer, message: Any) -> None:
        """One message to one board (command lifecycles), in order with the broadcast (a relay's board: after
        the deltas before it have gone to the relay's bucket)."""
        if peer.relay is not None:
            peer.relay(encode(message))
        elif peer.connection in self.peers:
            self._send(peer.connection, encode(message))

    def send_audio(self, peer: Peer, frame: bytes) -> bool:
        """One packed audio frame to one board (its session's owner); False if it was not sent."""
        ws = peer.connection
        if ws is None or ws not in self.peers:
            self.audio_dropped["board_gone"] += 1  # or behind a relay, which carries no audio
            return False
        if ws.transport is not None and ws.transport.get_write_buffer_size() > AUDIO_BACKLOG:
            self.audio_dropped["board_slow"] += 1
            return False
        broadcast([ws], frame, text=False)
        return True

    def _audio_in(self, peer: Peer, raw: bytes) -> None:
        try:
            frame = unpack_audio(raw)
        except FrameRejected as err:
            self.audio_dropped[err.reason] += 1
            if self.audio_dropped[err.reason] == 1:
                log.info("dropped a binary frame from %s: %s", peer.where, err.detail)
            return
        if self.on_audio is None:
            self.audio_dropped["not_offered"] += 1
            return
        self.on_audio(peer, frame)

    async def _from_board(self, peer: Peer, raw: str | bytes) -> None:
        if isinstance(raw, bytes) and raw[:1] == AUDIO_TAG:  # a supervisor's microphone (JSON never starts "A")
            self._audio_in(peer, raw)
            return
        try:
            msg = decode_client(raw)
        except FrameRejected as err:
            log.info("dropped a frame from %s: %s", peer.where, err.detail)
            return
        ws = peer.connection
        if isinstance(msg, Resync) and ws is not None:
            self._send(ws, self._snapshot_frame())
            self._send_whiteboard([ws])
        elif isinstance(msg, Command):
            # Each command runs on its own: a slow backend never stalls this board's stream
            # (resyncs included), and stop() can cancel what is still pending.
            task = asyncio.create_task(self._command(peer, msg))
            self._commands.add(task)
            task.add_done_callback(self._commands.discard)

    def acknowledge(self, peer: Peer, msg: Command) -> CommandResult:
        """``alert.ack {kind, subject}``: recorded with the supervisor's name, audited, sent to every board."""
        kind, subject = msg.args.get("kind"), msg.args.get("subject")
        now = self.clock()

        def error(code: str, words: str) -> CommandResult:
            return CommandResult(req_id=msg.req_id, ts=now, ok=False, error=ErrorInfo(code=code, message=words))
        if peer.principal.role != "supervisor":
            return error("forbidden", "this board is view-only")
        if not (isinstance(kind, str) and 0 < len(kind) <= 32 and isinstance(subject, str) and 0 < len(subject) <= 128):
            return error("bad_request", "alert.ack needs kind (≤ 32 characters) and subject (an id)")
        ack = AlertAck(ts=now, kind=kind, subject=subject, by=peer.principal.name[:256], at=now)
        audit_log.info("audit: %s acknowledged %s on %s", ack.by, kind, subject)
        self.keep_ack(ack)
        if self.on_ack is not None:
            self.on_ack(ack)
        return CommandResult(req_id=msg.req_id, ts=now, ok=True, result={"at": now})

    def keep_ack(self, ack: AlertAck) -> None:
        """An acknowledgement kept (the latest of its alert) and sent to every board: taken here, or on
        another relay of the same floor."""
        self.acks.pop((ack.kind, ack.subject), None)
        self.acks[(ack.kind, ack.subject)] = ack
        while self.acks and (len(self.acks) > ACKS_KEPT or next(iter(self.acks.values())).at < ack.at - ACK_TTL_MS):
            self.acks.pop(next(iter(self.acks)))
        self._broadcast(encode(ack))

    def _may_report(self, principal: Principal) -> bool:
        return self.reports is not None and (self.reports_for == "all" or principal.role == "supervisor")

    async def _command(self, peer: Peer, msg: Command) -> None:
        if msg.action == "alert.ack":
            result = self.acknowledge(peer, msg)
        elif msg.action.startswith("report."):
            if self.reports is None:
                result = CommandResult(req_id=msg.req_id, ts=self.clock(), ok=False, error=ErrorInfo(
                    code="not_supported", message="this server keeps no history"))
            elif not self._may_report(peer.principal):
                result = CommandResult(req_id=msg.req_id, ts=self.clock(), ok=False, error=ErrorInfo(
                    code="forbidden", message="reports are for supervisors on this server"))
            else:
                result = await self.reports(msg)
        elif self.on_command is None:
            result = CommandResult(req_id=msg.req_id, ts=self.clock(), ok=False, error=ErrorInfo(
                code="not_supported", message=f"this server does not support {msg.action!r}"))
        else:
            try:
                result = await self.on_command(msg, peer)
            except Exception:
                log.exception("command %s failed", msg.action)
                result = CommandResult(req_id=msg.req_id, ts=self.clock(), ok=False, error=ErrorInfo(
                    code="backend_error", message="the server failed to carry out the command"))
        if peer.connection is None:
            return
        try:
            await peer.connection.send(encode(result), text=True)
        except ConnectionClosed:
            pass


def text_frame(payload: bytes) -> bytes:
    """A server's WebSocket text frame (RFC 6455 §5.2: final, unmasked, no extension), made once for every board."""
    n = len(payload)
    if n < 126:
        head = bytes((0x81, n))
    elif n < 65536:
        head = bytes((0x81, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + n.to_bytes(8, "big")
    return head + payload


def write_text(connections: Iterable[ServerConnection], payload: bytes) -> None:
    """``websockets.broadcast`` for a text frame, with the frame made once and written to each open board's
    transport: websockets framed it again for every board (its protocol object, its buffer, then the write),
    which was most of what a board cost the server. A connection where websockets must frame (an extension
    negotiated, a fragmented message being sent) or that is not open gets websockets' own way, or nothing."""
    data: bytes | None = None
    rest: list[ServerConnection] = []
    for ws in connections:
        transport, protocol = ws.transport, ws.protocol
        if protocol.state is not State.OPEN or transport is None:
            continue
        if protocol.extensions or ws.send_in_progress is not None:
            rest.append(ws)
            continue
        if data is None:
            data = text_frame(payload)
        transport.write(data)
    if rest:
        broadcast(rest, payload, text=True)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # published from outside a loop (a test, a tool): sent at once
        return None


def dumps(obj: Any) -> str:
    """JSON text of any protocol object (for logs and the CLI)."""
    return msgspec.json.encode(obj).decode()
