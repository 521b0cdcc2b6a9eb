"""The board's main window: status bar, queue cards, agent tiles, waiting-calls trend.

Data arrives as immutable :class:`FloorView` objects through :class:`FeedBridge`
(a queued Qt signal from the feed thread). The window never blocks on the network
and never decodes anything. A one-second timer, aligned to the server clock's
second, ticks every clock on the board together and re-checks freshness, so a feed
that goes quiet is shown as STALE within a second of its deadline.
"""

from __future__ import annotations

import concurrent.futures
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPoint, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPaintEvent, QScreen, QShortcut
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QMainWindow, QMenu, QMessageBox, QPushButton, QScrollArea, QSplitter, QStackedWidget,
    QSizePolicy, QSystemTrayIcon, QVBoxLayout, QWidget,
)

from ..core.alerts import Alert, AlertBook, AlertRules, Level
from ..core.metrics import FloorCounts, FloorFigures, SLFormula, figures_at, floor_counts
from ..core.model import ON_A_CALL, Agent
from ..core.profile import Profile
from ..core.protocol import CommandResult
from ..feed.client import FloorView
from .assets import app_icon
from .kiosk import burn_in_offsets, rotation, tv_scale
from .monitoring import MonitorBanner, MonitorController, SendCommand
from .queues import BASE_CARD, QueuePanel
from .style import (
    QT_TR_NOOP, BAD, GOOD, INK, LOOKS, MUTED, PAPER, STATE_ORDER, TREND, WARN, WARN_TEXT, age_text, clock_text, plain,
    reading, tr,
)
from .tiles import TileBoard

TREND_SECONDS = 3600
#: Queue figures refresh at most this often (agent tiles are not throttled): 50 cards
#: recomputed and repainted 50 times a second would cost more than a TV PC should spend.
FIGURES_INTERVAL_MS = 100
TREND_REDRAW_S = 5
SL_FORMULA_WORDS = {
    SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS: QT_TR_NOOP("answered ≤T ÷ (answered + abandoned >T)"),
    SLFormula.ANSWERED_OVER_OFFERED: QT_TR_NOOP("answered ≤T ÷ offered"),
}


class FeedBridge(QObject):
    """Carries views from the feed thread to the GUI thread (queued connection)."""

    view_ready = Signal(object)

    def push(self, view: FloorView) -> None:  # called on the feed thread
        self.view_ready.emit(view)


#: A board this far behind its feed says so instead of LIVE (seconds).
BEHIND_AFTER_S = 3.0


def freshness(view: FloorView | None, mono_now: float, server_now_ms: int | None = None,
              gui_lag_s: float = 0.0) -> tuple[str, str, QColor]:
    """(state, text, colour) for the connection indicator; the words say it, not only the colour.

    ``gui_lag_s``: how long the last view waited for the GUI; with the feed's own lateness it is
    how far behind the floor the screen is."""
    if view is None:
        return "connecting", tr("Connecting…"), WARN
    link = view.link
    age = view.age_s(mono_now)
    if link.state == "live" and not view.source_up:
        return "source", source_words(view, server_now_ms), BAD
    if link.state == "live" and view.synced:
        deadline = view.heartbeat_s * 2 + 1
        if age is not None and age > deadline:
            return "stale", tr("STALE — no data for {0}").format(age_text(age)), BAD
        behind = view.behind_ms / 1000 + gui_lag_s
        if behind > BEHIND_AFTER_S:
            return "behind", tr("BEHIND by {0} — the board cannot keep up").format(age_text(behind)), BAD
        if view.unreadable:
            return "live", tr("LIVE — {0} unreadable").format(len(view.unreadable)), WARN
        return "live", tr("LIVE"), GOOD
    if link.state == "live":
        return "syncing", tr("Synchronising…"), WARN
    held = age is not None and bool(view.agents or view.synced)
    if link.state == "refused":
        words = link_words(link.detail)
        return "refused", (tr("REFUSED: {0} — data {1} old").format(words, age_text(age)) if held and age is not None
                           else tr("REFUSED: {0} — no data yet").format(words)), BAD
    if link.state == "retrying":
        left = max(0.0, (link.retry_in_s or 0) - (mono_now - link.since_mono))
        words = link_words(link.detail)
        return "retrying", (tr("RECONNECTING in {0:.0f} s ({1}) — data {2} old").format(left, words, age_text(age))
                            if held and age is not None else
                            tr("RECONNECTING in {0:.0f} s ({1}) — no data yet").format(left, words)), BAD
    return "connecting", (tr("Connecting… — data {0} old").format(age_text(age)) if held and age is not None
                          else tr("Connecting… — no data yet")), WARN


SOURCE_WORDS = {
    "connecting": QT_TR_NOOP("Connecting to the PBX…"),
    "syncing": QT_TR_NOOP("WAITING FOR THE PBX: {0}"),
    "refused": QT_TR_NOOP("PBX LOGIN REFUSED: {0}"),
    "down": QT_TR_NOOP("PBX UNREACHABLE since {1} ({0})"),
}


