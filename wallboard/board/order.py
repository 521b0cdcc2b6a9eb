"""The tiles' order, and the team sections a team order shows as headers.

Orders a supervisor picks from:

- ``state`` (the default): the states that need an eye first — on hold, on a call, ringing,
  wrap-up, busy, paused, available, logged out — and within each the longest in it first, so
  the 20-minute call tops the talkers.
- ``time``: longest in any state first (logged-out agents last).
- ``team``: by team, then name; each team under a header with its own counts.
- ``name``: by name (its reading, when the feed gives one).

A state-based order moves with every change; the board re-sorts it at most once a second
(:data:`MOVING_RESORT_S`), and never under the supervisor's pointer (the tiles hold still).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..core.model import Agent, AgentState
from ..core.profile import SORTS as SORT_NAMES
from .names import reading

_STATE_RANK = {st.value: i for i, st in enumerate((
    AgentState.ON_HOLD, AgentState.ON_CALL, AgentState.RINGING, AgentState.WRAPUP, AgentState.BUSY_OTHER,
    AgentState.PAUSED, AgentState.AVAILABLE, AgentState.LOGGED_OUT))}

SORTS: dict[str, Callable[[Agent], tuple[object, ...]]] = {
    "state": lambda a: (_STATE_RANK.get(a.state, 99), a.since, reading(a.name, a.name_kana), a.id),
    "time": lambda a: (a.state == AgentState.LOGGED_OUT.value, a.since, reading(a.name, a.name_kana), a.id),
    "team": lambda a: (reading(a.team), reading(a.name, a.name_kana), a.id),
    "name": lambda a: (reading(a.name, a.name_kana), a.id),
}
#: Orders that move when an agent changes state.
MOVING_SORTS = frozenset({"state", "time"})
#: A moving order is re-sorted at most this often (s): tiles that jump on every event cannot be read.
MOVING_RESORT_S = 1.0
assert set(SORTS) == set(SORT_NAMES), "the profile's sorts and the board's drifted"


@dataclass(frozen=True, slots=True)
class Section:
    """A team's run of tiles under its header (team order only)."""

    team: str  # "" for agents without a team
    start: int  # index of its first agent in the order
    count: int
    by_state: Mapping[AgentState, int]


class Keys:
    """Each agent's sort key, made once per agent object: a name's reading is slow to make, and a moving
    order re-sorted 2,000 agents a second, most of them unchanged (12 ms a sort, measured)."""

    def __init__(self, sort: str) -> None:
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        self.sort = sort
        self._make = SORTS[sort]
        self._made: dict[str, tuple[Agent, tuple[object, ...]]] = {}

    def __call__(self, a: Agent) -> tuple[object, ...]:
        hit = self._made.get(a.id)
        if hit is not None and hit[0] is a:
            return hit[1]
        key = self._make(a)
        self._made[a.id] = (a, key)
        return key

    def forget_others(self, agents: Mapping[str, Agent]) -> None:
        """Drop the keys of agents no longer on the floor (once they are many)."""
        if len(self._made) > 2 * len(agents) + 100:
            self._made = {k: v for k, v in self._made.items() if k in agents}


def order(agents: Mapping[str, Agent], keep: Callable[[Agent], bool] | None, sort: str,
          keys: Keys | None = None) -> list[str]:
    """The ids of the agents shown, in ``sort`` order (``keys``: a cache of their sort keys)."""
    key = keys if keys is not None and keys.sort == sort else Keys(sort)
    listed = [aid for aid, a in agents.items() if keep is None or keep(a)]
    listed.sort(key=lambda i: key(agents[i]))
    return listed


def sections(listed: list[str], agents: Mapping[str, Agent]) -> list[Section]:
    """Team runs of a team-ordered list, with each team's counts by state."""
    out: list[Section] = []
    start, team = 0, None
    counts: dict[AgentState, int] = {}
    for i, aid in enumerate(listed):
        a = agents[aid]
        if a.team != team:
            if team is not None:
                out.append(Section(team, start, i - start, counts))
            start, team, counts = i, a.team, {}
        st = a.status
        counts[st] = counts.get(st, 0) + 1
    if team is not None:
        out.append(Section(team, start, len(listed) - start, counts))
    return out
