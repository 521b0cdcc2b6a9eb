"""Estimate the offset between the server's clock and ours, from message stamps.

A wall PC's clock is often minutes off, and "time in state" must be on the server's
clock. Each frame gives ``server_ts - local_receive_time = offset - delay``; the delay
is never negative, so the largest recent sample is the best estimate of the offset
(the frame that travelled fastest). A window, not an all-time maximum, lets a server
clock step backwards (NTP) be followed within ``window`` samples.

Pure: the caller passes both clocks' readings in.
"""

from __future__ import annotations

from collections import deque


class ClockOffset:
    __slots__ = ("_samples", "_best")

    def __init__(self, window: int = 64) -> None:
        self._samples: deque[int] = deque(maxlen=window)
        self._best: int | None = None

    def observe(self, server_ts_ms: int, local_ms: int) -> None:
        sample = server_ts_ms - local_ms
        full = len(self._samples) == self._samples.maxlen
        dropped = self._samples[0] if full else None
        self._samples.append(sample)
        if self._best is None or sample >= self._best:
            self._best = sample
        elif dropped is not None and dropped >= self._best:
            self._best = max(self._samples)

    def reset(self) -> None:
        self._samples.clear()
        self._best = None

    @property
    def offset_ms(self) -> int:
        """server clock − local clock, in ms (0 until the first sample)."""
        return self._best if self._best is not None else 0

    def server_now(self, local_ms: int) -> int:
        return local_ms + self.offset_ms
