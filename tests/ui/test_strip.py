"""The desk's queue strip repaints the figures that changed, and the screen is what a full repaint gives."""

from __future__ import annotations

import random
from dataclasses import replace

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from wallboard.board.alerts import Mark
from wallboard.core.metrics import QueueFigures
from wallboard.core.model import AgentState
from wallboard.ui import strip as strip_module
from wallboard.ui.strip import QueueStrip


def card(i: int, waiting: int, wait_s: float | None) -> QueueFigures:
    return QueueFigures(f"q{i}", f"Queue {i}", waiting, wait_s, wait_s, 40 + i, 35 + i, 2, 0.05, 0.8, 20, 80.0,
                        12.0, 180.0, {AgentState.AVAILABLE: 3, AgentState.ON_CALL: 5})


def shown(w: QueueStrip) -> QImage:
    QApplication.processEvents()
    return QApplication.primaryScreen().grabWindow(w.winId()).toImage()


def test_a_tick_paints_the_changed_figures_alone_and_the_same_pixels(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = QueueStrip(1.0)
    qtbot.addWidget(w)
    cards = [card(i, i % 3, 30.0 + i if i % 3 else None) for i in range(12)]
    w.show_cards(cards, {})
    w.resize(w.least_width(), w.height())
    w.show()
    qtbot.waitExposed(w)
    shown(w)  # its first paints done
    painted: list[str] = []
    real = strip_module._Strip._paint_value
    w._paint_value = lambda p, rect, runs: (painted.append("".join(t for t, _ in runs)),  # type: ignore[method-assign]
                                            real(w, p, rect, runs))[1]
    for second in range(1, 4):
        # a second later: cards 1 and 11 (far apart) have a new longest wait; from the second tick q8 a mark
        cards[1] = replace(cards[1], longest_wait_s=31.0 + second)
        cards[11] = replace(cards[11], longest_wait_s=41.0 + second)
        painted.clear()
        w.show_cards(cards, {"q8": Mark.WARN} if second >= 2 else {})
        ticked = shown(w)
        assert len(painted) <= 2 + (3 if second == 2 else 0), painted  # not every value between them
        w.repaint()
        assert ticked == shown(w), f"second {second} left pixels a full repaint would not"


def test_cells_made_once_show_what_the_cards_say(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A card's cell is kept by what it shows: every change of a shown figure, name or mark gives its own cell."""

    rng = random.Random(7)
    w = QueueStrip(1.0)
    qtbot.addWidget(w)
    cards = [card(i, i % 3, 30.0 + i if i % 3 else None) for i in range(8)]
    marks: dict[str, Mark] = {}
    for _ in range(300):
        k = rng.randrange(len(cards))
        change = rng.choice(["wait", "waiting", "sl", "abandoned", "name", "mark", "target"])
        c = cards[k]
        if change == "wait":
            cards[k] = replace(c, longest_wait_s=rng.choice([None, rng.uniform(0, 4000)]))
        elif change == "waiting":
            cards[k] = replace(c, waiting=rng.randrange(5))
        elif change == "sl":
            cards[k] = replace(c, service_level=rng.choice([None, rng.random()]))
        elif change == "abandoned":
            cards[k] = replace(c, abandoned=rng.randrange(9))
        elif change == "name":
            cards[k] = replace(c, name=rng.choice(["Sales", "営業", "Support"]))
        elif change == "target":
            cards[k] = replace(c, sl_target_pct=rng.choice([70.0, 80.0, 90.0]))
        else:
            marks[c.queue_id] = rng.choice([Mark.NONE, Mark.WARN, Mark.CRITICAL])
        w.show_cards(cards, marks)
        fresh = QueueStrip(1.0)
        fresh.show_cards(cards, marks)
        assert w.cells == fresh.cells
        fresh.deleteLater()
