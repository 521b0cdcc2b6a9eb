"""The top bar (title, TV page, server clock, whether the data is live) and the agents-by-state row."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from ..core.model import AgentState
from .i18n import tr
from .style import LOOKS, STATE_ORDER, css_colour, font


def set_text(label: QLabel, text: str) -> None:
    """Labels re-lay out on every setText, even with the same text; skip the no-ops."""
    if label.text() != text:
        label.setText(text)


class TopBar(QWidget):
    """Title (and on a TV, the page), the server's clock, and the feed's freshness in words."""

    def __init__(self, title: str, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.title = self._label(title, "title", scale, bold=True)
        self.page = self._label("", "page", scale)
        self.clock = self._label("--:--:--", "clock", scale, bold=True)
        self.link = self._label("", "link", scale, bold=True)
        self.link.setMinimumWidth(round(120 * scale))
        self.link.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for label in (self.page, self.link):  # long words give way; the window never outgrows the screen
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(round(80 * scale))  # whole when there is room, elided only when there is not
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        row.addWidget(self.title)
        row.addSpacing(round(12 * scale))
        row.addWidget(self.page, 2)
        row.addWidget(self.clock)
        row.addSpacing(round(12 * scale))
        row.addWidget(self.link, 4)
        self.page.hide()

    def _label(self, text: str, role: str, scale: float, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setFont(font(label.font(), role, scale, bold))
        return label

    def show_page(self, words: str) -> None:
        self.page.show()
        set_text(self.page, f"· {words}")

    def show_time(self, text: str) -> None:
        set_text(self.clock, text)

    def show_freshness(self, text: str, colour: QColor) -> None:
        set_text(self.link, f"● {text}")
        self.link.setToolTip(text)  # the whole reason, when a narrow window elides it
        style = css_colour(colour)
        if self.link.styleSheet() != style:
            self.link.setStyleSheet(style)


class StateCounts(QWidget):
    """How many agents are in each state: glyph, word and figure (colour is never the only cue).

    Painted, not a rich-text label: a label's every new text asks the whole window to lay itself out
    again (0.9 ms, ten times a second whenever agents move). Here new figures repaint the row alone; the
    window is asked only when they wrap onto another number of lines."""

    def __init__(self, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(font(self.font(), "counts", scale))
        self.bold = QFont(self.font())
        self.bold.setBold(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # its own row; wraps on a narrow window instead of widening it
        self.setSizePolicy(policy)
        self._parts: list[tuple[str, QColor, str, str]] = []  # glyph, its colour, " word ", figure
        self._widths: list[int] = []

    def show_counts(self, counts: Mapping[AgentState, int]) -> None:
        parts = [(LOOKS[st].glyph, LOOKS[st].colour, f" {tr(LOOKS[st].label)} ", self.locale().toString(counts.get(st, 0)))
                 for st in STATE_ORDER]
        if parts == self._parts:
            return
        lines = self._lines(self.width())
        self._parts = parts
        fm, bm = QFontMetrics(self.font()), QFontMetrics(self.bold)
        self._widths = [fm.horizontalAdvance(g + w) + bm.horizontalAdvance(n) for g, _, w, n in parts]
        if self._lines(self.width()) != lines:
            self.updateGeometry()
        self.update()

    def text(self) -> str:
        return "   ".join(f"{g}{w}{n}" for g, _, w, n in self._parts)

    def _gap(self) -> int:
        return QFontMetrics(self.font()).horizontalAdvance("   ")

    def _lines(self, width: int) -> list[list[int]]:
        """Which parts go on each line at this width (a part never breaks)."""
        lines: list[list[int]] = [[]]
        x, gap = 0, self._gap()
        for k, w in enumerate(self._widths):
            if lines[-1] and x + gap + w > width:
                lines.append([])
                x = 0
            x += (gap if lines[-1] else 0) + w
            lines[-1].append(k)
        return lines

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return len(self._lines(width)) * QFontMetrics(self.font()).height()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(sum(self._widths) + self._gap() * max(0, len(self._widths) - 1),
                     QFontMetrics(self.font()).height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, QFontMetrics(self.font()).height())

    def paintEvent(self, event: object) -> None:  # noqa: N802
        p = QPainter(self)
        fm, bm, ink = QFontMetrics(self.font()), QFontMetrics(self.bold), self.palette().color(QPalette.ColorRole.WindowText)
        y, gap = fm.ascent(), self._gap()
        for line in self._lines(self.width()):
            x = 0
            for k in line:
                glyph, colour, words, figure = self._parts[k]
                p.setFont(self.font())
                p.setPen(colour)
                p.drawText(x, y, glyph)
                x += fm.horizontalAdvance(glyph)
                p.setPen(ink)
                p.drawText(x, y, words)
                x += fm.horizontalAdvance(words)
                p.setFont(self.bold)
                p.drawText(x, y, figure)
                x += bm.horizontalAdvance(figure) + gap
            y += fm.height()
        p.end()
