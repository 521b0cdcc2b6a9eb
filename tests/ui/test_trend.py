"""The trend chart's axes are drawn once into a cache of their own (``wallboard.ui.trend``): when the
waiting count outgrows the scale, or the chart is resized, it must show what the same chart drawing its
axes afresh at every paint shows."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGraphicsItem

from wallboard.board.trend import TrendBuffer
from wallboard.ui.trend import TrendPanel, turns


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


def test_the_curve_through_its_turns_is_the_curve_through_every_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Drawn through where the count changes (``turns``), the chart's pixels are those of the curve drawn
    through all 3,600 points: runs, single-second spikes, gaps (not live) of every length, both ends."""
    ours, every = chart(qtbot, True), chart(qtbot, True)
    b = TrendBuffer()
    pattern = [3, 3, 3, 4, 4, None, 2, 2, 2, 2, 7, 2, None, None, None, 5, 5, 0, 0, 0, 1, None, 6]
    for k in range(3600):
        v = pattern[(k // 7) % len(pattern)] if k % 97 else 9  # runs of seven seconds, a spike every 97
        b.sample(20_000 + k, v)
    for t in (ours, every):
        t.draw(b, force=True)
    every.curve.setData(every.x, b.values, connect="finite", skipFiniteCheck=True)
    kept = len(ours.curve.getData()[0])
    assert kept < 3600 // 2  # the point of it
    assert (ours.values()[~np.isnan(b.values)] == b.values[~np.isnan(b.values)]).all()
    assert shown(ours) == shown(every)


def test_turns_keep_each_runs_ends() -> None:
    nan = np.nan
    v = np.array([1, 1, 1, 2, nan, nan, nan, 2, 2, 3, 3, 3])
    assert list(np.flatnonzero(turns(v))) == [0, 2, 3, 4, 6, 7, 8, 9, 11]
    assert turns(np.array([5.0])).all() and turns(np.array([5.0, 5.0])).all()
