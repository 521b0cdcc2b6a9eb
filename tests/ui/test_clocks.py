"""A tick repaints only the clocks' digits (``wallboard.ui.clocks``); the screen must be what a full
repaint gives, pixel for pixel, whatever else happened between the ticks."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.helpers import T0, agent, call
from tests.ui.boards import tiles
from wallboard.board.alerts import Mark
from wallboard.ui import clocks


def shown(board: Any) -> QImage:
    """What the window's backing store holds (offscreen: the screen), not a fresh render."""
    QApplication.processEvents()
    return QApplication.primaryScreen().grabWindow(board.winId()).toImage()


def floor() -> tuple[dict[str, Any], dict[str, Any]]:
    agents, calls = {}, {}
    for i in range(60):
        state = ("on_call", "available", "paused", "wrapup", "logged_out", "unknown")[i % 6]
        since = T0 - (i * 37_000 if i % 7 else 3_590_000 + i * 10_000_000)  # a few over an hour, some over 10
        name = f"Agent {i}" if i % 5 else f"A very long agent name number {i} that is elided"
        cid = f"c{i}" if state == "on_call" else None
        agents[f"a{i:02d}"] = agent(f"a{i:02d}", state, since=since, name=name, call_id=cid,
                                    reason="lunch" if state == "paused" else "")
        if cid:  # answered before the state's "since" (a hold restarted it): a duration of its own
            calls[cid] = call(cid, state="connected", agent_id=f"a{i:02d}", answered_at=since - 65_000)
    return agents, calls


@pytest.mark.parametrize(("paged", "scale"), [(False, 1.0), (True, 1.0), (False, 0.36)])  # 0.36: 2,000 on a 4K desk
def test_a_tick_shows_what_a_full_repaint_shows(qtbot, paged: bool, scale: float) -> None:  # type: ignore[no-untyped-def]
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), paged=paged, scale=scale)
    board.show()
    qtbot.waitExposed(board)
    board.set_marks({"a03": Mark.WARN, "a08": Mark.CRITICAL, "a13": Mark.PULSE})
    board.select("a20")
    board.repaint()
    board.repaint()  # every agent held still: faces made
    digits = []
    real = clocks.ClockBoxes.digits
    board._boxes.digits = lambda *a: (digits.append(1), real(board._boxes, *a))[1]  # type: ignore[union-attr]
    alone: list[int] = []  # per tick: tiles that got their digits alone (by either path), not whole
    tick = clocks.ClockBoxes.tick
    board._boxes.tick = lambda p, tiles, done, *a: (lambda whole: (alone.append(  # type: ignore[union-attr]
        len(set(tiles) - done) - len(whole)), whole)[1])(tick(board._boxes, p, tiles, done, *a))
    for k in range(1, 12):
        now = T0 + k * 61_000 + (k % 3) * 9_000_000  # across minute and hour roll-overs
        if k % 4 == 0:  # between ticks: an agent changes (drawn from its parts), another's mark goes
            aid = f"a{k:02d}"
            agents[aid] = agent(aid, "available", since=now - 5_000, name=f"Changed {k}")
            board.set_floor(agents, calls, None, frozenset({aid}), now)
            board.set_marks({"a13": Mark.PULSE})
        board.tick(now)
        ticked = shown(board)
        board.repaint()
        assert ticked == shown(board), f"tick {k} left pixels a full repaint would not"
    # tiles that got their digits alone (else this test proves nothing; these jumps of a minute and hours
    # widen many clocks, which repaints those tiles whole), by the long path too (a call's duration, text clocks)
    assert sum(alone) > 25 * 10 and len(digits) > 20 * 10
    # second by second, as a board ticks: a clock in cells with no call duration beside it changes its last
    # character alone nine seconds in ten (the tick's short path, which bypasses ``digits``)
    start = T0 + 12 * 61_000  # back to clocks under an hour, most of them in cells
    board.tick(start)
    board.repaint()
    short = sum(1 for d in board._drawn if d is not None and d.secs is not None and d.answered is None)
    others = sum(1 for d in board._drawn if d is not None and d.since is not None) - short
    assert short > 20
    before = len(digits)
    for k in range(1, 13):
        board.tick(start + k * 1000)
        ticked = shown(board)
        board.repaint()
        assert ticked == shown(board), f"second {k} left pixels a full repaint would not"
    assert len(digits) - before <= 12 * others + 2 * short, "the last character alone should not need digits()"


