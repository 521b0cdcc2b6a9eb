"""The board's main window: status bar, queue cards, agent tiles, waiting-calls trend.

Data arrives as immutable :class:`FloorView` objects through :class:`FeedBridge`
(a queued Qt signal from the feed thread). The window never blocks on the network
and never decodes anything. A one-second timer, aligned to the server clock's
second, ticks every clock on the board together and re-checks freshness, so a feed
that goes quiet is shown as STALE within a second of its deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QScrollArea, QVBoxLayout, QWidget

from ..core.metrics import FloorCounts, FloorFigures, SLFormula, figures_at, floor_counts
from ..feed.client import FloorView
from .queues import QueuePanel
from .style import BAD, GOOD, LOOKS, STATE_ORDER, WARN, tr
from .tiles import TileBoard

TREND_SECONDS = 3600
#: Queue figures refresh at most this often (agent tiles are not throttled): 50 cards
#: recomputed and repainted 50 times a second would cost more than a TV PC should spend.
FIGURES_INTERVAL_MS = 100
TREND_REDRAW_S = 5


class FeedBridge(QObject):
    """Carries views from the feed thread to the GUI thread (queued connection)."""

    view_ready = Signal(object)

    def push(self, view: FloorView) -> None:  # called on the feed thread
        self.view_ready.emit(view)


def freshness(view: FloorView | None, mono_now: float) -> tuple[str, str, QColor]:
    """(state, text, colour) for the connection indicator; the words say it, not only the colour."""
    if view is None:
        return "connecting", tr("Connecting…"), WARN
    link = view.link
    age = view.age_s(mono_now)
    if link.state == "live" and view.synced:
        deadline = view.heartbeat_s * 2 + 1
        if age is not None and age > deadline:
            return "stale", tr("STALE — no data for {0}").format(_age(age)), BAD
        return "live", tr("LIVE"), GOOD
    if link.state == "live":
        return "syncing", tr("Synchronising…"), WARN
    since = _age(age) if age is not None else tr("never")
    if link.state == "refused":
        return "refused", tr("REFUSED: {0} — data {1} old").format(link.detail, since), BAD
    if link.state == "retrying":
        left = max(0.0, (link.retry_in_s or 0) - (mono_now - link.since_mono))
        return "retrying", tr("RECONNECTING in {0:.0f} s ({1}) — data {2} old").format(
            left, link.detail, since), BAD
    return "connecting", tr("Connecting… — data {0} old").format(since), WARN


def _set_text(label: QLabel, text: str) -> None:
    """Labels re-lay out on every setText, even with the same text; skip the no-ops."""
    if label.text() != text:
        label.setText(text)


def _age(seconds: float) -> str:
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


class StaleOverlay(QWidget):
    """A banner across the board whenever its numbers are not live. Never hidden behind anything."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.text = ""
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(255, 255, 255, 150))
        band = self.rect().adjusted(0, self.height() // 2 - 50, 0, -(self.height() // 2 - 50))
        p.fillRect(band, QColor(213, 94, 0, 230))
        f = QFont(self.font())
        f.setPixelSize(34)
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("#FFFFFF"))
        p.drawText(band, Qt.AlignmentFlag.AlignCenter, self.text)
        p.end()


