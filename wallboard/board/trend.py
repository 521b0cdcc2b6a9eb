"""The waiting-calls trend: one sample a second for the last hour, while the data is live.

A second the board was not live (stale, reconnecting, the PBX down) holds no sample: the chart
shows a gap, never a line drawn through what nobody saw.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

TREND_SECONDS = 3600


class TrendBuffer:
    def __init__(self, seconds: int = TREND_SECONDS) -> None:
        self.values: npt.NDArray[np.float64] = np.full(seconds, np.nan)
        self.last_s: int | None = None  # the server second of the newest slot

    def sample(self, second: int, value: float | None) -> None:
        """The value at server ``second`` (None: not live: a gap)."""
        n = len(self.values)
        if self.last_s is not None:
            shift = min(n, max(0, second - self.last_s))
            if shift:
                self.values = np.roll(self.values, -shift)
                self.values[-shift:] = np.nan
            elif second < self.last_s:
                return  # the server clock stepped back: keep the newer samples
        self.last_s = second
        self.values[-1] = np.nan if value is None else value

    def seed(self, start_s: int, step_s: int, values: list[float | None], now_s: int) -> None:
        """The server's history (a sample every ``step_s`` from ``start_s``) where this board has none: a board
        that joins late shows the hour at once. Its own samples are never overwritten; a gap stays a gap."""
        if self.last_s is None:
            self.last_s = now_s
        n, last = len(self.values), self.last_s
        for k, v in enumerate(values):
            if v is None:
                continue
            for t in range(start_s + k * step_s, start_s + (k + 1) * step_s):
                i = n - 1 - (last - t)
                if 0 <= i < n and np.isnan(self.values[i]):
                    self.values[i] = v

    @property
    def samples(self) -> int:
        """How many seconds of the last hour hold a sample."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    def top(self) -> float:
        """The largest sample (0 without any)."""
        return 0.0 if self.samples == 0 else float(np.nanmax(self.values))
