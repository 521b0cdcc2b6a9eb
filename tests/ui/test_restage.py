"""A big board's new order is painted off screen in steps and shown in one paint (``wallboard.ui.restage``).

Until it is shown the screen holds the old order whole, true to the floor, and a click means the tile it
shows; once shown, the screen is what a full repaint of the new order gives, pixel for pixel, whatever
changed while it was painted."""

from __future__ import annotations

import gc
import random
import weakref
from typing import Any

import msgspec
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QCursor
from PySide6.QtWidgets import QApplication

from tests.helpers import T0, agent, call
from tests.ui.boards import tiles
from tests.ui.test_clocks import floor, shown
from wallboard.board.alerts import Mark
from wallboard.ui import restage


@pytest.fixture(autouse=True)
def pointer_away(monkeypatch: pytest.MonkeyPatch) -> None:
    QCursor.setPos(QPoint(-5000, -5000))  # the board's windows sit at (0, 0): not under the pointer
    monkeypatch.setattr(restage, "STAGE_RATE", 0.0)  # these boards are not busy (one test sees to it)


def big_floor(n: int, seed: int = 1) -> tuple[dict[str, Any], dict[str, Any]]:
    rng = random.Random(seed)
    agents, calls = {}, {}
    for i in range(n):
        state = rng.choice(("on_call", "available", "paused", "wrapup", "ringing"))
        since = T0 - rng.randrange(5_000, 4_000_000)
        cid = f"c{i}" if state == "on_call" else None
        agents[f"a{i:04d}"] = agent(f"a{i:04d}", state, since=since, name=f"Agent {i}", call_id=cid)
        if cid:
            calls[cid] = call(cid, state="connected", agent_id=f"a{i:04d}", answered_at=since - rng.randrange(0, 90_000))
    return agents, calls


def staged_until_shown(qtbot: Any, board: Any, meanwhile: Any = None) -> int:
    """Run the event loop until the staged order is shown; ``meanwhile`` after every step. Steps taken."""
    steps = [0]

    def after_step() -> None:
        steps[0] += 1
        if meanwhile is not None and board._restage.staged is not None:
            meanwhile(steps[0])

    board._restage._timer.timeout.connect(after_step)  # after the step's own slot
    qtbot.waitUntil(lambda: board._restage.staged is None, timeout=10_000)
    return steps[0]


