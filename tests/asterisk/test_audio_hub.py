"""The audio hub on a real socket: it takes only the legs it originated, paces what it sends back,
and hangs a leg up at once; and the bridge's audio flags, as an installer types them."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import pytest

from tests.asterisk.audiopeer import AudioPeer
from tests.feed.conftest import wait_until
from wallboard import bridge as cli
from wallboard.asterisk.audiosocket import SLIN, AudioHub, message

Runner = Callable[[Callable[[], Awaitable[None]]], None]


def test_only_a_uuid_it_originated_is_let_in_and_only_once(run: Runner) -> None:
    async def go() -> None:
        got: list[tuple[str, bytes]] = []
        hub = AudioHub(lambda sid, pcm: got.append((sid, pcm)), hello_timeout_s=0.3)
        await hub.start()
        key = hub.expect("m1")
        assert hub.dial_string(key) == f"AudioSocket/127.0.0.1:{hub.port}/{key}/c(slin)"
        peers = [AudioPeer() for _ in range(5)]
        try:
            await peers[0].dial(hub.port, str(uuid.uuid4()))  # never originated
            await peers[1].dial(hub.port, key)  # the leg
            await wait_until(lambda: hub.connected("m1"), 2, "the leg connected")
            await peers[2].dial(hub.port, key)  # the same UUID again: someone else
            r, w = await asyncio.open_connection("127.0.0.1", hub.port)  # audio before any UUID
            w.write(message(SLIN, bytes(320)))
            r2, w2 = await asyncio.open_connection("127.0.0.1", hub.port)  # nothing at all
            await wait_until(lambda: sum(hub.refused.values()) == 4, 2, "four refusals")
            assert hub.refused == {"unknown_uuid": 2, "no_uuid": 2}
            for p in (peers[0], peers[2]):
                await asyncio.wait_for(p.hung_up.wait(), 1)
                assert not p.received
            assert await asyncio.wait_for(r.read(), 1) == b"" and await asyncio.wait_for(r2.read(), 1) == b""
            w.close()
            w2.close()
            await wait_until(lambda: len(got) >= 10, 2, "the leg's audio relayed")
            assert {sid for sid, _ in got} == {"m1"}
        finally:
            for p in peers:
                if hasattr(p, "writer"):
                    await p.close()
            await hub.stop()
    run(go)


def test_what_goes_back_is_paced_silence_or_voice_never_a_backlog_and_forget_hangs_up(run: Runner) -> None:
    async def go() -> None:
        hub = AudioHub(lambda sid, pcm: None)
        await hub.start()
        peer = AudioPeer()
        try:
            await peer.dial(hub.port, hub.expect("m1"), send=False)
            await asyncio.sleep(0.5)
            n = len(peer.received)
            assert 20 <= n <= 30 and all(p == bytes(320) for _, p in peer.received)  # silence, 50 a second
            voice = b"\x01\x02" * 160
            for _ in range(20):  # a board that sent a burst: only the newest 60 ms are kept
                hub.send("m1", voice)
            await asyncio.sleep(0.3)
            assert sum(1 for _, p in peer.received if p == voice) == 3
            t0 = time.monotonic()
            hub.forget("m1")
            await asyncio.wait_for(peer.hung_up.wait(), 0.5)
            assert time.monotonic() - t0 < 0.1 and not hub.connected("m1") and not hub.send("m1", voice)
        finally:
            await peer.close()
            await hub.stop()
    run(go)


def _check(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("S", "secret")
    monkeypatch.setenv("SV", "sv-token")
    assert cli.main(["--ami-secret-env", "S", "--supervisor-token-env", "SV", "--check", *argv]) == 0
    return capsys.readouterr().out


def test_in_app_listening_is_on_beside_a_local_asterisk_and_off_for_a_remote_one(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert "in-app listening on 127.0.0.1:8766" in _check([], capsys, monkeypatch)
    assert "in-app listening off" in _check(["--ami-host", "pbx.example"], capsys, monkeypatch)
    assert "in-app listening on 10.0.0.5:9000" in _check(["--ami-host", "pbx.example", "--audio-listen",
                                                          "10.0.0.5:9000"], capsys, monkeypatch)
    assert "in-app listening off" in _check(["--no-audio"], capsys, monkeypatch)


@pytest.mark.parametrize(("argv", "words"), [
    (["--audio-listen", "8766"], "--audio-listen: expected HOST:PORT"),
    (["--audio-listen", "host:99999"], "--audio-listen: expected HOST:PORT"),
    (["--audio-advertise", "pbx"], "--audio-advertise: expected HOST:PORT"),
    (["--no-audio", "--audio-listen", "127.0.0.1:1"], "--no-audio and --audio-listen: choose one"),
])
def test_a_bad_audio_flag_is_one_line(argv: list[str], words: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S", "secret")
    with pytest.raises(SystemExit) as done:
        cli.main(["--ami-secret-env", "S", "--check", *argv])
    err = capsys.readouterr().err
    assert done.value.code == 2 and words in err and "Traceback" not in err


def test_a_taken_audio_port_is_one_line_that_says_what_to_do(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        monkeypatch.setenv("S", "secret")
        port = taken.getsockname()[1]
        assert cli.main(["--ami-secret-env", "S", "--audio-listen", f"127.0.0.1:{port}", "--port", "0"]) == 1
        err = capsys.readouterr().err
        assert f"in-app listening on 127.0.0.1:{port}" in err and "--no-audio" in err and "Traceback" not in err
    finally:
        taken.close()
