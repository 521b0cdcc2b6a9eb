"""The alerts list: what needs an eye, most urgent first; acknowledge one (A) and every board sees it.

The list is kept in step by key (add, remove, re-text in place), never rebuilt, and shows no
live numbers (the tile has the ticking clock): a list that changes every second is unreadable
and costs a re-layout per second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ..board.alerts import AlertMarks
from ..board.model import BoardModel
from ..board.names import plain
from ..core.alerts import Alert, Level
from ..core.model import Agent, Queue
from ..core.protocol import CommandResult
from .feedlink import FeedLink
from .i18n import tr
from .style import CRITICAL, WARN_TEXT, font
from .words import alert_what, level_words


def alert_line(al: Alert, agents: Mapping[str, Agent], queues: Mapping[str, Queue]) -> str:
    """One alert in a line: when it rose, its level (glyph and word), who, what, and who acknowledged it."""
    q = queues.get(al.queue_id) if al.queue_id is not None else None
    queue = plain(q.name) if q is not None else ""
    if al.agent_id is not None and al.agent_id in agents:
        name = plain(agents[al.agent_id].name)
        who = f"{name} ({queue})" if queue else name
    else:
        who = queue
    ack = (f"  ✓ {al.acked_by} {time.strftime('%H:%M', time.localtime((al.acked_ms or 0) / 1000))}"
           if al.acked_by else "")
    raised = time.strftime("%H:%M:%S", time.localtime(al.raised_ms / 1000))
    return f"{raised}  {level_words(al.level)}  {who} — {alert_what(al)}{ack}"


#: What changes a row's measure or look besides its text and size.
_RESTYLED = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ApplicationFontChange,
                       QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange})
#: A row's own state that its look depends on (a selected or focused row is drawn afresh: see ``_Rows.paint``).
_STATES = (QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_Active | QStyle.StateFlag.State_Enabled
           | QStyle.StateFlag.State_Open | QStyle.StateFlag.State_Editing)
_DRAWN_AFRESH = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus


class _Rows(QStyledItemDelegate):
    """Each row measured and drawn once per text and size, while the list's font, style and palette stay.

    Any change to the list (on a busy floor an alert rises every second or two; an idle floor's calls grow
    old into new ones) lays it all out and paints every visible row again, and Qt measured every wrapped line
    anew and laid out every row's text again: 4 ms for one new text in 165 alerts, 8 ms for a row moved;
    a repaint of 40 rows ~5 ms (a tenth of an idle 2,000-agent desk's CPU). A row is now Qt's own drawing of
    it, kept as a picture: one blit. The font is not in the measure's key: asking each option's font for
    its key cost two thirds of a hit. A selected or focused row is drawn afresh (Fusion's selection is not
    quite the same pixels drawn elsewhere), so the list is the same pixels as Qt drawing every row (a test)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple[object, int], QSize] = {}
        self._rows: dict[tuple[object, ...], QPixmap] = {}
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _RESTYLED:
            self._sizes.clear()  # (before the list lays itself out again for it)
            self._rows.clear()
        return False

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        key = (index.data(), option.rect.width())
        hit = self._sizes.get(key)
        if hit is None:
            if len(self._sizes) > 2000:
                self._sizes.clear()
            hit = self._sizes[key] = super().sizeHint(option, index)
        return hit

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        state, r = option.state, option.rect
        if state & _DRAWN_AFRESH:
            super().paint(painter, option, index)
            return
        dpr = painter.device().devicePixelRatioF()
        ink = index.data(Qt.ItemDataRole.ForegroundRole)
        key = (index.data(), ink.color().rgba() if ink is not None else None, r.width(), r.height(), state & _STATES, dpr)
        pm = self._rows.get(key)
        if pm is None:
            if len(self._rows) > 400:  # a row's picture is a few tens of kB
                self._rows.clear()
            pm = QPixmap(round(r.width() * dpr), round(r.height() * dpr))
            pm.setDevicePixelRatio(dpr)
            pm.fill(option.palette.color(QPalette.ColorRole.Base))  # the viewport's background
            at = QStyleOptionViewItem(option)
            at.rect = r.translated(-r.topLeft())
            q = QPainter(pm)
            super().paint(q, at, index)
            q.end()
            self._rows[key] = pm
        painter.drawPixmap(r.topLeft(), pm)


