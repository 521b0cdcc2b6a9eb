"""Queue cards: 待ち呼 (waiting), longest wait, 放棄呼 (abandoned), service level — total, groups, queues.

Painted, like the tiles: a wallboard's figures must be big, and a few dozen cards repaint in
well under a millisecond. The figures come from the board model; this only draws them. A card's
frame, its corner glyph and its service level's ✓/▼ say its state without colour. On a TV the
cards are as big as fits (never smaller than the room can read) and *paged* when even that
does not fit: ``pages`` says how many screens they need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPixmap, QResizeEvent, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..board.alerts import Mark
from ..core.metrics import QueueFigures
from .faces import mark_width, paint_mark
from .i18n import tr
from .style import (
    CARD,
    CARD_LINE,
    CARD_TOTAL,
    CRITICAL,
    GOOD,
    INK,
    MUTED,
    SL_LOW_GLYPH,
    SL_MET_GLYPH,
    WARN_TEXT,
)
from .words import pct, secs

BASE_CARD = QSize(290, 172)
#: A slot on a card: (font kind, x, y, width, right-aligned).
Slot = tuple[str, int, int, int, bool]


def sl_text(fig: QueueFigures) -> tuple[str, QColor]:
    """The service level with its state as a glyph: ✓ at or above target, ▼ below (critical: 10 points under)."""
    if fig.service_level is None:
        return "—", MUTED
    value = fig.service_level * 100
    if value >= fig.sl_target_pct:
        return f"{value:.0f}% {SL_MET_GLYPH}", GOOD
    return f"{value:.0f}% {SL_LOW_GLYPH}", WARN_TEXT if value >= fig.sl_target_pct - 10 else CRITICAL


def card_title(fig: QueueFigures, total: bool) -> str:
    if total:
        return tr("All queues")
    return f"Σ {fig.name}" if fig.queue_id.startswith("group:") else fig.name


class QueueCards(QWidget):
    """The total first, then each group, then the queues no group holds."""

    def __init__(self, parent: QWidget | None = None, scale: float = 1.0, paged: bool = False) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it paints every pixel of its region
        self.cards: list[QueueFigures] = []
        self.marks: Mapping[str, Mark] = {}
        self.paged = paged
        self.min_scale = scale  # a TV's cards never shrink below the room's readable size
        self.page = 0
        self.after_paint: Callable[[], None] | None = None  # see TileBoard.after_paint
        self._frames: dict[tuple[bool, str, int, int], tuple[QPixmap, list[Slot]]] = {}
        self._values: dict[tuple[str, str, int], tuple[QStaticText, QFont, float]] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding,
                           QSizePolicy.Policy.Expanding if paged else QSizePolicy.Policy.Fixed)
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
        self._frames, self._values = {}, {}
        self._relayout()

    # -- data --------------------------------------------------------------------------

    def set_cards(self, cards: Sequence[QueueFigures], marks: Mapping[str, Mark]) -> None:
        """Repaint only the figures that changed: usually one or two numbers on a few cards."""
        before, old_marks = self.cards, self.marks
        self.cards, self.marks = list(cards), dict(marks)
        if len(before) != len(self.cards) or [c.queue_id for c in before] != [c.queue_id for c in self.cards]:
            if self.paged:
                self.fit()  # a TV's cards are sized for how many there are (and for the page: resizeEvent)
            self._relayout()
            self.update()
            return
        first = self.page * self.per_page
        for i, (old, new) in enumerate(zip(before, self.cards)):
            if not first <= i < first + self.per_page:
                continue
            rect = self.card_rect(i - first)
            if old.name != new.name or old_marks.get(old.queue_id) != self.marks.get(new.queue_id):
                self.update(rect)
                continue
            if old == new:
                continue
            _, slots = self._frame(i == 0, card_title(new, i == 0), rect.width(), rect.height())
            for slot, a, b in zip(slots, self._card_values(old), self._card_values(new)):
                if a != b:
                    self.update(self._slot_rect(slot).translated(rect.topLeft()))

    # -- geometry ------------------------------------------------------------------------

    def _columns(self, width: int) -> int:
        fit = max(1, (width - self.gap) // (self.card.width() + self.gap))
        return max(1, min(fit, len(self.cards) or 1))

    @property
    def per_page(self) -> int:
        if not self.paged:
            return max(1, len(self.cards))
        rows = max(1, (self.height() - self.gap) // (self.card.height() + self.gap))
        return self._columns(self.width()) * rows

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.cards) // self.per_page))

    def show_page(self, page: int) -> None:
        self.page = page % self.pages
        self.update()

    def fit(self) -> None:
        """TV: the biggest cards that all fit (up to 3× the room's size); paged at the room's size when
        even that cannot hold them all."""
        n, w, h = len(self.cards) or 1, self.width(), self.height()
        s = self.min_scale * 3
        while s > self.min_scale:
            cw, ch, gap = BASE_CARD.width() * s, BASE_CARD.height() * s, max(2, round(6 * s))
            cols = max(1, int((w - gap) // (cw + gap)))
            if -(-n // cols) * (ch + gap) + gap <= h:
                break
            s *= 0.95
        s = max(s, self.min_scale)
        if abs(s - self.scale) > 0.01:
            self.set_scale(s)
        self.page %= self.pages

    def _card_width(self) -> int:
        """Cards stretch to fill the row, so a few queues use the whole width."""
        cols = self._columns(self.width())
        return max(self.card.width(), (self.width() - self.gap * (cols + 1)) // cols)

    def _relayout(self) -> None:
        if self.paged:
            self.page %= self.pages
            return
        n = max(1, len(self.cards))
        cols = self._columns(max(self.width(), 1))
        self.setFixedHeight(self.gap + -(-n // cols) * (self.card.height() + self.gap))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        if self.paged:
            self.fit()
        else:
            self._relayout()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(5 * (self.card.width() + self.gap), self.height())

    def card_rect(self, i: int) -> QRect:
        """The rectangle of the ``i``-th card on the shown page."""
        cols = self._columns(self.width())
        r, c = divmod(i, cols)
        cw = self._card_width()
        return QRect(self.gap + c * (cw + self.gap), self.gap + r * (self.card.height() + self.gap),
                     cw, self.card.height())

    def _slot_rect(self, slot: Slot) -> QRect:
        kind, x, y, w, _ = slot
        return QRect(x, y, w + 2, self._slot_heights[kind])

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        region = event.region()
        p.fillRect(event.rect(), self.palette().window())
        first = self.page * self.per_page
        for k, fig in enumerate(self.cards[first:first + self.per_page]):
            rect = self.card_rect(k)
            if region.intersects(rect):
                self._paint_card(p, rect, fig, first + k == 0, region.intersected(rect).boundingRect())
        p.end()
        if self.after_paint is not None:
            self.after_paint()

    def _paint_card(self, p: QPainter, rect: QRect, f: QueueFigures, total: bool, dirty: QRect) -> None:
        """The dirty part of a cached frame (border, title, labels), the values inside it, its mark."""
        frame, slots = self._frame(total, card_title(f, total), rect.width(), rect.height())
        local = dirty.translated(-rect.left(), -rect.top())
        dpr = frame.devicePixelRatio()
        p.drawPixmap(dirty, frame, QRect(round(local.x() * dpr), round(local.y() * dpr),
                                         round(local.width() * dpr), round(local.height() * dpr)))
        for slot, (text, colour) in zip(slots, self._card_values(f)):
            if not self._slot_rect(slot).intersects(local):
                continue
            kind, sx, sy, sw, right = slot
            st, font, width = self._value(kind, text, sw)
            p.setFont(font)
            p.setPen(colour)
            p.drawStaticText(rect.left() + (sx + sw - int(width) if right else sx), rect.top() + sy, st)
        mark = self.marks.get(f.queue_id, Mark.NONE)
        if mark:
            warn = mark is Mark.WARN
            paint_mark(p, rect, warn, mark_width(warn, self.scale),
                       QFontMetrics(self.f_label).height() + round(4 * self.scale), self.f_label)

    def _card_values(self, f: QueueFigures) -> tuple[tuple[str, QColor], ...]:
        """What each slot of a card shows, in slot order: text and colour."""
        return (
            (tr("Agents {0}/{1} free").format(f.available, f.logged_in), MUTED),
            (str(f.waiting), INK),
            (str(f.abandoned), INK),
            sl_text(f),
            (secs(f.longest_wait_s), INK),
            (secs(f.longest_today_s), INK),
            (pct(f.abandon_rate), INK),
            (secs(f.asa_s), INK),
            (secs(f.aht_s), INK),
        )

    def _frame(self, total: bool, title: str, w: int, h: int) -> tuple[QPixmap, list[Slot]]:
        key = (total, title, w, h)
        hit = self._frames.get(key)
        if hit is not None:
            return hit
        s = self.scale
        pad = round(10 * s)
        dpr = self.devicePixelRatioF()
        pm = QPixmap(round(w * dpr), round(h * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(CARD_TOTAL if total else CARD)
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
        slots: list[Slot] = [("label", x + inner // 2, staff_y, inner - inner // 2, True)]
        y1 = y + round(26 * s)
        col = round(inner * 0.3)
        for label, cx, cw in ((tr("Waiting"), x, col), (tr("Abandoned"), x + col, col),
                              (tr("Service level"), x + 2 * col, inner - 2 * col)):
            p.drawText(QPoint(cx, y1 + p.fontMetrics().ascent()), label)
            slots.append(("big", cx, y1 + lh, cw - 2, False))
        y2 = y1 + round(74 * s) + round(4 * s)
        fifth = inner // 5
        for k, label in enumerate((tr("Longest"), tr("Max today"), tr("Aband. %"), tr("ASA"), tr("AHT"))):
            p.drawText(QPoint(x + k * fifth, y2 + p.fontMetrics().ascent()),
                       p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, fifth - 2))
            slots.append(("value", x + k * fifth, y2 + lh, fifth - 2, False))
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
