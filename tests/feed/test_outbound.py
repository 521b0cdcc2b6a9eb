"""The whiteboard over the wire: a real feed server with its outbound desk and history store, real boards.

A board that accepts ``outbound`` gets today's whiteboard after its snapshot and a tally per change; an
older board gets neither and loses nothing; a server restarted on the same store shows the same day."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.feed.conftest import Board, wait_until
from wallboard.callcentre.dialler import Campaign, Dialler
from wallboard.core.outbound import DEFAULT_RULES, Outcome, figures
from wallboard.core.protocol import ACCEPTS
from wallboard.feed.historystore import HistoryStore
from wallboard.feed.outbound import OutboundDesk
from wallboard.feed.server import FeedServer

Runner = Callable[[Callable[[], Awaitable[None]]], None]
DAY = 1_796_137_200_000  # 2026-12-01 00:00 JST
T = DAY + 9 * 3_600_000


class Floor:
    """A dialler behind a feed server with an outbound desk on a store, stepped by the test."""

    def __init__(self, store: str, start: int = T) -> None:
        self.dialler = Dialler(Campaign(agents=6, sale_rate=0.3, appointment_rate=0.2), start, seed=4)
        self.now = start
        self.server = FeedServer(lambda: self.now, heartbeat_s=0.3)
        self.store = HistoryStore(store)
        self.server.outbound = OutboundDesk(DEFAULT_RULES, lambda t: DAY, self.now, self.store)
        agents, calls = self.dialler.snapshot()
        self.server.load(agents, [], calls)

    def step(self, seconds: float) -> None:
        self.now += int(seconds * 1000)
        updates, outcomes = self.dialler.advance(self.now)
        self.server.publish(updates)
        for o in outcomes:
            self.server.outcome(o, "dialler")


def test_a_board_gets_the_day_then_each_change_and_an_old_board_loses_nothing(run: Runner, tmp_path: Path) -> None:
    async def body() -> None:
        floor = Floor(str(tmp_path / "h.sqlite"))
        floor.step(1800)  # half an hour of dialling before anyone looks
        port = await floor.server.start()
        new = Board(f"ws://127.0.0.1:{port}").start()
        old = Board(f"ws://127.0.0.1:{port}", accept=tuple(a for a in ACCEPTS if a != "outbound")).start()
        await wait_until(lambda: bool(new.views) and new.last.outbound is not None and bool(old.views)
                         and old.last.synced, 5, "both boards")
        assert new.last.caps.outbound and dict(new.last.outbound.tallies) == {
            t.agent: t for t in floor.server.outbound.book.tallies()}
        for _ in range(40):
            floor.step(30)
            await asyncio.sleep(0.01)
        await wait_until(lambda: dict(new.last.outbound.tallies) == {t.agent: t for t in floor.server.outbound.book.tallies()},
                         5, "the board's tallies to be the server's")
        recent = [o.id for o in floor.server.outbound.recent]
        assert [o.id for o in new.last.outbound.recent][-len(recent):] == recent  # the ticker: the same positives
        c = old.client.state.counters
        assert old.last.outbound is None and not c.rejected and not c.unknown_types and not c.gaps
        assert new.client.state.seq == old.client.state.seq == floor.server.seq  # both in step to the last delta
        for b in (new, old):
            await b.close()
        await floor.server.stop()
    run(body)


def test_a_replayed_outcome_is_counted_once_and_sent_once(run: Runner, tmp_path: Path) -> None:
    async def body() -> None:
        floor = Floor(str(tmp_path / "h.sqlite"))
        port = await floor.server.start()
        b = Board(f"ws://127.0.0.1:{port}").start()
        await wait_until(lambda: bool(b.views) and b.last.outbound is not None, 5, "the whiteboard")
        agent = next(iter(floor.dialler.agents))
        o = Outcome(id="crm-77", agent=agent, kind="sale", at=floor.now, amount=38_000)
        assert floor.server.outcome(o, "webhook")
        assert not floor.server.outcome(o, "webhook") and not floor.server.outcome(o, "ami")
        await wait_until(lambda: any(r.id == "crm-77" for r in b.last.outbound.recent), 5, "the result on the board")
        await asyncio.sleep(0.2)
        assert [r.id for r in b.last.outbound.recent].count("crm-77") == 1
        assert b.last.outbound.tallies[agent].kinds == {"sale": 1} and b.last.outbound.tallies[agent].amount == 38_000
        assert [x.id for x in floor.store.outcomes(DAY, floor.now + 1)] == ["crm-77"]
        await b.close()
        await floor.server.stop()
    run(body)


def test_a_restarted_server_rebuilds_the_day_from_the_store(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite")
    floor = Floor(path)
    for _ in range(240):
        floor.step(15)  # an hour
    before = {t.agent: figures([t], DEFAULT_RULES, floor.now) for t in floor.server.outbound.book.tallies()}
    assert sum(f.positives for f in before.values()) > 3 and sum(f.dials for f in before.values()) > 50
    floor.store.close()
    again = OutboundDesk(DEFAULT_RULES, lambda t: DAY, floor.now, HistoryStore(path))
    again.observe(floor.server.agents.values(), floor.now)  # the floor as the restarted bridge finds it
    after = {t.agent: figures([t], DEFAULT_RULES, floor.now) for t in again.book.tallies()}
    assert {a: (f.dials, f.connects, f.positives, f.negatives, f.amount) for a, f in after.items()} == \
        {a: (f.dials, f.connects, f.positives, f.negatives, f.amount) for a, f in before.items()}
    assert [o.id for o in again.recent] == [o.id for o in floor.server.outbound.recent]
    # a result the CRM sends again after the restart is still a replay
    first = again.store.outcomes(DAY, floor.now + 1)[0]  # type: ignore[union-attr]
    assert again.record(first) is None


def test_a_new_day_starts_the_whiteboard_again(tmp_path: Path) -> None:
    days = [DAY]
    floor = Floor(str(tmp_path / "h.sqlite"))
    floor.server.outbound = desk = OutboundDesk(DEFAULT_RULES, lambda t: days[0], floor.now, floor.store)
    for _ in range(60):
        floor.step(30)
    assert desk.book.tallies()
    days[0] = DAY + 86_400_000
    floor.now = days[0] + 1000
    changed = desk.observe([], floor.now)
    assert {u.tally.agent for u in changed} == set() and not desk.book.tallies() and not desk.recent
    assert desk.record(Outcome(id="late", agent="x", kind="sale", at=days[0] - 5)) is None  # yesterday's: refused
    assert desk.refused == 1
