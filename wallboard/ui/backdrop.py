"""The tile board's background, filled only where it may not be what the board's last paint left.

The tiles' faces are opaque and cover their rectangles, so of a repaint's pixels only the gaps
between tiles (and the strip under the last row) show the background, and on a steady board the
backing store still holds it there from the paint before. Filling all of a 4K board first cost a
fifth of a full repaint (4.5 of 22 ms on a machine with slow memory), and a state-sorted board
repaints in full every second under traffic. So the background is filled where it was lost:

1. All of it when the board's own pixels may be gone or moved: shown, moved (scrolled), resized,
   restyled, a new screen (``clocks.FRESH``).
2. All of it when the paint goes to another image than the last one: the window's backing store
   made anew (its window resized), a grab or a render into a pixmap, and the store again after one.
3. All of it when the gaps move: a new layout (columns, rows, tile size), not a new order in the
   same rows.
4. Always under something translucent (the not-live veil: its tint would build up in the gaps),
   and where a paint draws no tile (an empty board, a place with no agent, a team's header).

Each paint fills what it covers of the lost region, and that part is then held again.
"""

from __future__ import annotations

from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QWidget


class Backdrop:
    """The part of a board whose background must be filled before its tiles are drawn."""

    def __init__(self, board: QWidget) -> None:
        self.board = board
        self.lost = QRegion(board.rect())  # never painted: all of it
        self._target: int | None = None  # the image painted last (its serial number)
        self._layout: object = None
        self.filled = QRegion()  # what the last paint filled (for tests and diagnostics)

    def lose(self) -> None:
        """Rules 1 and 3: the next paints fill all they cover."""
        self.lost = QRegion(self.board.rect())

    def laid_out(self, layout: object) -> None:
        """Rule 3: ``layout`` is what places the gaps (rows, sizes, width); only a different one loses them."""
        if layout != self._layout:
            self._layout = layout
            self.lose()

    def begin(self, p: QPainter) -> bool:
        """Rule 2, first thing in a paint: True when it goes to another image than the last paint's, which
        then holds nothing the board painted (a tick must draw whole tiles there, not digits alone)."""
        engine = p.paintEngine()
        device = engine.paintDevice() if engine is not None else None
        # a QImage's cache key holds its data's serial number in the high half: a new image, a new one
        target = device.cacheKey() >> 32 if isinstance(device, QImage) else None
        if target is not None and target == self._target:
            return False
        self._target = target
        self.lose()
        return True

    def fill(self, p: QPainter, region: QRegion, everywhere: bool) -> None:
        """Fill what ``region`` holds of the lost part (all of ``region`` when ``everywhere``: rule 4)."""
        if everywhere or self._target is None:
            todo = region
        elif self.lost.isEmpty():
            self.filled = self.lost
            return
        else:
            todo = region.intersected(self.lost)
            self.lost = self.lost.subtracted(region)
        self.filled, brush = QRegion(todo), self.board.palette().window()  # the event's region goes with it
        for r in todo:  # type: ignore[attr-defined]  # QRegion iterates its rectangles
            p.fillRect(r, brush)