class AlertsPanel(QWidget):
    agent_chosen = Signal(str)  # an agent's alert was clicked
    acknowledge = Signal(object)  # (kind, subject) of the alert to acknowledge

    def __init__(self, scale: float = 1.0, controls: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(tr("Alerts"))
        self.heading.setFont(font(self.heading.font(), "heading", scale, bold=True))
        col.addWidget(self.heading)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setFont(font(self.list.font(), "list", scale))
        self.list.setItemDelegate(_Rows(self.list))
        self.list.itemClicked.connect(self._clicked)
        col.addWidget(self.list, 1)
        self.ack_button = QPushButton(tr("Acknowledge selected alert (A)"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        col.addWidget(self.ack_button)
        self.ack_button.setVisible(controls)
        self._texts: dict[tuple[str, str], tuple[Alert, str]] = {}
        self._keys: list[tuple[str, str]] = []  # the alerts the list shows, in its order
        self.count = 0

    def show_alerts(self, alerts: Sequence[Alert], line_of: Callable[[Alert], str]) -> None:
        lst = self.list
        want = [al.key for al in alerts]
        if want != self._keys:  # what the list holds, kept here: reading 200 items back cost 0.5 ms a second
            have, keep = list(self._keys), set(want)
            for i in reversed(range(len(have))):
                if have[i] not in keep:
                    lst.takeItem(i)
                    del have[i]
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
            self._keys = want
        texts = self._texts
        for row, (al, key) in enumerate(zip(alerts, want)):
            hit = texts.get(key)
            if hit is not None and hit[0] is al:
                continue  # an alert object changes only with its level or acknowledgement
            text = line_of(al)
            texts[key] = (al, text)
            item = lst.item(row)
            if item.text() != text:
                item.setText(text)
                item.setForeground(CRITICAL if al.level is Level.CRITICAL else WARN_TEXT)
        if len(texts) > 1000:
            live = set(want)
            self._texts = {k: v for k, v in texts.items() if k in live}
        self.count = len(alerts)

    def _clicked(self, item: QListWidgetItem) -> None:
        _, subject = item.data(Qt.ItemDataRole.UserRole)
        self.agent_chosen.emit(subject)

    def acknowledge_selected(self) -> None:
        item = self.list.currentItem() or (self.list.item(0) if self.list.count() else None)
        if item is not None:
            self.acknowledge.emit(tuple(item.data(Qt.ItemDataRole.UserRole)))


class Acknowledgements:
    """A supervisor's acknowledgement goes to the server (``alert.ack``): every board, wall TVs included, then
    shows it acknowledged by the server's name for this supervisor. A server that does not know acks: kept
    on this board."""

    def __init__(self, link: FeedLink, model: BoardModel, notice: Callable[[str], None], now: Callable[[], int],
                 show: Callable[[AlertMarks, int], None]) -> None:
        self.link, self.model, self.notice, self.now, self.show = link, model, notice, now, show
        self._asked: dict[str, tuple[str, str]] = {}
        link.answered.connect(self._answered)

    def acknowledge(self, key: tuple[str, str]) -> None:
        if not self.link.may_send:
            self._here(key)
            return
        self._asked[self.link.send("alert.ack", {"kind": key[0], "subject": key[1]})] = key

    def _answered(self, req_id: str, result: CommandResult | None, error: str) -> None:
        key = self._asked.pop(req_id, None)
        if key is None:
            return
        code = "" if result is not None and result.ok else (
            result.error.code if result is not None and result.error is not None else "unanswered")
        if code in ("not_supported", "unanswered"):
            self._here(key)
        elif code:
            self.notice(tr("Could not acknowledge: {0}").format(code))

    def _here(self, key: tuple[str, str]) -> None:
        now = self.now()
        if self.model.alerts.acknowledge_here(key, self.model.settings.supervisor or tr("supervisor"), now):
            self.show(self.model.update_alerts(now), now)
