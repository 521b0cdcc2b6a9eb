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

    @property
    def samples(self) -> int:
        """How many seconds of the last hour hold a sample."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    def top(self) -> float:
        """The largest sample (0 without any)."""
        return 0.0 if self.samples == 0 else float(np.nanmax(self.values))
