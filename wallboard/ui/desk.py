"""A supervisor's desk window: the floor to act on, usable on a 1366×768 laptop.

Top to bottom: the top bar and the agents-by-state row; the queues, as tall cards when there is
height to spare or as a one-row strip when there is not (or as the supervisor chose); the Listen
row, which the monitoring banner replaces in place while a session lives (so a listen never moves
anything); the filter bar; the tiles (scrolling); the trend, optional. Beside them: alerts, the
callers waiting, and this session's monitoring log. Keys: L listen, W whisper, B barge, Esc stop,
Space (held) talk in whisper and barge, A acknowledge, Ctrl+F find, F3 next, F1 legend.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from ..board.alerts import AlertMarks, Mark
from ..board.model import BoardModel, Taken
from ..board.monitoring import Action
from ..board.names import matching, next_match, plain
from ..core.alerts import Alert
from ..core.metrics import QueueFigures
from .about import about_text
from .agentday import AgentDayPanel
from .alerts import Acknowledgements, alert_line
from .credentials import CredentialsDialog
from .feedlink import FeedLink
from .filters import FilterBar
from .i18n import tr
from .legend import LegendDialog
from .menu import board_menu, monitoring_menu
from .monitoring import MonitorDesk, MonitorRow
from .queues import QueueCards
from .reports import ReportsDialog
from .shell import BoardShell
from .side import DeskSide
from .strip import QueueStrip, StripScroll
from .style import MUTED, css_colour, font
from .tiles import TileBoard
from .topbar import set_text
from .trend import TrendPanel
from .whiteboard import WhiteboardWindow
from .words import SL_FORMULAS, local_hm

#: Below this window height the queues show as a strip and the trend is off ("auto").
ROOMY_HEIGHT = 900


class DeskWindow(BoardShell):
    def __init__(self, title: str, model: BoardModel, link: FeedLink, compact: bool = False,
                 queue_view: str = "auto", trend: str = "auto", alert_sound: bool = False,
                 settings: QSettings | None = None, mono: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        super().__init__(title, model, link, 0.8 if compact else 1.0, mono, wall)
        self.settings = settings
        self.alert_sound = alert_sound
        self.selected_agent: str | None = None
        self.notified: list[Alert] = []  # critical alerts announced (tray, sound), newest last
        self.monitor = MonitorDesk(model.monitoring, link, lambda aid: plain(model.agent_name(aid)), self)
        self.monitor.changed.connect(self.refresh_monitoring)
        self.acks = Acknowledgements(link, model, self.show_notice, self.server_now_ms,
                                     lambda marks, now: self.show_marks(marks, now))
        self.queue_view = str(settings.value("desk/queues", queue_view)) if settings is not None else queue_view
        self.trend_view = str(settings.value("desk/trend", trend)) if settings is not None else trend

        s = self.scale
        self.cards = QueueCards(scale=s)
        self.cards_scroll = QScrollArea()  # tall cards never make the window taller than the screen
        self.cards_scroll.setWidget(self.cards)
        self.cards_scroll.setWidgetResizable(True)
        self.cards_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.cards_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip = QueueStrip(s)
        self._queue_cards: tuple[list[QueueFigures], dict[str, Mark]] = ([], {})
        self.strip_scroll = StripScroll(self.strip)
        self.sl_note = QLabel()
        self.sl_note.setFont(font(self.sl_note.font(), "note", s))
        self.sl_note.setStyleSheet(css_colour(MUTED))
        self.sl_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.monitor_row = MonitorRow(s, self.monitor)
        self.monitor_row.action.connect(self._act)
        self.listen_button, self.monitor_hint, self.banner = (self.monitor_row.listen_button, self.monitor_row.hint,
                                                              self.monitor_row.banner)
        self.filters = FilterBar(model.sort, model.scope.states, compact)
        self.filters.changed.connect(self._apply_filters)
        self.filters.find_asked.connect(self._find)
        self.filters.find_done.connect(lambda: self.tiles.setFocus())
        self.filters.compact.connect(self._set_density)
        self.tiles = TileBoard(scale=s)
        self.tiles.agent_selected.connect(self._select)
        self.tiles.agent_activated.connect(self._activate)
        self.tiles.context_requested.connect(self._context_menu)
        self.tiles.listed_changed.connect(self._show_found)
        self.tiles.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the board's keys work from it
        self.trend = TrendPanel(s)
        self.trend.setFixedHeight(round(150 * s))
        self.side = DeskSide(s)
        self.agent_day = AgentDayPanel(link, lambda: self.view, self.server_now_ms, self.model.day_start,
                                       self.centre_offset_ms, s)
        self.whiteboard: WhiteboardWindow | None = None
        self.side.add_day(self.agent_day)
        self.alerts_panel = self.side.alerts
        self.alerts_panel.agent_chosen.connect(self._alert_chosen)
        self.alerts_panel.acknowledge.connect(self.acknowledge)
        self.tray: QSystemTrayIcon | None = None
        self._arrange(title)
        self.start()
        self.refresh_monitoring()

    # -- layout -----------------------------------------------------------------------------

    def _arrange(self, title: str) -> None:
        """The floor's figures across the whole window; below them the tiles, and the side panel beside."""
        outer = QWidget()
        col = QVBoxLayout(outer)
        col.setContentsMargins(6, 6, 6, 6)
        col.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self.top, 1)
        self.menu_button = QPushButton(tr("☰ Board"))
        self.menu_button.setMenu(self._menu())
        top.addWidget(self.menu_button)
        col.addLayout(top)
        col.addWidget(self.counts)
        col.addWidget(self.cards_scroll)
        col.addWidget(self.strip_scroll)
        col.addWidget(self.sl_note)
        main = QWidget()
        left = QVBoxLayout(main)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(4)
        left.addWidget(self.monitor_row)
        left.addWidget(self.filters)
        self.tiles_scroll = QScrollArea()
        self.tiles_scroll.setWidgetResizable(True)
        self.tiles_scroll.setWidget(self.tiles)
        self.tiles_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left.addWidget(self.tiles_scroll, 1)
        left.addWidget(self.trend)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(main)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1000, 350])  # at 1366 px: four columns of tiles beside the side panel
        col.addWidget(self.splitter, 1)
        self.body = outer  # the veil covers every figure, the side panel's callers and alerts too
        self.setCentralWidget(outer)
        for keys, slot in (("L", self.listen_selected), ("W", lambda: self._act(Action.WHISPER)),
                           ("B", lambda: self._act(Action.BARGE)), ("Escape", lambda: self._act(Action.STOP)),
                           ("A", self.alerts_panel.acknowledge_selected), ("Ctrl+F", self.filters.find_box.setFocus),
                           ("F3", lambda: self._find(self.filters.find_box.text(), True)), ("F1", self.show_legend)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip(title)
            menu = QMenu(self)
            menu.addAction(tr("Show the board"), self._raise)
            menu.addAction(tr("Quit"), QApplication.quit)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda reason: self._raise())
            self.tray.show()
        if self.settings is not None:
            geometry, splitter = self.settings.value("window/geometry"), self.settings.value("window/splitter")
            if geometry is not None:
                self.restoreGeometry(geometry)
            if splitter is not None:
                self.splitter.restoreState(splitter)
        self._fit_layout()

    def _menu(self) -> QMenu:
        actions = [(tr("Legend (F1)"), self.show_legend)]
        actions += [(tr("Feed credentials…"), self.edit_credentials)] if self.link.credentials is not None else []
        actions += [(tr("Listening…"), lambda: self.monitor.edit_listening(self.settings))] if self.link.sound else []
        actions += [(tr("Reports…"), self.show_reports), (tr("Outbound results…"), self.show_whiteboard),
                    (tr("About"), self.show_about)]
        return board_menu(self, {"desk/queues": self.queue_view, "desk/trend": self.trend_view}, self._set_view,
                          actions)

    def _set_view(self, key: str, value: str) -> None:
        if key == "desk/queues":
            self.queue_view = value
        else:
            self.trend_view = value
        if self.settings is not None:
            self.settings.setValue(key, value)
        self._fit_layout()

    def _wants_cards(self) -> bool:  # as chosen, or ("auto") on a tall window if they take under 40 % of it
        return self.queue_view == "cards" or (self.queue_view == "auto" and self.height() >= ROOMY_HEIGHT
                                              and self.cards.height() <= self.height() * 0.4)

    def _fit_layout(self) -> None:
        """Cards or strip, trend or not, for this window's height (or as chosen)."""
        cards = self._wants_cards()
        self.cards_scroll.setVisible(cards)
        self.cards_scroll.setMaximumHeight(max(self.cards.height(), 60) if cards else 0)
        self.strip_scroll.setVisible(not cards)
        self.trend.setVisible(self.trend_view == "show" or (self.trend_view == "auto" and self.height() >= ROOMY_HEIGHT))
        self._push_cards()

    def _push_cards(self) -> None:
        """The figures to the one of cards and strip that shows (filling both cost a tenth of the board's
        time at 50 queues and 5,000 events/s); the cards always learn their number: it sets their height."""
        cards, marks = self._queue_cards
        if self.cards_scroll.isVisible() or len(cards) != len(self.cards.cards):
            self.cards.set_cards(cards, marks)
        if self.strip_scroll.isVisible():
            self.strip_scroll.show_cards(cards, marks)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_layout()

    def save_layout(self) -> None:
        """Window size and place, and the splitter; never a secret (the token is not ours to keep)."""
        if self.settings is not None:
            self.settings.setValue("window/geometry", self.saveGeometry())
            self.settings.setValue("window/splitter", self.splitter.saveState())
            self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        super().closeEvent(event)

    def _raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _set_density(self, compact: bool) -> None:
        self.scale = 0.8 if compact else 1.0
        self.tiles.set_scale(self.scale)
        self.cards.set_scale(self.scale)
        self._fit_layout()

    # -- data ---------------------------------------------------------------------------------

    def took(self, taken: Taken) -> None:
        v = self.view
        if taken.layout and v is not None:
            self.filters.fill(sorted({a.team for a in v.agents.values() if a.team}),
                              sorted((q.name, q.id) for q in v.queues.values()))
        if taken.told:
            self.monitor.told(taken.told)
        if taken.caps or taken.told or (self.model.monitoring.alive and taken.agents):
            self.refresh_monitoring()
        if self.whiteboard is not None and self.whiteboard.isVisible():
            self.whiteboard.refresh()

    def show_figures(self, now: int) -> None:
        m = self.model
        cards = m.cards()
        self._queue_cards = (cards, {c.queue_id: m.card_mark(c) for c in cards})
        if self.cards_scroll.isHidden() == self._wants_cards():
            self._fit_layout()  # more or fewer cards: the other view now, which it fills
        else:
            self._push_cards()
        f = m.figures
        t = f.total.sl_threshold_s if f is not None else None
        partial = m.interval_partial_since_ms()
        offset = m.view.offset_ms if m.view is not None else 0
        span = (tr("Counted since {0} (bridge start), not since midnight").format(local_hm(partial - offset))
                if partial is not None else tr("Today since local midnight"))
        set_text(self.sl_note, tr("Service level = {0}, T = {1}. {2}; short abandons excluded.").format(
            tr(SL_FORMULAS[m.settings.formula]), tr("{0} s").format(t) if t is not None else tr("per queue"), span))

    def show_marks(self, marks: AlertMarks, now: int) -> None:
        super().show_marks(marks, now)
        v = self.view
        if v is not None:
            self.alerts_panel.show_alerts(marks.alerts[:200], lambda al: alert_line(al, v.agents, v.queues))
        for al in marks.newly_critical:
            self._announce(al)

    def ticked(self, now: int) -> None:
        self.side.show_callers(self.model.waiting(now), self.model.wait_level)
        if self.trend.isVisible():
            self.trend.draw(self.model.trend)
        if self.model.monitoring.alive:
            self.refresh_monitoring()

    def _announce(self, al: Alert) -> None:
        """A new critical alert: tray notification, and a sound if asked for."""
        self.notified.append(al)
        del self.notified[:-100]
        v = self.view
        if self.tray is not None and v is not None:
            self.tray.showMessage(tr("Critical alert"), alert_line(al, v.agents, v.queues),
                                  QSystemTrayIcon.MessageIcon.Warning, 8000)
        if self.alert_sound:
            QApplication.beep()

    # -- filters and find ---------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        team, queue, state, sort = self.filters.values()
        self.model.set_filters(team, queue, state, sort)
        self.reorder()
        self._show_found()

    def _show_found(self) -> None:
        """"12 of 48 shown", "2 found": recounted whenever the tiles shown change, so they stay true."""
        text = self.filters.find_box.text()
        if text.strip():
            self._find(text, False, select=False)
            return
        total = sum(1 for a in self.view.agents.values() if self.model.is_counted(a)) if self.view else 0
        shown = len(self.tiles.listed)
        self.filters.say(tr("{0} of {1} agents shown").format(shown, total) if shown != total else "")

    def _find(self, text: str, step: bool, select: bool = True) -> None:
        """Select (and scroll to) the next agent whose name (or reading) contains ``text``."""
        v = self.view
        if not text.strip() or v is None:
            if not text.strip() and select:
                self._show_found()
            return
        agents = v.agents
        hits = matching([(aid, agents[aid].name, agents[aid].name_kana) for aid in self.tiles.listed], text)
        if not hits:
            self.filters.say(tr("No agent named “{0}” is shown").format(plain(text.strip())))
            return
        self.filters.say(tr("{0} found").format(len(hits)))
        chosen = next_match(hits, self.selected_agent, step)
        if select and chosen is not None:
            self.select_agent(chosen)

    def select_agent(self, aid: str) -> None:
        """Select an agent's tile and bring it into view."""
        self._select(aid)
        self.tiles.select(aid)
        i = self.tiles.index.get(aid)
        if i is not None:
            centre = self.tiles.tile_rect(i).center()
            self.tiles_scroll.ensureVisible(centre.x(), centre.y(), 0, self.tiles.tile_height)

    def _alert_chosen(self, subject: str) -> None:
        if self.view is not None and subject in self.view.agents:
            self.select_agent(subject)

    # -- alerts --------------------------------------------------------------------------------------

    def acknowledge(self, key: tuple[str, str]) -> None:
        self.acks.acknowledge(key)

    # -- monitoring -------------------------------------------------------------------------------------

    def _select(self, aid: str) -> None:
        self.selected_agent = aid
        self.refresh_monitoring()
        self.agent_day.follow(aid)

    def _activate(self, aid: str) -> None:
        """Double-click: listen to this agent."""
        self._select(aid)
        self.listen_selected()

    def listen_selected(self) -> None:
        self._act(Action.LISTEN)

    def _act(self, action: Action) -> None:
        self.monitor.act(action, self.selected_agent, self.model.agent_on_call(self.selected_agent))

    def _context_menu(self, aid: str, where: QPoint) -> None:
        m, on_call = self.model.monitoring, self.model.agent_on_call(aid)
        monitoring_menu(self, lambda a: m.why_not(a, on_call) is None, self._act).popup(where)

    def refresh_monitoring(self) -> None:
        m = self.model.monitoring
        s = m.session
        call_s = None
        v = self.view
        call = v.calls.get(s.call_id) if s is not None and s.call_id and v is not None else None
        if call is not None and call.answered_at is not None:
            call_s = max(0.0, (self.server_now_ms() - call.answered_at) / 1000)
        self.monitor_row.refresh(self.monitor, self.selected_agent, self.model.agent_on_call(self.selected_agent), call_s)
        self.side.show_log(self.monitor.log)

    # -- dialogs -------------------------------------------------------------------------------------------

    def show_legend(self) -> None:
        LegendDialog(self.model.settings.formula, self).open()

    def edit_credentials(self) -> None:
        if self.link.credentials is not None:
            CredentialsDialog(self.link.credentials, self).open()

    def show_whiteboard(self) -> None:
        self.whiteboard = WhiteboardWindow(self.model, self.server_now_ms, self.centre_offset_ms, self.scale, self)
        self.whiteboard.show()

    def show_reports(self) -> None:
        self.reports = ReportsDialog(self.link, lambda: self.view, self.server_now_ms, self.centre_offset_ms, self)
        self.reports.show()

    def show_about(self) -> None:
        QMessageBox.about(self, tr("About Wallboard"), self.about_text())

    def about_text(self) -> str:
        return about_text(self.view.link.detail if self.view is not None else tr("not connected yet"))

