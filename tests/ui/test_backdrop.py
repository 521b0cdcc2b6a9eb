"""The tile board fills its background only where it was lost (``wallboard.ui.backdrop``): what the
window shows must still be, pixel for pixel, what a new board with the same floor shows — after a new
order, a new layout, the window resized around it, a grab, the not-live veil."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers import T0, agent
from wallboard.board.order import order
from wallboard.ui.tiles import TileBoard

SIZE = (1500, 700)


def floor(n: int) -> dict[str, Any]:
    states = ("on_call", "available", "paused", "wrapup", "available")
    return {f"a{i:02d}": agent(f"a{i:02d}", states[i % 5], since=T0 - i * 17_000, name=f"Agent {i}",
                               team=("Sales", "Support")[i % 2]) for i in range(n)}


def board(qtbot: Any, agents: dict[str, Any], sort: str = "state") -> tuple[QWidget, TileBoard]:
    """A TV's tile board (a desk's holds its order under the pointer) inside a window of its own (the
    window's size can change without the board's)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(SIZE[0] + 100, SIZE[1])
    b = TileBoard(window, paged=True)
    b.resize(*SIZE)
    show(b, agents, sort)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()  # its first paint
    assert b._backdrop._target is not None
    b.repaint()
    return window, b


def show(b: TileBoard, agents: dict[str, Any], sort: str = "state") -> None:
    b.set_floor(agents, {}, {}, frozenset(agents), T0)
    b.set_order(order(agents, None, sort), sections(agents) if sort == "team" else ())


def sections(agents: dict[str, Any]) -> list[Any]:
    from wallboard.board.order import sections as of
    return of(order(agents, None, "team"), agents)


def shown(b: TileBoard) -> QImage:
    """What the window's backing store holds for the board (offscreen: the screen), not a fresh render."""
    QApplication.processEvents()
    return QApplication.primaryScreen().grabWindow(b.window().winId()).toImage().copy(b.geometry())


def fresh(qtbot: Any, agents: dict[str, Any], sort: str = "state") -> QImage:
    """What a new board shows (its first paint fills everything)."""
    window, b = board(qtbot, agents, sort)
    return shown(b)


def test_a_full_repaint_of_a_steady_board_fills_no_background(qtbot) -> None:  # type: ignore[no-untyped-def]
    agents = floor(30)
    _, b = board(qtbot, agents)
    assert b._backdrop.filled.isEmpty()  # its first paint filled it all, and a second nothing
    for k in range(3):  # a new order in the same rows (a state-sorted board, every second)
        agents = {**agents, f"a{k:02d}": agent(f"a{k:02d}", "paused", since=T0, name=f"Agent {k}")}
        show(b, agents)
        b.repaint()
        assert b._backdrop.filled.isEmpty()
    assert shown(b) == fresh(qtbot, agents)


def test_a_new_layout_fills_where_tiles_were(qtbot) -> None:  # type: ignore[no-untyped-def]
    agents = floor(30)
    _, b = board(qtbot, agents)
    fewer = dict(list(agents.items())[:25])  # the last row shorter: its places become background
    show(b, fewer)
    b.repaint()
    assert shown(b) == fresh(qtbot, fewer)
    show(b, fewer, "team")  # headers between the rows: every row moves
    b.repaint()
    assert shown(b) == fresh(qtbot, fewer, "team")
    b.resize(SIZE[0] - 130, SIZE[1])  # fewer columns
    b.repaint()
    other, smaller = board(qtbot, fewer, "team")
    smaller.resize(SIZE[0] - 130, SIZE[1])
    smaller.repaint()
    assert shown(b) == shown(smaller)


def test_its_window_resized_around_it_or_a_grab_fills_it_again(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A new backing store (the window resized, the board not) and a grab are other images than the
    last paint's: their gaps hold nothing of it."""
    agents = floor(30)
    window, b = board(qtbot, agents)
    b.repaint()
    b.tick(T0)  # the store's first paint is a tick's: digits alone would leave the new store's gaps as they are
    window.resize(SIZE[0] + 160, SIZE[1] + 40)
    assert b.size().width() == SIZE[0] and shown(b) == fresh(qtbot, agents)
    b.repaint()
    assert shown(b) == fresh(qtbot, agents)
    other, new = board(qtbot, agents)
    reference = new.grab().toImage()
    b.repaint()
    assert b.grab().toImage() == reference
    b.repaint()  # back to the window's store, after the grab's image
    assert not b._backdrop.filled.isEmpty()
    assert shown(b) == fresh(qtbot, agents)


class Veil(QWidget):
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0, 90))
        p.end()


def test_under_something_translucent_it_fills_every_time(qtbot) -> None:  # type: ignore[no-untyped-def]
    agents = floor(30)
    window, b = board(qtbot, agents)
    veil = Veil(window)
    veil.setGeometry(QRect(0, 0, *SIZE))
    b.set_overlaid(True)
    veil.show()
    for _ in range(3):
        b.repaint()
        assert b._backdrop.filled.boundingRect() == b.rect()
    under = shown(b)
    b.set_overlaid(False)
    veil.hide()
    b.repaint()
    assert shown(b) == fresh(qtbot, agents) != under
