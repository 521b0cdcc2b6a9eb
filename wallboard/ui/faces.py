"""An agent tile's face, rendered once and blitted: the look (shared) and the agent's name on it.

A *look* is everything a tile shows that many agents share — state band and tint, the state's
glyph and words, the queue, the help flag, the monitoring badge, the selection outline — keyed by
those values, so an agent changing state costs a dictionary hit, not a render. A *face* is a look
with one agent's name on it, re-rendered only when the agent object, its call or the selection
changes. The two moving figures (time in state, the call's duration) are drawn per paint by the
tile board, over the face. Every cache is cleared when the tile size changes.

Two layouts: the desk's three rows (name and clock; state; queue and call), and a TV's dense two
rows (name and clock; state), which drop the queue a wall never needs on every tile.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap, QStaticText

from ..board.alerts import Mark
from ..board.names import plain
from ..board.order import Section
from ..core.model import ON_A_CALL, Agent, AgentState, Call
from ..core.reducer import UNREADABLE
from .i18n import tr
from .style import (
    CRITICAL,
    CRITICAL_GLYPH,
    HELP_GLYPH,
    INK,
    LOOKS,
    MONITOR_COLOURS,
    MONITOR_GLYPH,
    MUTED,
    ON_STRONG,
    ON_WARN,
    SILENT,
    STATE_ORDER,
    WARN,
    WARN_GLYPH,
    translucent,
)
from .words import MONITOR_BADGES, PAUSE_REASONS, known

#: (state, reason, direction, help, queue name, selected, monitor mode): everything a look shows.
LookKey = tuple[str, str, str, bool, str, bool, str, int]  # … selected, monitor, alert mark (never PULSE)

#: Tile sizes at scale 1: a desk's three rows, a TV's dense two.
DESK_TILE = QSize(236, 86)
TV_TILE = QSize(180, 58)


class Fonts:
    """The tile fonts at one scale."""

    def __init__(self, base: QFont, scale: float) -> None:
        self.name = QFont(base)
        self.name.setPixelSize(max(8, round(15 * scale)))
        self.name.setBold(True)
        self.small = QFont(base)
        self.small.setPixelSize(max(7, round(13 * scale)))
        self.clock = QFont(base)
        self.clock.setPixelSize(max(9, round(24 * scale)))
        self.clock.setBold(True)
        self.clock.setStyleHint(QFont.StyleHint.Monospace)
        fm = QFontMetrics(self.clock)
        digit = max(fm.horizontalAdvance(c) for c in "0123456789")
        # "00:00" as the clocks' cells draw it, each character at a whole pixel (``clocks.ClockBoxes``): the
        # string's own advance is narrower, and clocks of five characters missed their cells by a pixel or two
        # (drawn as text instead, at twice the cost: a ninth of a 2,000-agent board's clocks)
        self.clock_room = max(fm.horizontalAdvance("00:00"), 4 * digit + fm.horizontalAdvance(":"))


class Faces:
    """The look and face caches of one tile board."""

    def __init__(self) -> None:
        self.looks: dict[LookKey, QPixmap] = {}
        #: per agent: (agent, call, selected, look key, name, face); identity of the first two is the fast test
        self.faces: dict[str, tuple[Agent, Call | None, tuple[bool, int], LookKey, str, QPixmap]] = {}
        self.names: dict[str, tuple[str, QStaticText, int]] = {}  # (name as sent, laid out, its right edge)
        self.size = QSize()
        self.dpr = 1.0
        self.scale = 1.0
        self.dense = False
        self.fonts = Fonts(QFont(), 1.0)

    def reset(self, size: QSize, dpr: float, scale: float, dense: bool, fonts: Fonts) -> None:
        self.looks.clear()
        self.faces.clear()
        self.names.clear()
        self.size, self.dpr, self.scale, self.dense, self.fonts = size, dpr, scale, dense, fonts

    def prune(self, keep: list[str]) -> None:
        """Keep the faces of the agents this board shows (a few flashing tiles' paint must not throw
        away what the next full repaint needs); drop looks only when a pathological feed made thousands."""
        if len(self.looks) > 4096:
            self.looks.clear()
        if len(self.faces) > max(2 * len(keep), 1024):
            shown = set(keep)
            self.faces = {k: v for k, v in self.faces.items() if k in shown}

    def name_text(self, aid: str, a: Agent) -> tuple[str, QStaticText, int]:
        """The agent's name, elided to its tile and laid out once (until it changes), and how far it reaches."""
        named = self.names.get(aid)
        if named is None or named[0] != a.name:
            f = self.fonts
            st = QStaticText(QFontMetrics(f.name).elidedText(plain(a.name), Qt.TextElideMode.ElideRight, self.name_room()))
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=f.name)
            named = (a.name, st, self.name_at()[0] + math.ceil(st.size().width()))
            self.names[aid] = named
        return named

    def name_room(self) -> int:
        """How wide a name may be: elided to leave a clock of "00:00" its room (the clocks' cells rely on it)."""
        s = self.scale
        return max(10, self.size.width() - 3 * round(8 * s) - round(8 * s) - self.fonts.clock_room)

    def name_at(self) -> tuple[int, int]:
        """Where the name sits on a tile."""
        return round(16 * self.scale), round((5 if self.dense else 8) * self.scale)

    def look(self, key: LookKey) -> QPixmap:
        return self.looks.get(key) or self._look(key)

    def face(self, aid: str, a: Agent, call: Call | None, key: LookKey) -> QPixmap:
        """The agent's own face: its look (shared) with its name on it — one blit per repaint after."""
        look = self.look(key)
        old = self.faces.get(aid)
        if old is not None and old[5].size() == look.size():
            pm = old[5]  # paint over the agent's previous face: no allocation
        else:
            pm = QPixmap(look.size())
            pm.setDevicePixelRatio(look.devicePixelRatio())
        pm.fill(LOOKS[AgentState.of(key[0])].tint)  # opaque: blits become plain copies, no blending
        p = QPainter(pm)
        p.drawPixmap(0, 0, look)
        p.setPen(INK)
        p.setFont(self.fonts.name)
        p.drawStaticText(*self.name_at(), self.name_text(aid, a)[1])
        p.end()
        self.faces[aid] = (a, call, (key[5], key[7]), key, a.name, pm)
        return pm

    def _look(self, key: LookKey) -> QPixmap:
        state, reason, direction, help_flag, queue, selected, monitor, mark = key
        w, h = self.size.width(), self.size.height()
        pm = QPixmap(round(w * self.dpr), round(h * self.dpr))
        pm.setDevicePixelRatio(self.dpr)
        st = AgentState.of(state)
        look = LOOKS[st]
        s, f = self.scale, self.fonts
        pad = round(8 * s)
        band = round(8 * s)
        pm.fill(look.tint)
        p = QPainter(pm)
        p.fillRect(QRect(0, 0, band, h), look.colour)
        if selected:
            p.setPen(INK)
            pen = p.pen()
            pen.setWidth(max(2, round(3 * s)))
            p.setPen(pen)
            p.drawRect(QRect(0, 0, w, h).adjusted(1, 1, -2, -2))
        x, right = band + pad, w - pad
        rows = 2 if self.dense else 3
        line = h // rows
        # Row 2: glyph and state words (pause reason, outbound), and the badges on the right.
        p.setFont(f.small)
        label = tr(look.label)
        if st is AgentState.UNKNOWN and reason == UNREADABLE:
            label = tr("Unreadable data")
        elif st is AgentState.PAUSED and reason:
            label = tr("{0}: {1}").format(label, known(PAUSE_REASONS, reason))
        elif st in ON_A_CALL and direction == "out":
            label = tr("{0} ↑ outbound").format(label)
        y2 = (h - line + round(2 * s)) if self.dense else (round(4 * s) + line + round(6 * s))
        badges: list[tuple[str, QColor, QFont]] = []
        if help_flag:
            help_word = tr("HELP")
            badges.append((f"{HELP_GLYPH} {help_word}", CRITICAL, f.name))
        if monitor and self.dense:
            badges.append((f"{MONITOR_GLYPH} {known(MONITOR_BADGES, monitor)}", MONITOR_COLOURS.get(monitor, SILENT),
                           f.small))
        tab = QFontMetrics(f.small).height() + round(2 * s) if mark else 0  # the mark's corner tab
        badge_x = right - (tab if self.dense else 0)  # a TV's badges share the bottom row with it
        for text, colour, bf in badges:
            p.setFont(bf)
            bw = p.fontMetrics().horizontalAdvance(text)
            box = QRect(badge_x - bw - round(8 * s), y2 - round(2 * s), bw + round(8 * s), line - round(2 * s))
            p.fillRect(box, colour)
            p.setPen(ON_STRONG)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            badge_x = box.left() - round(4 * s)
        p.setFont(f.small)
        p.setPen(look.words)
        words = p.fontMetrics().elidedText(f"{look.glyph} {label}", Qt.TextElideMode.ElideRight, max(10, badge_x - x))
        p.drawText(QPoint(x, y2 + p.fontMetrics().ascent()), words)
        if not self.dense:  # Row 3: the queue (the call's duration is drawn per paint) and the monitor badge.
            p.setPen(MUTED)
            y3 = y2 + line - round(3 * s)
            p.drawText(QPoint(x, y3 + p.fontMetrics().ascent()),
                       p.fontMetrics().elidedText(queue, Qt.TextElideMode.ElideRight, max(10, (right - x) // 2)))
            if monitor:  # every board shows that a supervisor is on this call, and how
                badge = f"{MONITOR_GLYPH} {known(MONITOR_BADGES, monitor)}"
                bw = p.fontMetrics().horizontalAdvance(badge)
                end = right - tab  # left of the mark's tab
                p.fillRect(QRect(end - bw - round(4 * s), y3 - round(1 * s), bw + round(8 * s),
                                 line - round(2 * s)), MONITOR_COLOURS.get(monitor, SILENT))
                p.setPen(ON_STRONG)
                p.drawText(QPoint(end - bw, y3 + p.fontMetrics().ascent()), badge)
        if mark:  # drawn into the look: a full repaint of hundreds of marked tiles is still one blit each
            paint_mark(p, QRect(0, 0, w, h), mark == Mark.WARN, mark_width(mark == Mark.WARN, s), tab, f.small)
        p.end()
        self.looks[key] = pm
        return pm


def mark_width(warn: bool, s: float) -> int:
    """How thick a tile's alert mark is (a critical one the thickest)."""
    return max(3, round((4 if warn else 5) * s))


def paint_mark(p: QPainter, rect: QRect, warn: bool, width: int, tab: int, font: QFont) -> None:
    """An alert mark on a tile, card or strip cell: warning dashed, critical solid, each with its glyph in
    the bottom-right tab (never colour alone)."""
    pen = QPen(WARN if warn else CRITICAL, width)
    if warn:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawRect(rect.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
    p.drawPixmap(rect.right() + 1 - tab, rect.bottom() + 1 - tab, _tab(warn, tab, font, p.device().devicePixelRatioF()))


#: The calm pulse: a slow swell of the critical colour over a tile, one step every half second.
PULSE_ALPHA = (0, 35, 70, 95, 70, 35)


class Pulse:
    """The pulse's step. One step goes with each tick (the tiles' rectangles join the tick's paint: one
    paint a second, not two), the next half a second later by a timer, which runs on by itself only while
    nothing ticks (a board on its own)."""

    def __init__(self, parent: QObject, repaint: Callable[[], None]) -> None:
        self.at, self.on, self._ticked_at = 0, False, -1e9
        self._repaint = repaint
        self.timer = QTimer(parent)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self.step)

    @property
    def alpha(self) -> int:
        return PULSE_ALPHA[self.at]

    def _ticking(self) -> bool:
        return time.monotonic() - self._ticked_at < 1.5

    def set_on(self, on: bool) -> None:
        self.on = on
        if not on:
            self.timer.stop()
            self.at = 0
        elif not self.timer.isActive() and not self._ticking():
            self.timer.start()

    def ticked(self) -> None:
        self._ticked_at = time.monotonic()
        if self.on:
            self.step()
            self.timer.start()  # the half step

    def step(self) -> None:
        if self._ticking():
            self.timer.stop()  # the next step comes with the next tick
        self.at = (self.at + 1) % len(PULSE_ALPHA)
        self._repaint()


def paint_pulses(p: QPainter, pulsing: list[tuple[int, int]], tw: int, th: int, alpha: int) -> None:
    """The calm pulse over a tile whose help flag or critical alert waits for a supervisor: a slow,
    low swell of the critical colour (``alpha``), never a flash."""
    if alpha:
        colour = translucent(CRITICAL, alpha)
        for x, y in pulsing:
            p.fillRect(QRect(x, y, tw, th), colour)


_TABS: dict[tuple[bool, int, str, float, int], QPixmap] = {}


def _tab(warn: bool, size: int, font: QFont, dpr: float) -> QPixmap:
    """The glyph's corner tab, drawn once per level and size (a full repaint marks hundreds of tiles)."""
    key = (warn, size, font.key(), dpr, (WARN if warn else CRITICAL).rgba())  # a theme switch re-draws it
    pm = _TABS.get(key)
    if pm is None:
        pm = QPixmap(round(size * dpr), round(size * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(WARN if warn else CRITICAL)
        q = QPainter(pm)
        q.setFont(font)
        q.setPen(ON_WARN if warn else ON_STRONG)
        q.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, WARN_GLYPH if warn else CRITICAL_GLYPH)
        q.end()
        if len(_TABS) > 64:
            _TABS.clear()
        _TABS[key] = pm
    return pm


def paint_header(p: QPainter, rect: QRect, section: Section, fonts: Fonts, s: float) -> None:
    """A team's header: its name, how many, and its agents by state (glyph and figure)."""
    p.setFont(fonts.name)
    p.setPen(INK)
    text = tr("{0} · {1} agents").format(section.team or tr("No team"), section.count)
    p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    x = rect.left() + p.fontMetrics().horizontalAdvance(text) + round(16 * s)
    p.setFont(fonts.small)
    fm = p.fontMetrics()
    for st in STATE_ORDER:
        n = section.by_state.get(st, 0)
        if not n:
            continue
        look = LOOKS[st]
        for words, colour in ((look.glyph + " ", look.colour), (f"{n}   ", INK)):
            p.setPen(colour)
            p.drawText(QRect(x, rect.top(), rect.right() - x, rect.height()), Qt.AlignmentFlag.AlignVCenter, words)
            x += fm.horizontalAdvance(words)
    p.setPen(MUTED)
    p.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
