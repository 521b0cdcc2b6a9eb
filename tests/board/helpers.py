"""Views built by hand, as the feed thread would publish them, for the board model's tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wallboard.core.model import Agent, Call, Queue
from wallboard.core.protocol import Caps, MonitorUpdate, Source
from wallboard.core.reducer import Changes
from wallboard.core.view import FloorView, LinkState, LinkStatus


def view(agents: Iterable[Agent] = (), queues: Iterable[Queue] = (), calls: Iterable[Call] = (),
         link: LinkStatus | None = None, synced: bool = True, last_frame: float = 99.0, heartbeat: float = 2.0,
         source: Source | None = None, changed: Iterable[str] = (), layout: bool = True,
         sessions: Iterable[MonitorUpdate] = (), caps: Caps | None = None, **kw: Any) -> FloorView:
    a = {x.id: x for x in agents}
    return FloorView(a, {q.id: q for q in queues}, {c.id: c for c in calls},
                     Changes(frozenset(changed) or frozenset(a), frozenset(), layout),
                     link or LinkStatus(LinkState.LIVE), synced, 0, last_frame, heartbeat, caps or Caps(),
                     source=source, sessions={s.session_id: s for s in sessions}, **kw)


def apply(updates: Iterable[Agent | Queue | Call], agents: dict[str, Agent], queues: dict[str, Queue],
          calls: dict[str, Call]) -> set[str]:
    """A simulated floor's updates into its tables, as the reducer applies them; the agents they changed
    (a call's agent with it), as a view's changes name them."""
    changed: set[str] = set()
    for u in updates:
        if isinstance(u, Agent):
            agents[u.id] = u
            changed.add(u.id)
        elif isinstance(u, Queue):
            queues[u.id] = u
        else:
            calls.pop(u.id, None) if u.state == "ended" else calls.__setitem__(u.id, u)
            if u.agent_id:
                changed.add(u.agent_id)
    return changed
