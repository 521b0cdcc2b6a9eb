"""Record the captures in this folder from a live Asterisk (by hand; never part of the suite).

  python -m tests.asterisk.captures.scenarios NAME [--ami 127.0.0.1:5038] [--cli "asterisk -rx"]

Each scenario runs the real bridge (in this process, through :class:`~tests.asterisk.recorder.Recorder`,
so what it sent and what Asterisk answered is written as ``NAME.txt``, ``NAME-2.txt`` for a second
AMI session), a real board connected to it, and a second manager connection (``driver``) that
places calls, pauses agents and reloads, as a PBX's users would. At each checkpoint it prints the
board's floor beside Asterisk's own ``QueueStatus`` and fails if they disagree. The Asterisk
set-up it expects (queues, members, dialplan, manager users) is in README.md here; building
Asterisk is not described here, on purpose.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.asterisk.audiopeer import tone_frame
from tests.asterisk.recorder import Recorder
from tests.feed.conftest import Board, wait_until
from wallboard.asterisk.ami import AmiMessage, AmiParser, action
from wallboard.asterisk.audiosocket import AudioHub
from wallboard.asterisk.bridge import AmiSettings, AsteriskBridge
from wallboard.asterisk.floor import AsteriskFloor, QueueConfig
from wallboard.core.audio import AudioFrame, tone_dbfs
from wallboard.core.outbound import DEFAULT_RULES
from wallboard.feed.outbound import OutboundDesk
from wallboard.feed.server import FeedServer, Principal

HERE = Path(__file__).resolve().parent
CONFIG = {"sales": QueueConfig(name="営業", wrapup_s=5), "support": QueueConfig(name="サポート", wrapup_s=3)}
TEAMS = {"Alice": "Team A", "Bob": "Team A", "Carol": "Team B", "Frank": "Team B", "Dave": "Team B"}
ALICE, BOB, CAROL, FRANK = ("Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n",
                            "Local/1006@from-queue/n")
USERS = {"wallboard": "wbsecret", "wb-orig": "origsecret"}
#: The in-app scenario's audio hub, as Asterisk is told to dial it; its legs' UUIDs are counted, not random.
HUB = ("127.0.0.1", 18766)


def hub_keys() -> Callable[[], str]:
    n = iter(range(1, 1 << 30))
    return lambda: f"00000000-0000-4000-8000-{next(n):012d}"


class Driver:
    """The rig's own manager connection (read = all, write = all): the PBX's users."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.n = 0
        self.waiting: dict[str, asyncio.Future[AmiMessage]] = {}
        self.lists: dict[str, tuple[list[AmiMessage], asyncio.Future[list[AmiMessage]]]] = {}

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.parser = AmiParser()
        self.pump = asyncio.create_task(self._pump())
        await self.ask("Login", Username="driver", Secret="driversecret", Events="off")

    async def _pump(self) -> None:
        while data := await self.reader.read(65536):
            for m in self.parser.feed(data):
                if m.event and m.action_id in self.lists:
                    items, done = self.lists[m.action_id]
                    if m.event.lower().endswith("complete"):
                        del self.lists[m.action_id]
                        done.set_result(items)
                    else:
                        items.append(m)
                fut = self.waiting.pop(m.action_id, None) if m.response else None
                if fut is not None and not fut.done():
                    fut.set_result(m)

    def _send(self, name: str, **kw: str) -> str:
        self.n += 1
        aid = f"driver-{self.n}"
        self.writer.write(action(name, aid, **kw))
        return aid

    async def ask(self, name: str, **kw: str) -> AmiMessage:
        fut: asyncio.Future[AmiMessage] = asyncio.get_running_loop().create_future()
        self.waiting[self._send(name, **kw)] = fut  # (no answer can be read before the await below)
        return await asyncio.wait_for(fut, 10)

    async def queue_status(self) -> list[AmiMessage]:
        done: asyncio.Future[list[AmiMessage]] = asyncio.get_running_loop().create_future()
        self.lists[self._send("QueueStatus")] = ([], done)
        return await asyncio.wait_for(done, 10)

    async def call(self, number: str, queue: str, wait_s: int) -> None:
        """A caller: joins ``queue`` and stays ``wait_s`` seconds (patience + talk), with audio."""
        await self.ask("Originate", Channel=f"Local/{number}@callers/n", Application="Queue", Data=queue,
                       CallerID=f'"Caller {number}" <{number}>', Variable=f"WAIT={wait_s}", Async="true")

    async def talk(self, exten: str, seconds: int) -> None:
        await self.ask("Setvar", Variable=f"TALK_{exten}", Value=str(seconds))

    async def close(self) -> None:
        self.pump.cancel()
        self.writer.close()


