"""The agents-by-state row: new figures repaint the row alone; the window lays itself out again only when
they wrap onto another number of lines (a label's every new text made the whole window lay out: 0.9 ms,
ten times a second on any moving floor)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from wallboard.core.model import AgentState
from wallboard.ui.style import LOOKS
from wallboard.ui.topbar import StateCounts


class Layouts(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802
        self.n += e.type() == QEvent.Type.LayoutRequest
        return False


def colours_in(w: QWidget) -> set[int]:
    img = w.grab().toImage()
    return {img.pixel(x, y) & 0xFFFFFF for x in range(0, img.width(), 2) for y in range(img.height())}


def test_new_figures_repaint_the_row_and_relayout_only_when_the_lines_change(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    col = QVBoxLayout(host)
    counts = StateCounts(1.0)
    col.addWidget(counts)
    col.addStretch(1)
    host.resize(1400, 200)
    host.show()
    qtbot.waitExposed(host)
    counts.show_counts({AgentState.AVAILABLE: 12, AgentState.ON_CALL: 30})
    QApplication.processEvents()
    one_line = counts.height()
    assert "12" in counts.text() and LOOKS[AgentState.ON_CALL].glyph in counts.text()
    assert LOOKS[AgentState.AVAILABLE].colour.rgb() & 0xFFFFFF in colours_in(counts)  # the glyphs are painted
    before = counts.grab().toImage()
    seen = Layouts()
    host.installEventFilter(seen)
    for n in range(13, 23):
        counts.show_counts({AgentState.AVAILABLE: n, AgentState.ON_CALL: 30})
        QApplication.processEvents()
    assert seen.n == 0, "figures of the same lines must not lay the window out again"
    assert counts.grab().toImage() != before and "22" in counts.text()
    # narrow enough that every part fits on one line only just: a longer figure wraps, and the window follows
    host.resize(counts.sizeHint().width() + 2 * col.contentsMargins().left() + 1, 200)
    QApplication.processEvents()
    assert counts.height() == one_line
    counts.show_counts({AgentState.AVAILABLE: 1_000_000, AgentState.ON_CALL: 30})
    QApplication.processEvents()
    assert seen.n > 0 and counts.height() > one_line
