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
