"""The clock offset: the fastest frame, confirmed; one bad stamp moves nothing; steps are followed."""

from __future__ import annotations

import pytest

from wallboard.core.clock import ClockOffset

HOUR = 3_600_000
T = 1_000_000_000


def feed(c: ClockOffset, ahead_ms: int, delays: list[int], start: int = T, every_ms: int = 2000) -> int:
    """Frames from a server ``ahead_ms`` ahead of us, one every ``every_ms``, each taking ``delay`` ms."""
    local = start
    for d in delays:
        local += every_ms
        c.observe(server_ts_ms=local - d + ahead_ms, local_ms=local)
    return local


def test_the_offset_is_the_fastest_confirmed_frame() -> None:
    c = ClockOffset()
    assert c.offset_ms == 0
    feed(c, 120_000, [40, 5, 30, 12])  # server 120 s ahead; frames take 5..40 ms
    assert c.offset_ms == 120_000 - 5
    assert c.server_now(2_000_000) == 2_000_000 + 119_995
    c.reset()
    assert c.offset_ms == 0


def test_one_frame_stamped_an_hour_ahead_moves_no_clock() -> None:
    """A third-party server stamped one heartbeat +1 h: every clock read +1:00 for 92 s (was a max of 64)."""
    c = ClockOffset()
    local = feed(c, 0, [10, 20, 15])
    c.observe(server_ts_ms=local + 1000 + HOUR, local_ms=local + 1000)  # the bad one
    assert abs(c.offset_ms) < 50
    local = feed(c, 0, [12, 30], start=local + 1000)
    c.observe(server_ts_ms=local + 100 + HOUR, local_ms=local + 100)  # even twice
    assert abs(c.offset_ms) < 50


def test_a_real_step_forward_is_followed_after_three_frames() -> None:
    c = ClockOffset()
    local = feed(c, 0, [10, 10, 10, 10])
    local = feed(c, HOUR, [10, 10], start=local)
    assert abs(c.offset_ms) < 50  # two frames: not yet believed
    feed(c, HOUR, [10], start=local)
    assert c.offset_ms == HOUR - 10


@pytest.mark.parametrize("step_back", [60_000, HOUR])
def test_a_step_back_is_followed_within_the_window(step_back: int) -> None:
    c = ClockOffset(window_ms=30_000)
    local = feed(c, 0, [10] * 10)
    local = feed(c, -step_back, [10] * 10, start=local)  # 20 s later: old, higher samples still in the window
    assert abs(c.offset_ms) < 50
    feed(c, -step_back, [10] * 6, start=local)  # 32 s after the step
    assert c.offset_ms == -step_back - 10


def test_lateness_is_measured_against_the_confirmed_offset() -> None:
    """A board falling behind: its frames arrive later and later; the offset stays, so it can say so."""
    c = ClockOffset()
    local = feed(c, 5000, [10, 10, 10, 10])
    for behind in (1000, 4000, 12_000):
        local += 500
        c.observe(server_ts_ms=local - behind + 5000, local_ms=local)
        assert c.lateness_ms(local - behind + 5000, local) == pytest.approx(behind, abs=20)
    assert c.offset_ms == 5000 - 10


def test_before_anything_is_confirmed_the_median_is_used() -> None:
    c = ClockOffset()
    c.observe(server_ts_ms=T + 60_000, local_ms=T)
    assert c.offset_ms == 60_000
    c.observe(server_ts_ms=T + 1000 + HOUR, local_ms=T + 1000)
    assert c.offset_ms == 60_000
    c.observe(server_ts_ms=T + 2000 + 60_000, local_ms=T + 2000)
    assert c.offset_ms == 60_000
