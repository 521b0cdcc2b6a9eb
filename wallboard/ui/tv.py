"""A wall TV: the floor for a room, full screen, no mouse, readable from the back, running for weeks.

Every page has the top bar, the agents-by-state row and the key-figure strip (待ち呼, 最長待ち,
service level and 応答率, 放棄呼, agents free), so the figures a room looks up for are never more
than a glance away. Below them the pages take turns (``tv.pages``): agents (dense tiles), queue
cards (paged when they do not fit), the trend, alerts, exceptions (agents with an alert), callers
waiting. A page with nothing to show is skipped (:mod:`wallboard.board.pages`). The picture
wanders a few pixels now and then against burn-in. A TV is view-only, whatever its token may do.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from ..board.alerts import AlertMarks
from ..board.model import BoardModel, Taken
from ..board.pages import TREND_READY_S, Page, Slot, next_slot, plan
from ..core.profile import Profile
from .alerts import AlertsPanel, alert_line
from .feedlink import FeedLink
from .i18n import tr
from .kiosk import burn_in_offsets
from .queues import QueueCards
from .shell import BoardShell
from .strip import KeyStrip
from .tiles import TileBoard
from .trend import TrendPanel
from .waiting import WaitingList
from .whiteboard import WhiteboardPanel
from .words import PAGES


class TvWindow(BoardShell):
    def __init__(self, title: str, model: BoardModel, link: FeedLink, profile: Profile, scale: float,
                 mono: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time) -> None:
        super().__init__(title, model, link, scale, mono, wall)
        self.profile = profile
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.key_strip = KeyStrip(scale)
        self.tiles = TileBoard(scale=scale, paged=True)
        self.exceptions = TileBoard(scale=scale, paged=True)
        self.exceptions.empty_text = tr("Nothing needs attention")
        self.cards = QueueCards(scale=scale, paged=True)
        self.trend = TrendPanel(scale)
        self.alerts_panel = AlertsPanel(scale, controls=False)
        self.waiting = WaitingList(scale, paged=True)
        self.whiteboard = WhiteboardPanel(scale)
        self.page_widgets: dict[Page, QWidget] = {
            Page.AGENTS: self.tiles, Page.QUEUES: self.cards, Page.TREND: self.trend, Page.ALERTS: self.alerts_panel,
            Page.EXCEPTIONS: self.exceptions, Page.WAITING: self.waiting, Page.WHITEBOARD: self.whiteboard}
        frame = QWidget()
        self.frame_layout = QVBoxLayout(frame)
        self.margin = round(8 * scale) + profile.burn_in_shift_px
        self.frame_layout.setContentsMargins(*(self.margin,) * 4)
        self.frame_layout.setSpacing(round(4 * scale))
        self.frame_layout.addWidget(self.top)
        self.frame_layout.addWidget(self.counts)
        self.frame_layout.addWidget(self.key_strip)
        self.stack = QStackedWidget()
        for name in profile.pages:
            self.stack.addWidget(self.page_widgets[Page(name)])
        self.frame_layout.addWidget(self.stack, 1)
        self.body = frame
        self.setCentralWidget(frame)
        f = self.statusBar().font()
        f.setPixelSize(round(13 * scale))
        self.statusBar().setFont(f)
        self.statusBar().hide()  # until there is a notice
        self.turn: list[Slot] = [Slot(Page(profile.pages[0]))]  # replanned at each turn, once there is a floor
        self.slot: Slot = self.turn[0]
        self.rotator = QTimer(self)
        self.rotator.setInterval(round(profile.dwell_s * 1000))
        self.rotator.timeout.connect(self.next_page)
        self.rotator.start()
        self.burn_in = burn_in_offsets(profile.burn_in_shift_px)
        self.burn_in_at = 0
        self.burn_in_timer = QTimer(self)
        self.burn_in_timer.setInterval(round(profile.burn_in_period_s * 1000))
        self.burn_in_timer.timeout.connect(self.shift_picture)
        self.burn_in_timer.start()
        self.start()
        self._show(self.slot)

    # -- pages --------------------------------------------------------------------------------

    def _screens(self) -> dict[Page, int]:
        """How many screens each page needs now (0: nothing to show)."""
        marks = self.model.marks
        return {
            Page.AGENTS: self.tiles.pages,
            Page.QUEUES: self.cards.pages,
            Page.TREND: 1 if self.model.trend.samples >= TREND_READY_S else 0,
            Page.ALERTS: 1 if marks.alerts else 0,
            Page.EXCEPTIONS: self.exceptions.pages if marks.exceptions else 0,
            Page.WAITING: self.waiting.pages if self.waiting.callers else 0,
            Page.WHITEBOARD: 0 if self.whiteboard.board.empty else self.whiteboard.pages,
        }

    def next_page(self) -> None:
        """The next page in turn; the turn is replanned each time (agents, queues, alerts come and go)."""
        self.turn = plan(self.profile.pages, self._screens())
        self.slot = self.turn[next_slot(self.turn, self.slot, self.profile.pages)]
        self._show(self.slot)

    def _show(self, slot: Slot) -> None:
        widget = self.page_widgets[slot.page]
        self.stack.setCurrentWidget(widget)
        if slot.page is Page.AGENTS:
            self.tiles.show_page(slot.index)
        elif slot.page is Page.QUEUES:
            self.cards.show_page(slot.index)
        elif slot.page is Page.EXCEPTIONS:
            self.exceptions.show_page(slot.index)
        elif slot.page is Page.WAITING:
            self.waiting.show_page(slot.index)
        elif slot.page is Page.WHITEBOARD:
            self.whiteboard.show_page(slot.index)
        elif slot.page is Page.TREND:
            self.trend.draw(self.model.trend, force=True)
        self._show_page_name()

    def _show_page_name(self) -> None:
        slot = self.slot
        pages = {Page.AGENTS: self.tiles.pages, Page.QUEUES: self.cards.pages, Page.EXCEPTIONS: self.exceptions.pages,
                 Page.WAITING: self.waiting.pages, Page.WHITEBOARD: self.whiteboard.pages}.get(slot.page, 1)
        words = tr(PAGES[slot.page])
        if pages > 1:
            words = tr("{0} {1}/{2}").format(words, min(slot.index, pages - 1) + 1, pages)
        self.top.show_page(words)

    def shift_picture(self) -> None:
        """One small step of the burn-in walk: the whole picture moves a few pixels."""
        self.burn_in_at = (self.burn_in_at + 1) % len(self.burn_in)
        dx, dy = self.burn_in[self.burn_in_at]
        m = self.margin
        self.frame_layout.setContentsMargins(m + dx, m + dy, m - dx, m - dy)

    # -- data ------------------------------------------------------------------------------------

    def took(self, taken: Taken) -> None:
        if taken.agents or taken.layout:
            v = self.view
            assert v is not None
            self.exceptions.set_floor(v.agents, v.calls, v.queues if taken.layout else None, taken.agents,
                                      self.server_now_ms())
        if taken.layout:
            self._show_page_name()  # "Agents 1/3" as soon as the agents are known
        self.show_whiteboard()

    def show_whiteboard(self, force: bool = False) -> None:
        """The outbound page, when the server's results moved (or the minute did: results per hour)."""
        self.whiteboard.follow(self.model, self.server_now_ms(), self.centre_offset_ms(), force)

    def show_figures(self, now: int) -> None:
        m = self.model
        cards = m.cards()
        marks = {c.queue_id: m.card_mark(c) for c in cards}
        self.cards.set_cards(cards, marks)
        if m.figures is not None:
            self.key_strip.show_figures(m.figures.total, m.marks.queue_kinds)

    def show_marks(self, marks: AlertMarks, now: int) -> None:
        super().show_marks(marks, now)
        self.exceptions.set_marks(marks.agents)
        if list(marks.exceptions) != self.exceptions.listed:
            self.exceptions.set_order(list(marks.exceptions))
        v = self.view
        if v is not None:
            self.alerts_panel.show_alerts(marks.alerts[:50], lambda al: alert_line(al, v.agents, v.queues))

    def ticked(self, now: int) -> None:
        self.exceptions.tick(now)
        if Page.WAITING.value in self.profile.pages:
            self.waiting.show_callers(self.model.waiting(now), self.model.wait_level)
        if self.slot.page is Page.TREND:
            self.trend.draw(self.model.trend)
        if self.slot.page is Page.WHITEBOARD and now // 1000 % 30 == 0:
            self.show_whiteboard(force=True)
        self._show_page_name()  # agents come and go: "Agents 2/3" stays true
