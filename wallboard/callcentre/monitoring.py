"""Listen / whisper / barge on the embedded call centre: a simulated supervisor's phone, or the call's audio.

The rules (who, whom, how, audit) are the feed's :class:`~wallboard.feed.monitoring.MonitorDesk`;
this only plays the PBX: a phone answers ``dial_s`` after it is rung, or never, for an endpoint
that starts with ``unreachable`` (so the failure path can be shown and tested). A session heard in
the app gets the call's audio, made up here — no PBX, no recording: the caller is a low voice
(~220 Hz with its harmonics) and the agent a higher one (~330 Hz), taking turns, in 20 ms frames
paced in real time — so the demo shows in-app listening, its level meter and push-to-talk.
What a supervisor says back is counted (``heard``), not played anywhere.
"""

from __future__ import annotations

import asyncio
import math
import struct
import time
from dataclasses import dataclass, field

from ..core.audio import FRAME_SAMPLES, RATE
from ..feed.monitoring import MonitorDesk, Session

TURN_S = 3.0  # each side talks this long, then the other


def voice(n: int, pitch: float, loud: float) -> bytes:
    """Frame ``n`` of a buzzing 'voice': a pitch, two harmonics, syllables at about 4 a second."""
    out = []
    for i in range(FRAME_SAMPLES):
        t = (n * FRAME_SAMPLES + i) / RATE
        envelope = loud * max(0.0, math.sin(2 * math.pi * 2.1 * t)) ** 2
        x = (math.sin(2 * math.pi * pitch * t) + 0.5 * math.sin(4 * math.pi * pitch * t)
             + 0.25 * math.sin(6 * math.pi * pitch * t))
        out.append(int(6000 * envelope * x / 1.75))
    return struct.pack(f"<{FRAME_SAMPLES}h", *out)


@dataclass
class SimulatedPhone:
    desk: MonitorDesk | None = None
    dial_s: float = 1.0
    heard: dict[str, int] = field(default_factory=dict)  # session → the supervisor's frames received
    _streams: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def dial(self, s: Session) -> None:
        asyncio.get_running_loop().call_later(0.15 if s.audio else self.dial_s, self._answer, s)

    def _answer(self, s: Session) -> None:
        assert self.desk is not None
        if not s.audio and s.endpoint.lower().startswith("unreachable"):
            self.desk.finish(s.id, "supervisor_unreachable")
            return
        self.desk.connected(s.id)
        if s.audio and self.desk.sessions.get(s.id) is s:
            self._streams[s.id] = asyncio.get_running_loop().create_task(self._stream(s.id))

    async def _stream(self, sid: str) -> None:
        assert self.desk is not None
        start, n = time.monotonic(), 0
        while sid in self.desk.sessions:
            caller = int(n * 0.02 / TURN_S) % 2 == 0
            self.desk.heard(sid, voice(n, 220.0 if caller else 330.0, 1.0 if caller else 0.8))
            n += 1
            await asyncio.sleep(max(0.0, start + n * 0.02 - time.monotonic()))

    def switch(self, s: Session, mode: str) -> None:
        pass  # nobody on a simulated call hears the supervisor: the new mode is simply the session's

    def speak(self, s: Session, pcm: bytes) -> None:
        self.heard[s.id] = self.heard.get(s.id, 0) + 1

    def hang_up(self, s: Session) -> None:
        assert self.desk is not None
        task = self._streams.pop(s.id, None)
        if task is not None:
            task.cancel()
        self.desk.gone(s.id)  # a simulated leg is gone the moment it is hung up
