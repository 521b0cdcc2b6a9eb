"""Queue cards: 待ち呼 (waiting), longest wait, 放棄呼 (abandoned), service level, per queue and total.

Painted, like the tiles: a wallboard's figures must be big, and a few dozen cards
repaint in well under a millisecond. The figures themselves come from the pure core
(:func:`wallboard.core.metrics.floor_figures`); this only draws them.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.metrics import FloorFigures, QueueFigures, SLFormula
from ..core.model import AgentState
from .style import BAD, GOOD, INK, MUTED, WARN, clock_text, tr

BASE_CARD = QSize(290, 172)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _secs(x: float | None) -> str:
    return "—" if x is None else clock_text(x)


def sl_colour(fig: QueueFigures) -> QColor:
    if fig.service_level is None:
        return MUTED
    pct = fig.service_level * 100
    if pct >= fig.sl_target_pct:
        return GOOD
    return WARN if pct >= fig.sl_target_pct - 10 else BAD


class QueuePanel(QWidget):
    def __init__(self, parent: QWidget | None = None, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.figures: FloorFigures | None = None
        self.formula = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.card = QSize(round(BASE_CARD.width() * scale), round(BASE_CARD.height() * scale))
        self.gap = max(2, round(6 * scale))
        base = QFont(self.font())
        self.f_title = QFont(base)
        self.f_title.setPixelSize(round(17 * scale))
        self.f_title.setBold(True)
        self.f_big = QFont(base)
        self.f_big.setPixelSize(round(40 * scale))
        self.f_big.setBold(True)
        self.f_label = QFont(base)
        self.f_label.setPixelSize(round(13 * scale))
        self.f_value = QFont(base)
        self.f_value.setPixelSize(round(19 * scale))
        self.f_value.setBold(True)
        self._relayout()

    def set_figures(self, figures: FloorFigures, formula: SLFormula) -> None:
        relayout = self.figures is None or len(self.figures.queues) != len(figures.queues)
        self.figures, self.formula = figures, formula
        if relayout:
            self._relayout()
        self.update()

    def _cards(self) -> list[QueueFigures]:
        if self.figures is None:
            return []
        return [self.figures.total, *self.figures.queues]

    def _columns(self, width: int) -> int:
        fit = max(1, (width - self.gap) // (self.card.width() + self.gap))
        return max(1, min(fit, len(self._cards())))

    def _card_width(self) -> int:
        """Cards stretch to fill the row, so a few queues use the whole width."""
        cols = self._columns(self.width())
        return max(self.card.width(), (self.width() - self.gap * (cols + 1)) // cols)

    def _relayout(self) -> None:
        n = max(1, len(self._cards()))
        rows = (n + self._columns(max(self.width(), 1)) - 1) // self._columns(max(self.width(), 1))
        self.setFixedHeight(self.gap + rows * (self.card.height() + self.gap))

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        self._relayout()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(5 * (self.card.width() + self.gap), self.height())

    def card_rect(self, i: int) -> QRect:
        cols = self._columns(self.width())
        r, c = divmod(i, cols)
        cw = self._card_width()
        return QRect(self.gap + c * (cw + self.gap), self.gap + r * (self.card.height() + self.gap),
                     cw, self.card.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        for i, fig in enumerate(self._cards()):
            rect = self.card_rect(i)
            if rect.intersects(event.rect()):
                self._paint_card(p, rect, fig, total=(i == 0))
        p.end()

    def _paint_card(self, p: QPainter, rect: QRect, f: QueueFigures, total: bool) -> None:
        s = self.scale
        pad = round(10 * s)
        p.fillRect(rect, QColor("#FFFFFF") if not total else QColor("#F2F2F2"))
        p.setPen(QColor("#C8C8C8"))
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        x, y = rect.left() + pad, rect.top() + pad
        w = rect.width() - 2 * pad
        p.setPen(INK)
        p.setFont(self.f_title)
        title = tr("All queues") if total else f.name
        p.drawText(QRect(x, y, w, round(22 * s)), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, w // 2))
        avail = f.agents_by_state.get(AgentState.AVAILABLE, 0)
        staff = f"{tr('Agents')} {avail}/{f.logged_in} {tr('free')}"
        p.setFont(self.f_label)
        p.setPen(MUTED)
        p.drawText(QRect(x, y, w, round(22 * s)), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, staff)

        # Left block: waiting calls, the number a supervisor looks for first.
        y1 = y + round(26 * s)
        col = round(w * 0.3)
        waiting_colour = BAD if f.waiting and (f.longest_wait_s or 0) > (f.sl_threshold_s or 20) else INK
        self._figure(p, QRect(x, y1, col, round(80 * s)), tr("Waiting"), str(f.waiting), waiting_colour, big=True)
        self._figure(p, QRect(x + col, y1, col, round(84 * s)), tr("Abandoned"), str(f.abandoned),
                     BAD if f.abandoned else INK, big=True)
        self._figure(p, QRect(x + 2 * col, y1, col + pad, round(84 * s)), tr("Service level"),
                     _pct(f.service_level), sl_colour(f), big=True)

        y2 = y1 + round(86 * s)
        quarter = w // 4
        rows = (
            (tr("Longest"), _secs(f.longest_wait_s)),
            (tr("Aband. %"), _pct(f.abandon_rate)),
            (tr("ASA"), _secs(f.asa_s)),
            (tr("AHT"), _secs(f.aht_s)),
        )
        for k, (label, value) in enumerate(rows):
            self._figure(p, QRect(x + k * quarter, y2, quarter, rect.bottom() - y2 - pad // 2), label, value, INK)

    def _fitted(self, font: QFont, text: str, width: int) -> QFont:
        """The same font, smaller if needed, so a figure is never clipped."""
        from PySide6.QtGui import QFontMetrics

        advance = QFontMetrics(font).horizontalAdvance(text)
        if advance <= width:
            return font
        smaller = QFont(font)
        smaller.setPixelSize(max(8, int(font.pixelSize() * width / advance)))
        return smaller

    def _figure(self, p: QPainter, r: QRect, label: str, value: str, colour: QColor, big: bool = False) -> None:
        p.setFont(self.f_label)
        p.setPen(MUTED)
        lh = p.fontMetrics().height()
        p.drawText(QRect(r.left(), r.top(), r.width(), lh), Qt.AlignmentFlag.AlignLeft, label)
        p.setFont(self._fitted(self.f_big if big else self.f_value, value, r.width() - 2))
        p.setPen(colour)
        p.drawText(QRect(r.left(), r.top() + lh, r.width(), r.height() - lh),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, value)
