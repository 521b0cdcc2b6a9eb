"""The centre's calendar, for a board that may sit in another time zone than the centre.

A report's "today" must be the day the live board counts (its queues' ``interval_start``: the
centre's midnight or reset time), not this PC's: a supervisor working from another zone, or a
demo centre in Japan on a UTC machine, would otherwise ask for a different day than the cards show.
The server does not send its zone; the day start it counts from tells it, to within the reset time,
which is also what a report's day should begin at. (Dates and clock text: ``wallboard.ui.days``.)
"""

from __future__ import annotations

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
#: furthest east a zone is (Kiribati); anything later reads as a zone west of UTC
EAST_MOST_MS = 14 * HOUR_MS


def offset_of_day_start(day_start_ms: int) -> int:
    """The offset from UTC at which ``day_start_ms`` reads 00:00 (−10 h … +14 h)."""
    off = -day_start_ms % DAY_MS
    return off - DAY_MS if off > EAST_MOST_MS else off
