"""A big board's new order, painted off screen in steps and shown in one paint.

A state-ordered board re-sorts once a second under traffic, and then nearly every tile moves: a full
repaint of 2,000 tiles at 4K (15–30 ms; twice that on half a core) in one go, while no event reaches the
screen. On a slow PC that was the board's worst latency, every second (bench figure 3, half a core: p99
84–90 ms with the re-sort, 31–36 ms ordered by name). So when only the order changed (the same rows),
the new order's tiles are painted into an image a few milliseconds at a time, and between the steps the
event loop runs: views come in, and frames keep the order on the screen true. Once the last tile is in,
one paint blits the image, draws whole the tiles that changed after their step (their records are
forgotten; while they get fewer, they are painted again in more steps first), and catches the clocks up
as a tick does. The screen never holds half of one order and half of the other, and a click meanwhile
lands on the tile it shows. Only on a busy floor: a quiet one has no events for a whole repaint to hold
back, and in a flood the tiles change again before a staged order could be shown (painted twice each).
"""

from __future__ import annotations

import mmap
import time
from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QImage, QPainter

from ..board.order import Section
from .clocks import Drawn, Texts

if TYPE_CHECKING:
    from .tiles import TileBoard

#: Tiles on the page before a new order is staged: below it a whole repaint takes a few milliseconds.
STAGE_FROM = 400
#: Tile changes a second before a new order is staged: on a quieter floor a whole repaint holds back an
#: event or two, and staging cost more CPU than it saved (figure 6b, 50 events/s: 9.8 -> 12.0 % of a core).
STAGE_RATE = 300.0
#: A flood: tile changes in a stage's time, per tile of the page, from which it would show ~85 % of its
#: tiles changed (painted twice). The changes are counted, not the tiles: some change twice.
FLOOD = 2.0
#: Painting a step may take (s) before the event loop gets its turn.
STEP_S = 0.004
#: After a step, the event loop's own for this many times as long as the step took.
STEP_PAUSE = 2.0
_CHUNK = 40  # tiles painted between looks at the clock


def mapped_image(size: QSize) -> QImage:
    """An image on pages mapped for it alone, unmapped when it goes. From the heap, glibc kept a freed block
    of 25 MB (a 4K page's) for the next, and a heap that never shrank held two: 44 MB more for the
    board's life (bench figure 7). Its pages are faulted in by the steps that paint them: ~10 ms a stage."""
    w, h = size.width(), size.height()
    pixels = mmap.mmap(-1, w * h * 4)  # the image holds the buffer (and so the mapping) while it lives
    return QImage(pixels, w, h, w * 4, QImage.Format.Format_RGB32)  # type: ignore[call-overload,no-any-return]


class Staged:
    """The new order of the page, its tiles' records, and the image they are painted into so far."""

    __slots__ = ("again", "at", "began", "blank", "done", "drawn", "image", "index", "listed", "order", "pulse", "todo")

    def __init__(self, listed: list[str], order: list[str], image: QImage, at: QRect, todo: list[int],
                 began: float) -> None:
        self.listed, self.order, self.image, self.at, self.todo, self.began = listed, order, image, at, todo, began
        self.index = {aid: i for i, aid in enumerate(order)}
        self.drawn: list[Drawn | None] = [None] * len(order)
        self.pulse: set[int] = set()
        self.done = 0  # of ``todo``
        self.blank = True  # the image not yet filled with the background
        self.again: list[int] = []  # painted, then changed: painted again before it is shown


class Restage:
    """A board's staged order: started, stepped between the event loop's other work, handed over."""

    def __init__(self, board: TileBoard) -> None:
        self.board = board
        self.staged: Staged | None = None
        self.shown: Staged | None = None  # complete and adopted: the next paint blits it
        self.changes = 0  # tiles changed since the last new order (staged or not)
        self._since = time.monotonic()
        self._took = 0.2  # how long a stage takes, start to shown (s; a moving mean)
        self._timer = QTimer(board)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)

    def reorder(self, listed: list[str], sections: list[Section], base: int) -> bool:
        """A new order in the rows the board has (``base``: its page's first tile in ``listed``): staged, or
        on its way already, or nothing to paint (this page's tiles stay where they are). False: it needs
        a new layout (other rows), or a whole repaint (see :meth:`start`); none is staged then."""
        b, st = self.board, self.staged
        if st is not None and st.listed == listed and not sections:
            return True  # on its way
        self.take()
        if sections or b.sections or len(listed) != len(b.listed):
            return False
        order = listed[base:base + len(b.order)]
        if order == b.order:
            b.listed = listed
            return True
        return self.start(listed, order)

    def start(self, listed: list[str], order: list[str]) -> bool:
        """Stage ``order`` (the page of ``listed``); False when it is not worth it or cannot be: a full
        repaint then (a small page, a quiet floor, nothing visible, a fractional pixel ratio the image
        could not match, or a flood: at this rate its tiles would change before it is shown, each
        painted twice)."""
        b, now = self.board, time.monotonic()
        rate, self.changes, self._since = self.changes / max(now - self._since, 1e-3), 0, now
        if len(order) < STAGE_FROM or not STAGE_RATE <= rate <= FLOOD * len(order) / self._took:
            return False
        room = b.visibleRegion().boundingRect()
        dpr = b.devicePixelRatioF()
        if room.isEmpty() or not dpr.is_integer():
            return False
        image = mapped_image(room.size() * dpr)
        image.setDevicePixelRatio(dpr)
        self.staged = Staged(listed, order, image, room, b.tiles_within([room]), now)
        self._timer.start(0)
        return True

    def take(self) -> Staged | None:
        """The order being staged, unfinished (to be shown whole at once), and no more steps."""
        st, self.staged = self.staged, None
        self._timer.stop()
        return st

    def forget(self, aids: Collection[str]) -> None:
        """These agents' tiles changed: those already painted are painted again (or drawn whole when shown)."""
        st = self.staged
        self.changes += len(aids)
        if st is not None:
            index, drawn = st.index, st.drawn
            for aid in aids:
                i = index.get(aid)
                if i is not None and drawn[i] is not None:
                    drawn[i] = None
                    st.again.append(i)

    def _step(self) -> None:
        st, b = self.staged, self.board
        if st is None:
            return
        if st.done == len(st.todo):  # every tile in: shown in a turn of its own (a few changed since: drawn whole)
            self.staged = None
            self._took = 0.7 * self._took + 0.3 * (time.monotonic() - st.began)
            b.show_staged(st)
            return
        began = time.perf_counter()
        p = QPainter(st.image)
        p.translate(-st.at.x(), -st.at.y())
        if st.blank:
            p.fillRect(st.at, b.palette().window())  # the gaps: the image holds all of the place it covers
            st.blank = False
        deadline, todo = began + STEP_S, st.todo
        while True:  # a chunk at least, however slow the machine
            chunk = todo[st.done:st.done + _CHUNK]
            st.done += len(chunk)
            b.draw_tiles(p, chunk, st.order, st.drawn, st.pulse, Texts(), Texts(), False)
            if st.done == len(todo) or time.perf_counter() >= deadline:
                break
        p.end()
        if st.done == len(todo) and _CHUNK < len(st.again) <= len(todo) // 2:  # what changed meanwhile, while
            st.todo, st.done, st.again = st.again, 0, []  # it gets fewer (a flood: drawn whole when shown)
        # the rest of the loop's time to the others: frames, views (and the feed's thread)
        self._timer.start(max(1, round((time.perf_counter() - began) * 1000 * STEP_PAUSE)))
