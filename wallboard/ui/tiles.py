"""The agent tiles: one widget paints every tile; no widget, item or model per agent.

How it paints: tiles sit on a fixed grid (``columns`` × ``tile`` size, computed from
the width). ``set_view`` re-sorts only when agents come or go; otherwise it marks the
rectangles of changed agents dirty (``update(rect)``), and Qt merges them into one
paint event per frame. ``paintEvent`` walks only the tiles inside the dirty region.
Ticking clocks are one ``update()`` of the visible area per second, not one per
agent. Text that rarely changes (names, queue names) is cached as ``QStaticText``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

import time

from ..core import profile
from ..core.model import ON_A_CALL, Agent, AgentState, Call, Queue
from ..core.reducer import UNREADABLE
from .style import QT_TR_NOOP, HELP, INK, LOOKS, MUTED, PAPER, STATE_ORDER, clock_text, plain, reading, tr

BASE_TILE = QSize(236, 86)
#: (state, reason, direction, help, queue name, selected, monitor mode): everything a face shows.
FaceKey = tuple[str, str, str, bool, str, bool, str]
ALERT_COLOURS = {1: QColor("#E69F00"), 2: QColor("#D55E00")}
MONITOR_BADGES = {"listen": QT_TR_NOOP("Listened"), "whisper": QT_TR_NOOP("Whisper"), "barge": QT_TR_NOOP("Barge")}
#: Pause reasons a PBX commonly sends, in the board's language; any other reason is shown as sent.
REASON_WORDS = {"break": QT_TR_NOOP("break"), "lunch": QT_TR_NOOP("lunch"), "meeting": QT_TR_NOOP("meeting"),
                "training": QT_TR_NOOP("training"), "coaching": QT_TR_NOOP("coaching")}
MONITOR_COLOURS = {"listen": QColor("#0072B2"), "whisper": QColor("#E69F00"), "barge": QColor("#D55E00")}
GAP = 6


_STATE_RANK = {st.value: i for i, st in enumerate((AgentState.ON_HOLD, AgentState.ON_CALL, AgentState.RINGING,
                                                   AgentState.WRAPUP, AgentState.BUSY_OTHER, AgentState.PAUSED,
                                                   AgentState.AVAILABLE, AgentState.LOGGED_OUT))}
#: Tile orders a supervisor picks from. "state" groups by state with the longest in it
#: first (the 20-minute call tops the talkers); "time" is longest in any state first.
SORTS: dict[str, Callable[[Agent], tuple[object, ...]]] = {
    "team": lambda a: (reading(a.team), reading(a.name, a.name_kana), a.id),
    "name": lambda a: (reading(a.name, a.name_kana), a.id),
    "state": lambda a: (_STATE_RANK.get(a.state, 99), a.since, reading(a.name, a.name_kana), a.id),
    "time": lambda a: (a.state == AgentState.LOGGED_OUT.value, a.since, reading(a.name, a.name_kana), a.id),
}
#: Orders that move when an agent changes state (they re-sort on every change).
MOVING_SORTS = frozenset({"state", "time"})
#: A tile never moves under the supervisor's pointer, nor for this long after a click (s).
HOLD_AFTER_CLICK_S = 2.5
#: States whose time means nothing to count: no clock on the tile.
NO_CLOCK = frozenset({AgentState.LOGGED_OUT.value, AgentState.UNKNOWN.value})
assert set(SORTS) == set(profile.SORTS) and set(_STATE_RANK) == {st.value for st in STATE_ORDER}


class TileBoard(QWidget):
    """All agents as tiles. Emits ``agent_selected(id)`` on click."""

    agent_selected = Signal(str)
    agent_activated = Signal(str)  # double-click: listen to this agent
    context_requested = Signal(str, QPoint)  # right-click: the monitoring menu
    listed_changed = Signal()  # which agents show (or their order) changed: counts, find

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
        self._clocks: dict[int, tuple[QStaticText, float]] = {}
        self._durations: dict[int, tuple[QStaticText, float]] = {}
        self._looks: dict[FaceKey, QPixmap] = {}
        #: per agent: (agent, call, selected, look key, name, face); identity of the first two is the fast test
        self._faces: dict[str, tuple[Agent, Call | None, bool, FaceKey, str, QPixmap]] = {}
        self._names: dict[str, tuple[str, QStaticText]] = {}
        self.alerts: dict[str, tuple[int, bool]] = {}  # agent -> (level, flashing)
        self._flash_on = False
        self._flasher = QTimer(self)
        self._flasher.setInterval(500)
        self._flasher.timeout.connect(self._flash)
        self._xy: list[tuple[int, int]] = []
        self._xy_key: tuple[int, int, int, int] = (0, 0, 0, 0)
        #: Called after every paint (latency measurement, diagnostics); must be cheap.
        self.after_paint: Callable[[], None] | None = None
        #: Which agents show (None: all), in which order, and (on a TV) which page of them.
        self.keep: Callable[[Agent], bool] | None = None
        self.sort = "team"
        self.paged = False
        self.page = 0
        self.page_size = 0
        self.listed: list[str] = []  # every agent that passes the filter, in order; ``order`` is this page
        self._listed_set: frozenset[str] = frozenset()
        self._held_until = 0.0  # tiles hold still until then (a click), and while the pointer is over them
        self._relist_due = False
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(300)
        self._release_timer.timeout.connect(self._release)
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
        self._clocks.clear()
        self._durations.clear()
        self._faces.clear()
        self._looks.clear()
        self._names.clear()
        self._call_word = tr("Call")
        self._clock_room = QFontMetrics(self.f_clock).horizontalAdvance("00:00")
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

    @property
    def _rows_per_page(self) -> int:
        return max(1, (self.height() - self.gap) // (self.tile.height() + self.gap))

    @property
    def tile_height(self) -> int:
        """On a TV page, rows stretch (up to a third taller) to fill the screen's height too."""
        if not self.paged:
            return self.tile.height()
        rows = self._rows_per_page
        fill = (self.height() - self.gap * (rows + 1)) // rows
        return max(self.tile.height(), min(fill, self.tile.height() * 4 // 3))

    def tile_rect(self, i: int) -> QRect:
        cols = self.columns
        r, c = divmod(i, cols)
        tw = self.tile_width
        th = self.tile_height
        return QRect(self.gap + c * (tw + self.gap), self.gap + r * (th + self.gap), tw, th)

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
        self._faces.clear()  # tile width may have changed
        self._looks.clear()
        self._names.clear()
        if self.paged:
            self._relist()
        else:
            self.setMinimumHeight(self._height_for(self.width()))

    def index_at(self, pos: QPoint) -> int | None:
        step_w, step_h = self.tile_width + self.gap, self.tile_height + self.gap
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
            self._names.clear()
        if layout or (changed and self._moved(changed)):
            if not layout and self._held():
                self._relist_due = True  # under the pointer: repaint in place, re-order once it leaves
            else:
                self._relist()
                return
        tw, th = self.tile_width, self.tile_height
        xy = self._positions(self.columns, tw + self.gap, th + self.gap)
        index, update = self.index, self.update
        for aid in changed:
            i = index.get(aid)
            if i is not None:
                x, y = xy[i]
                update(x, y, tw, th)

    def show_only(self, keep: Callable[[Agent], bool] | None, sort: str | None = None) -> None:
        """Filter and order the tiles (desk: team, queue, state, name; TV: the profile's teams)."""
        self.keep = keep
        if sort is not None:
            if sort not in SORTS:
                raise ValueError(f"unknown sort {sort!r}")
            self.sort = sort
        self._relist()

    def _moved(self, changed: frozenset[str]) -> bool:
        """Did these changes move a tile: a state-based order, or an agent entering/leaving the filter?"""
        if self.sort in MOVING_SORTS:
            return True
        keep, agents, listed = self.keep, self.agents, self._listed_set
        return keep is not None and any(keep(agents[aid]) != (aid in listed) for aid in changed if aid in agents)

    def _held(self) -> bool:
        """A desk's tiles hold still while the pointer is over them, and a moment after a click, so a
        click lands on the agent it was aimed at (a state order moves with every change)."""
        return not self.paged and (self.underMouse() or time.monotonic() < self._held_until)

    def _release(self) -> None:
        if self._relist_due and not self._held():
            self._relist()
        elif self._relist_due:
            self._release_timer.start()

    def leaveEvent(self, event: object) -> None:  # noqa: N802
        super().leaveEvent(event)  # type: ignore[arg-type]
        self._release_timer.start()

    def _relist(self) -> None:
        """Recompute which agents show, their order and (paged) this page's slice; repaint all."""
        self._relist_due = False
        before = self.listed
        agents, keep, key = self.agents, self.keep, SORTS[self.sort]
        listed = [aid for aid, a in agents.items() if keep is None or keep(a)]
        listed.sort(key=lambda i: key(agents[i]))
        self.listed = listed
        self._listed_set = frozenset(listed)
        if self.paged:
            self.page_size = self.columns * self._rows_per_page
            self.page %= self.pages
            order = listed[self.page * self.page_size:(self.page + 1) * self.page_size]
        else:
            order = listed
        if order != self.order:
            self.order = order
            self.index = {aid: i for i, aid in enumerate(order)}
            if not self.paged:
                self.setMinimumHeight(self._height_for(self.width()))
                self.updateGeometry()
        self.update()
        if listed != before:
            self.listed_changed.emit()

    @property
    def pages(self) -> int:
        if not self.paged or not self.page_size:
            return 1
        return max(1, -(-len(self.listed) // self.page_size))

    def show_page(self, page: int) -> None:
        self.page = page
        self._relist()

    def set_alerts(self, alerts: dict[str, tuple[int, bool]]) -> None:
        """Agent alert levels (1 warn, 2 critical) and whether each flashes; repaints only changes."""
        changed = {aid for aid in alerts.keys() | self.alerts.keys() if alerts.get(aid) != self.alerts.get(aid)}
        self.alerts = alerts
        for aid in changed:
            i = self.index.get(aid)
            if i is not None:
                self.update(self.tile_rect(i))
        flashing = any(f for _, f in alerts.values())
        if flashing and not self._flasher.isActive():
            self._flasher.start()
        elif not flashing:
            self._flasher.stop()
            self._flash_on = False

    def _flash(self) -> None:
        self._flash_on = not self._flash_on
        for aid, (_, flashing) in self.alerts.items():
            i = self.index.get(aid)
            if flashing and i is not None:
                self.update(self.tile_rect(i))

    def tick(self, now_ms: int) -> None:
        """Clocks moved: repaint what is visible (one region, one paint event)."""
        self.now_ms = now_ms
        self.update(self.visibleRegion())

    # -- input -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._held_until = time.monotonic() + HOLD_AFTER_CLICK_S
        self._release_timer.start(round(HOLD_AFTER_CLICK_S * 1000) + 50)
        i = self.index_at(event.position().toPoint())
        if i is None:
            return
        before = self.index.get(self.selected) if self.selected else None
        self.selected = self.order[i]
        for j in (before, i):
            if j is not None:
                self.update(self.tile_rect(j))
        self.agent_selected.emit(self.selected)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        i = self.index_at(event.position().toPoint())
        if i is not None:
            self.agent_activated.emit(self.order[i])

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        i = self.index_at(event.pos())
        if i is not None:
            self.mousePressEvent(QMouseEvent(QMouseEvent.Type.MouseButtonPress, QPointF(event.pos()),
                                             QPointF(event.globalPos()), Qt.MouseButton.LeftButton,
                                             Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
            self.context_requested.emit(self.order[i], event.globalPos())

    # -- painting ----------------------------------------------------------------------

    def _laid_out(self, cache: dict[int, tuple[QStaticText, float]], secs: int, font: QFont,
                  prefix: str = "") -> tuple[QStaticText, float]:
        """A clock laid out once per whole second value (there are only so many), with its width."""
        hit = cache.get(secs)
        if hit is None:
            if len(cache) > 20_000:
                cache.clear()
            st = QStaticText(prefix + clock_text(secs))
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=font)
            hit = (st, st.size().width())
            cache[secs] = hit
        return hit

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Blit each tile's cached face, then draw the two moving figures on top.

        Faces are cached per agent and re-rendered only when the agent's (immutable)
        object, its call's queue, the selection or the tile size changes; a clock tick
        therefore costs one blit and one or two pre-laid-out texts per tile.
        """
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        if not self.order:
            p.setPen(MUTED)
            p.setFont(self.f_name)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No agents yet"))
            p.end()
            return
        tiles: list[int] = []
        seen: set[int] = set()
        tw, th = self.tile_width, self.tile_height
        step_w, step_h = tw + self.gap, th + self.gap
        cols = self.columns
        n = len(self.order)
        for rect in event.region():  # type: ignore[attr-defined]  # QRegion iterates its rects
            c0 = max(0, (rect.left() - self.gap) // step_w)
            c1 = min(cols - 1, (rect.right() - self.gap) // step_w)
            r0 = max(0, (rect.top() - self.gap) // step_h)
            r1 = (rect.bottom() - self.gap) // step_h
            for r in range(r0, r1 + 1):
                base = r * cols
                for c in range(c0, c1 + 1):
                    i = base + c
                    if i < n and i not in seen:
                        seen.add(i)
                        tiles.append(i)
        now = self.now_ms
        s = self.scale
        pad = round(8 * s)
        top_off = round(4 * s)
        line = th // 3
        agents, calls, order = self.agents, self.calls, self.order
        faces, face = self._faces, self._face
        alerts = self.alerts
        alerted: list[tuple[int, int, int, bool]] = []
        clock_cache, dur_cache, laid_out = self._clocks, self._durations, self._laid_out
        f_clock, f_small, call_word = self.f_clock, self.f_small, self._call_word + " "
        selected = self.selected
        right = tw - pad
        dur_dy = top_off + 2 * line + round(3 * s)
        clocks: list[tuple[int, int, QStaticText]] = []
        durations: list[tuple[int, int, QStaticText]] = []
        draw_pixmap = p.drawPixmap
        xy = self._positions(cols, step_w, step_h)
        qnames = self.queue_names
        for i in tiles:
            aid = order[i]
            a = agents.get(aid)
            if a is None:
                continue
            x0, y0 = xy[i]
            call_id = a.call_id
            call = calls.get(call_id) if call_id else None
            hit = faces.get(aid)
            sel = aid == selected
            alert = alerts.get(aid)
            if alert is not None:
                alerted.append((x0, y0, alert[0], alert[1]))
            if hit is not None and hit[0] is a and hit[1] is call and hit[2] == sel:
                draw_pixmap(x0, y0, hit[5])  # nothing on the face changed: the common case
            else:
                queue = qnames.get(call.queue if call is not None else (a.queues[0] if a.queues else ""), "")
                key = (a.state, a.reason, a.direction, a.help, queue, sel, a.monitor)
                if hit is not None and hit[3] == key and hit[4] == a.name:
                    faces[aid] = (a, call, sel, key, a.name, hit[5])  # new object, same look
                    draw_pixmap(x0, y0, hit[5])
                else:
                    draw_pixmap(x0, y0, face(aid, a, call, key))
            if a.state not in NO_CLOCK:  # a logged-out or unreadable agent has no time to count
                secs = (now - a.since) // 1000
                st, w = clock_cache.get(secs) or laid_out(clock_cache, max(0, secs), f_clock)
                clocks.append((x0 + right - int(w), y0 + top_off, st))
            # The call's duration, when it is not already the big clock (a bridge may restart
            # "since" on hold or transfer; this one does not, so usually the clock says it all).
            if call is not None and call.answered_at is not None and call.answered_at != a.since:
                dsecs = (now - call.answered_at) // 1000
                st2, w2 = dur_cache.get(dsecs) or laid_out(dur_cache, max(0, dsecs), f_small, call_word)
                durations.append((x0 + right - int(w2), y0 + dur_dy, st2))
        if alerted:  # escalation drawn over the faces: amber, red, red flashing
            width = max(3, round(5 * s))
            for x, y, level, flashing in alerted:
                colour = ALERT_COLOURS.get(level, ALERT_COLOURS[2])
                if flashing and self._flash_on:
                    p.fillRect(QRect(x, y, tw, th), QColor(213, 94, 0, 110))
                p.setPen(QPen(colour, width))
                p.drawRect(QRect(x, y, tw, th).adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
        p.setPen(INK)
        draw = p.drawStaticText
        p.setFont(self.f_clock)
        for x, y, st in clocks:
            draw(x, y, st)
        p.setFont(self.f_small)
        for x, y, st in durations:
            draw(x, y, st)
        p.end()
        if len(self._looks) > 4096:  # distinct looks, not agents: only a pathological feed gets here
            self._looks.clear()
        if len(self._faces) > max(2 * len(order), 1024):
            # Keep every face this board shows, not only this paint's: a paint of a few flashing tiles
            # must not throw away the faces the next full repaint (the clock tick) needs.
            keep = set(order)
            self._faces = {k: v for k, v in self._faces.items() if k in keep}
        if self.after_paint is not None:
            self.after_paint()

    def _positions(self, cols: int, step_w: int, step_h: int) -> list[tuple[int, int]]:
        key = (cols, step_w, step_h, len(self.order))
        if self._xy_key != key:
            g = self.gap
            self._xy = [(g + (i % cols) * step_w, g + (i // cols) * step_h) for i in range(len(self.order))]
            self._xy_key = key
        return self._xy

    def _face(self, aid: str, a: Agent, call: Call | None, key: FaceKey) -> QPixmap:
        """The agent's own face: its look (shared) with its name on it.

        Composing is one blit and one pre-laid-out text, so the thousands of state
        changes a busy floor makes each second stay cheap, while a full repaint (the
        clock tick) stays one blit per tile.
        """
        name = plain(a.name)
        look = self._looks.get(key) or self._look(key)
        named = self._names.get(aid)
        if named is None or named[0] != name:
            fm = QFontMetrics(self.f_name)
            pad = round(8 * self.scale)
            room = self.tile_width - 3 * pad - round(8 * self.scale) - self._clock_room
            st = QStaticText(fm.elidedText(name, Qt.TextElideMode.ElideRight, max(10, room)))
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=self.f_name)
            named = (name, st)
            self._names[aid] = named
        old = self._faces.get(aid)
        if old is not None and old[5].size() == look.size():
            pm = old[5]  # paint over the agent's previous face: no allocation
        else:
            pm = QPixmap(look.size())
            pm.setDevicePixelRatio(look.devicePixelRatio())
        pm.fill(LOOKS[AgentState.of(key[0])].tint)  # opaque: blits become plain copies, no blending
        p = QPainter(pm)
        p.drawPixmap(0, 0, look)
        p.setPen(INK)
        p.setFont(self.f_name)
        p.drawStaticText(round(16 * self.scale), round(8 * self.scale), named[1])
        p.end()
        self._faces[aid] = (a, call, key[5], key, name, pm)
        return pm

    def _look(self, key: FaceKey) -> QPixmap:
        """A tile's look: colour band, tint, state words, queue, help flag.

        Faces are shared by every agent with the same look (a few hundred at most), so an
        agent changing state costs a dictionary hit, not a render. Cleared on any size change.
        """
        state, reason, direction, help_flag, queue, selected, monitor = key
        dpr = self.devicePixelRatioF()
        w, h = self.tile_width, self.tile_height
        pm = QPixmap(round(w * dpr), round(h * dpr))
        pm.setDevicePixelRatio(dpr)
        st = AgentState.of(state)
        look = LOOKS[st]
        s = self.scale
        pad = round(8 * s)
        band = round(8 * s)
        pm.fill(look.tint)
        p = QPainter(pm)
        p.fillRect(QRect(0, 0, band, h), look.colour)
        if selected:
            p.setPen(QPen(INK, max(2, round(3 * s))))
            p.drawRect(QRect(0, 0, w, h).adjusted(1, 1, -2, -2))
        x = band + pad
        right = w - pad
        line = h // 3
        top = round(4 * s)
        # Row 2: glyph + state words (+ pause reason / call direction), and the help flag.
        p.setFont(self.f_small)
        label = tr(look.label)
        if st is AgentState.UNKNOWN and reason == UNREADABLE:
            label = tr("Unreadable data")
        elif st is AgentState.PAUSED and reason:
            label = tr("{0}: {1}").format(label, tr(REASON_WORDS[reason]) if reason in REASON_WORDS else reason)
        elif st in ON_A_CALL and direction == "out":
            label = tr("{0} ↑ outbound").format(label)
        p.setPen(look.colour if st is not AgentState.LOGGED_OUT else MUTED)
        y2 = top + line + round(6 * s)
        p.drawText(QPoint(x, y2 + p.fontMetrics().ascent()), f"{look.glyph} {label}")
        if help_flag:
            p.setFont(self.f_name)
            flag = "⚑ " + tr("HELP")
            fw = p.fontMetrics().horizontalAdvance(flag)
            p.fillRect(QRect(right - fw - round(4 * s), y2 - round(2 * s), fw + round(8 * s), line), PAPER)
            p.setPen(HELP)
            p.drawText(QPoint(right - fw, y2 + p.fontMetrics().ascent()), flag)
        # Row 3: the queue (the call's duration is drawn per paint).
        p.setFont(self.f_small)
        p.setPen(MUTED)
        y3 = y2 + line - round(3 * s)
        p.drawText(QPoint(x, y3 + p.fontMetrics().ascent()),
                   p.fontMetrics().elidedText(queue, Qt.TextElideMode.ElideRight, max(10, (right - x) // 2)))
        if monitor:  # every board shows that a supervisor is on this call, and how
            badge = f"◉ {tr(MONITOR_BADGES.get(monitor, monitor))}"
            bw = p.fontMetrics().horizontalAdvance(badge)
            p.fillRect(QRect(right - bw - round(4 * s), y3 - round(1 * s), bw + round(8 * s), line - round(2 * s)),
                       MONITOR_COLOURS.get(monitor, INK))
            p.setPen(QColor("#FFFFFF"))
            p.drawText(QPoint(right - bw, y3 + p.fontMetrics().ascent()), badge)
        p.end()
        self._looks[key] = pm
        return pm
