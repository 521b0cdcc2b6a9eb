"""Strips of figures: a TV's key figures on every page, and a desk's one-row queue strip.

The key-figure strip answers what a supervisor looks up at the wall for — 待ち呼, 最長待ち,
service level and 応答率, 放棄呼, agents free — for the board's whole part of the floor, in
figures sized for the back of the room (≥ 30 arc-minutes). The queue strip is the desk's short
form of the queue cards: one row, a cell per card (total, groups, queues), for a window with no
height to spare. Both are painted; a cell's alert mark is a frame and a glyph in its corner tab.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from ..board.alerts import Mark
from ..core.metrics import QueueFigures
from .i18n import tr
from .queues import card_title, sl_text
from .style import CARD, CARD_LINE, CRITICAL, CRITICAL_GLYPH, INK, MUTED, ON_STRONG, ON_WARN, WARN, WARN_GLYPH
from .words import secs

Run = tuple[str, QColor]  # a piece of text in its colour
Part = tuple[str, tuple[Run, ...]]  # a figure: its label, and its value as runs


@dataclass(frozen=True, slots=True)
class Cell:
    title: str  # "" for none
    parts: tuple[Part, ...]
    mark: Mark = Mark.NONE


class _Strip(QWidget):
    """One row of cells; each an optional title over its figures, side by side (label over value)."""

    def __init__(self, title_px: int, value_px: int, scale: float, titled: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cells: list[Cell] = []
        self.scale = scale
        self.titled = titled
        self.f_title = QFont(self.font())
        self.f_title.setPixelSize(max(8, round(title_px * scale)))
        self.f_title.setBold(True)
        self.f_label = QFont(self.font())
        self.f_label.setPixelSize(max(8, round(title_px * scale)))
        self.f_value = QFont(self.font())
        self.f_value.setPixelSize(max(8, round(value_px * scale)))
        self.f_value.setBold(True)
        self.pad = round(6 * scale)
        self.title_h = QFontMetrics(self.f_title).height() if titled else 0
        self.label_h = QFontMetrics(self.f_label).height()
        value = QFontMetrics(self.f_value)
        self.value_h = value.ascent() + value.descent() // 3  # figures have no descenders: no room kept for them
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.title_h + self.label_h + self.value_h + 3 * self.pad)

    def set_cells(self, cells: Sequence[Cell]) -> None:
        if list(cells) != self.cells:
            self.cells = list(cells)
            self.update()

    def _needs(self, cell: Cell) -> list[int]:
        """Each figure's width: its label's or its value's, whichever is wider."""
        label, value = QFontMetrics(self.f_label), QFontMetrics(self.f_value)
        return [max(label.horizontalAdvance(name), value.horizontalAdvance("".join(t for t, _ in runs))) + 8
                for name, runs in cell.parts]

    def least_width(self) -> int:
        """The width at which no label is cut: the widest cell's figures, times the cells."""
        if not self.cells:
            return 0
        gap = max(2, round(6 * self.scale))
        cell = max(sum(self._needs(c)) for c in self.cells) + 2 * self.pad
        return len(self.cells) * (cell + gap) + gap

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(max(400, self.least_width()), self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        n = len(self.cells)
        gap = max(2, round(6 * self.scale))
        w = (self.width() - gap * (n + 1)) // max(1, n)
        for k, cell in enumerate(self.cells):
            rect = QRect(gap + k * (w + gap), 0, w, self.height() - gap)
            p.fillRect(rect, CARD)
            p.setPen(CARD_LINE)
            p.drawRect(rect.adjusted(0, 0, -1, -1))
            inner = rect.adjusted(self.pad, self.pad // 2, -self.pad, -self.pad // 2)
            glyph = {Mark.WARN: WARN_GLYPH, Mark.CRITICAL: CRITICAL_GLYPH, Mark.PULSE: CRITICAL_GLYPH}.get(cell.mark, "")
            y = inner.top()
            if self.titled:
                p.setFont(self.f_title)
                p.setPen(INK)
                p.drawText(QRect(inner.left(), y, inner.width(), self.title_h), Qt.AlignmentFlag.AlignVCenter,
                           p.fontMetrics().elidedText(cell.title, Qt.TextElideMode.ElideRight, inner.width()))
                y += self.title_h
            needs = self._needs(cell)
            spare = max(0, inner.width() - sum(needs)) // max(1, len(needs))
            x = inner.left()
            for (label, runs), need in zip(cell.parts, needs):
                pw = need + spare if sum(needs) <= inner.width() else need * inner.width() // max(1, sum(needs))
                p.setFont(self.f_label)
                p.setPen(MUTED)
                p.drawText(QRect(x, y, pw, self.label_h), Qt.AlignmentFlag.AlignVCenter,
                           p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, pw - 4))
                self._paint_value(p, QRect(x, y + self.label_h, pw - 4, self.value_h), runs)
                x += pw
            if cell.mark:
                warn = cell.mark is Mark.WARN
                width = max(2, round((3 if warn else 4) * self.scale))
                pen = QPen(WARN if warn else CRITICAL, width)
                if warn:
                    pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawRect(rect.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
                p.setFont(self.f_label)  # the glyph in the bottom-right tab, as on tiles and cards
                tab = self.label_h
                box = QRect(rect.right() + 1 - tab, rect.bottom() + 1 - tab, tab, tab)
                p.fillRect(box, WARN if warn else CRITICAL)
                p.setPen(ON_WARN if warn else ON_STRONG)
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, glyph)
        p.end()

    def _paint_value(self, p: QPainter, rect: QRect, runs: tuple[Run, ...]) -> None:
        """A value, shrunk to fit its place rather than cut."""
        font = QFont(self.f_value)
        text = "".join(t for t, _ in runs)
        advance = QFontMetrics(font).horizontalAdvance(text)
        if advance > rect.width() > 0:
            font.setPixelSize(max(8, int(font.pixelSize() * rect.width() / advance)))
        p.setFont(font)
        fm = p.fontMetrics()
        x = rect.left()
        for t, colour in runs:
            p.setPen(colour)
            p.drawText(QRect(x, rect.top(), rect.right() - x + 1, rect.height()),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, t)
            x += fm.horizontalAdvance(t)


class KeyStrip(_Strip):
    """A TV's permanent key figures (the board's whole part of the floor)."""

    def __init__(self, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(14, 40, scale, titled=False, parent=parent)

    def show_figures(self, total: QueueFigures | None, marks: Mapping[str, Mark] | None = None) -> None:
        """``marks``: by queue alert kind (waiting_count, waiting_time, service_level), for the figure it is about."""
        mark = (marks or {}).get
        if total is None:
            self.set_cells([])
            return
        sl, sl_colour = sl_text(total)
        answer = "—" if not total.offered else f"{total.answered / total.offered * 100:.0f}%"
        self.set_cells([
            Cell("", ((tr("Waiting"), ((str(total.waiting), INK),)),), mark("waiting_count", Mark.NONE)),
            Cell("", ((tr("Longest wait"), ((secs(total.longest_wait_s), INK),)),), mark("waiting_time", Mark.NONE)),
            Cell("", ((tr("Service level · answer rate"), ((sl, sl_colour), (f" · {answer}", INK))),),
                 mark("service_level", Mark.NONE)),
            Cell("", ((tr("Abandoned"), ((str(total.abandoned), INK),)),)),
            Cell("", ((tr("Agents free"), ((f"{total.available}", INK), (f" / {total.logged_in}", MUTED))),)),
        ])


class QueueStrip(_Strip):
    """A desk's queue cards in one row: waiting (longest), service level, abandoned per card."""

    def __init__(self, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(12, 18, scale, titled=True, parent=parent)

    def show_cards(self, cards: Sequence[QueueFigures], marks: Mapping[str, Mark]) -> None:
        cells = []
        for i, f in enumerate(cards):
            sl, sl_colour = sl_text(f)
            cells.append(Cell(card_title(f, i == 0), (
                (tr("Waiting"), ((str(f.waiting), INK), (f" {secs(f.longest_wait_s)}", MUTED))),
                (tr("SL"), ((sl, sl_colour),)),
                (tr("Abandoned"), ((str(f.abandoned), INK),)),
            ), marks.get(f.queue_id, Mark.NONE)))
        self.set_cells(cells)
        self.setMinimumWidth(self.least_width())  # the desk scrolls it sideways rather than cut a label


class StripScroll(QScrollArea):
    """The desk's queue strip, scrolled sideways when its cells do not fit: one row, never two."""

    def __init__(self, strip: QueueStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strip = strip
        self.setWidget(strip)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit()

    def _fit(self) -> None:
        crowded = self.strip.least_width() > self.viewport().width()
        bar = self.horizontalScrollBar().sizeHint().height() if crowded else 0
        if self.height() != self.strip.height() + bar:
            self.setFixedHeight(self.strip.height() + bar)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def refit(self) -> None:
        """After the cells changed: they may now fit, or no longer."""
        self._fit()
