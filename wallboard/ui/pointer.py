"""The supervisor's pointer on the tiles: which agent a click, a double-click or a right-click means,
and the order held still under it.

A state order moves every second under traffic: a tile re-sorted under the pointer between aiming and
clicking listened to the wrong agent. So a new order waits while the pointer rests on the tiles (and
:data:`HOLD_AFTER_CLICK_S` after a click), and is applied once the hold is over. A TV has no pointer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QMouseEvent

from ..board.order import Section

if TYPE_CHECKING:
    from .tiles import TileBoard

#: A tile never moves under the supervisor's pointer, nor for this long after a click (s).
HOLD_AFTER_CLICK_S = 2.5


class Pointer(QObject):
    """Clicks on a board's tiles (its signals), whether its order is held, and the order that waits."""

    def __init__(self, board: TileBoard, apply: Callable[[list[str], list[Section]], None]) -> None:
        super().__init__(board)
        self.board, self._apply = board, apply
        self.pending: tuple[list[str], list[Section]] | None = None
        self._until = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one fires up to 5 % early
        self._timer.timeout.connect(self._release)
        board.installEventFilter(self)

    def held(self) -> bool:
        """Nothing shown, nothing to aim at: a pointer resting on an empty board must not keep it empty."""
        b = self.board
        return not b.paged and bool(b.listed) and (b.underMouse() or time.monotonic() < self._until)

    def keep(self, listed: list[str], sections: list[Section]) -> None:
        """An order to apply when the hold is over (the newest replaces one waiting)."""
        self.pending = (listed, sections)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """The board's clicks are taken here (none goes on to its parents); its leaving is only noted."""
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._press(event.position().toPoint())
        elif kind == QEvent.Type.MouseButtonDblClick and isinstance(event, QMouseEvent):
            if (aid := self._agent_at(event.position().toPoint())) is not None:
                self.board.agent_activated.emit(aid)  # listen to this agent
        elif kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            if (aid := self._press(event.pos())) is not None:  # the menu is for the agent it selects
                self.board.context_requested.emit(aid, event.globalPos())
        else:
            if kind == QEvent.Type.Leave:
                self._timer.start(300)
            return False
        return True

    def _agent_at(self, pos: QPoint) -> str | None:
        i = self.board.index_at(pos)
        return None if i is None else self.board.order[i]

    def _press(self, pos: QPoint) -> str | None:
        self._until = time.monotonic() + HOLD_AFTER_CLICK_S
        self._timer.start(round(HOLD_AFTER_CLICK_S * 1000) + 50)
        aid = self._agent_at(pos)
        if aid is not None:
            self.board.select(aid)
            self.board.agent_selected.emit(aid)
        return aid

    def _release(self) -> None:
        """Catch up once the hold is over; if still held, look again when it ends, not a hold later."""
        if self.pending is not None and not self.held():
            listed, sections = self.pending
            self.pending = None
            self._apply(listed, sections)
        elif self.pending is not None:
            self._timer.start(max(300, round((self._until - time.monotonic()) * 1000) + 50))
