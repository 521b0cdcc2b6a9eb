"""The callers waiting, one per row: how long, which queue, who (number and name), and their place.

Painted rows, longest wait first (the board model orders them); a row's wait is drawn in the
warning or critical colour, with its glyph, once the queue's waiting-time rule says so. On a TV
the list is paged like everything else (a TV never scrolls).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPaintEvent, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..board.waiting import WaitingCaller
from ..core.alerts import Level
from .i18n import tr
from .style import CARD_LINE, CRITICAL, CRITICAL_GLYPH, INK, MUTED, WARN_GLYPH, WARN_TEXT
from .words import clock_text

#: How the queue's rule rates a wait: (queue id, wait s) → level.
Rating = Callable[[str, float], Level]


class WaitingList(QWidget):
    def __init__(self, scale: float = 1.0, paged: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it paints every pixel of its region
        self.callers: list[WaitingCaller] = []
        self.rate: Rating = lambda queue, wait: Level.NONE
        self.paged = paged
        self.page = 0
        self.scale = scale
        self.f_row = QFont(self.font())
        self.f_row.setPixelSize(max(8, round(16 * scale)))
        self.f_head = QFont(self.font())
        self.f_head.setPixelSize(max(8, round(13 * scale)))
        self.row_h = QFontMetrics(self.f_row).height() + round(8 * scale)
        self.head_h = QFontMetrics(self.f_head).height() + round(6 * scale)
        self._still: list[tuple[object, ...]] = []  # each row's all but its wait, as last shown
        # A wait's text laid out once per value and level: a tick redrew every row's wait with a fresh layout.
        self._waits: dict[tuple[int, Level], tuple[QStaticText, float]] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_callers(self, callers: Sequence[WaitingCaller], rate: Rating) -> None:
        """Once a second every wait moves; the rest of a row only when callers come, go or move up, so
        a tick repaints the wait column alone."""
        new = list(callers)
        still = [_still(c) for c in new]
        same_rows, self._still = still == self._still, still
        self.callers, self.rate = new, rate
        self.page %= self.pages
        if same_rows:
            self.update(QRect(0, self.head_h, self._cols()[1], self.height()))
        else:
            self.update()

    def _cols(self) -> tuple[int, int, int, int]:
        w = self.width()
        return 0, round(w * 0.16), round(w * 0.42), round(w * 0.86)  # wait, queue, caller, position

    @property
    def per_page(self) -> int:
        return max(1, (self.height() - self.head_h) // self.row_h)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.callers) // self.per_page)) if self.paged else 1

    def show_page(self, page: int) -> None:
        self.page = page % self.pages
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, self.head_h + 6 * self.row_h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        w = self.width()
        cols = self._cols()
        rest = event.rect().right() >= cols[1]  # more than the wait column to draw
        p.setFont(self.f_head)
        p.setPen(MUTED)
        if event.rect().top() < self.head_h:  # (a tick's region is the waits below it)
            for x, words in zip(cols, (tr("Wait"), tr("Queue"), tr("Caller"), tr("Place"))):
                p.drawText(QRect(x + 4, 0, w, self.head_h), Qt.AlignmentFlag.AlignVCenter, words)
        if not self.callers:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No callers waiting"))
            p.end()
            return
        first = self.page * self.per_page if self.paged else 0
        y = self.head_h
        p.setFont(self.f_row)
        dy = round((self.row_h - QFontMetricsF(self.f_row).height()) / 2)  # where AlignVCenter puts one line
        room = cols[1] - 8
        for c in self.callers[first:first + self.per_page]:
            if y > self.height():
                break
            level = self.rate(c.queue_id, c.wait_s)
            p.setPen(_COLOURS.get(level, INK))
            st, width = self._wait(int(c.wait_s), level)
            if width > room:  # cut at its column, as text drawn in a rectangle is
                p.save()
                p.setClipRect(QRect(4, y, room, self.row_h), Qt.ClipOperation.IntersectClip)
                p.drawStaticText(4, y + dy, st)
                p.restore()
            else:
                p.drawStaticText(4, y + dy, st)
            if rest:
                self._paint_rest(p, c, cols, w, y)
            p.setPen(CARD_LINE)
            p.drawLine(0, y + self.row_h - 1, w, y + self.row_h - 1)
            y += self.row_h
        p.end()

    def _wait(self, wait_s: int, level: Level) -> tuple[QStaticText, float]:
        hit = self._waits.get((wait_s, level))
        if hit is None:
            if len(self._waits) > 5000:
                self._waits.clear()
            st = QStaticText(f"{clock_text(wait_s)} {_GLYPHS.get(level, '')}".rstrip())
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=self.f_row)
            self._waits[(wait_s, level)] = hit = (st, st.size().width())
        return hit

    def _paint_rest(self, p: QPainter, c: WaitingCaller, cols: tuple[int, int, int, int], w: int, y: int) -> None:
        """Queue, caller and place: what changes only when callers come, go or move up."""
        fm = p.fontMetrics()
        p.setPen(INK)
        p.drawText(QRect(cols[1] + 4, y, cols[2] - cols[1] - 8, self.row_h), Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(c.queue_name, Qt.TextElideMode.ElideRight, cols[2] - cols[1] - 8))
        who = " ".join(x for x in (c.number, c.name) if x) or tr("(no caller ID)")
        if c.ringing:
            who = tr("{0} — ringing an agent").format(who)
        p.drawText(QRect(cols[2] + 4, y, cols[3] - cols[2] - 8, self.row_h), Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(who, Qt.TextElideMode.ElideRight, cols[3] - cols[2] - 8))
        p.drawText(QRect(cols[3] + 4, y, w - cols[3] - 8, self.row_h), Qt.AlignmentFlag.AlignVCenter,
                   f"#{c.position}")


_GLYPHS = {Level.WARN: WARN_GLYPH, Level.CRITICAL: CRITICAL_GLYPH}
_COLOURS: dict[Level, QColor] = {Level.WARN: WARN_TEXT, Level.CRITICAL: CRITICAL}


def _still(c: WaitingCaller) -> tuple[object, ...]:
    """What a row shows besides the wait."""
    return c.call_id, c.queue_name, c.number, c.name, c.position, c.ringing
