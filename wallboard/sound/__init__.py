"""The desk's own audio for a monitoring session: the call in the supervisor's headset, their voice back.

No Qt Multimedia (it is not in PySide6-Essentials): PortAudio through ``sounddevice``, raw 16-bit
frames. The call plays at 8 kHz, as it comes from the PBX; a device that will not open at 8 kHz is
opened at its own rate and the audio is resampled here. The output opens when a session's audio
is to be heard and closes (at once, ``abort``: nothing queued is played) when it is not. The
microphone opens only while the session is in whisper or barge and sends only while the desk
says the supervisor talks (push-to-talk): in listen it is not even open.

Everything here runs off the GUI: frames are pushed from the feed thread, played from the sound
card's, and the microphone's go straight to ``send``; the desk only says what should happen
(:meth:`Sound.follow`) and reads the levels for its meter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.audio import FRAME_BYTES, RATE, SILENCE_DBFS, AudioFrame, level_dbfs
from .jitter import JitterBuffer

log = logging.getLogger(__name__)


class SoundError(Exception):
    """No usable audio device; the message says why, in one line."""


def _backend() -> Any:
    try:
        import sounddevice
    except OSError as err:  # the Python package is there, PortAudio is not
        raise SoundError(f"PortAudio is not installed ({err}); on Debian/Ubuntu: apt install libportaudio2") from None
    except ImportError:
        raise SoundError("the sounddevice package is not installed") from None
    return sounddevice


@dataclass(frozen=True, slots=True)
class Devices:
    outputs: tuple[str, ...]
    inputs: tuple[str, ...]
    default_output: str
    default_input: str


def devices(backend: Any = None) -> Devices:
    """The devices a supervisor may choose from (SoundError: none, or no PortAudio)."""
    sd = backend or _backend()
    try:
        found = list(sd.query_devices())
        out_default, in_default = sd.default.device
    except Exception as err:  # PortAudioError and friends: said in one line
        raise SoundError(f"cannot list audio devices: {err}") from None
    outs = tuple(d["name"] for d in found if d.get("max_output_channels", 0) > 0)
    ins = tuple(d["name"] for d in found if d.get("max_input_channels", 0) > 0)

    def name(i: int) -> str:
        return str(found[i]["name"]) if isinstance(i, int) and 0 <= i < len(found) else ""
    return Devices(outs, ins, name(out_default), name(in_default))


def _rescan(sd: Any) -> None:
    """PortAudio lists devices once, when it starts: start it again to see what is there now (sounddevice's
    documented way; only while none of our streams is open)."""
    try:
        sd._terminate()
        sd._initialize()
    except Exception as err:  # noqa: BLE001 - the old list is still there; say why it is not fresh
        log.warning("could not look for audio devices again: %s", err)


def _resample(pcm: bytes, n: int) -> bytes:
    """``pcm`` (16-bit) stretched or squeezed to ``n`` samples, linearly; squeezing averages first."""
    import numpy as np
    a = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if not len(a) or n == len(a):
        return pcm if len(a) == n else bytes(2 * n)
    if n < len(a):
        k = max(1, len(a) // n)
        a = np.convolve(a, np.ones(k) / k, mode="same")
    x = np.linspace(0, len(a) - 1, n)
    return bytes(np.interp(x, np.arange(len(a)), a).astype("<i2").tobytes())


class Sound:
    def __init__(self, output: str = "", input: str = "", send: Callable[[str, bytes], None] | None = None,
                 backend: Any = None, target_ms: int = 60) -> None:
        """``output``/``input``: a device name ("" = the system's default); ``send(session_id, pcm)``
        takes the microphone's 20 ms frames (on the sound card's thread)."""
        self.output, self.input = output, input
        self.send = send
        self.buffer = JitterBuffer(target_ms)
        self._backend = backend
        self._out: Any = None
        self._in: Any = None
        self._session: str | None = None  # whose frames are played
        self._talk = False
        self.level_in = SILENCE_DBFS
        self.sent = 0
        self.error = ""  # why there is no sound ("" = there is)
        self.out_rate = self.in_rate = RATE
        self._out_phase = 0.0
        self._mic = b""  # microphone samples not yet a whole 20 ms frame

    # -- set-up --------------------------------------------------------------------------------

    def check(self) -> str:
        """Look for the devices now (a headset plugged in since counts); returns (and keeps) why there is
        no sound, or ""."""
        try:
            sd = self._backend or _backend()
            if self._out is None and self._in is None:
                _rescan(sd)
            found = devices(sd)
        except SoundError as err:
            self.error = str(err)
            return self.error
        if not found.outputs:
            self.error = "no audio output device"
        elif self.output and self.output not in found.outputs:
            self.error = f"the audio output {self.output!r} is not connected"
        else:
            self.error = ""
        return self.error

    @property
    def available(self) -> bool:
        return not self.error

    # -- what the desk says ---------------------------------------------------------------------

    def follow(self, session_id: str | None, play: bool, mic: bool, talk: bool) -> None:
        """The session's audio is heard (``play``), the microphone is open (``mic``: whisper or barge)
        and sends (``talk``: push-to-talk down or latched) — or not. Called on the GUI thread (at least
        once a second while a session lives), which is also when a stream that died is noticed."""
        self._poll()
        if not play or session_id != self._session:
            self._session = None
            self._close_out()
            self.buffer.clear()
        if play and session_id is not None and self._out is None and not self.error:
            self._session = session_id
            self._out, self.out_rate = self._opened("output")
        self._talk = bool(play and mic and talk)
        if play and mic and session_id is not None:
            if self._in is None and not self.error:
                self._in, self.in_rate = self._opened("input")
        else:
            self._close_in()

    def _poll(self) -> None:
        """A stream PortAudio stopped by itself (the headset unplugged, the sound server gone) is closed and
        said, rather than left looking as if it played."""
        for kind, stream in (("output", self._out), ("input", self._in)):
            if stream is not None and not stream.active:
                self.error = f"the audio {kind} stopped (unplugged?)"
                log.error("%s", self.error)
                if kind == "output":
                    self._close_out()
                else:
                    self._close_in()

    def push(self, frame: AudioFrame) -> None:
        """A frame of the call (feed thread): played if it is the session being heard."""
        if frame.session_id == self._session:
            self.buffer.push(frame.pcm)

    @property
    def playing(self) -> bool:
        return self._out is not None

    @property
    def mic_open(self) -> bool:
        return self._in is not None

    @property
    def talking(self) -> bool:
        return self._talk and self._in is not None

    @property
    def level_out(self) -> float:
        return self.buffer.level if self._out is not None else SILENCE_DBFS

    def close(self) -> None:
        self.follow(None, False, False, False)

    # -- the streams ---------------------------------------------------------------------------

    def _open(self, kind: str, device: str, callback: Callable[..., None]) -> tuple[Any, int]:
        sd = self._backend or _backend()
        make = sd.RawOutputStream if kind == "output" else sd.RawInputStream
        rates = [RATE]
        try:
            info = sd.query_devices(device or None, kind)
            rates.append(int(info["default_samplerate"]))
        except Exception:  # noqa: BLE001 - the first attempt at 8 kHz says what is wrong
            pass
        err: Exception | None = None
        for rate in rates:
            try:
                # blocksize 0: whatever size the host likes (a fixed 20 ms stalled PulseAudio's ALSA plugin,
                # measured); the output takes any size, the microphone is cut into 20 ms frames here.
                stream = make(samplerate=rate, channels=1, dtype="int16", blocksize=0,
                              device=device or None, latency="low", callback=callback)
                stream.start()
                return stream, rate
            except Exception as e:  # noqa: BLE001 - PortAudioError, ValueError: try the device's own rate
                err = e
        raise SoundError(f"cannot open the audio {kind}{f' {device!r}' if device else ''}: {err}")

    def _opened(self, kind: str) -> tuple[Any, int]:
        """The output's or the microphone's stream and its rate; (None, 8 kHz) with the reason kept and logged."""
        try:
            if kind == "output":
                return self._open(kind, self.output, self._play)
            return self._open(kind, self.input, self._record)
        except SoundError as err:
            self.error = str(err)
            log.error("%s", err)
            return None, RATE

    def _close_out(self) -> None:
        out, self._out = self._out, None
        if out is not None:
            out.abort()  # at once: what is queued in the device is not played
            out.close()

    def _close_in(self) -> None:
        self._talk = False
        stream, self._in = self._in, None
        if stream is not None:
            stream.abort()
            stream.close()
            self.level_in = SILENCE_DBFS

    def _play(self, outdata: Any, frames: int, _time: Any, _status: Any) -> None:
        if self.out_rate == RATE:
            outdata[:] = self.buffer.pull(frames * 2)
            return
        self._out_phase += frames * RATE / self.out_rate  # 8 kHz samples this block stands for
        n = int(self._out_phase)
        self._out_phase -= n
        outdata[:] = _resample(self.buffer.pull(2 * n), frames) if n else bytes(2 * frames)

    def _record(self, indata: Any, frames: int, _time: Any, _status: Any) -> None:
        pcm = bytes(indata) if self.in_rate == RATE else _resample(bytes(indata), round(frames * RATE / self.in_rate))
        session, send = self._session, self.send
        if not (self._talk and session is not None and send is not None):
            self._mic = b""  # nothing kept from before the key went down
            self.level_in = SILENCE_DBFS
            return
        self._mic += pcm
        while len(self._mic) >= FRAME_BYTES:  # the PBX takes 20 ms frames
            frame, self._mic = self._mic[:FRAME_BYTES], self._mic[FRAME_BYTES:]
            self.level_in = level_dbfs(frame)
            send(session, frame)
            self.sent += 1
