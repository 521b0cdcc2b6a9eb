"""Which part of the floor this board shows: the profile's part, narrowed by the desk's filters.

Rules:

1. The profile fixes the board's part of the floor (``teams``, ``queues``): agents outside it are
   neither shown nor counted, and queues outside it have no card, no figures.
2. The profile's ``states`` and a desk's filters (team, queue, state) narrow what the *tiles* show,
   never the figures: the queue cards and the key figures stay the whole of the board's part, so a
   filtered desk does not report a floor half as busy as it is.
3. An agent belongs to a queue when it is skilled in it (``agent.queues``); a call belongs to its
   queue. A profile without ``queues`` takes every queue the feed has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from ..core.model import Agent, Call, Queue


@dataclass(frozen=True, slots=True)
class Scope:
    """The profile's part of the floor and the desk's filters on top of it ("" / (): all)."""

    teams: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    team: str = ""  # desk filter
    queue: str = ""  # desk filter
    state: str = ""  # desk filter

    @property
    def whole_floor(self) -> bool:
        """No profile part: the figures are the feed's whole floor."""
        return not (self.teams or self.queues)

    @property
    def filtered(self) -> bool:
        """Whether the tiles show less than the board's part."""
        return bool(self.team or self.queue or self.state or self.states)

    def filtering(self, team: str = "", queue: str = "", state: str = "") -> Scope:
        return replace(self, team=team, queue=queue, state=state)

    def counted(self) -> Callable[[Agent], bool] | None:
        """Agents the figures count (rule 1); None: all."""
        if self.whole_floor:
            return None
        teams, queues = frozenset(self.teams), frozenset(self.queues)
        return lambda a: (not teams or a.team in teams) and (not queues or not queues.isdisjoint(a.queues))

    def shown(self) -> Callable[[Agent], bool] | None:
        """Agents the tiles show (rules 1 and 2); None: all."""
        counted = self.counted()
        if not self.filtered:
            return counted
        team, queue, state, states = self.team, self.queue, self.state, frozenset(self.states)
        return lambda a: ((counted is None or counted(a)) and (not team or a.team == team)
                          and (not queue or queue in a.queues) and (not state or a.state == state)
                          and (not states or a.state in states))

    def queues_of(self, queues: Mapping[str, Queue]) -> Mapping[str, Queue]:
        """The board's queues, in the feed's order (rule 3)."""
        if not self.queues:
            return queues
        wanted = frozenset(self.queues)
        return {k: q for k, q in queues.items() if k in wanted}

    def calls_of(self, calls: Iterable[Call], queues: Mapping[str, Queue]) -> Iterable[Call]:
        return calls if not self.queues else [c for c in calls if c.queue in queues]
