"""``wallboard-relay`` and the bridges' broker flags: a person's mistake is one line naming it; the relay runs as
a process and serves a board from a real broker; an unreachable broker is one line, not a traceback."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest

from tests.feed.conftest import Board, SimulatedFloor, same_floor, wait_until
from tests.feed.natsbroker import NatsServer, free_port
from wallboard import bridge, fsbridge, relay
from wallboard.feed.broker import Broker, SiteMirror, connect


def refuse(main: object, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)  # type: ignore[operator]
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("argv, words", [
    ([], "--nats URL: the broker to serve the sites from"),
    (["--nats", "nats://b:4222"], "--site NAME: the site(s) to serve"),
    (["--nats", "http://b:4222", "--site", "tokyo"], "--nats: expected nats://host:port"),
    (["--nats", "nats://b:4222", "--site", "東京"], "--site: site name '東京': 1–32 letters"),
    (["--nats", "nats://b:4222", "--site", "tokyo", "--nats-password-env", "PW"], "--nats-password-env needs --nats-user"),
    (["--nats", "nats://b:4222", "--site", "tokyo", "--nats-creds", "/nonexistent.creds"], "no such file"),
    (["--nats", "nats://b:4222", "--site", "tokyo", "--silent", "0"], "--silent: 1…600 seconds"),
    (["--nats", "nats://b:4222", "--site", "tokyo", "--relay-id", "a.b"], "--relay-id 'a.b'"),
    (["--nats", "nats://b:4222", "--site", "tokyo", "--nats-user", "relay", "--nats-password-env", "UNSET_PW"],
     "environment variable UNSET_PW is empty or unset"),
])
def test_a_relays_bad_flag_is_one_line_naming_it(argv: list[str], words: str, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSET_PW", raising=False)
    assert words in refuse(relay.main, argv, capsys)


def test_a_relays_check_says_what_would_run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW", "s3cret")
    assert relay.main(["--nats", "nats://b:4222", "--site", "tokyo", "--site", "osaka", "--relay-id", "hq-1",
                       "--nats-user", "relay", "--nats-password-env", "PW", "--check"]) == 0
    out = capsys.readouterr().out
    assert "ok: sites tokyo, osaka from nats://b:4222 as relay hq-1" in out and "s3cret" not in out


def test_the_bridges_take_the_broker_too(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW", "s3cret")
    assert bridge.main(["--ami-secret-env", "PW", "--no-history", "--no-audio", "--nats", "nats://b:4222",
                        "--site", "tokyo", "--check"]) == 0
    assert "publishing site tokyo to nats://b:4222" in capsys.readouterr().out
    assert fsbridge.main(["--esl-password-env", "PW", "--no-history", "--check"]) == 0
    assert "; no broker" in capsys.readouterr().out
    assert "--site NAME: the site this bridge publishes" in refuse(
        fsbridge.main, ["--esl-password-env", "PW", "--no-history", "--nats", "nats://b:4222", "--check"], capsys)
    assert "need --nats URL" in refuse(bridge.main, ["--ami-secret-env", "PW", "--site", "tokyo", "--check"], capsys)


def test_an_unreachable_broker_is_one_line(tmp_path: object) -> None:
    port = free_port()  # nothing listens there
    p = subprocess.run([sys.executable, "-m", "wallboard.relay", "--nats", f"nats://127.0.0.1:{port}", "--site", "t",
                        "--port", "0"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith(f"wallboard-relay: the broker nats://127.0.0.1:{port}:") and "Traceback" not in p.stderr


def test_wallboard_relay_serves_a_board_from_a_bridges_site(run: object, nats_server: NatsServer) -> None:
    async def body() -> None:
        floor = SimulatedFloor(agents=15, t=int(time.time() * 1000), coalesce_s=0.01)
        nc = await connect(Broker(url=nats_server.url), "bridge")
        mirror = SiteMirror(floor.server, nc, "tokyo", beat_s=0.5)
        await mirror.start()
        port = free_port()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "wallboard.relay", "--nats", nats_server.url, "--site", "tokyo", "--port", str(port),
            "--heartbeat", "0.5", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line.startswith(f"serving feed protocol v1 on ws://127.0.0.1:{port} from sites tokyo"), line
        board = Board(f"ws://127.0.0.1:{port}").start()
        try:
            for _ in range(20):
                floor.step(2.0)
                await asyncio.sleep(0.02)
            await wait_until(lambda: bool(board.views) and board.last.source_up
                             and same_floor(board.last, floor.server), 15, "the site's floor through the relay")
        finally:
            await board.close()
            proc.terminate()
            await proc.wait()
            await mirror.stop()
            await nc.close()
    run(body)  # type: ignore[operator]
