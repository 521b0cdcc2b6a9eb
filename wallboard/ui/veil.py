"""The veil: a band across every figure whenever the board's data is not live. Never hidden behind anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from .style import NOT_LIVE, ON_STRONG, PAPER, translucent


class NotLiveVeil(QWidget):
    def __init__(self, parent: QWidget, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.text = ""
        self.scale = scale
        self.hide()

    def say(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), translucent(PAPER, 150))
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
        p.fillRect(band, translucent(NOT_LIVE, 235))
        p.setFont(f)
        p.setPen(ON_STRONG)
        p.drawText(band.adjusted(round(20 * self.scale), 0, -round(20 * self.scale), 0),
                   Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text)
        p.end()
