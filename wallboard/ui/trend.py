"""The waiting-calls trend of the last hour (pyqtgraph), drawn from the board model's buffer.

Sampled every second by the model, redrawn every few seconds: an hour-long chart needs no more. The
curve is drawn through the points where the count changes, not all 3,600: a waiting count holds still for
seconds to minutes, and stroking every second's point was most of a redraw (a test holds the pixels to the
curve drawn through every point).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem, QWidget

from ..board.trend import TREND_SECONDS, TrendBuffer
from .i18n import tr
from .style import INK, MUTED, PAPER

TREND_REDRAW_S = 5


class TrendPanel(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph has no type hints
    def __init__(self, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=PAPER)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        axis_font = QFont(self.font())
        axis_font.setPixelSize(round(12 * scale))
        for side in ("left", "bottom"):
            axis = self.getAxis(side)
            axis.setStyle(tickFont=axis_font)
            axis.setPen(MUTED)
            axis.setTextPen(INK)
            # drawn once into a picture of its own until its range, size or pens change: the curve's redraw
            # every five seconds repainted both axes and their grid as well (8 of its 11 ms)
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        label_style = {"font-size": f"{round(13 * scale)}px", "color": INK.name()}
        self.setLabel("left", tr("Waiting"), **label_style)
        self.setLabel("bottom", tr("minutes ago"), **label_style)
        self.showGrid(x=True, y=True, alpha=0.3)
        self.setXRange(-60, 0, padding=0)
        self.setYRange(0, 5, padding=0)
        self.curve = self.plot(pen=pg.mkPen(INK, width=max(2, round(2 * scale))))
        self.x = np.arange(-TREND_SECONDS + 1, 1) / 60.0
        self._drawn_at: int | None = None
        self._values: np.ndarray = np.full(TREND_SECONDS, np.nan)
        self._top = 0.0

    def draw(self, buffer: TrendBuffer, force: bool = False) -> None:
        second = buffer.last_s
        if second is None or (not force and self._drawn_at is not None and second - self._drawn_at < TREND_REDRAW_S):
            return
        self._drawn_at = second
        self._values = buffer.values.copy()
        keep = turns(self._values)
        self.curve.setData(self.x[keep], self._values[keep], connect="finite", skipFiniteCheck=True)
        top = max(5.0, buffer.top() * 1.15)
        if top != self._top:
            self._top = top
            self.setYRange(0, top, padding=0)

    def values(self) -> np.ndarray:
        """What the chart shows now, a value per second (for tests: data, not pixels)."""
        return self._values.copy()


def turns(values: np.ndarray) -> np.ndarray:
    """Where a run of equal values (a gap is a run too) begins or ends: the line through these points alone is
    the line through all of them, a straight piece per run."""
    n = len(values)
    if n < 3:
        return np.ones(n, dtype=bool)
    gap = np.isnan(values)
    same = (values[1:] == values[:-1]) | (gap[1:] & gap[:-1])  # same[i]: value i+1 is value i's
    keep = np.ones(n, dtype=bool)
    keep[1:-1] = ~(same[:-1] & same[1:])  # inside a run: its neighbours on both sides are the same
    return keep