class Rig:
    """One scenario's parts: the recorder, the bridge, a supervisor board and a wall TV."""

    def __init__(self, args: argparse.Namespace, name: str) -> None:
        self.args = args
        host, _, port = args.ami.rpartition(":")
        self.ami = (host, int(port))
        self.out = HERE / f"{name}.txt"
        self.recorder = Recorder(self.ami, self.out)
        self.driver = Driver(*self.ami)
        self.bridge: AsteriskBridge | None = None
        self.hub: AudioHub | None = None
        self.heard: list[tuple[float, bytes]] = []  # the supervisor board's audio frames, as they came
        self.checks = 0

    def cli(self, command: str) -> str:
        done = subprocess.run([*shlex.split(self.args.cli), command], capture_output=True, text=True, timeout=30)
        print(f"  $ {command}\n" + "".join(f"    {line}\n" for line in done.stdout.strip().splitlines()[:12]))
        return done.stdout

    async def idle(self) -> None:
        """Every call of an earlier scenario is over (so Asterisk's floor is this scenario's alone)."""
        for _ in range(120):
            if "0 active channels" in subprocess.run([*shlex.split(self.args.cli), "core show channels count"],
                                                     capture_output=True, text=True).stdout:
                return
            await asyncio.sleep(1)
        raise AssertionError("Asterisk still has calls up after 2 min")

    async def start_bridge(self, user: str = "wallboard", secret: str | None = None, **kw: Any) -> None:
        port = await self.recorder.start()
        now = lambda: int(time.time() * 1000)  # noqa: E731
        server = FeedServer(now, principals={"sv": Principal("sv-tanaka", "supervisor"), "tv": Principal("wall-tv")},
                            anonymous=None, heartbeat_s=1.0, name="asterisk rig")
        kw.setdefault("resync_s", 3600)
        if kw.pop("audio", False):
            self.hub = AudioHub(lambda sid, pcm: None, host=HUB[0], port=HUB[1], keys=hub_keys())
            kw["audio"] = self.hub
        floor = AsteriskFloor(now(), CONFIG, TEAMS)
        if kw.pop("outbound", False):
            server.outbound = OutboundDesk(DEFAULT_RULES, floor.day_start_of, now())
        self.bridge = AsteriskBridge(AmiSettings("127.0.0.1", port, user, secret or USERS[user]), server,
                                     floor, spy_prefix="rec", rand=lambda: 0.5, **kw)
        if self.hub is not None:
            await self.hub.start()
        board_port = await server.start()
        self.bridge_task = asyncio.create_task(self.bridge.run())

        def heard(frame: AudioFrame) -> None:
            self.heard.append((time.monotonic(), frame.pcm))
        self.sv = Board(f"ws://127.0.0.1:{board_port}", token="sv", on_audio=heard).start()
        self.tv = Board(f"ws://127.0.0.1:{board_port}", token="tv").start()

    async def synced(self, timeout: float = 20) -> None:
        await wait_until(lambda: bool(self.tv.views) and self.tv.last.synced and self.tv.last.source_up, timeout,
                         "the board synced and live")

    async def check(self, what: str) -> None:
        """The board's floor against Asterisk's own QueueStatus, now."""
        await asyncio.sleep(0.3)
        self.checks += 1
        status = await self.driver.queue_status()
        members: dict[str, tuple[str, str, str]] = {}
        waiting: dict[str, int] = {}
        for m in status:
            if m.event == "QueueMember":
                members.setdefault(m.get("Location"), (m.get("Status"), m.get("InCall"), m.get("Paused")))
            if m.event == "QueueEntry":
                waiting[m.get("Queue")] = waiting.get(m.get("Queue"), 0) + 1
        v = self.tv.last
        print(f"check {self.checks}: {what}")
        for iface, (dev, incall, paused) in sorted(members.items()):
            a = v.agents.get(iface)
            shown = f"{a.state:10} {a.reason:6} {(time.time() * 1000 - a.since) / 1000:5.1f}s" if a else "MISSING"
            print(f"  {iface:26} asterisk: device {dev} in_call {incall} paused {paused} | board: {shown}")
            assert a is not None, f"{iface} missing on the board"
            busy = dev in ("2", "3", "6", "7", "8")
            if a.state in ("on_call", "on_hold", "ringing"):
                assert busy, f"{iface}: board says {a.state}, Asterisk device {dev}"
            if a.state == "paused":
                assert paused == "1", f"{iface}: board paused, Asterisk not"
        assert set(v.agents) == set(members), f"agents: board {sorted(v.agents)} vs Asterisk {sorted(members)}"
        board_waiting = {}
        for c in v.calls.values():
            if c.state in ("queued", "ringing"):
                board_waiting[c.queue] = board_waiting.get(c.queue, 0) + 1
        print(f"  waiting: asterisk {waiting} | board {board_waiting}")
        assert board_waiting == waiting, "waiting callers differ"
        for q in v.queues.values():
            print(f"  {q.id}: offered {q.offered} answered {q.answered} abandoned {q.abandoned} handled {q.handled}"
                  f" partial {q.interval_partial}")
            assert q.answered + q.abandoned <= q.offered

    async def command(self, act: str, **args: Any) -> Any:
        res = await self.sv.client.command(f"r{time.monotonic_ns()}", act, args)
        print(f"  {act} {args}: {'ok ' + str(res.result) if res.ok else res.error}")
        return res

    def session(self, sid: str) -> Any:
        return self.sv.last.sessions.get(sid)

    def spies(self) -> int:
        out = subprocess.run([*shlex.split(self.args.cli), "core show channels concise"], capture_output=True,
                             text=True).stdout
        return sum(1 for line in out.splitlines() if "!ChanSpy!" in line)

    async def close(self) -> None:
        if self.bridge is not None:
            self.bridge.stop()
            await self.sv.close()
            await self.tv.close()
            await self.bridge.server.stop()
            self.bridge_task.cancel()
        if self.hub is not None:
            await self.hub.stop()
        await self.recorder.stop()
        await self.driver.close()
        print(f"recorded {self.recorder.sessions} AMI session(s) into {self.out.name}…")


