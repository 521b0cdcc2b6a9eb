"""The server's own trend: callers waiting per queue, one sample every ``TREND_STEP_S`` seconds of the server's
clock, the last hour — what a board that joins late is given (``trend``, §6.1) so its chart is full at once."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from ..core.model import WAITING_CALL_STATES, Call
from ..core.protocol import TREND_SAMPLES, TREND_STEP_S, Trend


class TrendLog:
    def __init__(self, step_s: int = TREND_STEP_S, samples: int = TREND_SAMPLES) -> None:
        self.step_ms = step_s * 1000
        self.samples: deque[tuple[int, dict[str, int] | None]] = deque(maxlen=samples)

    def sample(self, now: int, calls: Mapping[str, Call], live: bool) -> None:
        """Once per step (cheap to call more often): the count now, or a gap while the source is not up."""
        slot = now // self.step_ms * self.step_ms
        if self.samples and self.samples[-1][0] >= slot:
            return
        counts: dict[str, int] | None = None
        if live:
            counts = {}
            for c in calls.values():
                if c.status in WAITING_CALL_STATES and c.direction != "out":
                    counts[c.queue] = counts.get(c.queue, 0) + 1
        self.samples.append((slot, counts))

    def message(self, now: int, queues: Iterable[str]) -> Trend | None:
        if not self.samples:
            return None
        start = max(self.samples[0][0], now // self.step_ms * self.step_ms - (self.samples.maxlen or 1) * self.step_ms
                    + self.step_ms)
        by_slot = {t: counts for t, counts in self.samples if t >= start}
        n = (self.samples[-1][0] - start) // self.step_ms + 1
        series: dict[str, list[int | None]] = {}
        for q in queues:
            row: list[int | None] = []
            for i in range(n):
                counts = by_slot.get(start + i * self.step_ms)
                row.append(None if counts is None else counts.get(q, 0))
            series[q] = row
        return Trend(ts=now, start=start, step_s=self.step_ms // 1000, queues=series)
