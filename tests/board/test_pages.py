"""A wall TV's turn of pages: screens per page, empty pages skipped, going on from where it was."""

from __future__ import annotations

import pytest

from wallboard.board.pages import Page, Slot, next_slot, plan, screens_needed

A, Q, T, AL, EX, W = Page.AGENTS, Page.QUEUES, Page.TREND, Page.ALERTS, Page.EXCEPTIONS, Page.WAITING
ALL = ("agents", "queues", "alerts", "trend", "exceptions", "waiting")


@pytest.mark.parametrize(("pages", "screens", "want"), [
    (ALL, {A: 2, Q: 2, AL: 1, T: 1, EX: 1, W: 1},
     [(A, 0), (A, 1), (Q, 0), (Q, 1), (AL, 0), (T, 0), (EX, 0), (W, 0)]),
    # nothing to show: no alerts, no trend yet, no exceptions, nobody waiting — skipped
    (ALL, {A: 3, Q: 1}, [(A, 0), (A, 1), (A, 2), (Q, 0)]),
    # an empty floor still shows its agents page ("No agents yet"), never nothing
    (("alerts", "trend"), {}, [(A, 0)]),
    (("queues", "agents"), {A: 0, Q: 1}, [(Q, 0), (A, 0)]),
    (("trend",), {T: 5}, [(T, 0)]),  # a single-screen page is one slot whatever it says
])
def test_plan(pages: tuple[str, ...], screens: dict[Page, int], want: list[tuple[Page, int]]) -> None:
    assert [(s.page, s.index) for s in plan(pages, screens)] == want


def test_screens_needed() -> None:
    assert [screens_needed(n, 30) for n in (0, 1, 30, 31, 90)] == [0, 1, 1, 2, 3]


PAGES = ("agents", "queues", "alerts", "trend")


@pytest.mark.parametrize(("before", "after", "current", "want"), [
    ({A: 2, Q: 1, AL: 1}, {A: 2, Q: 1, AL: 1}, Slot(A, 1, 2), Slot(Q)),  # the plain next
    ({A: 2, Q: 1, AL: 1}, {A: 2, Q: 1, AL: 1}, Slot(AL), Slot(A, 0, 2)),  # round again
    # the alerts went while it showed the queues: on to the trend, not back to the start
    ({A: 1, Q: 1, AL: 1, T: 1}, {A: 1, Q: 1, T: 1}, Slot(AL), Slot(T)),
    # agents went from 3 screens to 2 while on the third: on to the queues
    ({A: 3, Q: 1}, {A: 2, Q: 1}, Slot(A, 2, 3), Slot(Q)),
    ({A: 1, AL: 1}, {A: 1}, Slot(AL), Slot(A)),  # the last page went: round again
])
def test_the_turn_goes_on_from_where_it_was(before: dict[Page, int], after: dict[Page, int], current: Slot,
                                            want: Slot) -> None:
    turn = plan(PAGES, after)
    got = turn[next_slot(turn, current, PAGES)]
    assert (got.page, got.index) == (want.page, want.index)