async def spy_cycle(r: Rig, agent: str) -> None:
    """listen → whisper → barge → stop, and Asterisk must have no ChanSpy left."""
    sid = (await r.command("monitor.start", mode="listen", agent_id=agent,
                           supervisor={"endpoint": "Local/900@sv"})).result["session_id"]
    await wait_until(lambda: (s := r.session(sid)) is not None and s.state == "active", 10, "listening")
    for mode in ("whisper", "barge"):
        await r.command("monitor.set_mode", session_id=sid, mode=mode)
        await wait_until(lambda m=mode: r.session(sid).state == "active" and r.session(sid).mode == m, 10, mode)
        await asyncio.sleep(0.5)
    print(f"  ChanSpy legs up while barged: {r.spies()}")
    await r.command("monitor.stop", session_id=sid)
    await wait_until(lambda: r.session(sid).state == "ended", 10, "ended")
    await asyncio.sleep(0.3)
    left = r.spies()
    print(f"  ended: {r.session(sid).reason}; ChanSpy legs left in Asterisk: {left}")
    assert left == 0


async def basic(r: Rig) -> None:
    """Snapshot, answered calls, an abandon, a pause, listen → whisper → barge → stop, an unreachable phone."""
    for exten in ("1001", "1002", "1003", "1006"):
        await r.driver.talk(exten, 14)
    await r.start_bridge()
    await r.synced()
    await r.check("idle floor")
    await r.driver.call("0312345001", "sales", 40)
    await asyncio.sleep(2.5)
    await r.check("one call in sales")
    on_call = next(a.id for a in r.tv.last.agents.values() if a.state == "on_call")
    await spy_cycle(r, on_call)
    await r.driver.call("0312345002", "sales", 40)
    await asyncio.sleep(0.3)
    await r.driver.call("0312345003", "sales", 3)  # both agents busy: gives up after 3 s
    await asyncio.sleep(1.0)
    await r.check("sales full, a caller waiting")
    await asyncio.sleep(3.0)
    await r.check("the caller gave up")
    await r.driver.ask("QueuePause", Interface=CAROL, Queue="support", Paused="true", Reason="lunch")
    await r.check("Carol paused for lunch")
    sid = (await r.command("monitor.start", mode="listen", agent_id=on_call,
                           supervisor={"endpoint": "Local/800@sv"})).result
    if sid is not None:
        await wait_until(lambda: r.session(sid["session_id"]).state == "ended", 40, "unreachable")
        print(f"  unreachable phone: {r.session(sid['session_id']).reason}")
    await asyncio.sleep(14)
    await r.check("calls over, wrap-up done")
    await r.driver.ask("QueuePause", Interface=CAROL, Queue="support", Paused="false")
    await r.check("Carol back")


