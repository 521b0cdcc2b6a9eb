"""The agent tiles: one widget paints every tile; no widget, item or model per agent.

How it paints: tiles sit on a fixed grid (``columns`` × ``tile`` size, computed from
the width). ``set_view`` re-sorts only when agents come or go; otherwise it marks the
rectangles of changed agents dirty (``update(rect)``), and Qt merges them into one
paint event per frame. ``paintEvent`` walks only the tiles inside the dirty region.
Ticking clocks are one ``update()`` of the visible area per second, not one per
agent. Text that rarely changes (names, queue names) is cached as ``QStaticText``.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.metrics import seconds_since
from ..core.model import ON_A_CALL, Agent, AgentState, Call, Queue
from .style import HELP, INK, LOOKS, MUTED, clock_text, tr

BASE_TILE = QSize(236, 86)
GAP = 6


def _order(a: Agent) -> tuple[str, str, str]:
    return (a.team, a.name, a.id)


class TileBoard(QWidget):
    """All agents as tiles. Emits ``agent_selected(id)`` on click."""

    agent_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.agents: Mapping[str, Agent] = {}
        self.calls: Mapping[str, Call] = {}
        self.queue_names: dict[str, str] = {}
        self.order: list[str] = []
        self.index: dict[str, int] = {}
        self.now_ms = 0
        self.selected: str | None = None
        self._static: dict[tuple[str, str], QStaticText] = {}
        self.set_scale(scale)

    # -- geometry ------------------------------------------------------------------

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.tile = QSize(round(BASE_TILE.width() * scale), round(BASE_TILE.height() * scale))
        self.gap = max(2, round(GAP * scale))
        base = QFont(self.font())
        self.f_name = QFont(base)
        self.f_name.setPixelSize(max(8, round(15 * scale)))
        self.f_name.setBold(True)
        self.f_small = QFont(base)
        self.f_small.setPixelSize(max(7, round(13 * scale)))
        self.f_clock = QFont(base)
        self.f_clock.setPixelSize(max(9, round(24 * scale)))
        self.f_clock.setBold(True)
        self.f_clock.setStyleHint(QFont.StyleHint.Monospace)
        self._static.clear()
        self.updateGeometry()
        self.update()

    @property
    def columns(self) -> int:
        return max(1, (self.width() - self.gap) // (self.tile.width() + self.gap))

    @property
    def tile_width(self) -> int:
        """Tiles stretch (up to a third wider) so a row fills the width; no dead strip."""
        cols = self.columns
        fill = (self.width() - self.gap * (cols + 1)) // cols
        return max(self.tile.width(), min(fill, self.tile.width() * 4 // 3))

    def tile_rect(self, i: int) -> QRect:
        cols = self.columns
        r, c = divmod(i, cols)
        tw = self.tile_width
        return QRect(self.gap + c * (tw + self.gap), self.gap + r * (self.tile.height() + self.gap),
                     tw, self.tile.height())

    def _height_for(self, width: int) -> int:
        cols = max(1, (width - self.gap) // (self.tile.width() + self.gap))
        rows = (len(self.order) + cols - 1) // cols
        return self.gap + rows * (self.tile.height() + self.gap)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._height_for(width)

    def sizeHint(self) -> QSize:  # noqa: N802
        w = max(self.width(), 4 * (self.tile.width() + self.gap) + self.gap)
        return QSize(w, self._height_for(w))

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        self.setMinimumHeight(self._height_for(self.width()))

    def index_at(self, pos: QPoint) -> int | None:
        step_w, step_h = self.tile_width + self.gap, self.tile.height() + self.gap
        c, r = (pos.x() - self.gap) // step_w, (pos.y() - self.gap) // step_h
        if c < 0 or r < 0 or c >= self.columns:
            return None
        i = r * self.columns + c
        if i >= len(self.order) or not self.tile_rect(i).contains(pos):
            return None
        return i

    # -- data ----------------------------------------------------------------------

    def set_floor(self, agents: Mapping[str, Agent], calls: Mapping[str, Call], queues: Mapping[str, Queue],
                  changed: frozenset[str], layout: bool, now_ms: int) -> None:
        self.agents, self.calls, self.now_ms = agents, calls, now_ms
        if layout:
            self.queue_names = {q.id: q.name for q in queues.values()}
            self.order = sorted(agents, key=lambda i: _order(agents[i]))
            self.index = {aid: i for i, aid in enumerate(self.order)}
            self.setMinimumHeight(self._height_for(self.width()))
            self.updateGeometry()
            self.update()
            return
        for aid in changed:
            i = self.index.get(aid)
            if i is not None:
                self.update(self.tile_rect(i))

    def tick(self, now_ms: int) -> None:
        """Clocks moved: repaint what is visible (one region, one paint event)."""
        self.now_ms = now_ms
        self.update(self.visibleRegion())

    # -- input -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        i = self.index_at(event.position().toPoint())
        if i is None:
            return
        before = self.index.get(self.selected) if self.selected else None
        self.selected = self.order[i]
        for j in (before, i):
            if j is not None:
                self.update(self.tile_rect(j))
        self.agent_selected.emit(self.selected)

    # -- painting ----------------------------------------------------------------------

    def _text(self, key: str, text: str) -> QStaticText:
        st = self._static.get((key, text))
        if st is None:
            if len(self._static) > 20_000:
                self._static.clear()
            st = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            self._static[(key, text)] = st
        return st

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        if not self.order:
            p.setPen(MUTED)
            p.setFont(self.f_name)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No agents yet"))
            return
        done: set[int] = set()
        step_w, step_h = self.tile_width + self.gap, self.tile.height() + self.gap
        cols = self.columns
        for rect in event.region():  # type: ignore[attr-defined]  # QRegion iterates its rects
            c0 = max(0, (rect.left() - self.gap) // step_w)
            c1 = min(cols - 1, (rect.right() - self.gap) // step_w)
            r0 = max(0, (rect.top() - self.gap) // step_h)
            r1 = (rect.bottom() - self.gap) // step_h
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    i = r * cols + c
                    if i >= len(self.order) or i in done:
                        continue
                    done.add(i)
                    self._paint_tile(p, i)
        p.end()

    def _paint_tile(self, p: QPainter, i: int) -> None:
        aid = self.order[i]
        a = self.agents.get(aid)
        if a is None:
            return
        rect = self.tile_rect(i)
        st = a.status
        look = LOOKS[st]
        s = self.scale
        pad = round(8 * s)
        band = round(8 * s)
        p.fillRect(rect, look.tint)
        p.fillRect(QRect(rect.left(), rect.top(), band, rect.height()), look.colour)
        if aid == self.selected:
            p.setPen(QPen(INK, max(2, round(3 * s))))
            p.drawRect(rect.adjusted(1, 1, -2, -2))
        x = rect.left() + band + pad
        right = rect.right() - pad
        line = rect.height() // 3
        top = rect.top() + round(4 * s)

        # Row 1: name, and time in state at the right (big: readable across the room).
        p.setPen(INK)
        p.setFont(self.f_clock)
        elapsed = clock_text(seconds_since(a.since, self.now_ms))
        clock_w = p.fontMetrics().horizontalAdvance(elapsed)
        p.drawText(QRect(right - clock_w, top, clock_w + 1, line + round(6 * s)),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elapsed)
        p.setFont(self.f_name)
        name = p.fontMetrics().elidedText(a.name, Qt.TextElideMode.ElideRight, right - clock_w - x - pad)
        p.drawStaticText(x, top + round(4 * s), self._text("n", name))

        # Row 2: glyph + state words (+ pause reason / call direction).
        p.setFont(self.f_small)
        label = tr(look.label)
        if st is AgentState.PAUSED and a.reason:
            label = f"{label}: {a.reason}"
        elif st in ON_A_CALL and a.direction == "out":
            label = f"{label} ↑ {tr('outbound')}"
        p.setPen(look.colour if st is not AgentState.LOGGED_OUT else MUTED)
        y2 = top + line + round(6 * s)
        p.drawStaticText(x, y2, self._text("s", f"{look.glyph} {label}"))

        # Row 3: the queue and the current call's duration; a help flag when raised.
        p.setPen(MUTED)
        y3 = y2 + line - round(3 * s)
        call = self.calls.get(a.call_id) if a.call_id else None
        queue = self.queue_names.get(call.queue if call else (a.queues[0] if a.queues else ""), "")
        p.drawStaticText(x, y3, self._text("q", queue))
        if call is not None and call.answered_at is not None:
            dur = f"{tr('Call')} {clock_text(seconds_since(call.answered_at, self.now_ms))}"
            w = p.fontMetrics().horizontalAdvance(dur)
            p.setPen(INK)
            p.drawText(right - w, y3 + p.fontMetrics().ascent(), dur)
        if a.help:
            p.setPen(HELP)
            p.setFont(self.f_name)
            flag = f"⚑ {tr('HELP')}"
            w = p.fontMetrics().horizontalAdvance(flag)
            p.fillRect(QRect(right - w - round(4 * s), y2 - round(2 * s), w + round(8 * s), line), QColor("#FFFFFF"))
            p.drawText(right - w, y2 + p.fontMetrics().ascent(), flag)
