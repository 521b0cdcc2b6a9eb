"""The alert list's rows are measured once per text and width (``ui.alerts``): what it shows must be what
Qt's own measuring shows, at every width and after every new text, wrapped lines whole."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from wallboard.core.alerts import Alert, Level
from wallboard.ui.alerts import AlertsPanel

LONG = "12:03  ▲ Critical  Tanaka Hanako (Sales, second floor) — on one call 25:00 (over 20:00), not acknowledged"
SHORT = "12:04  △ Warning  Sato — paused 16:00"


def heights(lst: QListWidget) -> list[int]:
    return [lst.visualItemRect(lst.item(i)).height() for i in range(lst.count())]


def test_rows_are_as_tall_as_qt_measures_them_at_any_width_and_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    reference = QListWidget()  # Qt measuring every row, every time
    qtbot.addWidget(reference)
    reference.setWordWrap(True)
    reference.setFont(panel.list.font())
    texts = {f"a{k}": (LONG if k % 2 else SHORT) for k in range(12)}
    alerts = [Alert("talk", aid, Level.CRITICAL, 1500.0, 1200.0, 1000 + k, 1000 + k, aid)
              for k, aid in enumerate(texts)]
    panel.show_alerts(alerts, lambda al: texts[al.subject])
    for t in texts.values():
        reference.addItem(QListWidgetItem(t))
    panel.show()
    reference.show()
    for width in (900, 260, 600, 260):
        panel.resize(width, 900)
        reference.resize(panel.list.width(), panel.list.height())
        qtbot.waitUntil(lambda: heights(panel.list) == heights(reference), timeout=2000)
        assert len(set(heights(panel.list))) == (1 if width == 900 else 2)  # the long line wraps, then not
    # new texts in place (short to long and back): measured for what they say now, not what they said
    texts = {aid: (SHORT if t == LONG else LONG) for aid, t in texts.items()}
    alerts = [Alert("talk", al.subject, Level.WARN, 900.0, 600.0, al.raised_ms, al.level_ms + 1, al.subject)
              for al in alerts]
    panel.show_alerts(alerts, lambda al: texts[al.subject])
    for i, t in enumerate(texts.values()):
        reference.item(i).setText(t)
    assert [panel.list.item(i).text() for i in range(12)] == list(texts.values())
    qtbot.waitUntil(lambda: heights(panel.list) == heights(reference), timeout=2000)
    assert len(set(heights(panel.list))) == 2
    # a bigger font (a TV's scale, a theme): measured again in it, not kept from the old one
    before = heights(panel.list)
    for lst in (panel.list, reference):
        f = lst.font()
        f.setPixelSize(f.pixelSize() * 2 if f.pixelSize() > 0 else round(f.pointSizeF() * 3))
        lst.setFont(f)
    qtbot.waitUntil(lambda: heights(panel.list) == heights(reference) != before, timeout=2000)


class _Measured(QStyledItemDelegate):
    """Qt drawing every row afresh, with the panel's measures (so both lists lay out the same rows)."""

    def __init__(self, parent: QWidget, rows: QStyledItemDelegate) -> None:
        super().__init__(parent)
        self.rows = rows

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return self.rows.sizeHint(option, index)


def test_rows_kept_as_pictures_are_the_pixels_qt_draws(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Rows are drawn once per text, size and state and kept (``ui.alerts._Rows``): the list must be the
    same pixels as Qt drawing every row at every paint, through new rows, a selection, a scroll and a new
    palette (a theme switch)."""
    panel = AlertsPanel(scale=1.5)
    qtbot.addWidget(panel)
    panel.resize(340, 700)
    lines = {f"a{k}": (f"12:{k % 60:02d}:07  {'▲ Critical' if k % 3 == 0 else '△ Warning'}  田中 花子{k} (営業) — "
                       f"on one call 1{k % 10}:00 (over 10:00)") for k in range(60)}

    def show(n: int) -> None:
        panel.show_alerts([Alert("talk", aid, Level.CRITICAL if k % 3 == 0 else Level.WARN, 900.0, 600.0, 1000 + k,
                                 1000 + k, aid) for k, aid in reversed(list(enumerate(lines))[:n])],
                           lambda al: lines[al.subject])  # the newest first

    show(40)
    panel.show()
    qtbot.waitExposed(panel)
    lst, ours = panel.list, panel.list.itemDelegate()
    afresh = _Measured(lst, ours)  # type: ignore[arg-type]

    def both() -> tuple[QImage, QImage]:
        shots = []
        for delegate in (ours, afresh):
            lst.setItemDelegate(delegate)
            QApplication.processEvents()
            shots.append(lst.viewport().grab().toImage())
        lst.setItemDelegate(ours)
        return shots[0], shots[1]

    a, b = both()
    assert a == b
    first = a
    show(60)  # new rows on top, the rest moved down
    a, b = both()
    assert a == b and a != first
    lst.setCurrentRow(3)
    a, b = both()
    assert a == b
    lst.verticalScrollBar().setValue(lst.verticalScrollBar().maximum())
    a, b = both()
    assert a == b
    pal = lst.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    lst.setPalette(pal)
    a, b = both()
    assert a == b and a.pixelColor(2, a.height() - 2) == QColor("#202124")