def test_a_new_order_of_a_big_board_is_shown_whole_in_one_paint(qtbot) -> None:  # type: ignore[no-untyped-def]
    """600 tiles (above the staging threshold, unpatched): the old order stays on the screen, then the new
    one is there whole, and the screen is a full repaint's."""
    agents, calls = big_floor(600)
    board = tiles(qtbot, agents, calls, T0, size=(1900, 1200), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    board.repaint()
    board.repaint()  # faces made
    assert len(board.order) >= restage.STAGE_FROM
    old, before = list(board.order), shown(board)
    emitted: list[int] = []
    board.listed_changed.connect(lambda: emitted.append(1))
    new = list(reversed(board.listed))
    board.set_order(new)
    assert board.order == old and board.listed == old and board._restage.staged is not None  # not yet
    turns: list[bool] = []  # after each step: whether the screen still held the old order whole
    board._restage._timer.timeout.connect(lambda: turns.append(
        board._restage.staged is None or (board.order == old and shown(board) == before)))
    image = weakref.ref(board._restage.staged.image)
    staged_until_shown(qtbot, board)
    assert len(turns) >= 2 and all(turns), "the new order shown in the step that drew it, or half of it shown"
    QApplication.processEvents()
    gc.collect()
    assert image() is None, "the staged image outlived its paint: 25 MB held at 4K (its pages are its own)"
    assert board.order == new and board.listed == new and emitted == [1]
    staged = shown(board)
    board.repaint()
    assert staged == shown(board), "the staged order's paint left pixels a full repaint would not"


def test_what_changed_while_it_was_painted_is_on_the_screen_when_it_is_shown(qtbot,  # type: ignore[no-untyped-def]
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the steps: agents change state and name (drawn from their parts), marks come and go (a
    pulse), the selection moves, a clock ticks. The tiles changed after their step are painted again in
    rounds while these get fewer, and the last few drawn whole by the paint that shows the order."""
    monkeypatch.setattr(restage, "STAGE_FROM", 20)
    monkeypatch.setattr(restage, "_CHUNK", 6)  # steps of a few tiles each (60 agents)
    monkeypatch.setattr(restage, "STEP_S", 0.0)  # one chunk a step
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    board.set_marks({"a03": Mark.WARN, "a13": Mark.PULSE})
    board.repaint()
    board.repaint()
    rng = random.Random(5)
    now = [T0]

    def meanwhile(step: int) -> None:
        ids = rng.sample(sorted(agents), 3)
        for aid in ids:
            agents[aid] = msgspec.structs.replace(agents[aid], state=rng.choice(("available", "paused", "wrapup")),
                                                  since=now[0] - rng.randrange(1_000, 700_000), name=f"Now {step} {aid}")
        board.set_floor(agents, calls, None, frozenset(ids), now[0])
        if step % 2:
            board.set_marks({ids[0]: Mark.PULSE, ids[1]: Mark.CRITICAL})
            board.select(ids[2])
        else:
            now[0] += 1_000
            board.tick(now[0])

    for k in range(3):
        new = list(board.listed)
        random.Random(k).shuffle(new)
        qtbot.wait(300)  # the last round's changes were a flood for 60 tiles: a quiet moment
        board.set_order(new)
        assert board._restage.staged is not None
        steps = staged_until_shown(qtbot, board, meanwhile)
        assert steps > len(new) // 6 + 2, "no tiles painted again: the test changed too little"
        assert board.order == new
        staged = shown(board)
        board.repaint()
        assert staged == shown(board), f"round {k}: changes made while it was staged are not what is shown"


def test_a_click_while_it_is_staged_means_the_tile_on_the_screen(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """And the click holds the order still: the staged order is not shown until the hold is over."""
    import wallboard.ui.pointer
    monkeypatch.setattr(restage, "STAGE_FROM", 20)
    monkeypatch.setattr(restage, "STEP_S", 0.0)
    monkeypatch.setattr(wallboard.ui.pointer, "HOLD_AFTER_CLICK_S", 0.6)
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    board.repaint()
    picked: list[str] = []
    board.agent_selected.connect(picked.append)
    old = list(board.order)
    new = list(reversed(old))
    board.set_order(new)
    qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=board.tile_rect(4).center())
    assert picked == [old[4]] and board.selected == old[4]
    qtbot.waitUntil(lambda: board._restage.staged is None, timeout=5000)
    assert board.order == old  # painted, but held: kept for when the hold ends
    qtbot.waitUntil(lambda: board.order == new, timeout=5000)
    staged = shown(board)
    board.repaint()
    assert staged == shown(board)


def test_a_resize_or_a_scroll_while_it_is_staged_shows_the_new_order_at_once(qtbot,  # type: ignore[no-untyped-def]
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(restage, "STAGE_FROM", 20)
    monkeypatch.setattr(restage, "STEP_S", 0.0)
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    board.repaint()
    new = list(reversed(board.order))
    board.set_order(new)
    assert board._restage.staged is not None
    board.resize(1400, 1100)
    QApplication.processEvents()
    assert board._restage.staged is None and board.order == new
    again = list(reversed(new))
    board.set_order(again)
    assert board._restage.staged is not None
    board.move(board.pos() + QPoint(0, 10))  # what a scroll does to the board in its scroll area
    QApplication.processEvents()
    assert board._restage.staged is None and board.order == again
    staged = shown(board)
    board.repaint()
    assert staged == shown(board)


def test_small_boards_and_orders_that_leave_the_page_alone_are_not_staged(qtbot) -> None:  # type: ignore[no-untyped-def]
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    new = list(reversed(board.order))
    board.set_order(new)  # 60 tiles: a whole repaint is a few milliseconds
    assert board._restage.staged is None and board.order == new
    tv = tiles(qtbot, agents, calls, T0, size=(900, 500), paged=True)  # a TV: the first page of several
    tv.show()
    qtbot.waitExposed(tv)
    assert tv.pages > 1
    page = list(tv.order)
    rest = tv.listed[len(page):]
    tv.repaint()
    QApplication.processEvents()  # what the window had waiting
    painted: list[int] = []
    tv.after_paint = lambda: painted.append(1)
    tv.set_order(page + list(reversed(rest)))  # only other pages move
    QApplication.processEvents()
    assert tv.order == page and tv.listed[len(page):] == list(reversed(rest)) and not painted


def test_on_a_quiet_floor_and_in_a_flood_a_new_order_is_painted_at_once(qtbot,  # type: ignore[no-untyped-def]
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Quiet, a whole repaint holds back no event; in a flood, the tiles would all change again before a
    staged order could be shown, each painted twice. Staged between the two."""
    monkeypatch.setattr(restage, "STAGE_FROM", 20)
    monkeypatch.setattr(restage, "STAGE_RATE", 100.0)  # (60 tiles: a flood from 600 a second)
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    ids = sorted(agents)
    qtbot.wait(200)
    board.set_floor(agents, calls, None, frozenset(ids[:10]), T0)  # 10 changes in 0.2 s: 50 a second
    new = list(reversed(board.order))
    board.set_order(new)
    assert board._restage.staged is None and board.order == new
    for _ in range(30):  # 1,800 tile changes in a moment: far more than 60 tiles in the 0.2 s a stage takes
        board.set_floor(agents, calls, None, frozenset(ids), T0)
    new = list(reversed(new))
    board.set_order(new)
    assert board._restage.staged is None and board.order == new
    qtbot.wait(200)
    board.set_floor(agents, calls, None, frozenset(ids[:10]), T0)  # 10 changes in 0.2 s: 50 a second
    board.set_floor(agents, calls, None, frozenset(ids[:40]), T0)  # and 40 more: 250 a second (100 if slow)
    board.set_order(list(reversed(new)))
    assert board._restage.staged is not None


def test_double_and_right_clicks_name_the_agent_of_the_tile(qtbot) -> None:  # type: ignore[no-untyped-def]
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    heard: list[str] = []
    menus: list[tuple[str, QPoint]] = []
    board.agent_activated.connect(heard.append)
    board.context_requested.connect(lambda aid, at: menus.append((aid, at)))
    qtbot.mouseDClick(board, Qt.MouseButton.LeftButton, pos=board.tile_rect(7).center())
    assert heard == [board.order[7]]
    at = board.tile_rect(9).center()
    QApplication.sendEvent(board, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, board.mapToGlobal(at)))
    assert menus == [(board.order[9], board.mapToGlobal(at))] and board.selected == board.order[9]
    QApplication.sendEvent(board, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(1, 1), QPoint(1, 1)))
    assert len(menus) == 1  # a gap: no agent, no menu
