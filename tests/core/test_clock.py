from wallboard.core.clock import ClockOffset


def test_offset_is_the_fastest_frame_and_follows_a_step_back() -> None:
    c = ClockOffset(window=4)
    assert c.offset_ms == 0
    # server is 120 s ahead; frames take 5..40 ms
    for delay in (40, 5, 30, 12):
        c.observe(server_ts_ms=1_000_000 + 120_000, local_ms=1_000_000 + delay)
    assert c.offset_ms == 120_000 - 5
    assert c.server_now(2_000_000) == 2_000_000 + 119_995
    # the server's clock steps back by 60 s (NTP): within one window we follow it
    for _ in range(4):
        c.observe(server_ts_ms=1_000_000 + 60_000, local_ms=1_000_000 + 10)
    assert c.offset_ms == 60_000 - 10
    c.reset()
    assert c.offset_ms == 0
