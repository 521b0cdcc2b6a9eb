"""The audio hub: Asterisk's AudioSocket legs in, one board's session each.

For an in-app session the bridge originates ``AudioSocket/<hub>/<uuid>/c(slin)`` into ChanSpy;
Asterisk then connects *out* to this listener, sends the 16-byte UUID, and streams the spied call
as 20 ms frames of 8 kHz signed-linear audio (each message: 1-byte kind, 2-byte big-endian length,
payload; kinds 0x00 hangup, 0x01 UUID, 0x03 DTMF, 0x10 audio, 0xff error). What is written back
on the socket is the supervisor's voice.

AudioSocket has no TLS and no authentication, so the hub is strict: it accepts a connection only
for a UUID it is waiting for (one the bridge originated, not yet connected), once; anything else —
an unknown or repeated UUID, no UUID within ``hello_timeout_s``, a message that is not AudioSocket —
is closed, counted and logged. It listens on loopback unless told otherwise; whatever address it
is given, only the PBX should be able to reach it (a firewall rule: see README).

What goes back to Asterisk is paced here: one 20 ms frame per leg every 20 ms, the supervisor's
voice when there is some (up to ``MIC_QUEUE`` frames wait; older ones are dropped, never let to
build up delay), silence otherwise. Measured on a live Asterisk: once a leg has sent audio and
stops, ChanSpy stops sending the call to it (its generator is driven by the frames it reads), so
after a whisper the supervisor heard nothing more; a steady stream keeps it flowing.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

HANGUP, UUID, DTMF, SLIN, ERROR = 0x00, 0x01, 0x03, 0x10, 0xFF
#: A frame bigger than this is not Asterisk's 8 kHz audio (20 ms is 320 bytes): the connection is dropped.
MAX_PAYLOAD = 8192
FRAME_S = 0.02
SILENCE = bytes(320)
#: Microphone frames that may wait for their 20 ms slot (60 ms): more means the board sends faster than real time.
MIC_QUEUE = 3


def message(kind: int, payload: bytes = b"") -> bytes:
    return bytes((kind,)) + len(payload).to_bytes(2, "big") + payload


async def read_message(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readexactly(3)
    n = int.from_bytes(head[1:], "big")
    if n > MAX_PAYLOAD:
        raise ValueError(f"an AudioSocket message of {n} bytes")
    return head[0], await reader.readexactly(n) if n else b""


@dataclass(slots=True)
class _Leg:
    session_id: str
    writer: asyncio.StreamWriter | None = None
    frames_in: int = 0
    frames_out: int = 0  # the supervisor's frames sent (silence not counted)
    mic: deque[bytes] = field(default_factory=lambda: deque(maxlen=MIC_QUEUE))


@dataclass
class AudioHub:
    """``on_audio(session_id, pcm)`` gets every frame of a connected leg; ``on_closed(session_id,
    why)`` hears when a leg's socket ends (the PBX's Hangup event still confirms the leg's end)."""

    on_audio: Callable[[str, bytes], object]
    on_closed: Callable[[str, str], None] = lambda sid, why: None
    host: str = "127.0.0.1"
    port: int = 0
    #: The address Asterisk is told to dial (``host:port`` as the PBX reaches the hub); default: where it listens.
    advertise: str = ""
    hello_timeout_s: float = 2.0
    #: A new leg's UUID: random (never guessable); a recording rig fixes it so a replay sends the same.
    keys: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))
    refused: Counter[str] = field(default_factory=Counter)
    _expected: dict[str, _Leg] = field(default_factory=dict)  # by UUID
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _pacer: asyncio.Task[None] | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = int(next(iter(self._server.sockets)).getsockname()[1])
        if not self.advertise:
            self.advertise = f"{self.host}:{self.port}"
        log.info("audio hub listening on %s:%d (Asterisk dials %s)", self.host, self.port, self.advertise)
        return self.port

    async def stop(self) -> None:
        if self._pacer is not None:
            self._pacer.cancel()
        for leg in self._expected.values():
            if leg.writer is not None:
                leg.writer.close()
        self._expected.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def expect(self, session_id: str) -> str:
        """A new leg for ``session_id``: the UUID to put in the dial string."""
        key = str(uuid.UUID(self.keys()))
        self._expected[key] = _Leg(session_id)
        return key

    def dial_string(self, key: str) -> str:
        return f"AudioSocket/{self.advertise}/{key}/c(slin)"

    def connected(self, session_id: str) -> bool:
        return any(leg.session_id == session_id and leg.writer is not None for leg in self._expected.values())

    def send(self, session_id: str, pcm: bytes) -> bool:
        """The supervisor's voice to the session's leg(s); False if none is connected."""
        sent = False
        for leg in self._expected.values():
            if leg.session_id == session_id and leg.writer is not None:
                leg.mic.append(pcm)  # its slot comes with the next tick of the pacer
                sent = True
        return sent

    async def _pace(self) -> None:
        """Every 20 ms, one frame to every connected leg: the supervisor's voice, or silence."""
        start, n = time.monotonic(), 0
        while any(leg.writer is not None for leg in self._expected.values()):
            for leg in self._expected.values():
                w = leg.writer
                if w is None or w.is_closing():
                    continue
                if leg.mic:
                    w.write(message(SLIN, leg.mic.popleft()))
                    leg.frames_out += 1
                else:
                    w.write(message(SLIN, SILENCE))
            n += 1
            late = time.monotonic() - (start + n * FRAME_S)
            if late > 5 * FRAME_S:  # the loop stalled: start the schedule again rather than burst
                start, n = time.monotonic(), 0
            await asyncio.sleep(max(0.0, start + n * FRAME_S - time.monotonic()))
        self._pacer = None

    def forget(self, session_id: str) -> None:
        """The session is over: its socket is hung up (``00 00 00``) and its UUID no longer accepted."""
        for key, leg in list(self._expected.items()):
            if leg.session_id == session_id:
                del self._expected[key]
                if leg.writer is not None and not leg.writer.is_closing():
                    leg.writer.write(message(HANGUP))
                    leg.writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        leg: _Leg | None = None
        why = "closed"
        try:
            try:
                kind, payload = await asyncio.wait_for(read_message(reader), self.hello_timeout_s)
            except (TimeoutError, asyncio.IncompleteReadError, ValueError, OSError) as err:
                self._refuse(peer, "no_uuid", f"no UUID message ({type(err).__name__})")
                return
            key = str(uuid.UUID(bytes=payload)) if kind == UUID and len(payload) == 16 else ""
            leg = self._expected.get(key) if key else None
            if leg is None or leg.writer is not None:
                self._refuse(peer, "unknown_uuid" if kind == UUID else "no_uuid",
                             f"UUID {key or '(none)'} was not originated here" if leg is None else
                             f"UUID {key} is already connected")
                leg = None
                return
            leg.writer = writer
            log.info("audio hub: session %s connected from %s", leg.session_id, peer)
            if self._pacer is None:
                self._pacer = asyncio.get_running_loop().create_task(self._pace())
            while True:
                kind, payload = await read_message(reader)
                if kind == SLIN:
                    leg.frames_in += 1
                    if payload:
                        self.on_audio(leg.session_id, payload)
                elif kind == HANGUP:
                    why = "hangup"
                    return
                elif kind == ERROR:
                    why = f"error {payload.hex() or '(no code)'}"
                    log.warning("audio hub: session %s: Asterisk reports an AudioSocket error %s", leg.session_id,
                                payload.hex())
                    return
                # DTMF (0x03) and anything newer: not ours to act on
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            why = "closed"
        except ValueError as err:
            why = str(err)
            log.warning("audio hub: dropping %s: %s", peer, err)
        finally:
            writer.close()
            if task is not None:
                self._tasks.discard(task)
            if leg is not None:
                leg.writer = None
                if any(lg is leg for lg in self._expected.values()):
                    self._expected = {k: lg for k, lg in self._expected.items() if lg is not leg}
                self.on_closed(leg.session_id, why)

    def _refuse(self, peer: object, code: str, words: str) -> None:
        self.refused[code] += 1
        log.warning("audio hub: refused a connection from %s: %s", peer, words)
