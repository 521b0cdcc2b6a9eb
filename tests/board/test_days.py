"""The centre's calendar read from its day start: a board in another zone asks for the centre's days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wallboard.board.days import HOUR_MS, offset_of_day_start
from wallboard.ui.days import centre_date, centre_text, day_span


def ms(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(("day_start", "hours"), [
    (ms(2026, 12, 1, 15), 9),        # Tokyo's midnight
    (ms(2026, 12, 2, 5), -5),        # New York's
    (ms(2026, 12, 2, 0), 0),         # London's
    (ms(2026, 12, 1, 18, 30), 5.5),  # Delhi's
    (ms(2026, 12, 1, 11), 13),       # Auckland's (summer)
    (ms(2026, 12, 1, 21), 3),        # Tokyo with the day reset at 06:00: its days read from 06:00
])
def test_the_offset_puts_the_day_start_at_midnight(day_start: int, hours: float) -> None:
    off = offset_of_day_start(day_start)
    assert off == hours * HOUR_MS
    assert centre_text(day_start, off, "%H:%M") == "00:00"


def test_a_day_is_the_centres_day_start_to_the_next() -> None:
    tokyo = 9 * HOUR_MS
    assert day_span(date(2026, 12, 2), date(2026, 12, 2), tokyo) == (ms(2026, 12, 1, 15), ms(2026, 12, 2, 15))
    assert day_span(date(2026, 12, 1), date(2026, 12, 3), tokyo) == (ms(2026, 11, 30, 15), ms(2026, 12, 3, 15))
    assert day_span(date(2026, 12, 3), date(2026, 12, 1), tokyo) == (ms(2026, 12, 2, 15), ms(2026, 12, 3, 15))
    # 00:30 UTC on the 2nd is already 09:30 on the 2nd in Tokyo, still the 1st in New York
    assert centre_date(ms(2026, 12, 2, 0, 30), tokyo) == date(2026, 12, 2)
    assert centre_date(ms(2026, 12, 2, 0, 30), -5 * HOUR_MS) == date(2026, 12, 1)
