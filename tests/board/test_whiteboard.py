"""The whiteboard's ranking, teams and goals, from tallies whose answers are known."""

from __future__ import annotations

from types import MappingProxyType

from wallboard.board.whiteboard import whiteboard
from wallboard.core.model import Agent
from wallboard.core.outbound import DEFAULT_RULES, Goals, OutboundRules, Outcome, Tally
from wallboard.core.view import OutboundView

DAY = 1_796_137_200_000
NOW = DAY + 12 * 3_600_000


def agent(aid: str, name: str, team: str) -> Agent:
    return Agent(id=aid, name=name, state="available", since=DAY, team=team)


AGENTS = {a.id: a for a in (agent("a1", "田中", "東京"), agent("a2", "佐藤", "東京"), agent("a3", "鈴木", "大阪"),
                            agent("a4", "高橋", "大阪"))}


def view(rules: OutboundRules = DEFAULT_RULES, **tallies: Tally) -> OutboundView:
    recent = (Outcome(id="o1", agent="a2", kind="sale", at=NOW - 60_000, amount=38_000),
              Outcome(id="o2", agent="gone", kind="appointment", at=NOW))
    return OutboundView(rules, MappingProxyType(tallies), recent, 1)


def t(aid: str, sales: int = 0, appts: int = 0, refused: int = 0, amount: float = 0, dials: int = 10) -> Tally:
    kinds = {k: n for k, n in (("sale", sales), ("appointment", appts), ("refused", refused)) if n}
    return Tally(agent=aid, day_start=DAY, dials=dials, connects=dials // 2, kinds=kinds, amount=amount,
                 login_ms=3 * 3_600_000)


def test_places_follow_results_then_amount_then_conversion_and_ties_share_a_place() -> None:
    b = whiteboard(view(a1=t("a1", sales=1, amount=10_000), a2=t("a2", sales=1, amount=38_000),
                        a3=t("a3", appts=1, amount=10_000), a4=t("a4", sales=3, refused=2)), AGENTS, NOW)
    assert [(r.place, r.name) for r in b.agents] == [(1, "高橋"), (2, "佐藤"), (3, "田中"), (3, "鈴木")]
    assert b.agents[0].figures.positives == 3 and b.agents[0].figures.conversion == 3 / 5
    assert b.agents[0].figures.per_hour == 1.0  # 3 results in 3 logged-in hours


def test_goals_come_from_the_server_else_the_default_and_teams_sum_their_members() -> None:
    rules = OutboundRules(kinds=DEFAULT_RULES.kinds, goals=Goals(agent=2, agents={"a4": 5}, teams={"大阪": 9}))
    b = whiteboard(view(rules, a1=t("a1", sales=2), a2=t("a2"), a3=t("a3", sales=1), a4=t("a4", sales=4)), AGENTS, NOW)
    goals = {r.key: r.figures.goal for r in b.agents}
    assert goals == {"a1": 2, "a2": 2, "a3": 2, "a4": 5}
    teams = {r.name: (r.place, r.figures.positives, r.figures.goal) for r in b.teams}
    assert teams == {"大阪": (1, 5, 9), "東京": (2, 2, 4)}  # 東京: no team goal, the members' 2 + 2
    assert b.total.positives == 7 and b.total.goal == 11
    assert next(r for r in b.agents if r.key == "a1").figures.goal_share == 1.0
    # a profile's goal stands in where the server gives none
    plain = whiteboard(view(a1=t("a1")), AGENTS, NOW, default_goal=0)
    assert plain.agents[0].figures.goal == DEFAULT_RULES.goals.agent


def test_an_agent_gone_from_the_floor_keeps_its_results_and_the_ticker_names_people() -> None:
    b = whiteboard(view(gone=t("gone", appts=1), a1=t("a1")), AGENTS, NOW)
    assert [r.name for r in b.agents] == ["gone", "田中"] and b.agents[0].team == ""
    assert [(r.name, r.kind, r.amount) for r in b.recent] == [("佐藤", "sale", 38_000), ("gone", "appointment", None)]


def test_no_outbound_view_is_an_empty_board() -> None:
    b = whiteboard(None, AGENTS, NOW)
    assert b.empty and not b.teams and b.total.dials == 0
