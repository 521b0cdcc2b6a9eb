"""Scope, filters and the tiles' order, by table."""

from __future__ import annotations

import pytest

from tests.board.helpers import view
from tests.helpers import T0, agent, call, queue
from wallboard.board.model import BoardModel, BoardSettings
from wallboard.board.order import MOVING_RESORT_S, order, sections
from wallboard.board.scope import Scope
from wallboard.core.model import AgentState

FLOOR = [
    agent("a1", "on_call", T0 - 600_000, name="佐藤", name_kana="さとう", team="B", queues=("sales",)),
    agent("a2", "on_hold", T0 - 30_000, name="加藤", name_kana="カトウ", team="A", queues=("sales", "billing")),
    agent("a3", "available", T0 - 900_000, name="Abe", team="A", queues=("billing",)),
    agent("a4", "on_call", T0 - 60_000, name="Ueda", team="B", queues=("tech",)),
    agent("a5", "logged_out", T0 - 9_000_000, name="Ota", team="", queues=("tech",)),
]
AGENTS = {a.id: a for a in FLOOR}


@pytest.mark.parametrize(("sort", "want"), [
    # state: on hold first, then the calls, longest first; logged out last
    ("state", ["a2", "a1", "a4", "a3", "a5"]),
    ("time", ["a3", "a1", "a4", "a2", "a5"]),  # longest in any state first; logged out last
    ("team", ["a5", "a3", "a2", "a4", "a1"]),  # no team first; then A: Abe, かとう; then B: Ueda, さとう
    ("name", ["a3", "a5", "a4", "a2", "a1"]),  # Latin before kana; カトウ reads as かとう, before さとう
])
def test_orders(sort: str, want: list[str]) -> None:
    assert order(AGENTS, None, sort) == want


def test_team_sections_count_their_agents_by_state() -> None:
    listed = order(AGENTS, None, "team")
    got = sections(listed, AGENTS)
    assert [(s.team, s.start, s.count) for s in got] == [("", 0, 1), ("A", 1, 2), ("B", 3, 2)]
    assert got[1].by_state == {AgentState.AVAILABLE: 1, AgentState.ON_HOLD: 1}
    assert got[2].by_state == {AgentState.ON_CALL: 2}


@pytest.mark.parametrize(("scope", "shown", "counted"), [
    (Scope(), {"a1", "a2", "a3", "a4", "a5"}, {"a1", "a2", "a3", "a4", "a5"}),
    (Scope(teams=("A",)), {"a2", "a3"}, {"a2", "a3"}),
    (Scope(queues=("sales",)), {"a1", "a2"}, {"a1", "a2"}),
    # the profile's states and a desk's filters narrow the tiles, never the figures
    (Scope(states=("on_call",)), {"a1", "a4"}, {"a1", "a2", "a3", "a4", "a5"}),
    (Scope(team="B"), {"a1", "a4"}, {"a1", "a2", "a3", "a4", "a5"}),
    (Scope(teams=("A", "B"), queue="billing"), {"a2", "a3"}, {"a1", "a2", "a3", "a4"}),
    (Scope(state="on_hold"), {"a2"}, {"a1", "a2", "a3", "a4", "a5"}),
])
def test_scope_shows_and_counts(scope: Scope, shown: set[str], counted: set[str]) -> None:
    keep, count = scope.shown(), scope.counted()
    assert {a.id for a in FLOOR if keep is None or keep(a)} == shown
    assert {a.id for a in FLOOR if count is None or count(a)} == counted


def test_a_filtered_desk_still_counts_the_whole_of_its_part() -> None:
    m = BoardModel(BoardSettings(scope=Scope(teams=("A", "B"))))
    m.take(view(FLOOR, [queue("sales"), queue("billing"), queue("tech")],
                [call("c1", "sales"), call("c2", "tech", state="ringing")]))
    m.set_filters(team="A")
    assert m.listed() == ["a2", "a3"]
    f = m.figures_at(T0)
    assert f is not None and f.total.logged_in == 4 and f.total.waiting == 2  # a5 has no team: not in the part


def test_a_moving_order_is_taken_again_at_most_once_a_second_and_caught_up() -> None:
    m = BoardModel(BoardSettings(sort="state"))
    m.take(view(FLOOR))
    assert m.listed(mono_now=10.0)[0] == "a2"
    assert not m.reorder_due(frozenset(), 10.2)
    # a2 comes off hold: it moves, but not before a second has passed since the last order
    m.take(view([*FLOOR[:1], agent("a2", "available", T0, name="加藤", team="A"), *FLOOR[2:]], changed={"a2"},
                layout=False))
    assert not m.reorder_due(frozenset({"a2"}), 10.5)
    assert m.reorder_due(frozenset(), 10.0 + MOVING_RESORT_S)  # the tick catches it up
    assert m.listed(11.0)[0] == "a1"
    assert not m.reorder_due(frozenset(), 12.0)


def test_a_still_order_moves_only_for_what_changes_a_place() -> None:
    m = BoardModel(BoardSettings(sort="name"))
    m.take(view(FLOOR))
    m.listed(0.0)
    busy = agent("a3", "on_call", T0, name="Abe", team="A", queues=("billing",))
    m.take(view([*FLOOR[:2], busy, *FLOOR[3:]], changed={"a3"}, layout=False))
    assert not m.reorder_due(frozenset({"a3"}), 0.1)  # a state change: same place by name
    renamed = agent("a3", "on_call", T0, name="Zeta", team="A", queues=("billing",))
    m.take(view([*FLOOR[:2], renamed, *FLOOR[3:]], changed={"a3"}, layout=False))
    assert m.reorder_due(frozenset({"a3"}), 0.2)  # a rename moves it, at once (a still order is not throttled)
    m.set_filters(state="on_call")
    assert m.listed() == ["a4", "a3", "a1"]  # Ueda, Zeta, さとう


def test_an_agent_entering_or_leaving_the_shown_set_is_shown_at_once_even_in_a_moving_order() -> None:
    m = BoardModel(BoardSettings(sort="state"))
    m.take(view(FLOOR))
    m.set_filters(state="available")
    assert m.listed(mono_now=10.0) == ["a3"]
    freed = agent("a4", "available", T0, name="Ueda", team="B", queues=("tech",))
    m.take(view([*FLOOR[:3], freed, FLOOR[4]], changed={"a4"}, layout=False))
    assert m.reorder_due(frozenset({"a4"}), 10.1)  # not held back: the count "2 of 5 shown" must be true now
    assert m.listed(10.1) == ["a3", "a4"]  # both available: the longer in it first