async def hint(r: Rig) -> None:
    """A FreePBX-style member (hint:1006@agents) takes a call and is listened to on its real device."""
    await r.driver.talk("1006", 20)
    await r.driver.ask("QueuePause", Interface=CAROL, Queue="support", Paused="true", Reason="meeting")
    await r.start_bridge()
    await r.synced()
    await r.driver.call("0312345010", "support", 40)
    await wait_until(lambda: r.tv.last.agents[FRANK].state == "on_call", 10, "Frank on a call")
    await r.check("Frank (hint member) on a call")
    await spy_cycle(r, FRANK)
    await r.driver.ask("QueuePause", Interface=CAROL, Queue="support", Paused="false")


async def midcall(r: Rig) -> None:
    """Calls are up before the bridge starts; then Asterisk restarts while a supervisor listens."""
    for exten in ("1001", "1002"):
        await r.driver.talk(exten, 60)
    placed = time.time()
    await r.driver.call("0312345020", "sales", 90)
    await r.driver.call("0312345021", "sales", 90)
    await asyncio.sleep(6)
    await r.start_bridge()
    await r.synced()
    await r.check("bridge started with two calls up")
    v = r.tv.last
    for iface in (ALICE, BOB):
        a = v.agents[iface]
        call = v.calls[a.call_id] if a.call_id else None
        print(f"  {a.name}: {a.state} since {a.since / 1000 - placed:.1f} s after the calls were placed; call "
              f"{call.state if call else None}, answered {(call.answered_at or 0) / 1000 - placed:.1f} s after")
        assert a.state == "on_call" and call is not None and call.state == "connected"
    assert all(q.answered <= q.offered for q in v.queues.values())
    sid = (await r.command("monitor.start", mode="listen", agent_id=ALICE,
                           supervisor={"endpoint": "Local/900@sv"})).result["session_id"]
    await wait_until(lambda: (s := r.session(sid)) is not None and s.state == "active", 10, "listening")
    print("  restarting Asterisk with two calls and a spy up")
    r.cli("core restart now")
    await wait_until(lambda: r.session(sid).state in ("stuck", "ended"), 10, "the session told")
    print(f"  session: {r.session(sid).state} {r.session(sid).reason}")
    await asyncio.sleep(3)
    await r.driver.connect()
    await r.synced(60)
    await wait_until(lambda: r.session(sid).state == "ended", 20, "the stuck leg found gone")
    print(f"  after the restart: {r.session(sid).state} ({r.session(sid).reason}); spies {r.spies()}")
    await r.check("after the restart")