def source_words(view: FloorView, server_now_ms: int | None) -> str:
    """What the feed server says of its PBX, in the board's words, with the held data's age."""
    src = view.source
    assert src is not None
    since_local = (src.since - view.offset_ms) / 1000
    template = SOURCE_WORDS.get(src.state)
    detail = known_words(src.detail, SOURCE_DETAIL_WORDS)
    if template is None:
        text = tr("PBX: {0} {1}").format(src.state, detail)
    else:
        text = tr(template).format(detail or "…", time.strftime("%H:%M", time.localtime(since_local)))
    if (view.synced or view.agents) and server_now_ms is not None and src.since:
        text += tr(" — data {0} old").format(age_text(max(0.0, (server_now_ms - src.since) / 1000)))
    return text


#: How the feed layer words a lost or refused link (its text starts with one of these).
LINK_WORDS = {
    "connection refused": QT_TR_NOOP("connection refused"),
    "connection closed by the server": QT_TR_NOOP("connection closed by the server"),
    "connection closed": QT_TR_NOOP("connection closed"),
    "feed certificate not trusted": QT_TR_NOOP("feed certificate not trusted"),
    "feed silent for": QT_TR_NOOP("feed silent for"),
    "timed out": QT_TR_NOOP("timed out"),
    "invalid feed URL": QT_TR_NOOP("invalid feed URL"),
    "unauthorized": QT_TR_NOOP("unauthorized"),
    "unsupported_version": QT_TR_NOOP("unsupported protocol version"),
    "closed by the server": QT_TR_NOOP("closed by the server"),
    "the server asked to reconnect": QT_TR_NOOP("the server asked to reconnect"),
    "the server is busy": QT_TR_NOOP("the server is busy"),
    "no usable snapshot: resyncs unanswered": QT_TR_NOOP("no usable snapshot: resyncs unanswered"),
}
#: How a bridge words its PBX link (Source.detail starts with one of these); Asterisk's own words pass as sent.
SOURCE_DETAIL_WORDS = {
    "connection refused by": QT_TR_NOOP("connection refused by"),
    "no answer from": QT_TR_NOOP("no answer from"),
    "AMI closed the connection": QT_TR_NOOP("the PBX closed the connection"),
    "app_queue is not loaded yet": QT_TR_NOOP("app_queue is not loaded yet"),
    "Authentication failed": QT_TR_NOOP("wrong user or secret (Authentication failed)"),
    "taking the floor from the PBX": QT_TR_NOOP("taking the floor from the PBX"),
    "internal error": QT_TR_NOOP("internal error"),
}


def known_words(detail: str, table: dict[str, str]) -> str:
    """A feed's detail in the board's language: its known opening words translated, the rest as sent."""
    for prefix in sorted(table, key=len, reverse=True):
        if detail.startswith(prefix):
            return tr(table[prefix]) + detail[len(prefix):]
    return detail


def link_words(detail: str) -> str:
    return known_words(detail, LINK_WORDS)


def _set_text(label: QLabel, text: str) -> None:
    """Labels re-lay out on every setText, even with the same text; skip the no-ops."""
    if label.text() != text:
        label.setText(text)


def _scope(teams: tuple[str, ...], queues: tuple[str, ...]) -> Callable[[Agent], bool] | None:
    """The profile's part of the floor: these teams, agents skilled in these queues."""
    if not teams and not queues:
        return None
    team_set, queue_set = frozenset(teams), frozenset(queues)
    return lambda a: (not team_set or a.team in team_set) and (not queue_set or not queue_set.isdisjoint(a.queues))


