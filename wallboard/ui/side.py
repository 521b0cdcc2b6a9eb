"""Beside a desk's tiles: the alerts, the callers waiting, and this session's monitoring log."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..board.waiting import WaitingCaller
from .alerts import AlertsPanel
from .i18n import tr
from .monitoring import LogEntry
from .style import CRITICAL, font
from .topbar import set_text
from .waiting import Rating, WaitingList


class DeskSide(QWidget):
    def __init__(self, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(220)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 6, 6, 6)
        self.alerts = AlertsPanel(scale)
        col.addWidget(self.alerts, 3)
        self.waiting_heading = self._heading(tr("Callers waiting"), scale)
        col.addWidget(self.waiting_heading)
        self.waiting = WaitingList(scale)
        col.addWidget(self.waiting, 2)
        col.addWidget(self._heading(tr("Monitoring, this session"), scale))
        self.log = QListWidget()
        self._shown_last: LogEntry | None = None
        self.log.setWordWrap(True)
        col.addWidget(self.log, 1)
        for w in (self.alerts.list, self.waiting, self.log):
            w.setMinimumHeight(40)  # a 768-px laptop still fits the window

    def add_day(self, panel: QWidget) -> None:
        """The selected agent's day (shown only where the server keeps history), above the monitoring log."""
        col = self.layout()
        assert isinstance(col, QVBoxLayout)
        col.insertWidget(col.count() - 2, panel)

    def _heading(self, text: str, scale: float) -> QLabel:
        label = QLabel(text)
        label.setFont(font(label.font(), "heading", scale, bold=True))
        return label

    def show_callers(self, callers: Sequence[WaitingCaller], rate: Rating) -> None:
        self.waiting.show_callers(callers, rate)
        set_text(self.waiting_heading, tr("Callers waiting ({0})").format(len(callers)))

    def show_log(self, log: Sequence[LogEntry]) -> None:
        last = log[-1] if log else None
        if self._shown_last is last and self.log.count() == len(log):
            return  # the log is capped, so its length alone does not say whether it changed
        self._shown_last = last
        self.log.clear()
        for e in log:
            item = QListWidgetItem(f"{time.strftime('%H:%M:%S', time.localtime(e.at))}  {e.text}")
            if not e.ok:
                item.setForeground(CRITICAL)
            self.log.addItem(item)
        self.log.scrollToBottom()
