"""The top bar (title, TV page, server clock, whether the data is live) and the agents-by-state row."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
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


class StateCounts(QLabel):
    """How many agents are in each state: glyph, word and figure (colour is never the only cue)."""

    def __init__(self, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(font(self.font(), "counts", scale))
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)  # its own row; wraps on a narrow window instead of widening it
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def show_counts(self, counts: Mapping[AgentState, int]) -> None:
        parts = []
        for st in STATE_ORDER:
            look = LOOKS[st]
            words = tr(look.label)
            parts.append(f"<span style='color:{look.colour.name()}'>{look.glyph}</span> "
                         f"{words} <b>{self.locale().toString(counts.get(st, 0))}</b>")
        set_text(self, "&nbsp;&nbsp; ".join(parts))
