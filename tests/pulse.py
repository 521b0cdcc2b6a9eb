"""A real sound server for the tests: PulseAudio on its own socket, a null sink the board plays into
(its ``.monitor`` records what was played), and a second null sink whose monitor is the supervisor's
microphone: :meth:`Pulse.voice` plays a 1700 Hz tone into it, in real time, as a mouth would.
(``module-sine-source`` delivers in 2-second lumps through ALSA's plugin, measured: no use as a mic.)
Streams opened through ALSA's pulse plugin start about 1.5 s late on a null sink (measured): tests wait
for sound to flow rather than assume it does at once.

PortAudio reaches it through ALSA's pulse plugin (Debian ``libasound2-plugins``), exactly as a
desktop would; ``PULSE_SERVER``, ``PULSE_SINK`` and ``PULSE_SOURCE`` point this process at it. On a
machine without ``pulseaudio`` the tests that need it are skipped — except under CI, where that
is a failure (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.asterisk.audiopeer import tone_frame

SINK, MIC, MIC_HZ = "wbsink", "wbmic", 1700


class Pulse:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.server = f"unix:{root}/native"
        self.env = {**os.environ, "PULSE_SERVER": self.server, "HOME": str(root), "XDG_RUNTIME_DIR": str(root)}

    @contextmanager
    def voice(self, hz: float = MIC_HZ) -> Iterator[None]:
        """The supervisor speaks (a tone into the microphone), 20 ms at a time, until the block ends."""
        play = subprocess.Popen(["pacat", "--playback", "-d", MIC, "--rate=8000", "--channels=1", "--format=s16le",
                                 "--raw"], stdin=subprocess.PIPE, env=self.env)
        stop = threading.Event()

        def feed() -> None:
            t0, n = time.monotonic(), 0
            while not stop.is_set():
                frame = tone_frame(n, hz)
                try:
                    assert play.stdin is not None
                    play.stdin.write(frame)
                    play.stdin.flush()
                except (BrokenPipeError, ValueError):
                    return
                n += 1
                time.sleep(max(0.0, t0 + n * 0.02 - time.monotonic()))
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        try:
            yield
        finally:
            stop.set()
            t.join(2)
            play.kill()
            play.wait(5)
            if play.stdin is not None:
                try:
                    play.stdin.close()
                except BrokenPipeError:
                    pass

    def record(self) -> Recording:
        """Start recording what the board plays (the sink's monitor), 20 ms at a time, with when it came."""
        return Recording(subprocess.Popen(["parec", "-d", f"{SINK}.monitor", "--rate=8000", "--channels=1",
                                           "--format=s16le", "--raw", "--latency-msec=20"], stdout=subprocess.PIPE,
                                          env=self.env))


class Recording:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.frames: list[tuple[float, bytes]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read(320):
            self.frames.append((time.monotonic(), chunk))

    def since(self, t0: float, t1: float | None = None) -> bytes:
        return b"".join(p for t, p in list(self.frames) if t >= t0 and (t1 is None or t < t1))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        self._thread.join(2)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            raise RuntimeError(f"{tool} is not installed: .ci/run installs pulseaudio and pulseaudio-utils")
        pytest.skip(f"{tool} is not installed (Debian: pulseaudio pulseaudio-utils libportaudio2 libasound2-plugins)")


@contextmanager
def pulse() -> Iterator[Pulse]:
    _need("pulseaudio")
    _need("parec")
    root = Path(tempfile.mkdtemp(prefix="wb-pulse-"))
    p = Pulse(root)
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
         "--log-target=stderr", "--log-level=error",
         "-L", f"module-native-protocol-unix socket={root}/native auth-anonymous=1",
         "-L", f"module-null-sink sink_name={SINK} rate=8000 channels=1",
         "-L", f"module-null-sink sink_name={MIC} rate=8000 channels=1"],
        env=p.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if (root / "native").exists() and subprocess.run(["pactl", "info"], env=p.env,
                                                             capture_output=True).returncode == 0:
                break
            if daemon.poll() is not None:
                raise RuntimeError(f"pulseaudio did not start: {daemon.stderr.read().decode()[:500]}")  # type: ignore[union-attr]
            time.sleep(0.05)
        before = {k: os.environ.get(k) for k in ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE")}
        os.environ.update(PULSE_SERVER=p.server, PULSE_SINK=SINK, PULSE_SOURCE=f"{MIC}.monitor")
        try:
            yield p
        finally:
            for k, v in before.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    finally:
        daemon.terminate()
        try:
            daemon.wait(5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(5)
        if daemon.stderr is not None:
            daemon.stderr.close()
        shutil.rmtree(root, ignore_errors=True)
