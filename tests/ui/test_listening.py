"""Listening in the app, end to end, on real parts: the bridge and its audio hub on loopback, a test
AudioSocket peer standing in for Asterisk's side of the socket (a 600 Hz caller and a 1000 Hz agent),
a real desk window wired as the app wires it, and a real sound device — PulseAudio's null sink, whose
monitor the test records — with a 1700 Hz voice played into the supervisor's microphone.

What it shows: the call is heard on the desk (both tones found in what the device played); the
microphone reaches the call only while Space is held in whisper, never in listen (not even opened);
stop silences the desk and hangs the socket up within 0.5 s; the wall TV gets no audio.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.asterisk.audiopeer import AGENT_HZ, CALLER_HZ, AudioPeer
from tests.asterisk.harness import ALICE, CAROL, CONFIG, TEAMS, Clock
from tests.asterisk.test_bridge import Pbx, answer
from tests.feed.conftest import Board
from tests.pulse import MIC_HZ, Pulse, pulse
from wallboard.asterisk.audiosocket import AudioHub
from wallboard.asterisk.bridge import AmiSettings, AsteriskBridge
from wallboard.asterisk.floor import AsteriskFloor
from wallboard.board.monitoring import Action
from wallboard.core.audio import SILENCE_DBFS, tone_dbfs
from wallboard.core.profile import load_profile
from wallboard.core.protocol import CommandResult
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer, Principal
from wallboard.feed.thread import LoopThread
from wallboard.sound import Sound
from wallboard.ui.boards import make_window
from wallboard.ui.desk import DeskWindow
from wallboard.ui.feedlink import FeedLink

HEARD_DB = -35.0  # a tone at −12 dBFS sent, found above this: it got through


@pytest.fixture
def sound_server() -> Iterator[Pulse]:
    with pulse() as p:
        yield p


class Rig:
    """The bridge with its hub and a scripted AMI on a feed thread, as a site would run it."""

    def __init__(self) -> None:
        self.thread = LoopThread("test-bridge").start()
        self.pbx = Pbx()
        self.peer = AudioPeer()
        self.thread.submit(self._start()).result(10)

    async def _start(self) -> None:
        clock = Clock(1.0)
        self.server = FeedServer(clock, principals={"sv": Principal("sv-tanaka", "supervisor"),
                                                    "tv": Principal("wall-tv")}, anonymous=None, heartbeat_s=0.5)
        self.hub = AudioHub(lambda sid, pcm: None)
        await self.hub.start()
        self.bridge = AsteriskBridge(AmiSettings("127.0.0.1", await self.pbx.listener.start(), "admin", "secret"),
                                     self.server, AsteriskFloor(clock(), CONFIG, TEAMS), clock=clock, tick_s=0.05,
                                     resync_s=3600, audio=self.hub)
        self.url = f"ws://127.0.0.1:{await self.server.start()}"
        self.task = asyncio.get_running_loop().create_task(self.bridge.run())
        self.tv = Board(self.url, token="tv").start()

    def do(self, coro: Any, timeout: float = 10) -> Any:
        return self.thread.submit(coro).result(timeout)

    def close(self) -> None:
        async def stop() -> None:
            await self.peer.close()
            self.bridge.stop()
            await self.tv.close()
            await self.server.stop()
            await self.hub.stop()
            await self.pbx.listener.stop()
        try:
            self.do(stop())
        finally:
            self.thread.stop()


def test_a_call_heard_on_the_desk_and_push_to_talk_whisper(qtbot: Any, sound_server: Pulse) -> None:
    rig = Rig()
    box: list[FeedClient] = []

    def submit(r: str, a: str, g: dict[str, object]) -> concurrent.futures.Future[CommandResult]:
        return rig.thread.submit(box[0].command(r, a, g))

    def speak(session_id: str, pcm: bytes) -> None:  # as the app wires it: the sound card's thread → the feed's
        rig.thread.loop.call_soon_threadsafe(box[0].send_audio, session_id, pcm)
    sound = Sound(send=speak)
    assert sound.check() == ""
    window = make_window(load_profile({"board": {"supervisor": "sv-tanaka"}}), "desk",
                         FeedLink(submit, sound=sound), settings=None)
    assert isinstance(window, DeskWindow)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.activateWindow()
    client = FeedClient(rig.url, window.link.push, token="sv", on_audio=sound.push)
    box.append(client)
    rig.thread.submit(client.run())
    recording = sound_server.record()
    try:
        m = window.model.monitoring
        qtbot.waitUntil(lambda: window.view is not None and live_view(window) and m.via_app
                        and window.view.agents[ALICE].state == "on_call" and window.view.agents[CAROL].state == "on_call",
                        timeout=15_000)
        assert m.endpoint == ""  # no phone set: in the app needs none
        window.select_agent(ALICE)
        window.listen_selected()
        qtbot.waitUntil(lambda: len(rig.pbx.spies) == 1, timeout=5000)
        spy, _ = rig.pbx.spies[0]
        assert spy.get("Channel").startswith(f"AudioSocket/127.0.0.1:{rig.hub.port}/")
        assert spy.get("Data") == "Local/1001@agents-,qbEd"
        rig.do(rig.peer.dial(rig.hub.port, spy.get("Channel").split("/")[2]))
        rig.do(answer(rig.pbx, 1))
        qtbot.waitUntil(lambda: m.heard_here and m.state.value == "active" and sound.playing, timeout=5000)
        assert window.banner.meter.isVisible() and not window.banner.talk_button.isEnabled()

        # the call on the device: both voices (streams through ALSA's pulse plugin start ~1.5 s late)
        qtbot.waitUntil(lambda: tone_dbfs(recording.since(time.monotonic() - 0.6), CALLER_HZ) > HEARD_DB, timeout=8000)
        played = recording.since(time.monotonic() - 0.6)
        assert tone_dbfs(played, CALLER_HZ) > HEARD_DB and tone_dbfs(played, AGENT_HZ) > HEARD_DB

        with sound_server.voice():  # the supervisor talks into the microphone from now on
            # listen: Space does nothing, the microphone is not even open, nothing reaches the call
            t0 = time.monotonic()
            qtbot.keyPress(window, Qt.Key.Key_Space)
            qtbot.wait(600)
            qtbot.keyRelease(window, Qt.Key.Key_Space)
            assert not sound.mic_open and not m.mic_open
            assert tone_dbfs(rig.peer.since(t0), MIC_HZ) == SILENCE_DBFS
            talk_key = window.monitor.talk_key
            assert talk_key is not None and not talk_key.armed  # Space is watched only while one may talk

            # whisper: the microphone opens, but sends only while Space is held
            window.monitor.act(Action.WHISPER)
            qtbot.waitUntil(lambda: m.may_talk and sound.mic_open, timeout=5000)
            assert window.banner.talk_button.isEnabled() and talk_key.armed
            qtbot.wait(2000)  # the device's own start-up; the key is up: nothing may come through
            assert tone_dbfs(rig.peer.since(t0), MIC_HZ) == SILENCE_DBFS and sound.sent == 0
            assert window.isActiveWindow()
            qtbot.keyPress(window, Qt.Key.Key_Space)
            assert m.mic_open and "MIC ON" in window.banner.mic.text()
            qtbot.waitUntil(lambda: tone_dbfs(rig.peer.since(time.monotonic() - 0.3), MIC_HZ) > HEARD_DB,
                            timeout=5000)
            qtbot.keyRelease(window, Qt.Key.Key_Space)
            released = time.monotonic()
            assert not m.mic_open
            qtbot.wait(700)
            assert tone_dbfs(rig.peer.since(released + 0.2), MIC_HZ) == SILENCE_DBFS  # the key up: silence

            # back to listen: the microphone closes at once, before the PBX has even switched
            window.monitor.act(Action.LISTEN)
            assert not sound.mic_open
            qtbot.waitUntil(lambda: m.mode is not None and m.mode.value == "listen" and m.pending is None, timeout=5000)
            qtbot.keyPress(window, Qt.Key.Key_Space)
            assert not m.mic_open and not sound.mic_open
            qtbot.keyRelease(window, Qt.Key.Key_Space)
        digits = [a.get("Digit") for a in rig.pbx.listener.sent("PlayDTMF")]
        assert digits == ["5", "4"] and len(rig.pbx.spies) == 1  # switched in place, never re-rung

        # stop: the desk is silent and the socket hung up within half a second
        stopped = time.monotonic()
        window.monitor.act(Action.STOP)
        assert not sound.playing
        rig.do(asyncio.wait_for(rig.peer.hung_up.wait(), 0.5))
        qtbot.wait(800)
        after = recording.since(stopped + 0.3)
        assert after and tone_dbfs(after, CALLER_HZ) < -60 and tone_dbfs(after, AGENT_HZ) < -60
        qtbot.waitUntil(lambda: m.state.value == "ended", timeout=5000)
        assert rig.tv.client.audio_in == 0 and not rig.tv.client.audio_dropped  # the TV never got a frame
        audit = [(r.action, r.mode, r.via) for r in rig.bridge.desk.audit]
        assert audit[:3] == [("start", "listen", "app"), ("set_mode", "whisper", "app"), ("set_mode", "listen", "app")]
        assert rig.bridge.desk.mic_dropped.get("listening", 0) == 0  # the desk never sent one in listen
    finally:
        recording.stop()
        sound.close()
        rig.thread.loop.call_soon_threadsafe(client.stop)
        rig.close()


def live_view(window: DeskWindow) -> bool:
    v = window.view
    return v is not None and v.synced and (v.source is None or v.source.up)


def test_without_a_sound_device_the_desk_says_so_and_listens_on_the_phone(qtbot: Any) -> None:
    """No PortAudio device (here: a name that is not connected): a clear line, and the phone path."""
    sound = Sound(output="no such headset")
    why = sound.check()  # on this machine: no device at all, or none by that name
    assert why in ("no audio output device", "the audio output 'no such headset' is not connected"), why
    window = make_window(load_profile({"board": {"endpoint": "PJSIP/900"}}), "desk", FeedLink(lambda *a: None,
                                                                                              sound=sound))
    qtbot.addWidget(window)
    m = window.model.monitoring
    m.set_offer(("listen", "whisper", "barge"), "", audio=True)
    assert not m.via_app and m.sound_error == why
    assert "no sound here" in window.monitor.hint("a1", True)  # type: ignore[attr-defined]
    name, args, _ = m.request(Action.LISTEN, "a1")
    assert name == "monitor.start" and "audio" not in args and args["supervisor"] == {"endpoint": "PJSIP/900"}


def test_the_listening_dialog_keeps_the_supervisors_choice(qtbot: Any, tmp_path: Any) -> None:
    """☰ Board → Listening…: on the phone or in the app, headset and microphone, kept in the desk's settings."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialogButtonBox

    from wallboard.ui.listening import AudioDialog
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    sound = Sound()
    sound.check()
    window = make_window(load_profile({"board": {"endpoint": "PJSIP/900"}}), "desk",
                         FeedLink(lambda *a: None, sound=sound), settings=settings)
    qtbot.addWidget(window)
    m = window.model.monitoring
    assert m.in_app
    assert any(a.text() == "Listening…" for a in window.menu_button.menu().actions())  # type: ignore[attr-defined]
    chosen: list[bool] = []
    dialog = AudioDialog(sound, settings, m.in_app, chosen.append, window)
    qtbot.addWidget(dialog)
    dialog.where.setCurrentIndex(dialog.where.findData("phone"))
    ok = dialog.findChild(QDialogButtonBox)
    assert ok is not None
    ok.button(QDialogButtonBox.StandardButton.Ok).click()
    assert chosen == [False] and settings.value("audio/listen_in") == "phone"
    assert settings.value("audio/output") == "" and settings.value("audio/input") == ""  # the system's default


def test_a_wall_tv_never_plays_audio(qtbot: Any) -> None:
    link = FeedLink(None, sound=Sound())  # a TV's link is view-only: whatever it is handed, it carries no sound
    assert link.sound is None
    window = make_window(load_profile({"board": {"mode": "tv"}}), "tv", link)
    qtbot.addWidget(window)
    assert not window.model.monitoring.may_send


def test_a_headset_that_goes_mid_session_is_said_not_left_looking_as_if_it_played(qtbot: Any) -> None:
    """The sound server (or a USB headset) goes while the call plays: the desk notices at its next
    refresh, closes the stream, and the banner and the session log say there is no sound."""
    with pulse() as p:
        sound = Sound()
        assert sound.check() == ""
        sound.follow("m1", True, False, False)
        qtbot.waitUntil(lambda: sound.playing, timeout=2000)
        import subprocess
        subprocess.run(["pkill", "-f", f"socket={p.root}/native"], check=False)  # the sound server goes
        qtbot.waitUntil(lambda: (sound.follow("m1", True, False, False), not sound.playing)[1], timeout=5000)
        assert sound.error == "the audio output stopped (unplugged?)"
