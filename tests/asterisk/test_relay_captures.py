"""A live Asterisk's recorded session (captures/midcall: calls up before the bridge started, then
``core restart now``) replayed through the bridge, which keeps its site on a real NATS broker; a board on a
relay must see what a board on the bridge sees: the same floor, and the PBX's restart as not live."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.asterisk.harness import close, live
from tests.asterisk.test_live_captures import replay
from tests.feed.conftest import Board, same_floor, wait_until
from tests.feed.natsbroker import NatsServer
from tests.feed.test_relay import RelayProcess
from wallboard.feed.broker import Broker, SiteMirror, connect

Runner = Callable[[Callable[[], Awaitable[None]]], None]


def test_a_relay_board_sees_the_bridges_floor_through_an_asterisk_restart(run: Runner, nats_server: NatsServer) -> None:
    async def go() -> None:
        ami, bridge, sv, tv = await replay("midcall", 1.0, sessions=2,
                                           gate=lambda lines: "Action: Originate" not in lines)
        nc = await connect(Broker(url=nats_server.url), "bridge")
        mirror = SiteMirror(bridge.server, nc, "tokyo", beat_s=0.3)
        told: list[object] = []  # every source the bridge had, as its mirror was told of it
        keep = mirror.source_changed

        def source_changed() -> None:
            told.append(bridge.server.source)
            keep()
        mirror.source_changed = source_changed  # type: ignore[method-assign]
        await mirror.start()
        relay = await RelayProcess(nats_server, ["tokyo"], "r1").start()
        board = Board(relay.url).start()
        try:
            await wait_until(lambda: live(tv) and bool(board.views) and board.last.source_up
                             and same_floor(board.last, bridge.server), 10, "the relay's board on the bridge's floor")
            assert len(board.last.calls) == 2
            await wait_until(lambda: ami.ended == [1], 15, "Asterisk going down")
            await wait_until(lambda: not board.last.source_up, 5, "the relay's board told the PBX is away")
            said = board.last.source
            assert said is not None and said in told, "what the bridge said, as it said it"
            await wait_until(lambda: ami.done.is_set() and live(tv), 15, "back after the restart")
            await wait_until(lambda: board.last.source_up and same_floor(board.last, bridge.server), 10,
                             "the relay's board on the floor after the restart")
            assert dict(board.last.agents) == dict(tv.last.agents) and dict(board.last.calls) == dict(tv.last.calls)
            assert mirror.failed == 0 and relay.relay is not None and not relay.relay.bad
        finally:
            await board.close()
            await relay.stop()
            await mirror.stop()
            await nc.close()
            await close(bridge, sv, tv, ami)
    run(go)
