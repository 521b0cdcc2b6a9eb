"""The playback buffer and the audio frame, without a device: what a supervisor would hear."""

from __future__ import annotations

import struct

import pytest

from wallboard.core.audio import FRAME_BYTES, SILENCE_DBFS, level_dbfs, pack_audio, samples, tone_dbfs, unpack_audio
from wallboard.core.errors import MalformedFrame
from wallboard.sound.jitter import FADE, JitterBuffer

LOUD = struct.pack("<160h", *([10000] * 160))


def test_it_waits_for_60_ms_then_plays_in_order_and_fades_in() -> None:
    b = JitterBuffer(target_ms=60)
    b.push(LOUD)
    b.push(LOUD)
    assert b.pull(FRAME_BYTES) == bytes(FRAME_BYTES)  # 40 ms buffered: not yet
    b.push(struct.pack("<160h", *range(160)))
    first = samples(b.pull(FRAME_BYTES))
    assert first[0] < first[FADE] == 10000  # a ramp in, then the frame as sent
    assert samples(b.pull(FRAME_BYTES)).tolist() == [10000] * 160
    assert samples(b.pull(FRAME_BYTES)).tolist() == list(range(160))


def test_an_underrun_fades_out_plays_silence_and_primes_again_rather_than_stutter() -> None:
    b = JitterBuffer(target_ms=60)
    for _ in range(3):
        b.push(LOUD)
    b.pull(3 * FRAME_BYTES - 100)
    tail = samples(b.pull(FRAME_BYTES))  # 100 bytes left: an underrun
    assert b.underruns == 1 and tail[49] < 10000 and tail[50:].tolist() == [0] * 110
    b.push(LOUD)  # one frame back is not enough to play: no click storm of 20 ms bursts
    assert b.pull(FRAME_BYTES) == bytes(FRAME_BYTES)
    b.push(LOUD)
    b.push(LOUD)
    assert samples(b.pull(FRAME_BYTES))[FADE:].tolist() == [10000] * (160 - FADE)


def test_a_burst_after_a_stall_is_cut_back_so_the_call_is_never_heard_later_and_later() -> None:
    b = JitterBuffer(target_ms=60, max_ms=200)
    for _ in range(50):  # a second of audio at once
        b.push(LOUD)
    assert b.buffered_ms <= 200 and b.dropped > 0
    assert b.frames == 50 and b.level == pytest.approx(level_dbfs(LOUD))


def test_clear_is_silence_at_once() -> None:
    b = JitterBuffer()
    for _ in range(5):
        b.push(LOUD)
    b.clear()
    assert b.pull(FRAME_BYTES) == bytes(FRAME_BYTES) and b.level == SILENCE_DBFS


def test_the_audio_frame_round_trips_and_a_bad_one_is_named() -> None:
    frame = pack_audio("m-7", 65537, LOUD)
    assert unpack_audio(frame) == ("m-7", 1, LOUD)  # seq wraps at 16 bits
    for bad, words in ((b"{", "not audio"), (bytes((0x41, 0)), "0-byte session id"),
                       (bytes((0x41, 2)) + b"m1\x00\x01" + b"\x00", "1 bytes of PCM"),
                       (bytes((0x41, 2)) + b"\xff\xfe\x00\x01" + LOUD, "not UTF-8")):
        with pytest.raises(MalformedFrame, match=words) as err:
            unpack_audio(bad)
        assert err.value.reason == "bad_audio"
    with pytest.raises(ValueError):
        pack_audio("", 1, LOUD)


def test_a_tone_is_found_and_silence_is_silence() -> None:
    import math
    tone = struct.pack("<1600h", *(int(8000 * math.sin(2 * math.pi * 1700 * i / 8000)) for i in range(1600)))
    assert tone_dbfs(tone, 1700) == pytest.approx(20 * math.log10(8000 / 32768), abs=0.2)
    assert tone_dbfs(tone, 600) < -60 and tone_dbfs(bytes(3200), 1700) == SILENCE_DBFS


def test_a_device_that_will_not_take_8_khz_gets_the_call_resampled_tone_intact() -> None:
    """Opened at its own rate (48 kHz, 44.1 kHz), the device gets the call stretched; the microphone's
    frames are squeezed back to 8 kHz: a tone keeps its pitch both ways."""
    import math

    from wallboard.sound import _resample
    tone = struct.pack("<160h", *(int(8000 * math.sin(2 * math.pi * 1000 * i / 8000)) for i in range(160)))
    up = _resample(tone, 960)  # 20 ms at 48 kHz
    assert len(up) == 1920 and tone_dbfs(up, 1000, rate=48000) > -14
    down = _resample(up, 160)
    assert len(down) == 320 and tone_dbfs(down, 1000) > -15 and tone_dbfs(down, 1700) < -40
    assert len(_resample(tone, 882)) == 1764  # 44.1 kHz: 882 samples a frame
