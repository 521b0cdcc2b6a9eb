"""The board's feed client against real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from websockets.asyncio.server import ServerConnection

from tests.feed.conftest import Board, ScriptedServer, SimulatedFloor, same_floor, wait_until
from tests.helpers import T0, agent
from wallboard.core.protocol import AgentUpdate, Heartbeat, Snapshot, Welcome, encode
from wallboard.feed.backoff import reconnect_delay

Runner = Callable[[Callable[[], Awaitable[None]]], None]


def test_board_follows_the_call_centre_exactly(run: Runner) -> None:
    async def go() -> None:
        floor = SimulatedFloor(agents=60, heartbeat_s=0.5)
        port = await floor.server.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await wait_until(lambda: bool(board.views) and board.last.synced, what="first snapshot")
        assert same_floor(board.last, floor.server)
        sent = 0
        for _ in range(40):  # 40 bursts of 30 simulated seconds
            sent += floor.step(30)
            await asyncio.sleep(0.005)
        assert sent > 500
        await wait_until(lambda: board.client.state.seq == floor.server.seq, what="catching up")
        await asyncio.sleep(0.05)  # the last coalesced view
        view = board.last
        assert same_floor(view, floor.server)
        assert view.link.state == "live" and view.counters["gaps"] == 0 and view.counters["rejected"] == {}
        assert view.counters["applied"] == sent
        # coalesced: far fewer views than events
        assert len(board.views) < sent / 3
        await board.close()
        await floor.server.stop()
    run(go)


def test_a_wrong_token_is_refused_and_shown(run: Runner) -> None:
    async def go() -> None:
        floor = SimulatedFloor(token="right-token")
        port = await floor.server.start()
        bad = Board(f"ws://127.0.0.1:{port}", token="XYZZY-bad-7731").start()
        none = Board(f"ws://127.0.0.1:{port}").start()
        good = Board(f"ws://127.0.0.1:{port}", token="right-token").start()
        await wait_until(lambda: bool(bad.views) and bad.last.link.state == "refused", what="refusal")
        await wait_until(lambda: bool(none.views) and none.last.link.state == "refused", what="refusal")
        await wait_until(lambda: bool(good.views) and good.last.synced, what="good board synced")
        assert bad.last.link.reason == "unauthorized" and not bad.last.agents
        for secret in ("right-token", "XYZZY-bad-7731"):
            assert secret not in repr(bad.last) and secret not in repr(good.last)
        assert floor.server.refused == 2 and len(floor.server.peers) == 1
        for b in (bad, none, good):
            await b.close()
        await floor.server.stop()
    run(go)


def hello_frames(stream: str = "s1", seq: int = 5, hb: float = 1.0) -> list[bytes]:
    return [
        encode(Welcome(version=1, stream=stream, ts=T0, heartbeat_s=hb)),
        encode(Snapshot(stream=stream, seq=seq, ts=T0, agents=(agent("a1"), agent("a2")))),
    ]


def delta(seq: int, state: str, aid: str = "a1", stream: str = "s1") -> bytes:
    return encode(AgentUpdate(stream=stream, seq=seq, ts=T0 + seq, agent=agent(aid, state)))


@pytest.mark.parametrize("fault", ["gap", "reorder", "new_stream", "heartbeat_ahead"])
def test_every_kind_of_lost_step_resyncs(run: Runner, fault: str) -> None:
    async def go() -> None:
        srv = ScriptedServer()

        async def fresh_snapshot(ws: ServerConnection) -> None:
            await ws.send(encode(Snapshot(stream="s9", seq=50, ts=T0, agents=(agent("a1", "wrapup"),))), text=True)

        srv.on_resync = fresh_snapshot
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await srv.connected.wait()
        await srv.send(*hello_frames(), delta(6, "on_call"))
        await wait_until(lambda: board.client.state.seq == 6, what="delta 6")
        bad = {
            "gap": [delta(8, "paused")],
            "reorder": [delta(8, "paused"), delta(7, "ringing")],
            "new_stream": [delta(7, "paused", stream="s2")],
            "heartbeat_ahead": [encode(Heartbeat(stream="s1", seq=9, ts=T0))],
        }[fault]
        await srv.send(*bad)
        await wait_until(lambda: any(m["type"] == "resync" for m in srv.received), what="resync request")
        await wait_until(lambda: board.client.state.seq == 50, what="fresh snapshot")
        await asyncio.sleep(0.05)
        v = board.last
        assert v.synced and dict(v.agents) == {"a1": agent("a1", "wrapup")}
        assert v.counters["gaps"] >= 1 and v.counters["snapshots"] == 2
        await board.close()
        await srv.stop()
    run(go)


def test_duplicates_are_dropped_without_a_resync(run: Runner) -> None:
    async def go() -> None:
        srv = ScriptedServer()
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await srv.connected.wait()
        await srv.send(*hello_frames(), delta(6, "on_call"), delta(6, "paused"), delta(7, "wrapup"))
        await wait_until(lambda: board.client.state.seq == 7)
        await asyncio.sleep(0.05)
        assert board.last.agents["a1"].state == "wrapup" and board.last.counters["duplicates"] == 1
        assert not any(m["type"] == "resync" for m in srv.received)
        await board.close()
        await srv.stop()
    run(go)


def test_bad_frames_are_counted_dropped_and_the_board_goes_on(run: Runner) -> None:
    async def go() -> None:
        srv = ScriptedServer()
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await srv.connected.wait()
        await srv.send(*hello_frames())
        garbage = ["{", "[]", '{"type": "agent.update", "stream": "s1", "seq": 6}', '{"type": "weather"}',
                   '{"type": "weather", "at": 3}', "null", '{"type": 3}',
                   '{"type": "agent.update", "stream": "s1", "seq": 6, "ts": 1, "agent": {"id": "a1"}}']
        await srv.send(*garbage, delta(7, "on_call"))
        await wait_until(lambda: board.client.state.seq == 7, what="the good delta after garbage")
        await asyncio.sleep(0.05)
        v = board.last
        assert v.agents["a1"].state == "on_call" and v.link.state == "live" and v.synced
        assert v.counters["rejected"] == {"not_json": 1, "bad_shape": 4, "unknown_type": 2}
        assert v.counters["unknown_types"] == {"weather": 2}
        assert v.counters["bad_records"] == {"agent": 1} and not srv.received[1:]  # seq 6 kept its step: no resync
        await board.close()
        await srv.stop()
    run(go)


def test_reconnects_within_two_seconds_of_the_server_returning(run: Runner) -> None:
    async def go() -> None:
        floor = SimulatedFloor(heartbeat_s=0.5)
        port = await floor.server.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await wait_until(lambda: bool(board.views) and board.last.synced)
        for round_ in range(3):
            await floor.server.stop()
            await wait_until(lambda: board.last.link.state == "retrying", what="retrying shown")
            await asyncio.sleep(2.5)  # down long enough for the backoff to reach its cap
            floor = SimulatedFloor(seed=round_ + 2, heartbeat_s=0.5)  # a new process: new stream
            floor.step(60)
            await floor.server.start(port=port)
            took = await wait_until(lambda f=floor: board.last.synced and board.last.link.state == "live"
                                    and board.client.state.stream == f.server.stream, timeout=4, what="reconnect")
            assert took <= 2.0 + 0.3
            await asyncio.sleep(0.05)
            assert same_floor(board.last, floor.server)
        await board.close()
        await floor.server.stop()
    run(go)


def test_a_silent_feed_is_dropped_and_retried(run: Runner) -> None:
    async def go() -> None:
        srv = ScriptedServer()
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}", quiet_factor=3.0).start()
        await srv.connected.wait()
        await srv.send(*hello_frames(hb=0.2))  # then nothing: no deltas, no heartbeats
        await wait_until(lambda: bool(board.views) and board.last.synced)
        await wait_until(lambda: board.last.link.state == "retrying", timeout=3, what="silence detected")
        assert board.last.link.reason == "silent"
        await board.close()
        await srv.stop()
    run(go)


def test_commands_get_a_typed_answer(run: Runner) -> None:
    async def go() -> None:
        floor = SimulatedFloor()
        port = await floor.server.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await wait_until(lambda: bool(board.views) and board.last.synced)
        res = await board.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": "a01"})
        assert not res.ok and res.error is not None and res.error.code == "not_supported"
        await board.close()
        await floor.server.stop()
    run(go)


@pytest.mark.parametrize(("attempt", "rand", "expected"), [
    (0, 0.0, 0.125), (0, 1.0, 0.25), (1, 0.0, 0.25), (2, 1.0, 1.0), (3, 1.0, 2.0), (3, 0.0, 1.0),
    (10, 1.0, 2.0), (10, 0.0, 1.0), (500, 0.5, 1.5),
])
def test_reconnect_delay_table(attempt: int, rand: float, expected: float) -> None:
    assert reconnect_delay(attempt, lambda: rand) == pytest.approx(expected)


def test_a_running_client_under_twenty_thousand_hostile_frames(run: Runner) -> None:
    from tests.fuzzing import mutants, valid_frames
    from wallboard.core.errors import FrameRejected
    from wallboard.core.protocol import decode_server
    from wallboard.core.reducer import FloorState

    snap, frames = valid_frames(2000, seed=5)
    hostile: list[bytes] = []
    for raw in mutants(frames, 40_000, seed=11):
        try:
            decode_server(raw)
        except FrameRejected:
            hostile.append(raw)  # only frames a correct client must reject (a valid mutant may be applied)
        if len(hostile) == 20_000:
            break
    reference = FloorState()
    for raw in (snap, *frames):
        reference.apply(decode_server(raw))

    async def go() -> None:
        srv = ScriptedServer()
        port = await srv.start()
        board = Board(f"ws://127.0.0.1:{port}").start()
        await srv.connected.wait()
        await srv.send(encode(Welcome(version=1, stream="fz", ts=T0, heartbeat_s=5)), snap)
        for i, raw in enumerate(frames):
            await srv.send(*hostile[i * 10:(i + 1) * 10], raw)
        await wait_until(lambda: board.client.state.seq == 2000, timeout=30, what="all valid deltas")
        await asyncio.sleep(0.05)
        v = board.last
        assert v.link.state == "live" and v.synced and v.counters["gaps"] == 0
        assert sum(v.counters["rejected"].values()) == 20_000
        assert (dict(v.agents), dict(v.queues), dict(v.calls)) == (reference.agents, reference.queues, reference.calls)
        await board.close()
        await srv.stop()
    run(go)


def test_a_board_stopped_while_it_connects_stops(run: Runner) -> None:
    """stop() closes the connection it finds; one still being opened is not there yet, so the session must
    see that it was stopped once it has it (a CI run hung five seconds in a board's close so)."""
    async def go() -> None:
        floor = SimulatedFloor(agents=10, heartbeat_s=0.2)
        port = await floor.server.start()
        for turns in range(6):  # stopped at each point of opening: before the TCP connect, in the handshake…
            board = Board(f"ws://127.0.0.1:{port}").start()
            for _ in range(turns):
                await asyncio.sleep(0)
            board.client.stop()
            assert board.task is not None
            await asyncio.wait_for(board.task, 2)
            assert board.client.link.state == "stopped"
        await floor.server.stop()
    run(go)