async def listening_on_the_phone(r: Rig, talk_s: int, number: str, wait_s: int) -> tuple[str, str]:
    """Alice and Bob talk ``talk_s`` to whom they answer, the bridge up, a call in sales, and the supervisor's
    phone listening to whoever took it: (that agent, the session)."""
    await r.driver.talk("1001", talk_s)
    await r.driver.talk("1002", talk_s)
    await r.start_bridge()
    await r.synced()
    await r.driver.call(number, "sales", wait_s)
    await wait_until(lambda: any(a.state == "on_call" for a in r.tv.last.agents.values()), 10, "a call")
    agent = next(a.id for a in r.tv.last.agents.values() if a.state == "on_call")
    sid = (await r.command("monitor.start", mode="listen", agent_id=agent,
                           supervisor={"endpoint": "Local/900@sv"})).result["session_id"]
    await wait_until(lambda: (s := r.session(sid)) is not None and s.state == "active", 10, "listening")
    return agent, sid


async def blip(r: Rig) -> None:
    """The AMI connection drops (a network blip) while a supervisor barges in: the session is stuck
    until the bridge is back on AMI and has hung the leg up, then ended; no leg is left."""
    _, sid = await listening_on_the_phone(r, 40, "0312345040", 60)
    await r.command("monitor.set_mode", session_id=sid, mode="barge")
    await wait_until(lambda: r.session(sid).state == "active" and r.session(sid).mode == "barge", 10, "barged")
    print("  cutting the AMI connection")
    r.recorder.cut()
    await wait_until(lambda: r.session(sid).state == "stuck", 5, "stuck: the leg may still be up")
    print(f"  session: {r.session(sid).state} ({r.session(sid).reason}); ChanSpy legs up: {r.spies()}")
    await wait_until(lambda: r.session(sid).state == "ended", 15, "the leg hung up after the reconnect")
    await asyncio.sleep(0.3)
    print(f"  session: {r.session(sid).state} ({r.session(sid).reason}); ChanSpy legs up: {r.spies()}")
    assert r.spies() == 0
    await r.synced()
    await r.check("after the blip")


async def late(r: Rig) -> None:
    """The bridge logs in before app_queue is loaded (as right after a restart)."""
    r.cli("module unload app_queue.so")
    await r.start_bridge()
    await wait_until(lambda: bool(r.tv.views) and r.tv.last.source is not None
                     and r.tv.last.source.state == "syncing" and r.tv.last.source.reason == "not_loaded", 10, "refused")
    print(f"  board: {r.tv.last.source}")
    await asyncio.sleep(4)
    r.cli("module load app_queue.so")
    await r.synced(30)
    await r.check("app_queue loaded late")


async def reload(r: Rig) -> None:
    """queues.conf changed and `queue reload all`: no event says so; the bridge's resync shows it."""
    conf = Path(r.args.queues_conf)
    original = conf.read_text()
    await r.start_bridge(resync_s=5)
    await r.synced()
    await r.check("before the reload")
    try:
        conf.write_text(original.replace("member => Local/1002@agents/n,0,Bob,Local/1002@agents\n", "").replace(
            "member => Local/1003@agents/n,0,Carol,Local/1003@agents\n",
            "member => Local/1003@agents/n,0,Carol,Local/1003@agents\nmember => Local/1004@agents/n,0,Dave,"
            "Local/1004@agents\n"))
        r.cli("queue reload all")
        await wait_until(lambda: BOB not in r.tv.last.agents and "Local/1004@agents/n" in r.tv.last.agents, 12,
                         "Bob gone, Dave there")
        await r.check("Bob removed, Dave added")
    finally:
        conf.write_text(original)
        r.cli("queue reload all")
    await wait_until(lambda: BOB in r.tv.last.agents and "Local/1004@agents/n" not in r.tv.last.agents, 12, "back")
    await r.check("config restored")


