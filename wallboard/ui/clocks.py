"""Ticking clocks: once a second only the digits of the tiles' clocks are repainted, not the tiles.

A tile's clock (time in state) and its call's duration sit right-aligned in boxes of their own. The
tick marks only those boxes dirty (a band across each row of tiles), and a paint that finds a tile
touched by nothing but its bands restores, from the picture the tile was last drawn from (its face,
or its look when the name was drawn over it), just the extent of the old and the new digits, then
draws the new ones: a small blit and a text per clock instead of a tile, a name and every clock. On a
plain-tint look the clock is opaque character cells instead, and a tick blits only the characters that
changed (``ClockBoxes.cells``).
Everything else in a paint's region (a changed agent, a scroll, an expose, the veil going) gets the
whole tile, so the screen is the same as after a full repaint, pixel for pixel (a test compares
them). Ticks were most of an idle board's CPU.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPixmap, QRegion, QStaticText

from ..core.model import AgentState
from .faces import Fonts, LookKey, mark_width
from .i18n import tr
from .style import CLEAR, INK, LOOKS
from .words import clock_text

#: States whose time means nothing to count: no clock on the tile.
NO_CLOCK = frozenset({AgentState.LOGGED_OUT.value, AgentState.UNKNOWN.value})
#: A laid-out figure, its width and that rounded up; a list of them drawn at (x, y) after the pictures.
Laid = tuple[QStaticText, float, int]
Texts = list[tuple[int, int, QStaticText]]
Inked = list[tuple[int, int, QPixmap]]  # clear cells with their ink, drawn at (x, y) over a pulse

#: Events after which Qt's backing store may not hold the board's last paint (shown, scrolled, restyled):
#: the next paint draws whole tiles. The same holds while the translucent not-live veil lies over the
#: tiles (Qt paints it again over whatever a paint leaves: the bands would darken with every tick).
FRESH = frozenset({QEvent.Type.Show, QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.PaletteChange,
                   QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.ScreenChangeInternal,
                   QEvent.Type.DevicePixelRatioChange})
#: Pixels around the digits restored with them (a bold glyph may overhang its advance by one).
BLEED = 2
#: The characters of a clock, each drawn once per tint as an opaque cell (see ``ClockBoxes.cells``).
DIGITS = "0123456789"  # a clock's last character is its seconds' last digit
CLOCK_CHARS = DIGITS + ":"
#: A clock in cells: its text, its width, each character's left edge from the clock's right edge, and its
#: text but the last character (a run's key) and that character (a full repaint asks 2,000 times a second).
Celled = tuple[str, int, tuple[int, ...], str, str]
#: A tint's cells by character, and runs of them by their text (``ClockBoxes.run``).
Cells = dict[str, QPixmap]
_UNSEEN: Cells = {}  # a look whose cells were not looked for yet


@dataclass(slots=True)
class Drawn:
    """How a tile was last drawn, for its next clock-only repaint (anything else changing repaints it whole)."""

    picture: QPixmap  # its face, or its look (the name then drawn over it, left of the clock's room)
    since: int | None  # the clock's start (None: no clock)
    answered: int | None  # the call's duration's start (None: none shown)
    room: int  # how wide the clock may grow before its digits reach the name or leave their box
    last_x: int  # where its clock's last character's cell goes, its one blit most seconds (the tile's place
    cell_y: int  # and the boxes' make it: ``ClockBoxes.last_dx``, ``cell_top``)
    clock_w: int = 0  # the width of the clock last drawn
    duration_w: int = 0  # and of the call's duration
    secs: int | None = None  # the second its clock shows in cells (None: drawn as text)
    cells: Cells | None = None  # the cells it was drawn with


class ClockBoxes:
    """Where a tile's moving figures sit, at one tile size, and the region a tick repaints."""

    def __init__(self, fonts: Fonts, tile_w: int, tile_h: int, scale: float, dense: bool, dpr: float,
                 look: Callable[[LookKey], QPixmap], name_end: int) -> None:
        s = scale
        self.right = tile_w - round(8 * s)
        top = round((2 if dense else 4) * s)
        self.duration_top = top + 2 * (tile_h // 3) + round(3 * s)
        # The digits' ink clear of the thickest alert mark (cells are opaque, so a clock whose ink reached into
        # the mark was drawn as text on every marked tile: a tenth of a 2,000-agent board, at twice the cost)
        fm = QFontMetrics(fonts.clock)
        ink = fm.tightBoundingRect(CLOCK_CHARS)
        self.top = max(top, mark_width(False, s) + 1 - fm.ascent() - ink.top())
        self.duration_room = min(self.right, tile_w // 2) - 1
        self.dense, self.dpr, self.fonts = dense, dpr, fonts
        self.clocks: dict[int, Laid] = {}  # time in state by whole second (read by the tile board's hot loop)
        self._region: tuple[object, QRegion] | None = None
        self._durations: dict[int, Laid] = {}
        self._call_word = tr("Call") + " "
        self.clock_h = _height(fonts.clock)
        self.duration_h = _height(fonts.small)
        widest = fonts.clock_room * 8 // 5 + BLEED  # "00:00:00": 99 hours
        self.clock_room = min(self.right, widest) - 1  # the widest clock the box holds, its bleed aside
        self.clock_box = QRect(max(0, self.right - widest), self.top, min(self.right, widest) + BLEED, self.clock_h)
        self.duration_box = QRect(max(0, self.right - tile_w // 2), self.duration_top, min(self.right, tile_w // 2) + BLEED,
                              self.duration_h)
        # Cells: each character of a clock at a whole-pixel advance, its glyph's ink rows only (clear of an
        # alert mark's or the selection's border), on the look's tint.
        self.cell_top = max(self.top, self.top + fm.ascent() + ink.top() - 1)
        self.cell_h = min(self.top + self.clock_h - self.cell_top, ink.height() + 2)
        self.baseline = self.top + fm.ascent() - self.cell_top
        digit = max(math.ceil(fm.horizontalAdvance(c)) for c in DIGITS)
        self.advances = dict.fromkeys(DIGITS, digit) | {":": math.ceil(fm.horizontalAdvance(":"))}
        self.last_dx = self.right - digit  # a clock's last character (a digit) from the tile's left
        # Cells are drawn only right of ``name_end``, where any name ends (``Faces.name_room``),
        # so whether a tile's clock is in cells depends on its look and the clock alone, never on its name
        # being drawn apart or in its face: the same tile is drawn the same in every paint.
        self.cells_room = min(self.clock_room, self.right - name_end - BLEED)
        self._look = look
        self._plain: dict[LookKey, Cells | None] = {}  # per look: its cells, or None (drawn as text)
        self._glyphs: dict[tuple[int, int], Cells] = {}
        self._celled: dict[int, Celled] = {}
        # Runs of cells need every cell to land on whole device pixels, side by side (a fractional ratio
        # would leave a seam between them that the cells drawn one by one do not).
        self._runs = dpr == int(dpr)

    def cells(self, key: LookKey) -> Cells | None:
        """The opaque character cells a clock on this look is drawn with, or None where the look is not plain
        tint wherever cells may go (it is then drawn as text). Opaque cells need no restore under them
        and draw the same pixels in a tick as in a full repaint: one blit per changed character, most
        seconds one."""
        hit = self._plain.get(key, _UNSEEN)  # one lookup: a full repaint asks 2,000 times
        if hit is not _UNSEEN:
            return hit
        tint = LOOKS[AgentState.of(key[0])].tint
        left, d = self.right - self.cells_room, self.dpr  # where cells go: each is its advance wide, no bleed
        box = QRect(round(left * d), round(self.cell_top * d), round(self.cells_room * d), round(self.cell_h * d))
        under = self._look(key).toImage().copy(box).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        plain = QImage(under.size(), QImage.Format.Format_ARGB32_Premultiplied)
        plain.fill(tint)
        cells = self._cells_on(tint) if under == plain and left >= 0 else None
        self._plain[key] = cells
        return cells

    def _cells_on(self, tint: QColor) -> Cells:
        key = (tint.rgba(), INK.rgba())  # a theme switch changes the colours in place
        cells = self._glyphs.get(key)
        if cells is None:
            cells = {}
            for c, w in self.advances.items():
                pm = QPixmap(round(w * self.dpr), round(self.cell_h * self.dpr))
                pm.setDevicePixelRatio(self.dpr)
                pm.fill(tint)
                q = QPainter(pm)
                q.setFont(self.fonts.clock)
                q.setPen(INK)
                q.drawText(QPointF(0, self.baseline), c)
                q.end()
                cells[c] = pm
            self._glyphs[key] = cells
        return cells

    def run(self, cells: Cells, text: str) -> QPixmap:
        """Cells side by side in one picture (a clock's all but its last character: a whole tile's clock is
        then two blits), kept in ``cells`` under the run's text; a few hundred runs per tint (a run changes
        every ten seconds of a clock), made once each from the same cells, so the same pixels."""
        if len(cells) > 4096:  # a pathological day: drop the runs, keep the characters
            for k in [k for k in cells if len(k) > 1]:
                del cells[k]
        d, w = self.dpr, sum(self.advances[c] for c in text)
        pm = QPixmap(round(w * d), round(self.cell_h * d))
        pm.setDevicePixelRatio(d)
        pm.fill(CLEAR)  # (ink cells are clear around their glyphs: see ``put``)
        q, x = QPainter(pm), 0
        for c in text:
            q.drawPixmap(x, 0, cells[c])
            x += self.advances[c]
        q.end()
        cells[text] = pm
        return pm

    def celled(self, secs: int) -> Celled:
        """A clock's text in cells, its width and where each character starts, once per whole second value."""
        hit = self._celled.get(secs)
        if hit is None:
            if len(self._celled) > 20_000:
                self._celled.clear()
            text = clock_text(max(0, secs))
            lefts, x = [], 0
            for c in reversed(text):
                x -= self.advances[c]
                lefts.append(x)
            self._celled[secs] = hit = (text, -x, tuple(reversed(lefts)), text[:-1], text[-1])
        return hit

    def put(self, p: QPainter, x0: int, y0: int, d: Drawn, key: LookKey | None, now: int, clocks: Texts,
            over: Inked) -> None:
        """A whole tile's clock (after its picture): in cells where its look allows (``key``), else laid out as
        text. ``key`` None: a pulse lies over the tile, and its digits go over the pulse (``over``, drawn after it)
        as ink on clear cells, the same characters at the same places as opaque ones: a pulse's tile is drawn
        whole twice a second, and its clock laid out as text was a new layout nearly every time."""
        since = d.since
        if since is None:
            return
        secs = (now - since) // 1000
        if key is None:
            text, w, lefts, head, last = self._celled.get(secs) or self.celled(secs)
            if w <= self.cells_room:
                ink = self._cells_on(CLEAR)
                x, y = x0 + self.right, y0 + self.cell_top
                if self._runs:
                    over.append((x + lefts[0], y, ink.get(head) or self.run(ink, head)))
                    over.append((d.last_x, d.cell_y, ink[last]))
                else:
                    over.extend((x + left, y, ink[c]) for c, left in zip(text, lefts))
                d.cells, d.clock_w = None, w  # (its secs stay None: a tick draws the tile whole, pulse and all)
                return
        # a record drawn again from the same picture has the same look, so the same cells (a full repaint)
        cells = d.cells = None if key is None else (d.cells or self._plain.get(key) or self.cells(key))
        if cells is not None:
            text, w, lefts, head, last = self._celled.get(secs) or self.celled(secs)
            if w <= self.cells_room:
                blit = p.drawPixmap
                if self._runs:  # all but the last character in one picture, then the last: two blits, not five
                    blit(x0 + self.right + lefts[0], y0 + self.cell_top, cells.get(head) or self.run(cells, head))
                    blit(d.last_x, d.cell_y, cells[last])
                else:
                    x, y = x0 + self.right, y0 + self.cell_top
                    for c, left in zip(text, lefts):
                        blit(x + left, y, cells[c])
                d.secs, d.clock_w = secs, w
                return
        st, w2, d.clock_w = self.clocks.get(secs) or self.clock(secs)
        clocks.append((x0 + self.right - int(w2), y0 + self.top, st))

    def region(self, rows: list[int], width: int) -> QRegion:
        """The bands of every row's boxes, the board's width across (``rows``: the tops of the rows of tiles).
        Bands, not a box per tile: a clip of 4,000 boxes made each blit and text slower than the boxes
        saved (measured). What a band holds besides the digits keeps its pixels; that is true only while
        the backing store holds what the board last painted and nothing translucent lies over it, which
        the tile board makes sure of (see ``TileBoard.paintEvent``). Kept while the rows stay."""
        key = (tuple(rows), width)
        if self._region is not None and self._region[0] == key:
            return self._region[1]
        bands = QRegion()
        boxes = [self.clock_box] if self.dense else [self.clock_box, self.duration_box]
        for y in rows:
            for b in boxes:
                bands += QRect(0, y + b.top(), width, b.height())
        self._region = (key, bands)
        return bands

    def clock(self, secs: int) -> Laid:
        """Time in state, laid out once per whole second value."""
        return self.clocks.get(secs) or _lay(self.clocks, secs, self.fonts.clock, "")

    def duration(self, secs: int) -> Laid:
        return self._durations.get(secs) or _lay(self._durations, secs, self.fonts.small, self._call_word)

    def tick(self, p: QPainter, tiles: list[int], done: set[int], pulsing: set[int], drawn: list[Drawn | None],
             xy: list[tuple[int, int]], now: int, clocks: Texts, durations: Texts) -> list[int]:
        """Digits alone for ``tiles`` not ``done``; returns those to be drawn whole (a pulse lies over them).

        An idle board's every second is this loop over every tile, so its usual case is written out: a clock
        in cells whose tens stay (nine seconds in ten) blits its last digit's cell where its record says."""
        whole: list[int] = []
        later: list[int] = []  # the rest, with the paint's own clip (see below)
        skip = done | pulsing if pulsing else done
        celled, cached, blit, clip, band, h = self.celled, self._celled, p.drawPixmap, p.setClipRect, -1, self.cell_h
        whole_pixels = self._runs
        for i in tiles:
            d = drawn[i]
            if d is None or i in skip:
                if i not in done:
                    whole.append(i)
                continue
            s = d.secs
            if s is not None and d.answered is None:
                secs = (now - d.since) // 1000  # type: ignore[operator]  # a clock in cells has its start
                if secs == s:
                    continue
                if d.cell_y != band:  # a row's cells: see the note below
                    band = d.cell_y
                    if whole_pixels:  # (on whole device pixels: a fractional ratio might round a cell's row away)
                        clip(0, band, 1 << 20, h)
                if secs // 10 == s // 10 and s >= 0:  # the last digit alone; the same width
                    blit(d.last_x, band, d.cells[DIGITS[secs % 10]])  # type: ignore[index]
                    d.secs = secs
                    continue
                if s >= 0 and secs >= 0:  # every ten seconds: from the first character that changed
                    text, _, lefts, _, _ = cached.get(secs) or celled(secs)
                    was = (cached.get(s) or celled(s))[0]
                    if len(text) == len(was):  # the same characters' places (a longer clock may not fit)
                        _changed_cells(blit, d.cells, text, was, lefts, d.last_x - lefts[-1], band)  # type: ignore[arg-type]
                        d.secs = secs
                        continue
            elif d.since is None and d.answered is None:  # no clock (logged out): nothing moves
                continue
            later.append(i)
        # Clipped to the paint's region (many bands), Qt blends a blit span by span; clipped again to the one
        # band a row's cells lie in, the clip is a rectangle and a blit copies its rows: a tick of 2,000 clocks
        # 33 M instructions -> 15 M (callgrind). The rest draws with the region's clip, as before.
        p.setClipping(False)
        for i in later:
            if not self.digits(p, drawn[i], now, *xy[i], clocks, durations):  # type: ignore[arg-type]
                whole.append(i)
        return whole

    def digits(self, p: QPainter, d: Drawn, now: int, x0: int, y0: int, clocks: Texts, durations: Texts) -> bool:
        """One tile's moving figures alone, as a tick needs. False, with nothing drawn: it needs the whole
        tile (its digits would reach the name drawn apart from its picture, or leave their box)."""
        since, answered = d.since, d.answered
        old = None if d.secs is None else (self._celled.get(d.secs) or self.celled(d.secs))[0]
        if since is not None and old is not None:
            secs = (now - since) // 1000
            celled = self._celled.get(secs) or self.celled(secs)
            if celled[1] > self.cells_room or len(celled[0]) < len(old):  # too wide for cells now: drawn whole, as
                return False  # text; or shorter (the clock went back): a cell left of it would stay
        elif since is not None:
            secs = (now - since) // 1000
            if d.cells is not None and (self._celled.get(secs) or self.celled(secs))[1] <= self.cells_room:
                return False  # drawn as text only while too wide for its cells: narrower again (the clock went back)
            clock = self.clocks.get(secs) or _lay(self.clocks, secs, self.fonts.clock, "")
            cw = clock[2] if clock[2] > d.clock_w else d.clock_w
            if cw > d.room:
                return False
        if answered is not None:
            dsecs = (now - answered) // 1000
            dur = self._durations.get(dsecs) or _lay(self._durations, dsecs, self.fonts.small, self._call_word)
            dw = dur[2] if dur[2] > d.duration_w else d.duration_w
            if dw > self.duration_room:
                return False
        right = self.right
        if since is not None and old is not None:
            text, w, lefts, _, _ = celled
            if text != old:  # (a shorter one was refused above)
                assert d.cells is not None
                _changed_cells(p.drawPixmap, d.cells, text, old, lefts, x0 + right, y0 + self.cell_top)
                d.clock_w = w
            d.secs = secs
        elif since is not None:
            self.restore(p, x0, y0, d, self.top, self.clock_h, cw)
            clocks.append((x0 + right - int(clock[1]), y0 + self.top, clock[0]))
            d.clock_w = clock[2]
        if answered is not None:
            self.restore(p, x0, y0, d, self.duration_top, self.duration_h, dw)
            durations.append((x0 + right - int(dur[1]), y0 + self.duration_top, dur[0]))
            d.duration_w = dur[2]
        return True

    def restore(self, p: QPainter, x0: int, y0: int, drawn: Drawn, top: int, h: int, w: int) -> None:
        """Put back the picture under the digits ``w`` wide at ``top`` on the tile at (x0, y0)."""
        left, d, span = self.right - w - 1, self.dpr, w + 1 + BLEED
        if d == 1.0:
            p.drawPixmap(x0 + left, y0 + top, span, h, drawn.picture, left, top, span, h)
        else:
            p.drawPixmap(x0 + left, y0 + top, span, h, drawn.picture, round(left * d), round(top * d),
                         round(span * d), round(h * d))


def _changed_cells(blit: Callable[[int, int, QPixmap], None], cells: Cells, text: str, old: str,
                   lefts: tuple[int, ...], x: int, y: int) -> None:
    """A clock's cells from the first character that is not ``old``'s (most seconds the last alone; a longer
    clock all of them, from its new one on the left). ``x``: the clock's right edge."""
    k = 0
    if len(text) == len(old):
        while text[k] == old[k]:
            k += 1
    for j in range(k, len(text)):
        blit(x + lefts[j], y, cells[text[j]])


def _lay(cache: dict[int, Laid], secs: int, font: QFont, prefix: str) -> Laid:
    """A clock laid out once per whole second value (there are only so many), with its width."""
    if len(cache) > 20_000:
        cache.clear()
    st = QStaticText(prefix + clock_text(max(0, secs)))
    st.setTextFormat(Qt.TextFormat.PlainText)
    st.prepare(font=font)
    w = st.size().width()
    cache[secs] = hit = (st, w, math.ceil(w))
    return hit


def _height(font: object) -> int:
    st = QStaticText("0:00")
    st.prepare(font=font)  # type: ignore[arg-type]
    return math.ceil(st.size().height()) + 1
