"""The selected agent's day, beside the tiles: answered calls, talk, wrap-up, pauses by reason, logged-in
time and occupancy since the day began, and a bar of the day (on a call, wrap-up, paused, available),
asked of the server's history (``report.agent_day``) when the agent is chosen and every minute after.

Only where the server keeps history (``caps.reports``); elsewhere it stays hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.model import AgentState
from ..core.protocol import CommandResult
from ..core.view import FloorView
from .days import centre_text
from .feedlink import FeedLink
from .i18n import tr
from .reports import duration_text
from .style import CARD_LINE, LOOKS, MUTED, font
from .words import PAUSE_REASONS, known

# The bar's colours: the states' own.
BAR_STATES = {"talk": AgentState.ON_CALL, "wrapup": AgentState.WRAPUP, "pause": AgentState.PAUSED,
              "available": AgentState.AVAILABLE}
REFRESH_MS = 60_000


class DayBar(QWidget):
    """The day from its start to now, left to right; logged-out time left blank."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(14)
        self.span = (0, 1)
        self.segments: list[tuple[int, int, str]] = []

    def show_day(self, start: int, end: int, segments: list[tuple[int, int, str]]) -> None:
        self.span, self.segments = (start, max(end, start + 1)), segments
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        w, h = self.width(), self.height()
        lo, hi = self.span
        for a, b, state in self.segments:
            look = BAR_STATES.get(state)
            if look is None:
                continue
            x0, x1 = (a - lo) / (hi - lo) * w, (b - lo) / (hi - lo) * w
            p.fillRect(QRectF(x0, 0, max(1.0, x1 - x0), h), LOOKS[look].colour)
        p.setPen(CARD_LINE)
        p.drawRect(0, 0, w - 1, h - 1)
        p.end()


class AgentDayPanel(QWidget):
    def __init__(self, link: FeedLink, view: Callable[[], FloorView | None], now: Callable[[], int],
                 day_start: Callable[[int], int], offset: Callable[[], int], scale: float = 1.0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link, self.view, self.now, self.day_start, self.offset = link, view, now, day_start, offset
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("")
        self.heading.setFont(font(self.heading.font(), "heading", scale, bold=True))
        self.figures = QLabel("")
        self.figures.setWordWrap(True)
        self.bar = DayBar()
        self.hours = QLabel("")
        self.hours.setStyleSheet(f"color: {MUTED.name()}")
        for w in (self.heading, self.figures, self.bar, self.hours):
            col.addWidget(w)
        self.agent = ""
        self._asked = ""
        self.answers = 0
        link.answered.connect(self._answered)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.ask)
        self.setVisible(False)

    def follow(self, agent_id: str) -> None:
        """The supervisor chose this agent: show its day (now, and every minute)."""
        self.agent = agent_id
        self.ask()
        self.timer.start(REFRESH_MS)

    def ask(self) -> None:
        v = self.view()
        a = v.agents.get(self.agent) if v is not None else None
        if v is None or a is None or not v.caps.reports or not self.link.may_send:
            self.setVisible(False)
            return
        now = self.now()
        self.heading.setText(tr("Today: {0}").format(a.name))
        self._asked = self.link.send("report.agent_day", {"agents": [a.id, a.name], "start": self.day_start(now),
                                                          "end": now + 1})

    def _answered(self, req_id: str, result: CommandResult | None, why: str) -> None:
        if req_id != self._asked:
            return
        self.answers += 1
        if result is None or not result.ok or result.result is None:
            self.setVisible(False)
            return
        self.show_day(result.result)

    def show_day(self, day: dict[str, Any]) -> None:
        f = day.get("figures")
        if f is None:
            self.figures.setText(tr("No calls or logins today yet."))
        else:
            lines = [tr("Answered {0} · talk {1} · wrap-up {2}").format(f["answered"], duration_text(f["talk_s"]),
                                                                        duration_text(f["wrapup_s"])),
                     tr("Logged in {0} · occupancy {1}").format(
                         duration_text(f["login_s"]), "—" if f["occupancy"] is None else f"{f['occupancy'] * 100:.0f} %")]
            pauses = [f"{known(PAUSE_REASONS, r) if r else tr('no reason')} {duration_text(s)}"
                      for r, s in f["pause_s"].items() if s]
            if pauses:
                lines.append(tr("Paused: {0}").format(", ".join(pauses)))
            self.figures.setText("\n".join(lines))
        start, end = int(day["start"]), int(day["end"])
        self.bar.show_day(start, end, [(int(a), int(b), str(s)) for a, b, s in day.get("timeline", [])])
        off = self.offset()
        self.hours.setText(f"{centre_text(start, off, '%H:%M')} – {centre_text(end, off, '%H:%M')}")
        self.setVisible(True)
