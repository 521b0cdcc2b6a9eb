"""Estimate the offset between the server's clock and ours, from message stamps.

A wall PC's clock is often minutes off, and "time in state" must be on the server's
clock. Each frame gives ``sample = server_ts − local_receive_time = offset − delay``; the
delay is never negative, so the largest recent sample is the best estimate of the offset
(the frame that travelled fastest). The rules, also in the protocol document (§5):

1. Samples are kept for ``window_ms`` of local time, as the largest of each 100 ms
   (a flood of 5,000 frames a second is 300 numbers, not 150,000).
2. The offset is the largest kept sample that at least ``support`` kept samples (itself
   included) confirm: they lie within ``step_ms`` below it. One frame stamped an hour
   ahead (a server bug, a bad relay) is confirmed by nothing and moves no clock; a real
   step of the server's clock forward is followed as soon as it has been seen ``support``
   times (three heartbeats).
3. A step backwards (NTP) is followed once the older, higher samples have left the
   window: within ``window_ms``. Until then, frames that arrive late (the board or the
   network behind) stay late against the offset, so lateness can be measured and shown.
4. Before any sample is confirmed, the offset is the median of what has been seen.

Pure: the caller passes both clocks' readings in.
"""

from __future__ import annotations

import bisect
from collections import deque

BUCKET_MS = 100


class ClockOffset:
    __slots__ = ("window_ms", "step_ms", "support", "_buckets", "_best", "_stale")

    def __init__(self, window_ms: int = 30_000, step_ms: int = 2_000, support: int = 3) -> None:
        self.window_ms = window_ms
        self.step_ms = step_ms
        self.support = support
        self._buckets: deque[list[int]] = deque()  # [bucket start (local ms // 100), largest sample]
        self._best: int | None = None
        self._stale = False  # a sample came since the estimate: made again when it is read

    def observe(self, server_ts_ms: int, local_ms: int) -> None:
        sample = server_ts_ms - local_ms
        bucket = local_ms // BUCKET_MS
        buckets = self._buckets
        if buckets and buckets[-1][0] == bucket:
            if sample > buckets[-1][1]:
                buckets[-1][1] = sample
                self._stale = True
            return
        buckets.append([bucket, sample])
        horizon = bucket - self.window_ms // BUCKET_MS
        while buckets and buckets[0][0] < horizon:
            buckets.popleft()
        self._stale = True

    def _estimate(self) -> None:
        """Made when read, not per frame: at 5,000 frames a second most estimates were never read."""
        self._stale = False
        values = sorted(v for _, v in self._buckets)
        for v in reversed(values):  # the largest sample that enough others confirm (rule 2)
            if bisect.bisect_right(values, v) - bisect.bisect_left(values, v - self.step_ms) >= self.support:
                self._best = v
                return
        self._best = values[(len(values) - 1) // 2] if values else None  # rule 4 (the lower middle)

    def reset(self) -> None:
        self._buckets.clear()
        self._best = None
        self._stale = False

    @property
    def offset_ms(self) -> int:
        """server clock − local clock, in ms (0 until the first sample)."""
        if self._stale:
            self._estimate()
        return self._best if self._best is not None else 0

    def server_now(self, local_ms: int) -> int:
        return local_ms + self.offset_ms

    def lateness_ms(self, server_ts_ms: int, local_ms: int) -> int:
        """How long after its stamp a frame is being handled here (network + queues), ≥ 0."""
        return max(0, local_ms + self.offset_ms - server_ts_ms)
