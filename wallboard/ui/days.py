"""The centre's dates and clock times on this PC (the offset from :func:`wallboard.board.days.offset_of_day_start`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ..board.days import DAY_MS


def centre_date(ms: int, offset_ms: int) -> date:
    return (datetime.fromtimestamp(0, UTC) + timedelta(milliseconds=ms + offset_ms)).date()


def centre_text(ms: int, offset_ms: int, fmt: str) -> str:
    return (datetime.fromtimestamp(0, UTC) + timedelta(milliseconds=ms + offset_ms)).strftime(fmt)


def day_span(first: date, last: date, offset_ms: int) -> tuple[int, int]:
    """From ``first``'s start to the end of ``last`` in the centre's days (at least one day)."""
    def start(d: date) -> int:
        return (d - date(1970, 1, 1)).days * DAY_MS - offset_ms
    lo = start(first)
    return lo, max(start(last) + DAY_MS, lo + DAY_MS)
