"""What a desk window and a TV window share: the model fed through the link, and the board's clock.

Views arrive through the :class:`~wallboard.ui.feedlink.FeedLink` (one door); the shell hands each
to the board model and passes what changed to its panels. A one-second timer, aligned to the
server clock's second, ticks every clock on the board together and re-checks freshness, so a
feed that goes quiet is shown as STALE within a second of its deadline. The window subclasses
arrange the panels; the shell never reaches into one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from ..board.alerts import AlertMarks
from ..board.freshness import Freshness, FreshnessReport
from ..board.model import BoardModel, Taken
from ..core.view import FloorView, LinkState
from .assets import app_icon
from .feedlink import FeedLink
from .queues import QueueCards
from .tiles import TileBoard
from .topbar import StateCounts, TopBar
from .veil import NotLiveVeil
from .words import freshness_words

#: Queue figures refresh at most this often (agent tiles are not throttled): 50 cards recomputed
#: and repainted 50 times a second would cost more than a TV PC should spend.
FIGURES_INTERVAL_MS = 100
#: Frames of changed tiles: at most this often (40 a second), and, when painting takes long (a flood, a
#: slow PC), spaced so that painting takes at most PAINT_SHARE of the time: the feed's thread keeps its
#: share of the interpreter and the board stays a frame behind the floor at worst, not a backlog.
FRAME_S = 0.015
PAINT_SHARE = 0.5


class BoardShell(QMainWindow):
    closed = Signal()  # the user closed the board

    def __init__(self, title: str, model: BoardModel, link: FeedLink, scale: float,
                 mono: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.setWindowTitle(title)
        self.setWindowIcon(app_icon())
        self.model, self.link, self.scale = model, link, scale
        self._mono, self._wall = mono, wall
        self.top = TopBar(title, scale)
        self.counts = StateCounts(scale)
        self.report = FreshnessReport(Freshness.CONNECTING)
        self._gui_lag_s = 0.0  # how long the last view waited for the GUI thread, and for its paint if painted
        self._painted_late_s = 0.0  # how late the floor on the screen was when it was painted
        self._waiting: tuple[float, float] | None = None  # the oldest unpainted view: its lateness, its publishing
        self._shown_link: object = None
        self._figures_at = -1e9
        self._due: set[str] = set()  # agents changed since the tiles' last frame
        self._frame_at = -1e9
        self._paint_s = 0.0  # how long a frame's paint takes (smoothed)
        self._frame = QTimer(self)
        self._frame.setSingleShot(True)
        self._frame.setTimerType(Qt.TimerType.PreciseTimer)
        self._frame.timeout.connect(lambda: self._draw_frame())
        self._figures_due = QTimer(self)
        self._figures_due.setSingleShot(True)
        self._figures_due.timeout.connect(lambda: self.refresh_figures(self.server_now_ms()))
        self.ticker = QTimer(self)
        self.ticker.setSingleShot(True)
        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire early and tick twice
        self.ticker.timeout.connect(self.tick)
        link.view_ready.connect(self.on_view)

    # the panels a window arranges (set by the subclass before :meth:`start`)
    tiles: TileBoard
    cards: QueueCards
    body: QWidget  # what the veil covers
    veil: NotLiveVeil

    def start(self) -> None:
        self.veil = NotLiveVeil(self.body, self.scale)
        self.tick()

    @property
    def view(self) -> FloorView | None:
        return self.model.view

    @property
    def freshness(self) -> Freshness:
        return self.report.state

    def server_now_ms(self) -> int:
        return self.model.server_now_ms(int(self._wall() * 1000))

    def centre_offset_ms(self) -> int:
        """The centre's zone, for dates and times the board writes (reports, an agent's day)."""
        here = datetime.fromtimestamp(self._wall()).astimezone().utcoffset()
        return self.model.centre_offset_ms(self.server_now_ms(), int(here.total_seconds() * 1000) if here else 0)

    # -- data ------------------------------------------------------------------------------

    def on_view(self, view: FloorView) -> None:
        mono = self._mono()
        if view.published_mono:
            self._gui_lag_s = max(0.0, mono - view.published_mono)  # how long it waited for us
        taken = self.model.take(view)
        now = self.server_now_ms()
        self._due |= taken.agents
        if self._due and self._waiting is None and view.published_mono:
            self._waiting = (view.behind_ms / 1000, view.published_mono)  # its changes are not on the screen yet
        if taken.layout or self.model.reorder_due(taken.agents, mono):
            self._draw_frame(layout=taken.layout)  # the tiles take the floor before they take its order
            self.reorder()
        elif self._due:
            self._arm_frame(mono)
        self.took(taken)
        wait_ms = FIGURES_INTERVAL_MS - (mono - self._figures_at) * 1000
        if not taken.moved:
            pass  # a heartbeat: the figures move with the clock alone, and the tick takes them
        elif taken.layout or wait_ms <= 0:
            self.refresh_figures(now)
        elif not self._figures_due.isActive():
            self._figures_due.start(int(wait_ms) + 1)
        if (view.link, view.synced, view.source) != self._shown_link:
            self.refresh_status(now)
        else:
            self._behind_now(view, now)

    def _behind_now(self, view: FloorView, now: int) -> None:
        """Say BEHIND (or no longer) the moment the screen's lag crosses the line, not at the next tick."""
        behind = self._freshness(now).state is Freshness.BEHIND
        if behind != (self.report.state is Freshness.BEHIND):
            self.refresh_status(now)

    def _freshness(self, now: int) -> FreshnessReport:
        """While changed agents wait for their frame, the screen is as late as when it was last painted, and the
        changes not on it grow later as they wait: a fresher view not yet painted must not say LIVE for it."""
        mono, lag, screen, v = self._mono(), self._gui_lag_s, 0.0, self.view
        if self._due:
            screen = self._painted_late_s
            if self._waiting is not None:
                screen = max(screen, self._waiting[0] + mono - self._waiting[1])
            if v is not None and v.published_mono:
                lag = max(lag, mono - v.published_mono)
        return self.model.freshness(mono, now, lag, screen)

    def _arm_frame(self, mono: float) -> None:
        wait = max(FRAME_S, self._paint_s / PAINT_SHARE) - (mono - self._frame_at)
        if wait <= 0:
            self._draw_frame()
        elif not self._frame.isActive():
            self._frame.start(max(1, round(wait * 1000)))

    def _draw_frame(self, layout: bool = False) -> None:
        """The agents changed since the last frame go to the tiles, and the window is painted now.

        Qt posts a window's repaint as a *low-priority* event: behind a steady stream of views it
        waited until the stream paused (measured: 4 paints a second at 5,000 events/s, so every event
        waited ~1 s); a frame delivers it at once."""
        self._frame.stop()
        v = self.view
        if v is None:
            return
        due, self._due, self._waiting = frozenset(self._due), set(), None
        self.tiles.set_floor(v.agents, v.calls, v.queues if layout else None, due, self.server_now_ms())
        self._frame_at, took = self._mono(), time.perf_counter()
        QCoreApplication.sendPostedEvents(self, QEvent.Type.UpdateRequest)
        self._paint_s = 0.9 * self._paint_s + 0.1 * (time.perf_counter() - took)
        if v.published_mono:  # how late this floor reached the screen: the view's wait and the frame's
            self._gui_lag_s = max(0.0, self._mono() - v.published_mono)
            self._painted_late_s = v.behind_ms / 1000 + self._gui_lag_s
            if v.synced and v.link.state is LinkState.LIVE:
                self._behind_now(v, self.server_now_ms())

    def reorder(self) -> None:
        self.tiles.set_order(self.model.listed(self._mono()), self.model.sections())

    def took(self, taken: Taken) -> None:
        """A window's own response to a view (filters, monitoring); the shell has done the tiles."""

    def refresh_figures(self, now: int) -> None:
        self._figures_at = self._mono()
        self._figures_due.stop()
        figures = self.model.figures_at(now)
        if figures is None:
            return
        self.counts.show_counts(figures.total.agents_by_state)
        self.show_figures(now)

    def show_figures(self, now: int) -> None:
        """Cards, strips, notes: the window's figure panels."""

    def tick(self) -> None:
        """Once a second, on the server's second: clocks, figures, alerts, freshness, trend.

        The next tick is armed first thing, so nothing that fails below can stop the clocks."""
        now = self.server_now_ms()
        delay = 1000 - now % 1000 + 5
        self.ticker.start(delay if delay > 200 else delay + 1000)  # woke early: the next second, not this one
        self.tiles.tick(now)
        if self.model.reorder_due(frozenset(), self._mono()):
            self.reorder()  # a moving order held back by its once-a-second limit
        if (self._mono() - self._figures_at) * 1000 > FIGURES_INTERVAL_MS * 3:
            self.refresh_figures(now)  # under traffic the 10 Hz refresh has just done it
        if self.model.figures is not None:
            self.show_marks(self.model.update_alerts(now), now)  # thresholds are in seconds: once a second
        self.refresh_status(now)
        self.model.sample_trend(now, self.report.live)
        self.ticked(now)

    def show_marks(self, marks: AlertMarks, now: int) -> None:
        self.tiles.set_marks(marks.agents)

    def ticked(self, now: int) -> None:
        """A window's own once-a-second work (page names, the trend, the monitoring banner)."""

    # -- freshness ----------------------------------------------------------------------------

    def refresh_status(self, now: int) -> None:
        v = self.view
        self.report = self._freshness(now)
        self._shown_link = (v.link, v.synced, v.source) if v is not None else None
        text, colour = freshness_words(self.report)
        self.top.show_freshness(text, colour)
        self.top.show_time(time.strftime("%H:%M:%S", time.localtime(now / 1000)))
        self.tiles.set_overlaid(not self.report.live)  # before the veil moves: its paint must see it
        if self.report.live:
            self.veil.hide()
        else:
            self.veil.say(text)
            self.veil.setGeometry(self.veiled())
            self.veil.show()
            self.veil.raise_()

    def veiled(self) -> QRect:
        """What the not-live band covers: every figure below the top bar whose indicator says why."""
        top = self.counts.geometry().top()
        return QRect(0, top, self.body.width(), self.body.height() - top)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.veil.isVisible():
            self.veil.setGeometry(self.veiled())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        super().closeEvent(event)
        self.closed.emit()

    def describe(self) -> str:
        """One line of context for error reports (never a token: the view holds none)."""
        v = self.view
        if v is None:
            return "no feed yet"
        return (f"link {v.link.state.value} ({v.link.reason.value} {v.link.detail}), synced {v.synced}, "
                f"{len(v.agents)} agents, {len(v.calls)} calls, frames {v.counters.get('frames')}")

    def show_notice(self, text: str) -> None:
        """A message at the bottom that clears itself: never a dialog that waits for a click. The bar
        is there only while it says something (on a TV an empty one would take a row of cards)."""
        bar = self.statusBar()
        if not bar.property("hides_when_empty"):
            bar.setProperty("hides_when_empty", True)
            bar.messageChanged.connect(lambda words: bar.setVisible(bool(words)))
        bar.showMessage(text, 30_000)
        bar.show()