def test_a_clock_that_goes_back_shows_what_a_full_repaint_shows(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The server's clock corrected backwards: a clock in cells steps back a digit, across its tens, and
    from 10:00 to 9:59 (one character fewer, the old leftmost cell must not stay)."""
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100), scale=0.5)
    board.show()
    qtbot.waitExposed(board)
    board.repaint()
    board.repaint()  # faces made
    # a16 has been 592 s in its state at T0: 10:00 at T0 + 8 s; a1 37 s
    for k, step in enumerate((8_000, 7_000, 8_000, -3_000, 9_000, 3_000, 68_000, 8_000)):
        board.tick(T0 + step)
        ticked = shown(board)
        board.repaint()
        assert ticked == shown(board), f"step {k} ({step} ms) left pixels a full repaint would not"


def test_a_scroll_or_an_expose_in_the_same_paint_gets_whole_tiles(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A region with more than the clock bands (here: everything) is never painted digits-only."""
    agents, calls = floor()
    board = tiles(qtbot, agents, calls, T0, size=(1500, 1100))
    board.show()
    qtbot.waitExposed(board)
    board.repaint()
    before = shown(board)
    board._drawn = [None if d is None else clocks.Drawn(d.picture, d.since, d.answered, -1, d.last_x, d.cell_y)  # digits would refuse
                    for d in board._drawn]
    board.tick(T0)
    board.update()  # an expose of the whole board merged into the tick's paint
    assert shown(board) == before


def test_under_the_not_live_veil_a_tick_repaints_whole_tiles(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The translucent veil is painted again over whatever a paint of the tiles leaves, so under it the
    board draws whole tiles (it does not rely on Qt's handling of what lies beneath); the screen must be a
    full repaint's. A real desk, fed by a real feed that then goes away."""
    from tests.ui.boards import LiveFloor, desk

    w = desk(qtbot, size=(1400, 900))
    qtbot.waitExposed(w)
    live = LiveFloor(w, agents=36)
    try:
        qtbot.waitUntil(lambda: w.view is not None and w.view.synced and len(w.tiles.order) == 36, timeout=10_000)
        live.stop_server()
        qtbot.waitUntil(lambda: w.veil.isVisible(), timeout=10_000)
        now = w.server_now_ms()
        for k in range(1, 4):
            w.tiles.tick(now + k * 1000)
            ticked = shown(w)
            w.repaint()
            assert ticked == shown(w), f"tick {k} under the veil"
    finally:
        live.close()


@pytest.mark.parametrize(("paged", "scale"), [(False, 0.36), (False, 0.5), (False, 1.0), (True, 0.5), (True, 2.0)])
def test_a_marked_tile_s_clock_is_in_cells_as_any_other(qtbot, paged: bool, scale: float) -> None:  # type: ignore[no-untyped-def]
    """The digits sit clear of the thickest alert mark at every size, so a warning's or a critical alert's
    tile gets its clock in cells (two blits, one a second), not as text (at small sizes the mark's line
    lay under the digits' top row: every marked tile, a tenth of a big floor, cost twice as much)."""
    board = tiles(qtbot, {"a1": agent("a1", "paused")}, {}, T0, size=(1500, 900), paged=paged, scale=scale)
    boxes = board._boxes
    assert boxes is not None
    for state in ("paused", "available", "on_call", "wrapup"):
        for mark in (Mark.NONE, Mark.WARN, Mark.CRITICAL):
            assert boxes.cells((state, "", "", False, "", False, "", int(mark))) is not None, (state, mark)


def test_the_pulse_steps_with_the_tick_and_half_a_second_after(qtbot) -> None:  # type: ignore[no-untyped-def]
    """One step of the calm pulse goes in the tick's own paint (one paint a second, not two), the next
    half a second later; a board that nothing ticks keeps pulsing by its timer alone."""
    agents = {"a1": agent("a1", "available", help=True)}
    board = tiles(qtbot, agents, {}, T0, size=(600, 300))
    board.show()
    qtbot.waitExposed(board)
    board.set_marks({"a1": Mark.PULSE})
    pulse = board._pulse
    assert pulse.timer.isActive() and pulse.at == 0  # nothing ticks yet: the timer alone
    qtbot.waitUntil(lambda: pulse.at == 2, timeout=2000)
    board.tick(T0 + 1000)
    assert pulse.at == 3 and pulse.timer.isActive()  # with the tick, and the half step armed
    qtbot.waitUntil(lambda: pulse.at == 4, timeout=1000)
    assert not pulse.timer.isActive()  # the next comes with the next tick
    qtbot.wait(700)
    assert pulse.at == 4
    board.tick(T0 + 2000)
    assert pulse.at == 5
    board.set_marks({})
    assert pulse.at == 0 and not pulse.timer.isActive()