async def norights(r: Rig) -> None:
    """A manager user with write = originate only: the bridge offers no monitoring, and says why."""
    await r.driver.talk("1001", 20)
    await r.start_bridge(user="wb-orig")
    await r.synced()
    await wait_until(lambda: "Hangup" in r.sv.client.caps.monitor_off, 10, "caps without monitoring, and why")
    print(f"  supervisor caps: {r.sv.client.caps}")
    assert r.sv.client.caps.monitor == ()
    await r.driver.call("0312345030", "sales", 20)
    await asyncio.sleep(2.5)
    res = await r.command("monitor.start", mode="listen", agent_id=next(
        a.id for a in r.tv.last.agents.values() if a.state == "on_call"), supervisor={"endpoint": "Local/900@sv"})
    assert not res.ok and res.error.code == "not_supported"
    await r.check("no monitoring, floor fine")


async def refused(r: Rig) -> None:
    """A wrong AMI secret: the boards say the PBX refused the login."""
    await r.start_bridge(secret="wrong-secret")
    await wait_until(lambda: bool(r.tv.views) and r.tv.last.source is not None
                     and r.tv.last.source.state == "refused", 10, "refused on the board")
    print(f"  board: {r.tv.last.source}")


async def inapp(r: Rig) -> None:
    """In-app listening: the spy leg is an AudioSocket to the bridge's hub; the call's tones reach the
    board; whisper, barge and back to listen switch in place (PlayDTMF), never re-ringing; stop leaves
    no leg. The board talks (a 1700 Hz tone) in whisper and barge only."""
    await r.driver.talk("1001", 40)
    await r.driver.talk("1002", 40)
    await r.start_bridge(audio=True)
    await r.synced()
    await wait_until(lambda: r.sv.client.caps.audio, 10, "in-app audio offered")
    await r.driver.call("0312345050", "sales", 60)
    await wait_until(lambda: any(a.state == "on_call" for a in r.tv.last.agents.values()), 10, "a call")
    agent = next(a.id for a in r.tv.last.agents.values() if a.state == "on_call")
    asked = time.monotonic()
    sid = (await r.command("monitor.start", mode="listen", agent_id=agent, audio=True)).result["session_id"]
    await wait_until(lambda: (s := r.session(sid)) is not None and s.state == "active", 10, "listening")
    await wait_until(lambda: bool(r.heard), 5, "the call's audio on the board")
    print(f"  first audio {1000 * (r.heard[0][0] - asked):.0f} ms after monitor.start")
    tone = iter(range(1 << 30))

    async def talk(seconds: float) -> int:
        sent, t0 = 0, time.monotonic()
        while time.monotonic() - t0 < seconds:
            sent += r.sv.client.send_audio(sid, tone_frame(next(tone), 1700))
            await asyncio.sleep(0.02)
        return sent
    for mode in ("whisper", "barge", "listen"):
        await r.command("monitor.set_mode", session_id=sid, mode=mode)
        await wait_until(lambda m=mode: r.session(sid).state == "active" and r.session(sid).mode == m, 10, mode)
        t0 = time.monotonic()
        sent = await talk(1.5)
        got = b"".join(p for t, p in r.heard if t >= t0)
        print(f"  {mode}: board sent {sent} mic frames; heard {len(got) // 320} frames, 440 Hz at "
              f"{tone_dbfs(got, 440):.1f} dBFS; legs {r.spies()}")
        assert got and tone_dbfs(got, 440) > -40 and r.spies() == 1
        assert (sent > 0) == (mode != "listen")
    await r.command("monitor.stop", session_id=sid)
    stopped = time.monotonic()
    await wait_until(lambda: r.session(sid).state == "ended", 10, "ended")
    await asyncio.sleep(0.3)
    late = [t for t, _ in r.heard if t > stopped]
    print(f"  stop: ended {r.session(sid).reason}; frames after stop {len(late)}; legs left {r.spies()}")
    assert r.spies() == 0 and len(late) <= 2
    await r.check("after in-app listening")


