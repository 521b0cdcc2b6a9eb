"""The waiting callers' list lays each wait out once per value and level (``ui.waiting``): what it paints must be
what Qt paints for the same text drawn in its rectangle, vertically centred and cut at its column, at every
scale, and a tick (the waits alone repainted) must leave what a fresh list shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QWidget

from wallboard.board.waiting import WaitingCaller
from wallboard.core.alerts import Level
from wallboard.ui.i18n import tr
from wallboard.ui.style import CARD_LINE, CRITICAL, CRITICAL_GLYPH, INK, MUTED, WARN_GLYPH, WARN_TEXT
from wallboard.ui.waiting import WaitingList
from wallboard.ui.words import clock_text


def rate(queue_id: str, wait_s: float) -> Level:
    return Level.CRITICAL if wait_s >= 3000 else Level.WARN if wait_s >= 2500 else Level.NONE


def callers(shift: float = 0.0) -> list[WaitingCaller]:
    # from over an hour (the widest clock, with its glyph: wider than the column at some sizes) down to seconds
    return [WaitingCaller(f"c{i}", "q1", "Sales 営業", f"0312345{i}", "山田", 3700 - i * 297.3 + shift, i + 1, i % 3 == 0)
            for i in range(13)]


def reference(w: WaitingList, shown: list[WaitingCaller]) -> QImage:
    """The list as Qt draws it with text in rectangles (the way it was painted before the waits were laid out once)."""
    img = QImage(w.size(), QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.fillRect(img.rect(), w.palette().window())
    width, cols = w.width(), (0, round(w.width() * 0.16), round(w.width() * 0.42), round(w.width() * 0.86))
    p.setFont(w.f_head)
    p.setPen(MUTED)
    for x, words in zip(cols, (tr("Wait"), tr("Queue"), tr("Caller"), tr("Place"))):
        p.drawText(QRect(x + 4, 0, width, w.head_h), Qt.AlignmentFlag.AlignVCenter, words)
    y = w.head_h
    p.setFont(w.f_row)
    for c in shown[:w.per_page]:
        if y > w.height():
            break
        level = rate(c.queue_id, c.wait_s)
        glyph = {Level.WARN: WARN_GLYPH, Level.CRITICAL: CRITICAL_GLYPH}.get(level, "")
        p.setPen({Level.WARN: WARN_TEXT, Level.CRITICAL: CRITICAL}.get(level, INK))
        p.drawText(QRect(4, y, cols[1] - 8, w.row_h), Qt.AlignmentFlag.AlignVCenter, f"{clock_text(c.wait_s)} {glyph}".rstrip())
        w._paint_rest(p, c, cols, width, y)
        p.setPen(CARD_LINE)
        p.drawLine(0, y + w.row_h - 1, width, y + w.row_h - 1)
        y += w.row_h
    p.end()
    return img


def grab(w: WaitingList) -> QImage:
    return w.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


@pytest.mark.parametrize("scale", [0.8, 1.0, 1.7, 2.6, 3.3])
def test_waits_are_painted_as_text_in_their_column_is(qtbot, scale: float) -> None:  # type: ignore[no-untyped-def]
    w = WaitingList(scale)
    qtbot.addWidget(w)
    w.resize(round(500 * scale), round(420 * scale))
    w.show()
    w.show_callers(callers(), rate)
    assert grab(w) == reference(w, callers())
    # the widest wait overflows its column at this size: it is cut there, as text in a rectangle is
    if scale == 2.6:
        assert w._wait(3700, Level.CRITICAL)[1] > round(w.width() * 0.16) - 8
    # a tick: every wait moves a second (levels change at 2,500 and 3,000 s), the rest of each row stays; only
    # the waits' column under the header is repainted, over what the last paint left
    img = grab(w)
    for shift in (1.0, 2.0, 180.0):
        w.show_callers(callers(shift), rate)
        tick = QRect(0, w.head_h, round(w.width() * 0.16), w.height())
        p = QPainter(img)
        w.render(p, tick.topLeft(), QRegion(tick), QWidget.RenderFlag.DrawChildren)
        p.end()
        assert img == reference(w, callers(shift))
