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
from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMenu, QPushButton,
    QScrollArea, QSystemTrayIcon, QVBoxLayout, QWidget,
)

from ..core.alerts import Alert, AlertBook, AlertRules, Level
from ..core.metrics import FloorCounts, FloorFigures, SLFormula, figures_at, floor_counts
from ..core.model import ON_A_CALL
from ..feed.client import FloorView
from .monitoring import MonitorBanner, MonitorController, SendCommand
from .queues import QueuePanel
from .style import BAD, GOOD, LOOKS, STATE_ORDER, WARN, clock_text, tr
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
                 mono: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 send_command: SendCommand | None = None, endpoint: str = "", supervisor: str = "",
                 rules: AlertRules | None = None, alert_sound: bool = False) -> None:
        super().__init__()
        self.setWindowTitle(title)
        self.book = AlertBook(rules)
        self.alerts: list[Alert] = []
        self.alert_sound = alert_sound
        self.supervisor = supervisor or tr("supervisor")
        self.notified: list[Alert] = []  # critical alerts announced (tray/sound), newest last
        self._critical_seen: set[tuple[str, str]] = set()
        self._alert_texts: dict[tuple[str, str], tuple[Alert, str]] = {}
        self.selected_agent: str | None = None
        self.monitor = MonitorController(send_command, endpoint, supervisor, parent=self)
        self.monitor.name_of = self._agent_name
        self.monitor.changed.connect(self._refresh_monitoring)
        self.formula = formula
        self._mono, self._wall = mono, wall
        self.view: FloorView | None = None
        self.figures: FloorFigures | None = None
        self.bridge = FeedBridge(self)
        self.bridge.view_ready.connect(self.on_view)
        self._shown_link: object = None
        self._counts: FloorCounts | None = None
        self._counts_for: FloorView | None = None

        central = QWidget()
        columns = QHBoxLayout(central)
        columns.setContentsMargins(0, 0, 0, 0)
        main = QWidget()
        outer = QVBoxLayout(main)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)
        columns.addWidget(main, 1)

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

        controls = QHBoxLayout()
        self.listen_button = QPushButton(tr("Listen to selected agent (L)"))
        self.listen_button.clicked.connect(self.listen_selected)
        controls.addWidget(self.listen_button)
        self.monitor_hint = QLabel()
        self.monitor_hint.setStyleSheet("color: #555555;")
        controls.addWidget(self.monitor_hint, 1)
        outer.addLayout(controls)
        self.banner = MonitorBanner(self.monitor)
        outer.addWidget(self.banner)

        self.tiles = TileBoard()
        self.tiles.agent_selected.connect(self._select)
        self.tiles.agent_activated.connect(self._activate)
        self.tiles.context_requested.connect(self._context_menu)
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

        side = QWidget()
        side.setFixedWidth(400)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 6, 6, 6)
        head = QLabel(tr("Alerts"))
        hf = head.font()
        hf.setPixelSize(18)
        hf.setBold(True)
        head.setFont(hf)
        sl.addWidget(head)
        self.alert_list = QListWidget()
        self.alert_list.setWordWrap(True)
        lf2 = self.alert_list.font()
        lf2.setPixelSize(15)
        self.alert_list.setFont(lf2)
        self.alert_list.itemClicked.connect(self._alert_clicked)
        sl.addWidget(self.alert_list, 3)
        self.ack_button = QPushButton(tr("Acknowledge selected alert (A)"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        sl.addWidget(self.ack_button)
        head2 = QLabel(tr("Monitoring, this session"))
        head2.setFont(hf)
        sl.addWidget(head2)
        self.session_log = QListWidget()
        self.session_log.setWordWrap(True)
        sl.addWidget(self.session_log, 1)
        columns.addWidget(side)
        self.setCentralWidget(central)
        for keys, slot in (("L", self.listen_selected), ("W", lambda: self._switch("whisper")),
                           ("B", lambda: self._switch("barge")), ("Escape", self.monitor.stop),
                           ("A", self.acknowledge_selected)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip(title)
            self.tray.show()
        self.overlay = StaleOverlay(self.tiles_scroll)
        self.ticker = QTimer(self)
        self.ticker.setSingleShot(True)
        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire early and tick twice
        self.ticker.timeout.connect(self.tick)
        self._figures_due = QTimer(self)
        self._figures_due.setSingleShot(True)
        self._figures_due.timeout.connect(lambda: self._refresh_figures(self.server_now_ms()))
        self._figures_at = 0.0
        self._refresh_monitoring()  # no caps yet: no monitoring controls until the server offers them
        self.tick()

    # -- time --------------------------------------------------------------------------

    def server_now_ms(self) -> int:
        offset = self.view.offset_ms if self.view is not None else 0
        return int(self._wall() * 1000) + offset

    def tick(self) -> None:
        """Once a second, on the server's second: clocks, alerts, freshness, trend sample.

        The next tick is armed first thing, so nothing that fails below can stop the clocks.
        """
        now = self.server_now_ms()
        delay = 1000 - now % 1000 + 5
        self.ticker.start(delay if delay > 200 else delay + 1000)  # woke early: the next second, not this one
        self.tiles.tick(now)
        if (self._mono() - self._figures_at) * 1000 > FIGURES_INTERVAL_MS * 3:
            self._refresh_figures(now)  # under traffic the 10 Hz refresh has just done it
        if self.view is not None and self.figures is not None:
            self._refresh_alerts(self.view, now)  # thresholds are in seconds: once a second is enough
        if self.monitor.session is not None:
            self._refresh_monitoring()
        self._refresh_status(now)
        self._sample_trend(now)

    # -- data --------------------------------------------------------------------------

    def on_view(self, view: FloorView) -> None:
        self.view = view
        if self.monitor.modes != view.caps.monitor:
            self.monitor.modes = view.caps.monitor
            self._refresh_monitoring()
        if view.sessions:
            self.monitor.on_sessions(view.sessions)
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

    # -- alerts ------------------------------------------------------------------------------

    def _refresh_alerts(self, v: FloorView, now: int) -> None:
        self.alerts = self.book.update(v.agents.values(), v.calls, self.figures, now)
        flash_after = self.book.rules.flash_after_s
        per_agent: dict[str, tuple[int, bool]] = {}
        per_queue: dict[str, int] = {}
        for al in self.alerts:
            flashing = al.flashing(now, flash_after)
            if al.agent_id is not None:
                lvl, fl = per_agent.get(al.agent_id, (0, False))
                per_agent[al.agent_id] = (max(lvl, int(al.level)), fl or flashing)
            elif al.queue_id is not None:
                per_queue[al.queue_id] = max(per_queue.get(al.queue_id, 0), int(al.level))
            if al.level is Level.CRITICAL and al.key not in self._critical_seen:
                self._critical_seen.add(al.key)
                self._announce(al)
        self._critical_seen &= {al.key for al in self.alerts if al.level is Level.CRITICAL}
        self.tiles.set_alerts(per_agent)
        self.queue_panel.set_alert_levels(per_queue)
        self._show_alerts(self.alerts[:200], now)
        if len(self._alert_texts) > 1000:
            self._alert_texts = {k: v for k, v in self._alert_texts.items() if k in self.book.active}

    def _show_alerts(self, alerts: list[Alert], now: int) -> None:
        """Keep the list in step by key: add, remove, re-text in place; never rebuild it."""
        lst = self.alert_list
        want = [al.key for al in alerts]
        have = [tuple(lst.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(lst.count())]
        if want != have:
            keep = set(want)
            for i in reversed(range(lst.count())):
                if have[i] not in keep:
                    lst.takeItem(i)
            have = [tuple(lst.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(lst.count())]
            position = {k: i for i, k in enumerate(have)}
            for row, al in enumerate(alerts):
                at = position.get(al.key)
                if at == row:
                    continue
                item = lst.takeItem(at) if at is not None else QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, al.key)
                lst.insertItem(row, item)
                have.insert(row, have.pop(at) if at is not None else al.key)
                position = {k: j for j, k in enumerate(have)}
        texts = self._alert_texts
        for row, al in enumerate(alerts):
            item = lst.item(row)
            hit = texts.get(al.key)
            if hit is not None and hit[0] is al:
                continue  # an alert object changes only with its level or acknowledgement
            text = self._alert_text(al, now)
            texts[al.key] = (al, text)
            if item.text() != text:
                item.setText(text)
                item.setForeground(BAD if al.level is Level.CRITICAL else QColor("#8A5A00"))

    def _alert_text(self, al: Alert, now: int) -> str:
        v = self.view
        who = ""
        q = v.queues.get(al.queue_id) if v is not None and al.queue_id is not None else None
        queue = q.name if q is not None else ""
        if al.agent_id is not None and v is not None and al.agent_id in v.agents:
            who = f"{v.agents[al.agent_id].name} ({queue})" if queue else v.agents[al.agent_id].name
        else:
            who = queue
        # No live numbers here (the tile has the ticking clock): a list that changes every
        # second is unreadable and costs a re-layout per second.
        limit = clock_text(al.threshold)
        what = {
            "talk": tr("call over {0}").format(limit),
            "hold": tr("caller on hold over {0}").format(limit),
            "wrapup": tr("wrap-up over {0}").format(limit),
            "pause": tr("paused over {0}").format(limit),
            "help": tr("asked for help"),
            "waiting_time": tr("a caller waiting over {0}").format(limit),
            "waiting_count": tr("{0:.0f}+ callers waiting").format(al.threshold),
            "service_level": tr("service level below {0:.0f}%").format(al.threshold),
        }.get(al.kind, al.kind)
        level = tr("CRITICAL") if al.level is Level.CRITICAL else tr("warning")
        ack = (f"  ✓ {al.acked_by} {time.strftime('%H:%M', time.localtime((al.acked_ms or 0) / 1000))}"
               if al.acked_by else "")
        raised = time.strftime("%H:%M:%S", time.localtime(al.raised_ms / 1000))
        return f"{raised}  {level}  {who} — {what}{ack}"

    def _announce(self, al: Alert) -> None:
        """A new critical alert: tray notification, and a sound if asked for."""
        self.notified.append(al)
        del self.notified[:-100]
        if self.tray is not None:
            self.tray.showMessage(tr("Critical alert"), self._alert_text(al, self.server_now_ms()),
                                  QSystemTrayIcon.MessageIcon.Warning, 8000)
        if self.alert_sound:
            QApplication.beep()

    def _alert_clicked(self, item: QListWidgetItem) -> None:
        kind, subject = item.data(Qt.ItemDataRole.UserRole)
        if self.view is not None and subject in self.view.agents:
            self._select(subject)
            i = self.tiles.index.get(subject)
            if i is not None:
                self.tiles.selected = subject
                self.tiles.update()
                self.tiles_scroll.ensureVisible(self.tiles.tile_rect(i).center().x(), self.tiles.tile_rect(i).center().y())

    def acknowledge_selected(self) -> None:
        item = self.alert_list.currentItem() or (self.alert_list.item(0) if self.alert_list.count() else None)
        if item is None:
            return
        key = tuple(item.data(Qt.ItemDataRole.UserRole))
        if self.book.acknowledge(key, self.supervisor, self.server_now_ms()) is not None and self.view is not None:
            self._refresh_alerts(self.view, self.server_now_ms())

    # -- monitoring ----------------------------------------------------------------------------

    def _agent_name(self, aid: str) -> str:
        v = self.view
        return v.agents[aid].name if v is not None and aid in v.agents else aid

    def _activate(self, aid: str) -> None:
        self._select(aid)
        self.listen_selected()

    def _select(self, aid: str) -> None:
        self.selected_agent = aid
        self._refresh_monitoring()

    def _selected_on_call(self) -> bool:
        v = self.view
        aid = self.selected_agent
        return v is not None and aid is not None and aid in v.agents and v.agents[aid].status in ON_A_CALL

    def listen_selected(self) -> None:
        if self.monitor.live:
            self._switch("listen")
        elif self.selected_agent is not None and self.monitor.can_start(self._selected_on_call()):
            self.monitor.listen(self.selected_agent)

    def _switch(self, mode: str) -> None:
        if self.monitor.can_switch(mode):
            self.monitor.switch(mode)

    def _context_menu(self, aid: str, where: QPoint) -> None:
        menu = QMenu(self)
        m = self.monitor
        live_here = m.live and m.session is not None and m.session.agent_id == aid
        for text, mode, enabled in (
            (tr("Listen (L)"), "listen", m.can_start(self._selected_on_call()) or (live_here and m.can_switch("listen"))),
            (tr("Whisper (W)"), "whisper", live_here and m.can_switch("whisper")),
            (tr("Barge (B)"), "barge", live_here and m.can_switch("barge")),
        ):
            act = QAction(text, menu)
            act.setEnabled(enabled)
            act.triggered.connect(self.listen_selected if mode == "listen" else (lambda _=False, md=mode: self._switch(md)))
            menu.addAction(act)
        stop = QAction(tr("Stop (Esc)"), menu)
        stop.setEnabled(m.live)
        stop.triggered.connect(m.stop)
        menu.addAction(stop)
        menu.popup(where)

    def _refresh_monitoring(self) -> None:
        m = self.monitor
        s = m.session
        call_s = None
        call = self.view.calls.get(s.call_id) if s is not None and s.call_id and self.view is not None else None
        if call is not None:
            answered = call.answered_at
            if answered is not None:
                call_s = max(0.0, (self.server_now_ms() - answered) / 1000)
        self.banner.refresh(self._agent_name(s.agent_id) if s is not None else "", call_s)
        may = m.send is not None and bool(m.modes)  # a view-only board shows no monitoring controls
        self.listen_button.setVisible(may)
        self.monitor_hint.setVisible(may)
        self.listen_button.setEnabled(m.can_start(self._selected_on_call()))
        hint = m.why_not()
        if not hint and self.selected_agent is None:
            hint = tr("Select an agent on a call: L listens; then W whispers, B barges; Esc stops.")
        elif not hint and not self._selected_on_call():
            hint = tr("{0} is not on a call").format(self._agent_name(self.selected_agent or ""))
        elif not hint and m.live:
            hint = tr("A session is active: switch or stop it on the banner.")
        _set_text(self.monitor_hint, hint)
        if self.session_log.count() != len(m.log):
            self.session_log.clear()
            for e in m.log:
                item = QListWidgetItem(f"{time.strftime('%H:%M:%S', time.localtime(e.at))}  {e.text}")
                if not e.ok:
                    item.setForeground(BAD)
                self.session_log.addItem(item)
            self.session_log.scrollToBottom()

    def describe(self) -> str:
        """One line of context for error reports (never a token: the view holds none)."""
        v = self.view
        if v is None:
            return "no feed yet"
        return (f"link {v.link.state} ({v.link.detail}), synced {v.synced}, {len(v.agents)} agents, "
                f"{len(v.calls)} calls, frames {v.counters.get('frames')}")

    def show_notice(self, text: str) -> None:
        """A message at the bottom that clears itself: never a dialog that waits for a click."""
        self.statusBar().showMessage(text, 30_000)

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
