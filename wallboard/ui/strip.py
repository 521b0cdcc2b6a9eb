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
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPixmap, QResizeEvent, QStaticText
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from ..board.alerts import Mark
from ..core.metrics import QueueFigures
from .faces import paint_mark
from .i18n import tr
from .queues import card_title, sl_text
from .style import (
    CARD,
    CARD_LINE,
    INK,
    MUTED,
    SL_MET_GLYPH,
)
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
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it paints every pixel of its region
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
        self.gap = max(2, round(6 * scale))  # between cells
        self.title_h = QFontMetrics(self.f_title).height() if titled else 0
        self.label_h = QFontMetrics(self.f_label).height()
        value = QFontMetrics(self.f_value)
        self.value_h = value.ascent() + value.descent() // 3  # figures have no descenders: no room kept for them
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.title_h + self.label_h + self.value_h + 3 * self.pad)
        self._widths: dict[tuple[str, ...], list[int]] = {}
        self._fits: dict[tuple[object, ...], tuple[QFont, list[tuple[int, int, QStaticText, QColor]]]] = {}
        self._frames: dict[tuple[object, ...], QPixmap] = {}
        self._least: int | None = None  # least_width, until a cell's labels change (asked twice a tick)

    #: per figure, the widest value it will show (None: the figures share the cell equally); widths
    #: come from these, not from today's values, so cells never jiggle as the numbers change
    templates: tuple[str, ...] | None = None

    def set_cells(self, cells: Sequence[Cell]) -> None:
        """Repaint only the cells that changed (a strip of 50 queues changes one or two at a time)."""
        new = list(cells)
        old, self.cells = self.cells, new
        if len(old) != len(new):
            self._least = None
            self.update()
            return
        for k, (a, b) in enumerate(zip(old, new)):
            if a == b:
                continue
            rect = self.cell_rect(k)
            if (a.title, a.mark, [n for n, _ in a.parts]) != (b.title, b.mark, [n for n, _ in b.parts]):
                self._least = None
                self.update(rect)
                continue
            for place, pa, pb in zip(self._values(b, rect), a.parts, b.parts):
                if pa != pb:  # a tick moves one figure of a few cells (their longest wait)
                    self.update(place)

    def _values(self, cell: Cell, rect: QRect) -> list[QRect]:
        inner = rect.adjusted(self.pad, self.pad // 2, -self.pad, -self.pad // 2)
        return [QRect(pl.left(), pl.top() + self.label_h, pl.width() - 4, self.value_h)
                for pl in self._layout(cell, inner)]

    def _cell_width(self) -> int:
        return (self.width() - self.gap * (len(self.cells) + 1)) // max(1, len(self.cells))

    def cell_rect(self, k: int) -> QRect:
        w = self._cell_width()
        return QRect(self.gap + k * (w + self.gap), 0, w, self.height() - self.gap)

    def _cells_in(self, dirty: QRect) -> range:
        """The cells a dirty rectangle touches (a strip of 50 queues repaints two or three)."""
        step = self._cell_width() + self.gap
        if step <= 0:
            return range(len(self.cells))
        return range(max(0, dirty.left() // step - 1), min(len(self.cells), dirty.right() // step + 1))

    def _needs(self, cell: Cell) -> list[int]:
        """Each figure's width: its label's or its widest value's, whichever is wider (cached by labels)."""
        labels = tuple(name for name, _ in cell.parts)
        hit = self._widths.get(labels)
        if hit is None:
            label, value = QFontMetrics(self.f_label), QFontMetrics(self.f_value)
            shown = self.templates or ("",) * len(labels)
            hit = [max(label.horizontalAdvance(name), value.horizontalAdvance(t)) + 8 for name, t in zip(labels, shown)]
            self._widths[labels] = hit
        return hit

    def least_width(self) -> int:
        """The width at which no label is cut: the widest cell's figures, times the cells."""
        if self._least is None:
            cell = max(sum(self._needs(c)) for c in self.cells) + 2 * self.pad if self.cells else 0
            self._least = len(self.cells) * (cell + self.gap) + self.gap if self.cells else 0
        return self._least

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(max(400, self.least_width()), self.height())

    def _layout(self, cell: Cell, inner: QRect) -> list[QRect]:
        """Each figure's place in the cell: its width (fitted to the labels and widest values), label above."""
        needs = self._needs(cell)
        total = sum(needs)
        spare = max(0, inner.width() - total) // max(1, len(needs))
        places, x = [], inner.left()
        for need in needs:
            pw = need + spare if total <= inner.width() else need * inner.width() // max(1, total)
            places.append(QRect(x, inner.top() + self.title_h, pw, self.label_h + self.value_h))
            x += pw
        return places

    def _frame(self, cell: Cell, w: int, h: int) -> QPixmap:
        """What a cell shows but its values: card, title, labels, alert frame and tab; drawn once per look
        (a strip of 50 queues repaints a few cells a second, and only their figures change)."""
        labels = tuple(name for name, _ in cell.parts)
        key = (cell.title, labels, cell.mark, w, h, CARD.rgba(), INK.rgba())
        pm = self._frames.get(key)
        if pm is not None:
            return pm
        dpr = self.devicePixelRatioF()
        pm = QPixmap(round(w * dpr), round(h * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(CARD)
        p = QPainter(pm)
        rect = QRect(0, 0, w, h)
        p.setPen(CARD_LINE)
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        inner = rect.adjusted(self.pad, self.pad // 2, -self.pad, -self.pad // 2)
        if self.titled:
            p.setFont(self.f_title)
            p.setPen(INK)
            p.drawText(QRect(inner.left(), inner.top(), inner.width(), self.title_h), Qt.AlignmentFlag.AlignVCenter,
                       p.fontMetrics().elidedText(cell.title, Qt.TextElideMode.ElideRight, inner.width()))
        p.setFont(self.f_label)
        p.setPen(MUTED)
        for label, place in zip(labels, self._layout(cell, inner)):
            p.drawText(QRect(place.left(), place.top(), place.width(), self.label_h), Qt.AlignmentFlag.AlignVCenter,
                       p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, place.width() - 4))
        if cell.mark:  # the glyph in the bottom-right tab, as on tiles and cards
            warn = cell.mark is Mark.WARN
            paint_mark(p, rect, warn, max(2, round((3 if warn else 4) * self.scale)), self.label_h, self.f_label)
        p.end()
        if len(self._frames) > 500:
            self._frames.clear()
        self._frames[key] = pm
        return pm

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """The region's cells and values only: a tick's few changed figures lie far apart along the strip,
        and their bounding box would be every cell between them (the painter clips to the region anyway)."""
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        region = event.region()
        for k in self._cells_in(event.rect()):
            cell, rect = self.cells[k], self.cell_rect(k)
            if not region.intersects(rect):
                continue
            p.drawPixmap(rect.topLeft(), self._frame(cell, rect.width(), rect.height()))
            for (_, runs), place in zip(cell.parts, self._values(cell, rect)):
                if region.intersects(place):
                    self._paint_value(p, place, runs)
        p.end()

    def _paint_value(self, p: QPainter, rect: QRect, runs: tuple[Run, ...]) -> None:
        """A value, shrunk to fit its place rather than cut; laid out once per text and width."""
        key = (tuple((t, c.rgba()) for t, c in runs), rect.width(), rect.height())
        laid = self._fits.get(key)
        if laid is None:
            text = "".join(t for t, _ in runs)
            font = QFont(self.f_value)
            advance = QFontMetrics(font).horizontalAdvance(text)
            if advance > rect.width() > 0:
                font.setPixelSize(max(8, int(font.pixelSize() * rect.width() / advance)))
            fm = QFontMetrics(font)
            dy = (rect.height() - fm.height()) // 2
            parts, x = [], 0
            for t, colour in runs:
                st = QStaticText(t)
                st.setTextFormat(Qt.TextFormat.PlainText)
                st.prepare(font=font)
                parts.append((x, dy, st, QColor(colour)))
                x += fm.horizontalAdvance(t)
            if len(self._fits) > 2000:
                self._fits.clear()
            laid = self._fits[key] = (font, parts)
        font, parts = laid
        p.setFont(font)
        for x, dy, st, colour in parts:
            p.setPen(colour)
            p.drawStaticText(rect.left() + x, rect.top() + dy, st)


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

    templates = ("00 00:00", "100% " + SL_MET_GLYPH, "0000")

    def __init__(self, scale: float, parent: QWidget | None = None) -> None:
        super().__init__(12, 18, scale, titled=True, parent=parent)
        # Each card's cell by what it shows: once a second 51 cards are shown and a few changed (their longest
        # wait); the same cell object again is also the cheapest to find unchanged (``set_cells``).
        self._made: dict[tuple[object, ...], Cell] = {}
        self._made_in: tuple[str, ...] = ()

    def show_cards(self, cards: Sequence[QueueFigures], marks: Mapping[str, Mark]) -> None:
        cells = []
        words = (tr("Waiting"), tr("SL"), tr("Abandoned"))  # once, not per queue: every second
        if words != self._made_in or len(self._made) > 4 * len(cards) + 200:
            self._made, self._made_in = {}, words
        made, (waiting, sl_word, abandoned) = self._made, words
        for i, f in enumerate(cards):
            mark = marks.get(f.queue_id, Mark.NONE)
            key = (f.queue_id, f.name, i == 0, f.waiting, secs(f.longest_wait_s), f.service_level, f.sl_target_pct,
                   f.abandoned, mark)  # (its colours are the style's, changed in place by a theme)
            cell = made.get(key)
            if cell is None:
                sl, sl_colour = sl_text(f)
                made[key] = cell = Cell(card_title(f, i == 0), (
                    (waiting, ((str(f.waiting), INK), (f" {secs(f.longest_wait_s)}", MUTED))),
                    (sl_word, ((sl, sl_colour),)),
                    (abandoned, ((str(f.abandoned), INK),)),
                ), mark)
            cells.append(cell)
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
        self.refit()

    def refit(self) -> None:
        """One row and, when the cells no longer fit, its scroll bar (after a resize or new cells)."""
        crowded = self.strip.least_width() > self.viewport().width()
        bar = self.horizontalScrollBar().sizeHint().height() if crowded else 0
        if self.height() != self.strip.height() + bar:
            self.setFixedHeight(self.strip.height() + bar)

    def show_cards(self, cards: Sequence[QueueFigures], marks: Mapping[str, Mark]) -> None:
        self.strip.show_cards(cards, marks)
        self.refit()  # the cells may now fit, or no longer

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.refit()
