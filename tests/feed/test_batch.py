"""``batch`` frames: a run of deltas in one frame, only to boards that ask (``hello.accept``); each delta is
read and applied as if it had come alone, so a bad one costs only itself and a gap is still a gap."""

from __future__ import annotations

import asyncio
import json
import time

import msgspec
from websockets.asyncio.client import connect

from tests.feed.conftest import Board, SimulatedFloor, same_floor, wait_until
from tests.feed.test_trust import Runner, close, scripted, snapshot, welcome
from tests.helpers import agent
from wallboard.core.protocol import AgentUpdate, batch_frames, encode


def now_ms() -> int:
    return int(time.time() * 1000)


def update(seq: int, aid: str = "a1", state: str = "on_call") -> bytes:
    return encode(AgentUpdate(stream="s1", seq=seq, ts=now_ms(), agent=agent(aid, state, since=now_ms())))


def test_boards_that_ask_get_batches_and_the_others_single_deltas_both_in_step(run: Runner) -> None:
    async def go() -> None:
        floor = SimulatedFloor(agents=60, heartbeat_s=0.5)
        port = await floor.server.start()
        new = Board(f"ws://127.0.0.1:{port}").start()
        old = await connect(f"ws://127.0.0.1:{port}", subprotocols=["callstate.v1"])  # type: ignore[list-item]
        await old.send(json.dumps({"type": "hello", "versions": [1], "client": "a v1 board"}))
        await wait_until(lambda: bool(new.views) and new.last.synced and len(floor.server.peers) == 2)
        assert sorted(p.batch for p in floor.server.peers.values()) == [False, True]
        sent = sum(floor.step(20) for _ in range(30))
        await wait_until(lambda: same_floor(new.last, floor.server), timeout=5, what="the batch board in step")
        c = new.last.counters
        assert c["gaps"] == 0 and c["applied"] >= sent > 60 and not c["rejected"], c
        types, seqs = [], []
        while len(seqs) < sent:
            msg = json.loads(await asyncio.wait_for(old.recv(), 5))
            types.append(msg["type"])
            if msg["type"] not in ("welcome", "snapshot", "heartbeat"):
                seqs.append(msg["seq"])
        assert "batch" not in types and seqs == list(range(seqs[0], seqs[0] + sent))  # one delta a frame, in order
        await old.close()
        await new.close()
        await floor.server.stop()
    run(go)


def test_a_bad_delta_in_a_batch_costs_only_itself(run: Runner) -> None:
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.5), snapshot(seq=5))
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            bad = json.loads(update(7, "a2"))
            bad["agent"]["since"] = "yesterday"  # a record that will not decode: a2 shown as unreadable
            heartbeat = encode(msgspec.json.decode(b'{"type":"heartbeat","stream":"s1","seq":7,"ts":1}',
                                                   type=dict))  # not a delta: no place in a batch
            frame = batch_frames([update(6, "a1"), json.dumps(bad).encode(), update(8, "a3")])[0]
            frame = frame[:-2] + b"," + heartbeat + b"]}"
            await srv.send(frame)
            await wait_until(lambda: board.last.counters["applied"] == 3, what="the good deltas and the damaged one")
            v = board.last
            assert v.synced and v.agents["a1"].state == "on_call" and v.agents["a3"].state == "on_call"
            assert v.agents["a2"].state == "unknown" and ("agent", "a2") in v.unreadable
            assert v.counters["rejected"] == {"not_a_delta": 1} and v.counters["gaps"] == 0
        finally:
            await close(srv, board)
    run(go)


def test_a_gap_inside_a_batch_is_a_gap(run: Runner) -> None:
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.5), snapshot(seq=5))
        try:
            await wait_until(lambda: bool(board.views) and board.last.synced, what="synced")
            await srv.send(batch_frames([update(6), update(8)])[0])
            await wait_until(lambda: any(m["type"] == "resync" for m in srv.received), what="a resync asked")
            assert not board.last.synced and board.last.counters["gaps"] == 1
            assert board.last.agents["a1"].state == "on_call"  # seq 6 applied before the gap was seen
        finally:
            await close(srv, board)
    run(go)


def test_a_board_says_it_takes_batches(run: Runner) -> None:
    async def go() -> None:
        srv, board = await scripted(welcome(hb=0.5), snapshot())
        try:
            await wait_until(lambda: bool(srv.received), what="hello")
            assert srv.received[0]["type"] == "hello" and "batch" in srv.received[0]["accept"]
        finally:
            await close(srv, board)
    run(go)
