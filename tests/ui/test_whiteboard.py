"""The whiteboard page against the real call centre and its dialler: the figures painted are the server's
counters, a new result is toasted once, a change of place glides, and the desk opens the same board."""

from __future__ import annotations

import time
from typing import Any

from tests.ui.boards import tv
from wallboard.board.pages import Page
from wallboard.callcentre.dialler import Campaign, Dialler
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.service import CallCentreService
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.outbound import DEFAULT_RULES, Outcome, figures
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer
from wallboard.feed.thread import LoopThread
from wallboard.ui.whiteboard import GLIDE_MS, WhiteboardPanel, toast_text


class Floor:
    """An inbound floor and a campaign behind a real feed server, on its own asyncio thread."""

    def __init__(self, window: Any) -> None:
        self.thread = LoopThread("whiteboard").start()
        now = int(time.time() * 1000)
        engine = CallCentre(demo_plan(12, 2), now - 3_600_000, seed=3)
        campaign = Campaign(agents=10, sale_rate=0.2, appointment_rate=0.1)
        self.service = CallCentreService(engine, lambda clock: FeedServer(clock, heartbeat_s=0.3), monitoring=False,
                                         diallers=(Dialler(campaign, now - 3_600_000, 3, first_agent=12),))
        self.service.catch_up(now)

        async def start() -> int:
            return await self.service.server.start(port=0)
        port = self.thread.submit(start()).result(10)
        self.client = FeedClient(f"ws://127.0.0.1:{port}", window.link.push)
        self.thread.submit(self.client.run())

    @property
    def desk(self) -> Any:
        return self.service.server.outbound

    def outcome(self, o: Outcome) -> None:
        async def go() -> bool:
            return self.service.server.outcome(o, "test")
        assert self.thread.submit(go()).result(5)

    def close(self) -> None:
        self.thread.loop.call_soon_threadsafe(self.client.stop)
        self.thread.submit(self.service.server.stop()).result(5)
        self.thread.stop()


def test_the_tv_page_shows_the_servers_counters_and_toasts_a_new_result(qtbot: Any) -> None:
    w = tv(qtbot, {"tv": {"pages": ["agents", "whiteboard"]}}, size=(1920, 1080))
    floor = Floor(w)
    try:
        qtbot.waitUntil(lambda: w.view is not None and w.view.synced and not w.whiteboard.board.empty, timeout=10000)
        w.next_page()
        assert w.slot.page is Page.WHITEBOARD and w.stack.currentWidget() is w.whiteboard
        now = w.server_now_ms()
        board = w.whiteboard.board
        server = {t.agent: figures([t], DEFAULT_RULES, now) for t in floor.desk.book.tallies()}
        shown = {r.key: r.figures for r in board.agents}
        assert {k: (f.dials, f.connects, f.positives, f.negatives, f.amount) for k, f in shown.items()} == \
            {k: (f.dials, f.connects, f.positives, f.negatives, f.amount) for k, f in server.items()}
        assert len(board.agents) == 10 and board.total.positives == sum(f.positives for f in server.values())
        assert [r.place for r in board.agents] == sorted(r.place for r in board.agents)
        w.whiteboard.grab()  # paints (fonts, columns, bars) without a fault
        assert w.whiteboard.shown_rows >= 5  # readable at this size: not two giant rows
        # a sale for the agent in last place: toasted once, and the agent glides up the ranking
        last = board.agents[-1]
        need = board.agents[0].figures.positives - last.figures.positives + 1
        for i in range(need):
            floor.outcome(Outcome(id=f"t-{i}", agent=last.key, kind="sale", at=now, amount=58_000))
        qtbot.waitUntil(lambda: w.whiteboard.board.agents[0].key == last.key, timeout=5000)
        assert w.whiteboard.toast is not None and w.whiteboard.toast[0].startswith(f"{last.name} Sale +1 ¥")
        assert w.whiteboard.toast[0] == toast_text(w.whiteboard.board.recent[-1], w.view.outbound.rules)
        assert w.whiteboard.toast[0].endswith("+1 ¥58,000")
        y = w.whiteboard.y_of[last.key]
        assert y > 0  # still on its way up
        qtbot.wait(GLIDE_MS + 200)
        assert w.whiteboard.y_of[last.key] == 0.0
        assert [r.id for r in w.view.outbound.recent][-need:] == [f"t-{i}" for i in range(need)][-20:]
    finally:
        floor.close()


def test_pages_of_the_ranking_on_a_small_tv_and_an_empty_day_is_skipped(qtbot: Any) -> None:
    panel = WhiteboardPanel(1.0)
    qtbot.addWidget(panel)
    panel.resize(1280, 420)
    from types import MappingProxyType

    from wallboard.board.whiteboard import whiteboard
    from wallboard.core.model import Agent
    from wallboard.core.outbound import Tally
    from wallboard.core.view import OutboundView
    day = int(time.time() * 1000) // 86_400_000 * 86_400_000
    agents = {f"a{i}": Agent(id=f"a{i}", name=f"Agent {i}", state="available", since=day, team="T") for i in range(30)}
    tallies = {a: Tally(agent=a, day_start=day, dials=10 + i, kinds={"sale": i % 4}) for i, a in enumerate(agents)}
    panel.show_board(whiteboard(OutboundView(DEFAULT_RULES, MappingProxyType(tallies), (), 1), agents, day + 1), DEFAULT_RULES)
    per = panel.rows_per_page()
    assert 2 <= per < 30 and panel.pages == -(-30 // per)
    panel.show_page(panel.pages - 1)
    panel.grab()
    assert panel.shown_rows == 30 - per * (panel.pages - 1)
    empty = WhiteboardPanel(1.0)
    qtbot.addWidget(empty)
    assert empty.board.empty  # the TV's plan gives it no screen (TvWindow._screens)
