"""The trend chart's axes are drawn once into a cache of their own (``wallboard.ui.trend``): when the
waiting count outgrows the scale, or the chart is resized, it must show what the same chart drawing its
axes afresh at every paint shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGraphicsItem

from wallboard.board.trend import TrendBuffer
from wallboard.ui.trend import TrendPanel


def buffer(top: int) -> TrendBuffer:
    b = TrendBuffer()
    for k in range(600):
        b.sample(10_000 + k, (k * 7) % (top + 1))
    return b


def chart(qtbot: Any, cached: bool) -> TrendPanel:
    t = TrendPanel(1.0)
    qtbot.addWidget(t)
    if not cached:
        for side in ("left", "bottom"):
            t.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.NoCache)
    t.resize(700, 300)
    t.show()
    qtbot.waitExposed(t)
    return t


def shown(t: TrendPanel) -> QImage:
    QApplication.processEvents()
    t.repaint()
    return QApplication.primaryScreen().grabWindow(t.winId()).toImage()


def test_the_cached_axes_show_what_axes_drawn_afresh_show(qtbot) -> None:  # type: ignore[no-untyped-def]
    cached, fresh = chart(qtbot, True), chart(qtbot, False)
    assert cached.getAxis("left").cacheMode() is QGraphicsItem.CacheMode.DeviceCoordinateCache
    frames = []
    for step in ("small", "big", "resized", "small again"):
        for t in (cached, fresh):
            if step == "resized":
                t.resize(900, 360)
            t.draw(buffer(40 if step in ("big", "resized") else 3), force=True)
        a, b = shown(cached), shown(fresh)
        assert a == b, step
        frames.append(a)
    assert frames[0] != frames[1] != frames[2]  # the scale and the size did change what is drawn