async def keypad(r: Rig) -> None:
    """A phone session switched on the supervisor's keypad (emulated: the driver's PlayDTMF on the phone's
    leg, as a keypad's digit arrives), beside one the bridge made: the board follows both. Needs the
    bridge's manager user with ``read = agent,call,dtmf``."""
    _, sid = await listening_on_the_phone(r, 30, "0312345060", 40)
    await r.command("monitor.set_mode", session_id=sid, mode="whisper")
    await wait_until(lambda: r.session(sid).mode == "whisper", 5, "whisper")
    await asyncio.sleep(1.0)
    await r.driver.ask("PlayDTMF", Channel="wbspy-rec-1", Digit="6", Receive="true")
    await wait_until(lambda: r.session(sid).mode == "barge", 5, "the board follows the keypad")
    print(f"  after the keypad's 6: {r.session(sid).mode} ({r.session(sid).reason}); legs {r.spies()}")
    await r.command("monitor.stop", session_id=sid)
    await wait_until(lambda: r.session(sid).state == "ended", 10, "ended")
    await asyncio.sleep(0.3)
    assert r.spies() == 0
    await r.check("after the keypad")


async def userevents(r: Rig) -> None:
    """Outbound results and help requests raised by the dialplan (``UserEvent``; the bridge's manager user
    with ``read = agent,call,dtmf,user``): a sale for Alice by name (``Local/outcome@wbevents``), a help flag
    raised from Alice's own channel (no Agent header: the channel says whose it is) and cleared by name, and an
    outcome of a kind the centre does not have (refused, counted)."""
    await r.start_bridge(outbound=True)
    await r.synced()
    await r.driver.ask("Originate", Channel="Local/outcome@wbevents", Application="Wait", Data="2", Async="true")
    await wait_until(lambda: r.tv.last.outbound is not None and ALICE in r.tv.last.outbound.tallies, 10, "Alice's sale")
    print(f"  Alice's tally: {r.tv.last.outbound.tallies[ALICE]}")
    await r.driver.ask("Originate", Channel="Local/1001@agents", Application="UserEvent",
                       Data="WallboardHelp,State: raised", Async="true")
    await wait_until(lambda: r.tv.last.agents[ALICE].help, 10, "Alice's help flag raised")
    await r.driver.ask("Originate", Channel="Local/help@wbevents", Application="Wait", Data="3", Async="true")
    await wait_until(lambda: not r.tv.last.agents[ALICE].help, 10, "Alice's help flag cleared")
    await r.driver.ask("Originate", Channel="Local/2000@wbevents", Application="UserEvent",
                       Data="WallboardOutcome,Agent: Alice,Kind: jackpot", Async="true")
    await asyncio.sleep(1.5)
    print(f"  refused outcomes: {dict(r.bridge.outcomes_refused)}")
    assert r.bridge.outcomes_refused["kind 'jackpot' is not one of this centre's (sale, appointment, prospect, "
                                     "callback, refused, absent, no_answer, machine, dead)"] == 1
    await r.check("after the user events")


SCENARIOS: dict[str, Callable[[Rig], Awaitable[None]]] = {
    "userevents": userevents,
    "keypad": keypad, "inapp": inapp, "basic": basic, "hint": hint, "midcall": midcall, "blip": blip, "late": late,
    "reload": reload, "norights": norights, "refused": refused}


async def main(args: argparse.Namespace) -> int:
    r = Rig(args, args.out or f"{args.scenario}")
    await r.driver.connect()
    await r.idle()
    try:
        await SCENARIOS[args.scenario](r)
        print(f"{args.scenario}: all {r.checks} checkpoints agree with Asterisk")
        return 0
    finally:
        await r.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--ami", default="127.0.0.1:5038")
    p.add_argument("--cli", default="asterisk -rx", help="how to run an Asterisk CLI command")
    p.add_argument("--queues-conf", default="/etc/asterisk/queues.conf", help="for the reload scenario")
    p.add_argument("--out", help="capture name (default: the scenario's)")
    sys.exit(asyncio.run(main(p.parse_args())))