class BoardWindow(QMainWindow):
    def __init__(self, title: str = "Wallboard", formula: SLFormula = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS,
                 mono: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.setWindowTitle(title)
        self.formula = formula
        self._mono, self._wall = mono, wall
        self.view: FloorView | None = None
        self.figures: FloorFigures | None = None
        self.bridge = FeedBridge(self)
        self.bridge.view_ready.connect(self.on_view)
        self.views_received = 0
        self._shown_link: object = None
        self._counts: FloorCounts | None = None
        self._counts_for: FloorView | None = None

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)

        top = QHBoxLayout()
        self.title_label = QLabel(title)
        tf = self.title_label.font()
        tf.setPixelSize(22)
        tf.setBold(True)
        self.title_label.setFont(tf)
        top.addWidget(self.title_label)
        self.state_counts = QLabel()
        self.state_counts.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.state_counts, 1)
        self.clock_label = QLabel("--:--:--")
        cf = self.clock_label.font()
        cf.setPixelSize(22)
        cf.setBold(True)
        self.clock_label.setFont(cf)
        top.addWidget(self.clock_label)
        self.link_label = QLabel()
        lf = self.link_label.font()
        lf.setPixelSize(18)
        lf.setBold(True)
        self.link_label.setFont(lf)
        self.link_label.setMinimumWidth(120)
        top.addWidget(self.link_label)
        outer.addLayout(top)

        self.queue_panel = QueuePanel()
        outer.addWidget(self.queue_panel)
        self.sl_note = QLabel()
        self.sl_note.setStyleSheet("color: #555555;")
        outer.addWidget(self.sl_note)

        self.tiles = TileBoard()
        self.tiles_scroll = QScrollArea()
        self.tiles_scroll.setWidgetResizable(True)
        self.tiles_scroll.setWidget(self.tiles)
        self.tiles_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(self.tiles_scroll, 1)

        self.trend = pg.PlotWidget(background="w")
        self.trend.setFixedHeight(150)
        self.trend.setMouseEnabled(x=False, y=False)
        self.trend.hideButtons()
        self.trend.setLabel("left", tr("Waiting"))
        self.trend.setLabel("bottom", tr("minutes ago"))
        self.trend.showGrid(x=True, y=True, alpha=0.3)
        self.trend.setXRange(-60, 0, padding=0)
        self.trend.setYRange(0, 5, padding=0)
        self.trend_curve = self.trend.plot(pen=pg.mkPen("#0072B2", width=2))
        self.trend_values = np.full(TREND_SECONDS, np.nan)
        self.trend_x = np.arange(-TREND_SECONDS + 1, 1) / 60.0
        self._last_sample_s: int | None = None
        self._trend_drawn = False
        self._trend_top = 0.0
        outer.addWidget(self.trend)

        self.setCentralWidget(central)
        self.overlay = StaleOverlay(self.tiles_scroll)
        self.ticker = QTimer(self)
        self.ticker.setSingleShot(True)
        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire early and tick twice
        self.ticker.timeout.connect(self.tick)
        self._figures_due = QTimer(self)
        self._figures_due.setSingleShot(True)
        self._figures_due.timeout.connect(lambda: self._refresh_figures(self.server_now_ms()))
        self._figures_at = 0.0
        self.tick()

    # -- time --------------------------------------------------------------------------

    def server_now_ms(self) -> int:
        offset = self.view.offset_ms if self.view is not None else 0
        return int(self._wall() * 1000) + offset

    def tick(self) -> None:
        """Once a second, on the server's second: clocks, freshness, trend sample."""
        now = self.server_now_ms()
        self.tiles.tick(now)
        if (self._mono() - self._figures_at) * 1000 > FIGURES_INTERVAL_MS * 3:
            self._refresh_figures(now)  # under traffic the 10 Hz refresh has just done it
        self._refresh_status(now)
        self._sample_trend(now)
        delay = 1000 - now % 1000 + 5
        self.ticker.start(delay if delay > 200 else delay + 1000)  # woke early: the next second, not this one

    # -- data --------------------------------------------------------------------------

    def on_view(self, view: FloorView) -> None:
        self.views_received += 1
        self.view = view
        now = self.server_now_ms()
        ch = view.changes
        if ch.any:
            self.tiles.set_floor(view.agents, view.calls, view.queues, ch.agents, ch.layout, now)
        wait_ms = FIGURES_INTERVAL_MS - (self._mono() - self._figures_at) * 1000
        if ch.layout or wait_ms <= 0:
            self._refresh_figures(now)
        elif not self._figures_due.isActive():
            self._figures_due.start(int(wait_ms) + 1)
        if (view.link, view.synced) != self._shown_link:
            self._refresh_status(now)

    def _refresh_figures(self, now: int) -> None:
        v = self.view
        if v is None:
            return
        self._figures_at = self._mono()
        self._figures_due.stop()
        if self._counts_for is not v:  # the floor changed: count again; a clock tick reuses the counts
            self._counts = floor_counts(v.agents.values(), v.queues, v.calls.values())
            self._counts_for = v
        assert self._counts is not None
        self.figures = figures_at(self._counts, now, self.formula)
        self.queue_panel.set_figures(self.figures, self.formula)
        counts = self.figures.total.agents_by_state
        parts = []
        for st in STATE_ORDER:
            look = LOOKS[st]
            parts.append(f"<span style='color:{look.colour.name()}'>{look.glyph}</span> "
                         f"{tr(look.label)} <b>{counts.get(st, 0)}</b>")
        _set_text(self.state_counts, "&nbsp;&nbsp; ".join(parts))
        t = self.figures.total.sl_threshold_s
        _set_text(self.sl_note, tr("Service level = {0}, T = {1}. Today since local midnight; short abandons excluded.")
                  .format(self.formula.label, f"{t} s" if t is not None else tr("per queue")))

    def _refresh_status(self, now: int) -> None:
        state, text, colour = freshness(self.view, self._mono())
        self._shown_link = (self.view.link, self.view.synced) if self.view is not None else None
        _set_text(self.link_label, f"● {text}")
        style = f"color: {colour.name()};"
        if self.link_label.styleSheet() != style:
            self.link_label.setStyleSheet(style)
        self.link_state = state
        _set_text(self.clock_label, time.strftime("%H:%M:%S", time.localtime(now / 1000)))
        live = state == "live"
        if live:
            self.overlay.hide()
        else:
            self.overlay.text = text
            self.overlay.setGeometry(self.tiles_scroll.rect())
            self.overlay.show()
            self.overlay.raise_()
            self.overlay.update()

    def _sample_trend(self, now: int) -> None:
        if self.figures is None or self.link_state != "live":
            return
        sec = now // 1000
        if self._last_sample_s is not None:
            shift = min(TREND_SECONDS, max(0, sec - self._last_sample_s))
            if shift:
                self.trend_values = np.roll(self.trend_values, -shift)
                self.trend_values[-shift:] = np.nan
        self._last_sample_s = sec
        self.trend_values[-1] = self.figures.total.waiting
        if sec % TREND_REDRAW_S and self._trend_drawn:
            return  # sampled every second, redrawn every few: an hour-long chart needs no more
        self._trend_drawn = True
        self.trend_curve.setData(self.trend_x, self.trend_values, connect="finite", skipFiniteCheck=True)
        top = max(5.0, float(np.nanmax(self.trend_values)) * 1.15)
        if top != self._trend_top:
            self._trend_top = top
            self.trend.setYRange(0, top, padding=0)

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.tiles_scroll.rect())
