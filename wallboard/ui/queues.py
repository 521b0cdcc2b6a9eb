"""Queue cards: 待ち呼 (waiting), longest wait, 放棄呼 (abandoned), service level, per queue and total.

Painted, like the tiles: a wallboard's figures must be big, and a few dozen cards
repaint in well under a millisecond. The figures themselves come from the pure core
(:func:`wallboard.core.metrics.floor_figures`); this only draws them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QPixmap, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.metrics import FloorFigures, QueueFigures, SLFormula
from ..core.model import AgentState
from .style import BAD, CARD, CARD_LINE, CARD_TOTAL, GOOD, INK, MUTED, WARN, clock_text, tr

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
        self.after_paint: Callable[[], None] | None = None  # see TileBoard.after_paint
        self.alert_levels: dict[str, int] = {}
        self._frames: dict[tuple[bool, str, int, int], tuple[QPixmap, list[tuple[str, int, int, int, bool]]]] = {}
        self._values: dict[tuple[str, str, int], tuple[QStaticText, QFont, float]] = {}
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
        self._slot_heights = {kind: QFontMetrics(font).height() + 2 for kind, font in
                              (("big", self.f_big), ("value", self.f_value), ("label", self.f_label))}
        self._frames = {}
        self._values = {}
        self._relayout()

    def set_figures(self, figures: FloorFigures, formula: SLFormula) -> None:
        """Repaint only the figures that changed: usually one or two numbers on a few cards."""
        before = self._cards()
        relayout = self.figures is None or len(self.figures.queues) != len(figures.queues) or formula != self.formula
        self.figures, self.formula = figures, formula
        if relayout:
            self._relayout()
            self.update()
            return
        for i, (old, new) in enumerate(zip(before, self._cards())):
            if old == new:
                continue
            rect = self.card_rect(i)
            if old.name != new.name:
                self.update(rect)
                continue
            _, slots = self._frame(i == 0, tr("All queues") if i == 0 else new.name, rect.width(), rect.height())
            for slot, a, b in zip(slots, self._card_values(old), self._card_values(new)):
                if a != b:
                    self.update(self._slot_rect(slot).translated(rect.topLeft()))

    def set_alert_levels(self, levels: dict[str, int]) -> None:
        """Queue alert levels (1 warn, 2 critical): the card gets an amber or red frame."""
        if levels == self.alert_levels:
            return
        changed = {q for q in levels.keys() | self.alert_levels.keys() if levels.get(q) != self.alert_levels.get(q)}
        self.alert_levels = dict(levels)
        for i, f in enumerate(self._cards()):
            if f.queue_id in changed:
                self.update(self.card_rect(i))

    def _slot_rect(self, slot: tuple[str, int, int, int, bool]) -> QRect:
        kind, x, y, w, _ = slot
        return QRect(x, y, w + 2, self._slot_heights[kind])

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
        region = event.region()
        p.fillRect(event.rect(), self.palette().window())
        for i, fig in enumerate(self._cards()):
            rect = self.card_rect(i)
            if region.intersects(rect):
                self._paint_card(p, rect, fig, i == 0, region.intersected(rect).boundingRect())
        p.end()
        if self.after_paint is not None:
            self.after_paint()

    def _paint_card(self, p: QPainter, rect: QRect, f: QueueFigures, total: bool, dirty: QRect) -> None:
        """The dirty part of a cached frame (border, title, labels), and the values inside it."""
        title = tr("All queues") if total else f.name
        frame, slots = self._frame(total, title, rect.width(), rect.height())
        local = dirty.translated(-rect.left(), -rect.top())
        dpr = frame.devicePixelRatio()
        p.drawPixmap(dirty, frame, QRect(round(local.x() * dpr), round(local.y() * dpr),
                                         round(local.width() * dpr), round(local.height() * dpr)))
        level = self.alert_levels.get(f.queue_id, 0)
        if level:
            w = max(3, round(5 * self.scale))
            p.setPen(QPen(WARN if level == 1 else BAD, w))
            p.drawRect(rect.adjusted(w // 2, w // 2, -(w + 1) // 2, -(w + 1) // 2))
        for slot, (text, colour) in zip(slots, self._card_values(f)):
            if not self._slot_rect(slot).intersects(local):
                continue
            kind, sx, sy, sw, right = slot
            st, font, width = self._value(kind, text, sw)
            p.setFont(font)
            p.setPen(colour)
            p.drawStaticText(rect.left() + (sx + sw - int(width) if right else sx), rect.top() + sy, st)

    def _card_values(self, f: QueueFigures) -> tuple[tuple[str, QColor], ...]:
        """What each slot of a card shows, in slot order: text and colour."""
        avail = f.agents_by_state.get(AgentState.AVAILABLE, 0)
        waiting_colour = BAD if f.waiting and (f.longest_wait_s or 0) > (f.sl_threshold_s or 20) else INK
        return (
            (tr("Agents {0}/{1} free").format(avail, f.logged_in), MUTED),
            (str(f.waiting), waiting_colour),
            (str(f.abandoned), BAD if f.abandoned else INK),
            (_pct(f.service_level), sl_colour(f)),
            (_secs(f.longest_wait_s), INK),
            (_pct(f.abandon_rate), INK),
            (_secs(f.asa_s), INK),
            (_secs(f.aht_s), INK),
        )

    def _frame(self, total: bool, title: str, w: int, h: int) -> tuple[QPixmap, list[tuple[str, int, int, int, bool]]]:
        key = (total, title, w, h)
        hit = self._frames.get(key)
        if hit is not None:
            return hit
        s = self.scale
        pad = round(10 * s)
        dpr = self.devicePixelRatioF()
        pm = QPixmap(round(w * dpr), round(h * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(CARD_TOTAL if total else CARD)  # the theme's, never a literal: high contrast is light on black
        p = QPainter(pm)
        p.setPen(CARD_LINE)
        p.drawRect(QRect(0, 0, w - 1, h - 1))
        x, y, inner = pad, pad, w - 2 * pad
        p.setPen(INK)
        p.setFont(self.f_title)
        p.drawText(QRect(x, y, inner, round(22 * s)), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, inner // 2))
        p.setFont(self.f_label)
        p.setPen(MUTED)
        lh = p.fontMetrics().height()
        staff_y = y + (round(22 * s) - lh) // 2
        slots: list[tuple[str, int, int, int, bool]] = [("label", x + inner // 2, staff_y, inner - inner // 2, True)]
        y1 = y + round(26 * s)
        col = round(inner * 0.3)
        for k, (label, cx, cw) in enumerate(((tr("Waiting"), x, col), (tr("Abandoned"), x + col, col),
                                             (tr("Service level"), x + 2 * col, inner - 2 * col))):
            p.drawText(QPoint(cx, y1 + p.fontMetrics().ascent()), label)
            slots.append(("big", cx, y1 + lh, cw - 2, False))
        y2 = y1 + round(74 * s) + round(4 * s)
        quarter = inner // 4
        for k, label in enumerate((tr("Longest"), tr("Aband. %"), tr("ASA"), tr("AHT"))):
            p.drawText(QPoint(x + k * quarter, y2 + p.fontMetrics().ascent()), label)
            slots.append(("value", x + k * quarter, y2 + lh, quarter - 2, False))
        p.end()
        if len(self._frames) > 500:
            self._frames.clear()
        self._frames[key] = (pm, slots)
        return pm, slots

    def _value(self, kind: str, text: str, width: int) -> tuple[QStaticText, QFont, float]:
        """A figure laid out once, in a font shrunk if needed so it is never clipped."""
        key = (kind, text, width)
        hit = self._values.get(key)
        if hit is not None:
            return hit
        base = {"big": self.f_big, "value": self.f_value, "label": self.f_label}[kind]
        font = base
        advance = QFontMetrics(base).horizontalAdvance(text)
        if advance > width:
            font = QFont(base)
            font.setPixelSize(max(8, int(base.pixelSize() * width / advance)))
        st = QStaticText(text)
        st.setTextFormat(Qt.TextFormat.PlainText)
        st.prepare(font=font)
        if len(self._values) > 20_000:
            self._values.clear()
        hit = (st, font, st.size().width())
        self._values[key] = hit
        return hit