class StaleOverlay(QWidget):
    """A banner across the board whenever its numbers are not live. Never hidden behind anything."""

    def __init__(self, parent: QWidget, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.text = ""
        self.scale = scale
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        veil = QColor(PAPER)
        veil.setAlpha(150)
        p.fillRect(self.rect(), veil)
        f = QFont(self.font())
        f.setBold(True)
        size = round(34 * self.scale)
        room = self.width() - round(40 * self.scale)
        f.setPixelSize(size)
        while size > round(20 * self.scale) and QFontMetrics(f).horizontalAdvance(self.text) > room:
            size -= 1  # a long reason ("PBX UNREACHABLE since …") is made to fit, never cut at both ends
            f.setPixelSize(size)
        lines = 1 if QFontMetrics(f).horizontalAdvance(self.text) <= room else 2  # then it wraps
        half = round(50 * self.scale) * lines
        band = self.rect().adjusted(0, self.height() // 2 - half, 0, -(self.height() // 2 - half))
        p.fillRect(band, QColor(213, 94, 0, 230))
        p.setFont(f)
        p.setPen(QColor("#FFFFFF"))
        p.drawText(band.adjusted(round(20 * self.scale), 0, -round(20 * self.scale), 0),
                   Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text)
        p.end()


@dataclass(frozen=True, slots=True)
class CredentialHooks:
    """What the settings dialog may do with the feed's token; the app decides where it lives."""

    keychain: str | None  # the keychain's name, or None when the system has none
    store: Callable[[str], None]  # keep it (in the keychain) and reconnect with it
    forget: Callable[[], bool]  # remove it; False if there was none
    feed: str  # the feed it belongs to, shown in the dialog


class BoardWindow(QMainWindow):
    """The board, as a supervisor's desk window or as a wall TV (``profile.mode``)."""

    closed = Signal()  # the user closed the board
    _ack_answer = Signal(object, str)  # (alert key, "" | the error code), from the feed thread

    def __init__(self, title: str = "Wallboard", formula: SLFormula = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS,
                 mono: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 send_command: SendCommand | None = None, endpoint: str = "", supervisor: str = "",
                 rules: AlertRules | None = None, alert_sound: bool = False, profile: Profile | None = None,
                 credentials: CredentialHooks | None = None, settings: QSettings | None = None,
                 screen: QScreen | None = None) -> None:
        super().__init__()
        if screen is not None:
            self.setScreen(screen)
            self.move(screen.geometry().topLeft())
        self.profile = profile = profile or Profile()
        self.tv = profile.tv
        if self.tv:
            send_command = None  # a wall board is view-only, whatever its token may do
        self.setWindowTitle(title)
        self.setWindowIcon(app_icon())
        self.book = AlertBook(rules)
        self.alerts: list[Alert] = []
        self.alert_sound = alert_sound
        self.supervisor = supervisor or tr("supervisor")
        self.notified: list[Alert] = []  # critical alerts announced (tray/sound), newest last
        self._critical_seen: set[tuple[str, str]] = set()
        self._alert_texts: dict[tuple[str, str], tuple[Alert, str]] = {}
        self.selected_agent: str | None = None
        self.monitor = MonitorController(send_command, endpoint, supervisor, parent=self)
        self._ack_answer.connect(self._on_ack_answer, Qt.ConnectionType.QueuedConnection)
        self.monitor.name_of = self._agent_name
        self.monitor.changed.connect(self._refresh_monitoring)
        self.formula = formula
        self._mono, self._wall = mono, wall
        self.view: FloorView | None = None
        self.figures: FloorFigures | None = None
        self.bridge = FeedBridge(self)
        self.bridge.view_ready.connect(self.on_view)
        self._shown_link: object = None
        self._gui_lag_s = 0.0
        self._counts: FloorCounts | None = None
        self._counts_for: FloorView | None = None
        self.credentials = credentials
        self.settings = settings
        self.link_state = "connecting"
        #: The profile's scope (teams, queues): the board shows and counts only these.
        self._scope = _scope(profile.teams, profile.queues)
        self.scale = tv_scale(self._screen_height(), profile.viewing_distance_m, profile.screen_height_mm) \
            if self.tv else (0.8 if profile.density == "compact" else 1.0)

        # -- the widgets both modes show --
        self.title_label = self._label(title, 22, bold=True)
        self.page_label = self._label("", 18)
        self.state_counts = self._label("", 13)
        self.state_counts.setTextFormat(Qt.TextFormat.RichText)
        self.clock_label = self._label("--:--:--", 22, bold=True)
        self.link_label = self._label("", 18, bold=True)
        self.link_label.setMinimumWidth(round(120 * self.scale))
        self.queue_panel = QueuePanel(scale=self.scale if not self.tv else 1.0)
        self.sl_note = self._label("", 12)
        self.sl_note.setStyleSheet(f"color: {MUTED.name()};")
        self.tiles = TileBoard(scale=self.scale)
        self.tiles.agent_selected.connect(self._select)
        self.tiles.agent_activated.connect(self._activate)
        self.tiles.context_requested.connect(self._context_menu)
        self.tiles.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the board's keys (L, W, B, A) work from it
        self.trend = pg.PlotWidget(background=PAPER)
        self.trend.setMouseEnabled(x=False, y=False)
        self.trend.hideButtons()
        axis_font = QFont(self.font())
        axis_font.setPixelSize(round(12 * self.scale))
        for side in ("left", "bottom"):
            axis = self.trend.getAxis(side)
            axis.setStyle(tickFont=axis_font)
            axis.setPen(MUTED)
            axis.setTextPen(INK)
        label_style = {"font-size": f"{round(13 * self.scale)}px", "color": INK.name()}
        self.trend.setLabel("left", tr("Waiting"), **label_style)
        self.trend.setLabel("bottom", tr("minutes ago"), **label_style)
        self.trend.showGrid(x=True, y=True, alpha=0.3)
        self.trend.setXRange(-60, 0, padding=0)
        self.trend.setYRange(0, 5, padding=0)
        self.trend_curve = self.trend.plot(pen=pg.mkPen(TREND, width=max(2, round(2 * self.scale))))
        self.trend_values = np.full(TREND_SECONDS, np.nan)
        self.trend_x = np.arange(-TREND_SECONDS + 1, 1) / 60.0
        self._last_sample_s: int | None = None
        self._trend_drawn = False
        self._trend_top = 0.0
        self.alert_list = QListWidget()
        self.alert_list.setWordWrap(True)
        lf2 = self.alert_list.font()
        lf2.setPixelSize(round(15 * self.scale))
        self.alert_list.setFont(lf2)
        self.alert_list.itemClicked.connect(self._alert_clicked)
        self.listen_button = QPushButton(tr("Listen to selected agent (L)"))
        self.listen_button.clicked.connect(self.listen_selected)
        self.monitor_hint = self._label("", 13)
        self.monitor_hint.setStyleSheet(f"color: {MUTED.name()};")
        self.banner = MonitorBanner(self.monitor)
        self.ack_button = QPushButton(tr("Acknowledge selected alert (A)"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.session_log = QListWidget()
        self.session_log.setWordWrap(True)
        self.tray: QSystemTrayIcon | None = None

        if self.tv:
            self._arrange_tv()
        else:
            self._arrange_desk(title)
            self.tiles.listed_changed.connect(self._show_found)
        self.overlay = StaleOverlay(self.body, self.scale)
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

    def _label(self, text: str, px: int, bold: bool = False) -> QLabel:
        label = QLabel(text)
        f = label.font()
        f.setPixelSize(max(8, round(px * self.scale)))
        f.setBold(bold)
        label.setFont(f)
        return label

    def _screen_height(self) -> int:
        screen = self.screen() or QApplication.primaryScreen()
        return screen.geometry().height() if screen is not None else 1080

    def _top_bar(self) -> QHBoxLayout:
        """Title (and on a TV, the page), the server's clock and the feed's state; the counts go below."""
        top = QHBoxLayout()
        for label in (self.title_label, self.page_label):  # a long title gives way; the window never outgrows the screen
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.title_label, 2)
        top.addWidget(self.page_label, 3)
        top.addWidget(self.clock_label)
        top.addSpacing(round(12 * self.scale))
        top.addWidget(self.link_label)
        return top

    def _arrange_desk(self, title: str) -> None:
        """Desk: queue cards over filterable, scrolling tiles and the trend; alerts and sessions beside."""
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        main = QWidget()
        outer = QVBoxLayout(main)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)
        outer.addLayout(self._top_bar())
        self.page_label.hide()
        self.state_counts.setWordWrap(True)  # its own row; wraps on a narrow window instead of widening it
        outer.addWidget(self.state_counts)
        outer.addWidget(self.queue_panel)
        outer.addWidget(self.sl_note)
        controls = QHBoxLayout()
        controls.addWidget(self.listen_button)
        controls.addWidget(self.monitor_hint, 1)
        outer.addLayout(controls)
        outer.addWidget(self.banner)
        outer.addLayout(self._filter_bar())
        self.tiles_scroll = QScrollArea()
        self.tiles_scroll.setWidgetResizable(True)
        self.tiles_scroll.setWidget(self.tiles)
        self.tiles_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(self.tiles_scroll, 1)
        self.trend.setFixedHeight(round(150 * self.scale))
        outer.addWidget(self.trend)
        self.body: QWidget = main  # the veil covers every figure under the top bar, not only the tiles

        side = QWidget()
        side.setMinimumWidth(220)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 6, 6, 6)
        sl.addWidget(self._label(tr("Alerts"), 18, bold=True))
        sl.addWidget(self.alert_list, 3)
        sl.addWidget(self.ack_button)
        sl.addWidget(self._label(tr("Monitoring, this session"), 18, bold=True))
        sl.addWidget(self.session_log, 1)
        self.splitter.addWidget(main)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1200, 400])
        self.setCentralWidget(self.splitter)
        for keys, slot in (("L", self.listen_selected), ("W", lambda: self._switch("whisper")),
                           ("B", lambda: self._switch("barge")), ("Escape", self.monitor.stop),
                           ("A", self.acknowledge_selected), ("Ctrl+F", self.find_box.setFocus),
                           ("F3", lambda: self._find(self.find_box.text(), step=True))):
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
        self._restore_layout()

    def _filter_bar(self) -> QHBoxLayout:
        """Find an agent; filter by team, queue and state; order; density; the feed's token."""
        bar = QHBoxLayout()
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText(tr("Find agent (Ctrl+F)…"))
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setMinimumWidth(160)
        self.find_box.textChanged.connect(self._find)
        self.find_box.returnPressed.connect(self._find_next)
        bar.addWidget(self.find_box)
        self.team_filter, self.queue_filter, self.state_filter = QComboBox(), QComboBox(), QComboBox()
        self.team_filter.addItem(tr("All teams"), "")
        self.queue_filter.addItem(tr("All queues"), "")
        self.state_filter.addItem(tr("All states"), "")
        states = self.profile.states or tuple(st.value for st in STATE_ORDER)
        for st in STATE_ORDER:
            if st.value in states:
                look = LOOKS[st]
                self.state_filter.addItem(f"{look.glyph} {tr(look.label)}", st.value)
        self.sort_choice = QComboBox()
        for key, words in (("team", QT_TR_NOOP("Order: team")), ("name", QT_TR_NOOP("Order: name")),
                           ("state", QT_TR_NOOP("Order: state, longest first")),
                           ("time", QT_TR_NOOP("Order: longest in state"))):
            self.sort_choice.addItem(tr(words), key)
        self.sort_choice.setCurrentIndex(max(0, self.sort_choice.findData(self.profile.sort)))
        for combo in (self.team_filter, self.queue_filter, self.state_filter, self.sort_choice):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)  # a narrow desk window still fits; the list opens wide
            combo.currentIndexChanged.connect(self._apply_filters)
            bar.addWidget(combo)
        self.sort_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.compact = QCheckBox(tr("Compact"))
        self.compact.setChecked(self.profile.density == "compact")
        self.compact.toggled.connect(self._set_density)
        bar.addWidget(self.compact)
        self.found_label = QLabel()
        self.found_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.found_label, 1)
        self.credentials_button = QPushButton(tr("Feed credentials…"))
        self.credentials_button.clicked.connect(self.edit_credentials)
        self.credentials_button.setVisible(self.credentials is not None)
        bar.addWidget(self.credentials_button)
        self.about_button = QPushButton(tr("About"))
        self.about_button.clicked.connect(self.show_about)
        bar.addWidget(self.about_button)
        self._apply_filters()
        return bar

    def _arrange_tv(self) -> None:
        """TV: no frame, no cursor, no controls; one page at a time, in turn; text sized for the room."""
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint)
        self.setCursor(Qt.CursorShape.BlankCursor)
        frame = QWidget()
        self.tv_layout = QVBoxLayout(frame)
        self.tv_margin = round(8 * self.scale) + self.profile.burn_in_shift_px
        self.tv_layout.setContentsMargins(*(self.tv_margin,) * 4)
        self.tv_layout.setSpacing(round(4 * self.scale))
        self.tv_layout.addLayout(self._top_bar())
        self.state_counts.setWordWrap(True)
        self.tv_layout.addWidget(self.state_counts)
        self.stack = QStackedWidget()
        self.tiles.paged = True
        self.tiles.show_only(self._scope, self.profile.sort)  # a desk does this in its filter bar
        self.page_widgets: dict[str, QWidget] = {"agents": self.tiles, "trend": self.trend, "alerts": self.alert_list}
        inner = QWidget()
        cl = QVBoxLayout(inner)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.queue_panel)
        cl.addWidget(self.sl_note)
        cl.addStretch(1)
        cards = QScrollArea()  # never scrolls (the cards are fitted); keeps their height off the window's
        cards.setWidget(inner)
        cards.setWidgetResizable(True)
        cards.setFrameShape(QScrollArea.Shape.NoFrame)
        cards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        cards.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_widgets["queues"] = cards
        self.sl_note.setWordWrap(True)
        for name in self.profile.pages:
            self.stack.addWidget(self.page_widgets[name])
        self.tv_layout.addWidget(self.stack, 1)
        self.body = frame
        self.setCentralWidget(frame)
        sb = self.statusBar()
        f = sb.font()
        f.setPixelSize(round(13 * self.scale))
        sb.setFont(f)
        # Controls a TV never shows: kept (the window's logic refers to them), never laid out.
        self._unused = QWidget(self)
        self._unused.hide()
        for w in (self.listen_button, self.monitor_hint, self.banner, self.ack_button, self.session_log):
            w.setParent(self._unused)
        self._fitted_for = (0, 0, 0)
        self.rotation = rotation(self.profile.pages, 1)
        self.rotation_at = 0
        self.rotator = QTimer(self)
        self.rotator.setInterval(round(self.profile.dwell_s * 1000))
        self.rotator.timeout.connect(self.next_page)
        self.rotator.start()
        self.burn_in = burn_in_offsets(self.profile.burn_in_shift_px)
        self.burn_in_at = 0
        self.burn_in_timer = QTimer(self)
        self.burn_in_timer.setInterval(round(self.profile.burn_in_period_s * 1000))
        self.burn_in_timer.timeout.connect(self.shift_picture)
        self.burn_in_timer.start()
        self._show_page()

    # -- TV pages -------------------------------------------------------------------------

    def next_page(self) -> None:
        """The next page in turn; the agent pages are recounted each time (agents come and go)."""
        self.rotation = rotation(self.profile.pages, self.tiles.pages)
        self.rotation_at = (self.rotation_at + 1) % len(self.rotation)
        self._show_page()

    def _show_page(self) -> None:
        name, page = self.rotation[self.rotation_at % len(self.rotation)]
        self.stack.setCurrentWidget(self.page_widgets[name])
        if name == "agents":
            self.tiles.show_page(page)
        if name == "queues":
            self._fit_cards()
        self._show_page_name()

    def _show_page_name(self) -> None:
        name, _ = self.rotation[self.rotation_at % len(self.rotation)]
        words = {"agents": tr("Agents"), "queues": tr("Queues"), "trend": tr("Waiting calls, last hour"),
                 "alerts": tr("Alerts")}[name]
        if name == "agents" and self.tiles.pages > 1:
            words = tr("{0} {1}/{2}").format(words, self.tiles.page + 1, self.tiles.pages)
        _set_text(self.page_label, f"· {words}")

    def shift_picture(self) -> None:
        """One small step of the burn-in walk: the whole picture moves a few pixels."""
        self.burn_in_at = (self.burn_in_at + 1) % len(self.burn_in)
        dx, dy = self.burn_in[self.burn_in_at]
        m = self.tv_margin
        self.tv_layout.setContentsMargins(m + dx, m + dy, m - dx, m - dy)

    def _fit_cards(self) -> None:
        """TV: the biggest queue cards that all fit on the page (never smaller than readable)."""
        n = len(self.queue_panel._cards()) or 1
        w, h = self.stack.width(), self.stack.height() - self.sl_note.sizeHint().height()
        if self._fitted_for == (n, w, h):
            return
        self._fitted_for = (n, w, h)
        s = self.scale * 3
        while s > self.scale:
            cw, ch, gap = BASE_CARD.width() * s, BASE_CARD.height() * s, max(2, round(6 * s))
            cols = max(1, int((w - gap) // (cw + gap)))
            if -(-n // cols) * (ch + gap) + gap <= h:
                break
            s *= 0.95
        s = max(s, self.scale)
        if abs(s - self.queue_panel.scale) > 0.01:
            self.queue_panel.set_scale(s)

    # -- desk: filters, find, density, layout memory -------------------------------------------

    def _apply_filters(self) -> None:
        team, queue, state = (c.currentData() for c in (self.team_filter, self.queue_filter, self.state_filter))
        allowed_states = frozenset(self.profile.states)
        scope = self._scope

        def keep(a: Agent) -> bool:
            return ((scope is None or scope(a)) and (not team or a.team == team) and (not queue or queue in a.queues)
                    and (not state or a.state == state) and (not allowed_states or a.state in allowed_states))
        filtered = bool(team or queue or state or allowed_states) or scope is not None
        self.tiles.show_only(keep if filtered else None, self.sort_choice.currentData())
        self._show_found()

    def _show_found(self) -> None:
        """"12 of 48 shown", "2 found": recounted whenever the tiles shown change, so they stay true."""
        if self.find_box.text().strip():
            self._find(self.find_box.text(), select=False)
            return
        total = len(self.view.agents) if self.view is not None else 0
        shown = len(self.tiles.listed)
        _set_text(self.found_label, tr("{0} of {1} agents shown").format(shown, total) if shown != total else "")

    def _fill_filters(self, v: FloorView) -> None:
        """Teams and queues as the feed has them (on layout changes only)."""
        for combo, items in ((self.team_filter, sorted({a.team for a in v.agents.values() if a.team})),
                             (self.queue_filter, sorted((q.name, q.id) for q in v.queues.values()))):
            want = [(t, t) if isinstance(t, str) else t for t in items]
            have = [(combo.itemText(i), combo.itemData(i)) for i in range(1, combo.count())]
            if want == have:
                continue
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in want:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _find(self, text: str, step: bool = False, select: bool = True) -> None:
        """Select (and scroll to) the next agent whose name (or reading) contains ``text``."""
        needle = reading(text.strip())
        if not needle or self.view is None:
            if not needle and select:
                self._show_found()
            return
        agents = self.view.agents
        hits = [aid for aid in self.tiles.listed
                if needle in reading(agents[aid].name) or needle in reading(agents[aid].name_kana)]
        if not hits:
            _set_text(self.found_label, tr("No agent named “{0}” is shown").format(plain(text.strip())))
            return
        _set_text(self.found_label, tr("{0} found").format(len(hits)))
        if select:
            at = hits.index(self.selected_agent) if self.selected_agent in hits else -1
            self.select_agent(hits[(at + 1) % len(hits)] if step or at < 0 else hits[at])

    def _find_next(self) -> None:
        """Enter in the find box: the next match, and the keys go back to the board (L listens to it)."""
        self._find(self.find_box.text(), step=True)
        self.tiles.setFocus()

    def _set_density(self, compact: bool) -> None:
        self.scale = 0.8 if compact else 1.0
        self.tiles.set_scale(self.scale)
        self.queue_panel.set_scale(self.scale)

    def _raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _restore_layout(self) -> None:
        st = self.settings
        if st is None:
            return
        geometry = st.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = st.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        """Window size and place, and the splitter (order and density come from the profile).

        Never a secret: the token is not ours to keep.
        """
        st = self.settings
        if st is None or self.tv:
            return
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/splitter", self.splitter.saveState())
        st.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        super().closeEvent(event)
        self.closed.emit()

    def about_text(self) -> str:
        """Version (the package's one ``__version__``), what it runs on, and where its data comes from."""
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        from .. import __version__
        feed = self.view.link.detail if self.view is not None else tr("not connected yet")
        return tr("<h3>Wallboard {0}</h3><p>Live call-centre supervisor board.</p>"
                  "<p>Feed: {1}<br>Qt {2}, PySide6 {3}, Python {4}</p><p>MIT licence.</p>").format(
            __version__, feed, qVersion(), pyside, platform.python_version())

    def show_about(self) -> None:
        QMessageBox.about(self, tr("About Wallboard"), self.about_text())

    def edit_credentials(self) -> None:
        if self.credentials is not None:
            CredentialsDialog(self.credentials, self).open()

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
        if self.tv:
            self._show_page_name()  # agents come and go: "Agents 2/3" stays true

    # -- data --------------------------------------------------------------------------

    def on_view(self, view: FloorView) -> None:
        self.view = view
        if view.published_mono:
            self._gui_lag_s = max(0.0, self._mono() - view.published_mono)  # how long it waited for us
        if (self.monitor.modes, self.monitor.modes_off) != (view.caps.monitor, view.caps.monitor_off):
            self.monitor.modes, self.monitor.modes_off = view.caps.monitor, view.caps.monitor_off
            self._refresh_monitoring()
        if view.sessions:
            self.monitor.on_sessions(view.sessions)
        now = self.server_now_ms()
        ch = view.changes
        if ch.any:
            self.tiles.set_floor(view.agents, view.calls, view.queues, ch.agents, ch.layout, now)
            if ch.layout and not self.tv:
                self._fill_filters(view)
            elif ch.layout:
                self._show_page_name()  # "Agents 1/3" as soon as the agents are known
        wait_ms = FIGURES_INTERVAL_MS - (self._mono() - self._figures_at) * 1000
        if ch.layout or wait_ms <= 0:
            self._refresh_figures(now)
        elif not self._figures_due.isActive():
            self._figures_due.start(int(wait_ms) + 1)
        if (view.link, view.synced, view.source) != self._shown_link:
            self._refresh_status(now)

    def _refresh_figures(self, now: int) -> None:
        v = self.view
        if v is None:
            return
        self._figures_at = self._mono()
        self._figures_due.stop()
        if self._counts_for is not v:  # the floor changed: count again; a clock tick reuses the counts
            if self._scope is None:
                self._counts = floor_counts(v.agents.values(), v.queues, v.calls.values())
            else:  # the profile's part of the floor: its agents, queues and their calls
                wanted = self.profile.queues
                queues = {k: q for k, q in v.queues.items() if not wanted or k in wanted}
                self._counts = floor_counts([a for a in v.agents.values() if self._scope(a)], queues,
                                            [c for c in v.calls.values() if c.queue in queues])
            self._counts_for = v
        assert self._counts is not None
        self.figures = figures_at(self._counts, now, self.formula)
        self.queue_panel.set_figures(self.figures, self.formula)
        if self.tv:
            self._fit_cards()  # queues may have come or gone
        counts = self.figures.total.agents_by_state
        parts = []
        for st in STATE_ORDER:
            look = LOOKS[st]
            parts.append(f"<span style='color:{look.colour.name()}'>{look.glyph}</span> "
                         f"{tr(look.label)} <b>{self.locale().toString(counts.get(st, 0))}</b>")
        _set_text(self.state_counts, "&nbsp;&nbsp; ".join(parts))
        t = self.figures.total.sl_threshold_s
        partial = [q.interval_start for q in v.queues.values() if q.interval_partial]
        span = (tr("Counted since {0} (bridge start), not since midnight").format(
                    time.strftime("%H:%M", time.localtime((max(partial) - v.offset_ms) / 1000)))
                if partial else tr("Today since local midnight"))
        _set_text(self.sl_note, tr("Service level = {0}, T = {1}. {2}; short abandons excluded.")
                  .format(tr(SL_FORMULA_WORDS[self.formula]), tr("{0} s").format(t) if t is not None else tr("per queue"),
                          span))

    # -- alerts ------------------------------------------------------------------------------

    def _refresh_alerts(self, v: FloorView, now: int) -> None:
        self.alerts = self.book.update(v.agents.values(), v.calls, self.figures, now, v.acks)
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
                item.setForeground(BAD if al.level is Level.CRITICAL else WARN_TEXT)

    def _alert_text(self, al: Alert, now: int) -> str:
        v = self.view
        who = ""
        q = v.queues.get(al.queue_id) if v is not None and al.queue_id is not None else None
        queue = q.name if q is not None else ""
        if al.agent_id is not None and v is not None and al.agent_id in v.agents:
            name = plain(v.agents[al.agent_id].name)
            who = f"{name} ({queue})" if queue else name
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
            self.select_agent(subject)

    def select_agent(self, aid: str) -> None:
        """Select an agent's tile and bring it into view (desk)."""
        self._select(aid)
        i = self.tiles.index.get(aid)
        if i is not None:
            self.tiles.selected = aid
            self.tiles.update()
            if not self.tv:
                centre = self.tiles.tile_rect(i).center()
                self.tiles_scroll.ensureVisible(centre.x(), centre.y(), 0, self.tiles.tile_height)

    def acknowledge_selected(self) -> None:
        """Ask the server (``alert.ack``): every board, wall TVs included, then shows it acknowledged, by
        the server's name for this supervisor. A server that does not know acks: kept on this board."""
        item = self.alert_list.currentItem() or (self.alert_list.item(0) if self.alert_list.count() else None)
        if item is None:
            return
        key = tuple(item.data(Qt.ItemDataRole.UserRole))
        send = self.monitor.send
        if send is None:
            self._acknowledge_here(key)
            return
        try:
            fut = send(self.monitor.new_request_id(), "alert.ack", {"kind": key[0], "subject": key[1]})
        except Exception:  # not connected: the supervisor still saw it
            self._acknowledge_here(key)
            return

        def answered(f: concurrent.futures.Future[CommandResult]) -> None:  # feed thread
            try:
                r = f.result()
                code = "" if r.ok else (r.error.code if r.error is not None else "backend_error")
            except Exception:
                code = "unanswered"
            self._ack_answer.emit(key, code)
        fut.add_done_callback(answered)

    def _on_ack_answer(self, key: tuple[str, str], code: str) -> None:
        if code in ("not_supported", "unanswered"):
            self._acknowledge_here(key)
        elif code:
            self.show_notice(tr("Could not acknowledge: {0}").format(code))

    def _acknowledge_here(self, key: tuple[str, str]) -> None:
        if self.book.acknowledge(key, self.supervisor, self.server_now_ms()) is not None and self.view is not None:
            self._refresh_alerts(self.view, self.server_now_ms())

    # -- monitoring ----------------------------------------------------------------------------

    def _agent_name(self, aid: str) -> str:
        v = self.view
        return plain(v.agents[aid].name) if v is not None and aid in v.agents else aid

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
        self.monitor_hint.setVisible(may or (m.send is not None and bool(m.modes_off)))  # and says why it has none
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
        state, text, colour = freshness(self.view, self._mono(), now, self._gui_lag_s)
        self._shown_link = (self.view.link, self.view.synced, self.view.source) if self.view is not None else None
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
            self.overlay.setGeometry(self._veiled())
            self.overlay.show()
            self.overlay.raise_()
            self.overlay.update()

    def _veiled(self) -> QRect:
        """What the not-live banner covers: every figure (state counts, cards, tiles, trend), below the
        top bar whose indicator says why."""
        top = self.state_counts.geometry().top()
        return QRect(0, top, self.body.width(), self.body.height() - top)

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
            self.overlay.setGeometry(self._veiled())
        if self.tv:
            QTimer.singleShot(0, self._fit_cards)  # once the stack has its new size


class CredentialsDialog(QDialog):
    """Set or remove the feed's token. It goes to the keychain (or, without one, to memory only)."""

    def __init__(self, hooks: CredentialHooks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hooks = hooks
        self.setWindowTitle(tr("Feed credentials"))
        form = QFormLayout(self)
        form.addRow(tr("Feed"), QLabel(hooks.feed))
        where = (tr("Stored in the system keychain ({0}); never in a file.").format(hooks.keychain)
                 if hooks.keychain else
                 tr("This system has no keychain: the token is kept in memory until the board closes."))
        note = QLabel(where)
        note.setWordWrap(True)
        form.addRow(note)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(tr("token or password"))
        form.addRow(tr("Token"), self.token)
        self.result_label = QLabel()
        form.addRow(self.result_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.forget_button = buttons.addButton(tr("Remove stored token"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.forget_button.setEnabled(hooks.keychain is not None)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.forget_button.clicked.connect(self.remove)
        form.addRow(buttons)

    def save(self) -> None:
        token = self.token.text()
        if not token.strip():
            self.result_label.setText(tr("Enter a token first."))
            return
        try:
            self.hooks.store(token)
        except Exception as err:  # the keychain's own words, one line, never the token
            self.result_label.setText(str(err))
            return
        self.token.clear()
        self.accept()

    def remove(self) -> None:
        try:
            removed = self.hooks.forget()
        except Exception as err:
            self.result_label.setText(str(err))
            return
        self.result_label.setText(tr("Removed.") if removed else tr("No token was stored for this feed."))
