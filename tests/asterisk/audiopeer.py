"""A test AudioSocket peer standing in for Asterisk: it dials the bridge's audio hub as Asterisk's
chan_audiosocket does (TCP, the 16-byte UUID first, then 20 ms signed-linear frames) and keeps what
the hub sends back (the supervisor's voice, or the hub's silence), with when it came.

The call it sends is a 600 Hz "caller" plus a 1000 Hz "agent", at −12 dBFS each, as in the
measurements of Asterisk's ChanSpy (`shared/reference/in-app-audio.md`, summarised in the test)."""

from __future__ import annotations

import asyncio
import math
import struct
import time
import uuid

from wallboard.asterisk.audiosocket import HANGUP, SLIN, UUID, message, read_message

CALLER_HZ, AGENT_HZ = 600, 1000


def tone_frame(n: int, *hz: float, amp: int = 8000) -> bytes:
    """The ``n``-th 20 ms frame (8 kHz, s16le) of these tones, each at ``amp``: frames follow on in phase."""
    return struct.pack("<160h", *(int(amp * sum(math.sin(2 * math.pi * f * (n * 160 + i) / 8000) for f in hz))
                                  for i in range(160)))


def call_frame(n: int) -> bytes:
    return tone_frame(n, CALLER_HZ, AGENT_HZ)


class AudioPeer:
    def __init__(self) -> None:
        self.received: list[tuple[float, bytes]] = []
        self.hung_up = asyncio.Event()  # the hub sent 00 00 00 or closed
        self.sent = 0
        self._tasks: list[asyncio.Task[None]] = []

    async def dial(self, port: int, key: str, send: bool = True) -> None:
        """Connect to the hub with ``key`` (a UUID) and, if ``send``, stream the call every 20 ms."""
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(message(UUID, uuid.UUID(key).bytes))
        self._tasks.append(asyncio.create_task(self._read()))
        if send:
            self._tasks.append(asyncio.create_task(self._send()))

    async def _send(self) -> None:
        t0 = time.monotonic()
        while not self.writer.is_closing():
            self.writer.write(message(SLIN, call_frame(self.sent)))
            self.sent += 1
            await asyncio.sleep(max(0.0, t0 + self.sent * 0.02 - time.monotonic()))

    async def _read(self) -> None:
        try:
            while True:
                kind, payload = await read_message(self.reader)
                if kind == SLIN:
                    self.received.append((time.monotonic(), payload))
                elif kind == HANGUP:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.hung_up.set()
            self.writer.close()

    def since(self, t0: float, t1: float | None = None) -> bytes:
        return b"".join(p for t, p in self.received if t >= t0 and (t1 is None or t < t1))

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        self.writer.close()
