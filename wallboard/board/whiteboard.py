"""The outbound whiteboard (発信ボード): today's ranking, per agent and per team, with goals and the latest results.

From the server's tallies (:class:`~wallboard.core.view.OutboundView`) and the floor's agents (names,
teams). Rules:

1. The ranking is by positives, then amount, then conversion; agents equal on all three share a place
   (1, 2, 2, 4) and are listed by name.
2. An agent's goal is the server's (its own, else the default); a team's is the server's for that team,
   else the sum of its members' goals. A profile's goals (``whiteboard.goal``) stand in where the server
   gives none.
3. Teams are the agents' teams as the floor says them; an agent with a tally but no longer on the floor
   keeps its row (its results stay the day's) under its id.

Pure: the window paints what this says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..core.model import Agent
from ..core.outbound import DEFAULT_RULES, Figures, Outcome, figures
from ..core.view import OutboundView


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # the agent's id, or the team's name
    name: str
    team: str
    place: int
    figures: Figures

    @property
    def sort_key(self) -> tuple[int, float, float]:
        f = self.figures
        return (-f.positives, -f.amount, -(f.conversion or 0.0))


@dataclass(frozen=True, slots=True)
class Result:
    """One positive for the ticker: ``name`` ``kind`` +1 ``amount``."""

    id: str
    name: str
    kind: str
    amount: float | None
    at: int


@dataclass(frozen=True, slots=True)
class Board:
    agents: tuple[Row, ...]
    teams: tuple[Row, ...]
    total: Figures
    recent: tuple[Result, ...]  # newest last

    @property
    def empty(self) -> bool:
        return not self.agents


def _places(rows: list[Row]) -> tuple[Row, ...]:
    rows.sort(key=lambda r: (r.sort_key, r.name))
    out, last, place = [], None, 0
    for i, r in enumerate(rows):
        if r.sort_key != last:
            place, last = i + 1, r.sort_key
        out.append(Row(r.key, r.name, r.team, place, r.figures))
    return tuple(out)


def whiteboard(view: OutboundView | None, agents: Mapping[str, Agent], now: int, default_goal: int = 0) -> Board:
    if view is None:
        return Board((), (), figures((), DEFAULT_RULES, now), ())
    rules, goals = view.rules, view.rules.goals
    rows: list[Row] = []
    by_team: dict[str, list[str]] = {}
    for aid, t in view.tallies.items():
        a = agents.get(aid)
        team = a.team if a is not None else ""
        goal = goals.of_agent(aid) or default_goal
        rows.append(Row(aid, a.name if a is not None else aid, team, 0, figures([t], rules, now, goal)))
        by_team.setdefault(team, []).append(aid)
    teams = []
    for team, members in by_team.items():
        goal = goals.teams.get(team) or sum(goals.of_agent(m) or default_goal for m in members)
        teams.append(Row(team, team, team, 0, figures([view.tallies[m] for m in members], rules, now, goal)))
    recent = tuple(Result(o.id, _name(o, agents), o.kind, o.amount, o.at) for o in view.recent)
    total = figures(view.tallies.values(), rules, now, sum(r.figures.goal for r in rows))
    return Board(_places(rows), _places(teams), total, recent)


def _name(o: Outcome, agents: Mapping[str, Agent]) -> str:
    a = agents.get(o.agent)
    return a.name if a is not None else o.agent

