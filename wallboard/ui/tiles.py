"""The agent tiles: one widget paints every tile; no widget, item or model per agent.

How it paints: tiles sit in rows (``columns`` × tile size, from the width), under a header per
team when the board orders by team. ``set_floor`` marks the rectangles of changed agents dirty
(``update(rect)``) and Qt merges them into one paint event per frame; ``paintEvent`` walks only
the rows inside the dirty region and blits each tile's cached face (:mod:`.faces`: look, name and
alert mark), then the pulse and the two moving figures over it. A tile that changed lately is drawn
from its parts (look, name): on a busy floor it changes again before its face would be used, so a
face is made only once an agent holds still (:data:`FACE_AFTER`). A tick repaints the clocks'
digits alone (:mod:`.clocks`): one ``update()`` of their bands a second, not one per agent.

The order comes from the board model (``set_order``); a desk's tiles hold it still while the
pointer is over them and a moment after a click, so a click lands on the agent it was aimed at
(:mod:`.pointer`). A big page's new order in the same rows is painted off screen in steps and shown
in one paint (:mod:`.restage`): a whole repaint at once kept every event off the screen meanwhile.
On a TV the tiles are *paged* (a TV never scrolls): ``pages`` says how many screens they need.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QRegion, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..board.alerts import Mark
from ..board.order import Section
from ..core.model import Agent, Call, Queue
from .backdrop import Backdrop
from .clocks import BLEED, FRESH, NO_CLOCK, ClockBoxes, Drawn, Inked, Texts
from .faces import DESK_TILE, TV_TILE, Faces, Fonts, Pulse, paint_header, paint_pulses
from .grid import Row, paged_rows, tile_at, tiles_in
from .i18n import tr
from .pointer import Pointer
from .restage import Restage, Staged
from .style import INK, MUTED

GAP = 6
#: Paints of an unchanged agent before its tile gets a face: a face costs ~20 name draws to make (at 5,000
#: events/s 1,200 a second were made, each used once or twice: a tenth of the board's CPU).
FACE_AFTER = 3


class TileBoard(QWidget):
    """All agents as tiles."""

    agent_selected = Signal(str)
    agent_activated = Signal(str)  # double-click: listen to this agent
    context_requested = Signal(str, QPoint)  # right-click: the monitoring menu
    listed_changed = Signal()  # which agents show (or their order) changed: counts, find

    def __init__(self, parent: QWidget | None = None, scale: float = 1.0, paged: bool = False) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.paged = paged  # a TV: dense tiles, pages, no pointer
        self.agents: Mapping[str, Agent] = {}
        self.calls: Mapping[str, Call] = {}
        self.queue_names: dict[str, str] = {}
        self.listed: list[str] = []  # every agent shown, in order; ``order`` is this page of it
        self.sections: list[Section] = []
        self.order: list[str] = []
        self.index: dict[str, int] = {}
        self.page = 0
        self.now_ms = 0
        self.selected: str | None = None
        self.marks: Mapping[str, Mark] = {}
        self.empty_text = tr("No agents yet")
        self._faces = Faces()
        self._boxes: ClockBoxes | None = None
        self._settling: dict[str, tuple[Agent, int]] = {}  # drawn from their parts: (agent, paints unchanged)
        self._drawn: list[Drawn | None] = []  # per tile of the page: how it was last drawn (for ticks)
        self._clock_region = QRegion()
        self._fresh = True  # the backing store may not hold what was last painted (shown, resized, scrolled)
        self._backdrop = Backdrop(self)  # where the background was lost: all a paint fills
        self._overlaid = False  # something translucent lies over the tiles (the not-live veil)
        self._ticking = False  # a tick asked for the clock boxes since the last paint
        self._pulsing: set[int] = set()  # tiles drawn with a pulse over them: a tick repaints them whole
        self._pages: list[list[Row]] = [[]]
        self._rows: list[Row] = []
        self._tops: list[int] = []
        self._xy: list[tuple[int, int]] = []
        self._pulse = Pulse(self, self._pulse_tiles)
        self._restage = Restage(self)  # a big page's new order, painted off screen first
        self._base = 0  # the page's first tile in ``listed``
        #: Called after every paint (latency measurement, diagnostics); must be cheap.
        self.after_paint: Callable[[], None] | None = None
        self.painted_mono = 0.0  # when the tiles last reached the screen (the windows keep paints flowing)
        self._pointer = Pointer(self, self.set_order)  # clicks; the order held still under the pointer
        self.set_scale(scale)

    # -- geometry ------------------------------------------------------------------

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        base = TV_TILE if self.paged else DESK_TILE
        self.tile = QSize(round(base.width() * scale), round(base.height() * scale))
        self.gap = max(2, round(GAP * scale))
        self.fonts = Fonts(self.font(), scale)
        self.header_h = QFontMetrics(self.fonts.name).height() + round(8 * scale)
        self._boxes = None  # made again at this size, with empty caches
        self._relayout()

    @property
    def columns(self) -> int:
        return max(1, (self.width() - self.gap) // (self.tile.width() + self.gap))

    @property
    def tile_width(self) -> int:
        """Tiles stretch (up to a third wider) so a row fills the width; no dead strip."""
        cols = self.columns
        return max(self.tile.width(), min((self.width() - self.gap * (cols + 1)) // cols, self.tile.width() * 4 // 3))

    @property
    def tile_height(self) -> int:
        """On a TV page without headers, rows stretch (up to a third taller) to fill the height."""
        th = self.tile.height()
        if not self.paged or self.sections:
            return th
        rows = max(1, (self.height() - self.gap) // (th + self.gap))
        return max(th, min((self.height() - self.gap * (rows + 1)) // rows, th * 4 // 3))

    def _relayout(self) -> None:
        """Rows for every listed agent (headers first in each team), split into pages on a TV."""
        limit = self.height() if self.paged else 1 << 30
        pages, y = paged_rows(self.sections, len(self.listed), self.columns, self.tile_height, self.header_h,
                              self.gap, limit)
        self._pages = pages
        self.page %= len(pages)
        self._show_rows()
        if not self.paged:
            self.setMinimumHeight(y)
            self.updateGeometry()

    def _show_rows(self) -> None:
        staged = self._restage.take()  # the rows move (or the pixels under it did): that order now, whole
        if staged is not None:
            self.listed = staged.listed
        self._restage.changes = 0  # every tile is drawn anew: no flood (see Restage.start)
        rows = self._pages[self.page]
        self._base = base = rows[0][2] if rows else 0
        end = max((r[2] + r[3] for r in rows), default=base)
        self.order = self.listed[base:end]
        self.index = {aid: i for i, aid in enumerate(self.order)}
        self._rows = [(y, h, first - base, n, header) for y, h, first, n, header in rows]
        self._tops = [r[0] for r in self._rows]
        step = self.tile_width + self.gap
        self._xy = [(0, 0)] * len(self.order)
        for y, _, first, n, header in self._rows:
            if header is None:
                for c in range(n):
                    self._xy[first + c] = (self.gap + c * step, y)
        self._at = ({xy: i for i, xy in enumerate(self._xy)}, (self.tile_width, self.tile_height))  # tile by corner
        size, dpr = QSize(self.tile_width, self.tile_height), self.devicePixelRatioF()
        f = self._faces
        if (f.size, f.dpr, f.scale, f.dense) != (size, dpr, self.scale, self.paged) or self._boxes is None:
            f.reset(size, dpr, self.scale, self.paged, self.fonts)
            self._boxes = ClockBoxes(self.fonts, size.width(), size.height(), self.scale, self.paged, dpr, f.look,
                                     f.name_at()[0] + f.name_room())
        self._clock_region = self._boxes.region([y for y, _, _, _, header in self._rows if header is None], self.width())
        self._backdrop.laid_out((self.width(), size, self.gap, [(y, h, n, hd is None) for y, h, _, n, hd in self._rows]))
        self._drawn = [None] * len(self.order)
        self._pulsing.clear()
        self.update()
        if staged is not None:
            self.listed_changed.emit()

    @property
    def pages(self) -> int:
        return len(self._pages)

    def show_page(self, page: int) -> None:
        self.page = page % len(self._pages)
        self._show_rows()

    def tile_rect(self, i: int) -> QRect:
        x, y = self._xy[i]
        return QRect(x, y, *self._at[1])  # the layout's tile size (the properties cost µs: alerts ask per tile)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(4 * (self.tile.width() + self.gap) + self.gap, self.minimumHeight())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        if event.oldSize().width() != event.size().width() or self.paged:
            self._relayout()

    def event(self, e: QEvent) -> bool:
        if e.type() in FRESH:  # the next paint draws whole tiles, on a background filled again
            self._fresh = True
            self._backdrop.lose()
            if self._restage.staged is not None:
                self._show_rows()
        return super().event(e)

    def set_overlaid(self, on: bool) -> None:
        """Something translucent (the not-live veil) lies over the tiles, or no longer does."""
        if on != self._overlaid:
            self._overlaid, self._fresh = on, True
            self._backdrop.lose()  # the veil's tint lies in the gaps too

    def index_at(self, pos: QPoint) -> int | None:
        return tile_at(pos, self._rows, self._tops, self.tile_width, self.gap)

    # -- data ----------------------------------------------------------------------

    def set_floor(self, agents: Mapping[str, Agent], calls: Mapping[str, Call], queues: Mapping[str, Queue] | None,
                  changed: frozenset[str], now_ms: int) -> None:
        """The floor's objects; repaint the tiles of ``changed`` agents (the order is ``set_order``'s)."""
        self.agents, self.calls, self.now_ms = agents, calls, now_ms
        if queues is not None:
            self.queue_names = {q.id: q.name for q in queues.values()}
            self._faces.names.clear()
            if self._restage.staged is not None:
                self._show_rows()
        self._restage.forget(changed)
        tw, th = self.tile_width, self.tile_height
        index, xy, update = self.index, self._xy, self.update
        for aid in changed:
            i = index.get(aid)
            if i is not None:
                x, y = xy[i]
                update(x, y, tw, th)

    def set_order(self, listed: list[str], sections: Sequence[Section] = ()) -> None:
        """The agents to show, in order (and their team sections); held while the pointer is on them."""
        if self._pointer.held():
            self._pointer.keep(listed, list(sections))
            return
        self._pointer.pending, before = None, self.listed
        if not self._restage.reorder(listed, list(sections), self._base):  # the same rows: no new layout
            self.listed, self.sections = listed, list(sections)
            self._relayout()
        if self.listed != before:
            self.listed_changed.emit()

    def show_staged(self, st: Staged) -> None:
        """A staged order complete: now the tiles' order, shown by the next paint (see :mod:`.restage`)."""
        if self._pointer.held():  # the pointer came onto the tiles meanwhile: when it leaves
            self._pointer.keep(st.listed, [])
            return
        self.listed, self.order, self.index, self._drawn, self._pulsing = st.listed, st.order, st.index, st.drawn, st.pulse
        self._restage.shown = st
        self.repaint(self.visibleRegion() + st.at)  # now: a frame's paint would wait behind the views
        self.listed_changed.emit()

    def set_marks(self, marks: Mapping[str, Mark]) -> None:
        """Agent alert marks; repaints only the tiles whose mark changed."""
        old = self.marks
        self.marks = marks
        for aid in marks.keys() | old.keys():
            if marks.get(aid) != old.get(aid):
                self._restage.forget((aid,))
                i = self.index.get(aid)
                if i is not None:
                    self.update(self.tile_rect(i))
        self._pulse.set_on(any(m is Mark.PULSE for m in marks.values()))

    def _pulse_tiles(self) -> None:
        """The pulsing tiles in one region, one update."""
        tiles, index = QRegion(), self.index
        for aid, m in self.marks.items():
            if m is Mark.PULSE and (i := index.get(aid)) is not None:
                tiles += self.tile_rect(i)
        self.update(tiles)

    def select(self, aid: str | None) -> None:
        before = self.index.get(self.selected) if self.selected else None
        self._restage.forget([a for a in (self.selected, aid) if a])
        self.selected = aid
        for j in (before, self.index.get(aid) if aid else None):
            if j is not None:
                self.update(self.tile_rect(j))

    def tick(self, now_ms: int) -> None:
        """Clocks moved: repaint their boxes (one region, one paint event; :mod:`.clocks`)."""
        self.now_ms, self._ticking = now_ms, True
        self.update(self._clock_region)
        self._pulse.ticked()  # its step goes in the same paint

    # -- painting ----------------------------------------------------------------------

    def tiles_within(self, rects: Iterable[QRect]) -> list[int]:
        """The page's tile indices inside these rectangles (a paint's region, or its bounding box)."""
        return tiles_in(rects, self._rows, self._tops, self.tile_width + self.gap, self.gap, *self._at)

    def draw_tiles(self, p: QPainter, full: list[int], order: list[str], drawn: list[Drawn | None], pulse: set[int],
                    clocks: Texts, durations: Texts, pulses: bool) -> None:
        """Tiles ``full`` of ``order`` whole, then the texts (``clocks``, ``durations``: a tick's too), the
        pulses over them unless ``pulses`` is False (an order staged off screen: drawn whole when shown)."""
        now, boxes = self.now_ms, self._boxes
        assert boxes is not None
        tw, th = self.tile_width, self.tile_height
        right, dur_dy, put = boxes.right, boxes.duration_top, boxes.put
        agents, calls, xy = self.agents, self.calls, self._xy
        faces, face, marks, selected = self._faces.faces, self._faces.face, self.marks, self.selected
        qnames, dense = self.queue_names, self.paged
        names, inked = Texts(), Inked()
        pulsing: list[tuple[int, int]] = []
        settling, look, name_text = self._settling, self._faces.look, self._faces.name_text
        nx, ny = self._faces.name_at()
        draw_pixmap, room, pulse_mark, no_clock = p.drawPixmap, boxes.clock_room, Mark.PULSE, NO_CLOCK
        for i in full:
            aid = order[i]
            a = agents.get(aid)
            if a is None:  # no face to cover its place
                p.fillRect(*xy[i], tw, th, self.palette().window())
                continue
            x0, y0 = xy[i]
            call_id = a.call_id
            call = calls.get(call_id) if call_id else None
            hit = faces.get(aid)
            sel = aid == selected
            m = marks.get(aid, 0)
            if m is pulse_mark:
                pulsing.append((x0, y0))
                pulse.add(i)
                m = Mark.CRITICAL  # the look is steady; the pulse goes over it
            elif pulse:
                pulse.discard(i)
            name_right = 0
            if hit is not None and hit[0] is a and hit[1] is call and hit[2] == (sel, m):
                picture, key = hit[5], hit[3]  # nothing on the face changed: the common case
            else:
                queue = "" if dense else qnames.get(call.queue if call is not None else (a.queues[0] if a.queues else ""), "")
                key = (a.state, a.reason, a.direction, a.help, queue, sel, a.monitor, int(m))
                if hit is not None and hit[3] == key and hit[4] == a.name:
                    faces[aid] = (a, call, (sel, int(m)), key, a.name, hit[5])  # new object, same look
                    picture = hit[5]
                elif (held := settling.get(aid)) is not None and held[0] is a and held[1] >= FACE_AFTER - 1:
                    del settling[aid]  # unchanged through FACE_AFTER paints: worth a face of its own
                    picture = face(aid, a, call, key)
                else:
                    # Changed lately: drawn from its parts, its face made once it holds still.
                    settling[aid] = (a, held[1] + 1 if held is not None and held[0] is a else 0)
                    picture = look(key)
                    named = name_text(aid, a)
                    names.append((x0 + nx, y0 + ny, named[1]))
                    name_right = named[2] + BLEED
            draw_pixmap(x0, y0, picture)
            # the call's duration, when it is not already the big clock (a bridge may restart "since" on hold)
            answered = None if dense or call is None or call.answered_at == a.since else call.answered_at
            since = None if a.state in no_clock else a.since
            room_i = min(room, right - 1 - name_right) if name_right else room
            d = drawn[i]
            if d is not None and d.picture is picture:  # the same tile again (a full repaint): no new record
                d.since, d.answered, d.room, d.secs, d.duration_w = since, answered, room_i, None, 0
            else:
                drawn[i] = d = Drawn(picture, since, answered, room_i, x0 + boxes.last_dx,  # since None: no clock
                                     y0 + boxes.cell_top)  # (logged out, unreadable)
            put(p, x0, y0, d, None if i in pulse else key, now, clocks, inked)  # a pulse: digits over it
            if answered is not None:
                st2, w2, d.duration_w = boxes.duration((now - answered) // 1000)
                durations.append((x0 + right - int(w2), y0 + dur_dy, st2))
        p.setPen(INK)
        draw = p.drawStaticText
        if names:  # under the pulse, as a face has its name
            p.setFont(self.fonts.name)
            for x, y, st in names:
                draw(x, y, st)
        if pulsing and pulses:
            paint_pulses(p, pulsing, tw, th, self._pulse.alpha)
        for x, y, pm in inked:
            draw_pixmap(x, y, pm)
        p.setFont(self.fonts.clock)
        for x, y, st in clocks:
            draw(x, y, st)
        p.setFont(self.fonts.small)
        for x, y, st in durations:
            draw(x, y, st)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Blit each tile's cached face, then the alert marks and the two moving figures on top; a tile
        that only a tick touched gets its digits alone (:mod:`.clocks`)."""
        p = QPainter(self)
        region = event.region()
        elsewhere = self._backdrop.begin(p)  # a new backing store (its window resized), a grab: nothing holds
        staged, self._restage.shown = self._restage.shown, None
        ticking = (self._ticking or staged is not None) and not self._fresh and not self._overlaid and not elsewhere
        self._ticking = self._fresh = False  # (see clocks.FRESH)
        if ticking and staged is not None:  # a new order's image: what changed since, whole; the clocks caught up
            p.drawImage(staged.at.topLeft(), staged.image)
            whole = region.subtracted(staged.at)
        else:
            whole = region.subtracted(self._clock_region) if ticking else region  # what needs whole tiles
        # the gaps hold it, the tiles cover it; not at a fractional scale, where a face may leave a seam
        self._backdrop.fill(p, whole, self._overlaid or not self.order or not self.devicePixelRatioF().is_integer())
        if not self.order:
            p.setPen(MUTED)
            p.setFont(self.fonts.name)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        for y, h, _, _, header in self._rows:
            if header is not None and whole.intersects(band := QRect(0, y, self.width(), h)):
                p.fillRect(band, self.palette().window())
                paint_header(p, QRect(self.gap, y, self.width() - 2 * self.gap, h), header, self.fonts, self.scale)
        boxes, now, clocks, durations = self._boxes, self.now_ms, Texts(), Texts()
        assert boxes is not None
        full = self.tiles_within(whole)  # type: ignore[arg-type]  # QRegion iterates its rects
        if ticking:  # the rest of the region is clock bands: digits only, unless a tile needs more
            full += boxes.tick(p, self.tiles_within([region.boundingRect()]), set(full), self._pulsing, self._drawn,
                               self._xy, now, clocks, durations)
        self.draw_tiles(p, full, self.order, self._drawn, self._pulsing, clocks, durations, True)
        p.end()
        self._faces.prune(self.order)
        if len(self._settling) > 2 * len(self.order) + 100:
            self._settling = {k: v for k, v in self._settling.items() if k in self.index}
        self.painted_mono = time.monotonic()
        if self.after_paint is not None:
            self.after_paint()
