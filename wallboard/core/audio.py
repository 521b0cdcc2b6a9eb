"""A monitoring session's audio on the feed connection: the binary frame, and what a board measures of it.

Audio rides the board's own feed connection as **binary** WebSocket frames (every other message is
text), so no port is opened on the board and the server's token, role and audit rules hold for it.
One frame, either way (server → board: the call; board → server: the supervisor's microphone)::

    0      1      2 … 2+n      2+n … 4+n     4+n …
    0x41   n      session id   seq (u16 BE)  PCM: signed 16-bit little-endian, mono, 8,000 Hz

``n`` is 1…64 bytes of UTF-8; ``seq`` counts frames per session and direction (wrapping), so a
gap is loss; the PCM is 2…1,920 bytes of whole samples, normally 320 (20 ms), exactly what
Asterisk's AudioSocket carries (``slin``), so a bridge relays it without touching a sample.
"""

from __future__ import annotations

import math
import sys
from array import array
from typing import NamedTuple

from .errors import MalformedFrame

AUDIO_KIND = 0x41
#: What a binary frame of audio starts with: "A", which no JSON text does (a binary JSON frame still reads).
AUDIO_TAG = bytes((AUDIO_KIND,))
RATE = 8000
FRAME_MS = 20
FRAME_BYTES = RATE * FRAME_MS // 1000 * 2  # 320
FRAME_SAMPLES = FRAME_BYTES // 2  # 160
MAX_PCM = 1920  # 120 ms: a peer may send bigger frames than 20 ms, never more than this
MAX_SESSION_ID = 64
SILENCE_DBFS = -96.0


class AudioFrame(NamedTuple):
    session_id: str
    seq: int
    pcm: bytes


def pack_audio(session_id: str, seq: int, pcm: bytes) -> bytes:
    sid = session_id.encode()
    if not 0 < len(sid) <= MAX_SESSION_ID:
        raise ValueError(f"session id of {len(sid)} bytes (1…{MAX_SESSION_ID})")
    if not 0 < len(pcm) <= MAX_PCM or len(pcm) % 2:
        raise ValueError(f"{len(pcm)} bytes of PCM (whole 16-bit samples, at most {MAX_PCM})")
    return bytes((AUDIO_KIND, len(sid))) + sid + (seq & 0xFFFF).to_bytes(2, "big") + pcm


def unpack_audio(frame: bytes) -> AudioFrame:
    """The frame's parts; MalformedFrame (reason ``bad_audio``) if it is not one."""
    if len(frame) < 2 or frame[0] != AUDIO_KIND:
        raise MalformedFrame("a binary frame that is not audio", reason="bad_audio")
    n = frame[1]
    head = 2 + n + 2
    if not 0 < n <= MAX_SESSION_ID or len(frame) <= head:
        raise MalformedFrame(f"an audio frame of {len(frame)} bytes with a {n}-byte session id", reason="bad_audio")
    pcm = frame[head:]
    if len(pcm) > MAX_PCM or len(pcm) % 2:
        raise MalformedFrame(f"an audio frame with {len(pcm)} bytes of PCM", reason="bad_audio")
    try:
        sid = frame[2:2 + n].decode()
    except UnicodeDecodeError:
        raise MalformedFrame("an audio frame whose session id is not UTF-8", reason="bad_audio") from None
    return AudioFrame(sid, int.from_bytes(frame[2 + n:head], "big"), pcm)


def samples(pcm: bytes) -> array[int]:
    a = array("h", pcm)
    if sys.byteorder == "big":
        a.byteswap()
    return a


def level_dbfs(pcm: bytes) -> float:
    """RMS level of a frame in dB below full scale (the banner's meter)."""
    a = samples(pcm)
    if not a:
        return SILENCE_DBFS
    power = sum(x * x for x in a) / len(a)
    return max(SILENCE_DBFS, 10 * math.log10(power / 32768 ** 2)) if power else SILENCE_DBFS


def tone_dbfs(pcm: bytes, freq: float, rate: int = RATE) -> float:
    """How loud one frequency is in a stretch of audio (Goertzel), in dB below a full-scale sine:
    enough to tell whether a test tone got through without recording anything. Taken over each
    20 ms and the median given, so a lost frame or a phase jump between frames costs nothing."""
    block = rate // 50 * 2
    if len(pcm) < 2 * block:
        return _goertzel(pcm, freq, rate)
    levels = sorted(_goertzel(pcm[i:i + block], freq, rate) for i in range(0, len(pcm) - block + 1, block))
    return levels[len(levels) // 2]


def _goertzel(pcm: bytes, freq: float, rate: int) -> float:
    a = samples(pcm)
    if not a:
        return SILENCE_DBFS
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in a:
        s1, s2 = x + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    amplitude = 2 * math.sqrt(max(power, 0.0)) / len(a)
    return max(SILENCE_DBFS, 20 * math.log10(amplitude / 32768)) if amplitude > 0 else SILENCE_DBFS
