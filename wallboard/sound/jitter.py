"""The playback buffer: frames arrive in bursts off the network, the sound card takes them on its clock.

Chosen: start playing once 60 ms (three 20 ms frames) are buffered — enough for the jitter of a
LAN or a busy Wi-Fi, small beside the 40–44 ms the PBX adds. An underrun plays silence, with the
last few milliseconds faded out (no click), and waits for 60 ms again before playing: one clean
gap, never a stutter of tiny ones. More than ``max_ms`` waiting (a burst after a stall) drops the
oldest back to the target, so the supervisor never hears the call later and later.
Thread-safe: the feed thread pushes, the sound card's thread pulls.
"""

from __future__ import annotations

import threading
from collections import deque

from ..core.audio import FRAME_BYTES, SILENCE_DBFS, level_dbfs

FADE = 32  # samples (4 ms) of ramp at an underrun and a restart


def _ramp(pcm: bytes, down: bool) -> bytes:
    """The last (``down``) or first FADE samples of ``pcm`` ramped to/from silence."""
    n = len(pcm) // 2
    k = min(FADE, n)
    if not k:
        return pcm
    a = memoryview(bytearray(pcm)).cast("h")
    for i in range(k):
        j = n - k + i if down else i
        gain = (k - i) / (k + 1) if down else (i + 1) / (k + 1)
        a[j] = int(a[j] * gain)
    return a.tobytes()


class JitterBuffer:
    def __init__(self, target_ms: int = 60, max_ms: int = 200) -> None:
        self.target = target_ms * FRAME_BYTES // 20  # bytes
        self.max = max_ms * FRAME_BYTES // 20
        self._lock = threading.Lock()
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._priming = True
        self._fade_in = True
        self.underruns = 0
        self.dropped = 0  # bytes dropped as too late
        self.frames = 0
        self.level = SILENCE_DBFS  # of the newest frame pushed

    @property
    def buffered_ms(self) -> int:
        return self._size * 20 // FRAME_BYTES

    def push(self, pcm: bytes) -> None:
        level = level_dbfs(pcm)
        with self._lock:
            self._chunks.append(pcm)
            self._size += len(pcm)
            self.frames += 1
            self.level = level
            while self._size > self.max:  # too far behind: back to the target, oldest first
                old = self._chunks.popleft()
                self._size -= len(old)
                self.dropped += len(old)
                if self._size <= self.target:
                    break

    def pull(self, nbytes: int) -> bytes:
        """Exactly ``nbytes`` to play now (silence where there is nothing to play)."""
        with self._lock:
            if self._priming:
                if self._size < self.target:
                    return bytes(nbytes)
                self._priming = False
            out = bytearray()
            while len(out) < nbytes and self._chunks:
                chunk = self._chunks.popleft()
                take = nbytes - len(out)
                if len(chunk) > take:
                    self._chunks.appendleft(chunk[take:])
                    chunk = chunk[:take]
                out += chunk
                self._size -= len(chunk)
            fade_in, self._fade_in = self._fade_in, False
            if len(out) < nbytes:  # underrun: fade out what there is, then silence until primed again
                self.underruns += 1
                self._priming = self._fade_in = True
                got = _ramp(bytes(out), down=True)
                return got + bytes(nbytes - len(got))
        return _ramp(bytes(out), down=False) if fade_in else bytes(out)

    def clear(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._size = 0
            self._priming = self._fade_in = True
            self.level = SILENCE_DBFS
