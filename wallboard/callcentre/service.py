"""Drive the call-centre engine against the wall clock and serve it as a feed.

``speed`` is simulated seconds per real second (1 = real time). The server's clock is
the simulation's clock, so every ``since`` and ``ts`` agree.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from ..core.history import QueueRules
from ..core.model import Agent
from ..core.outbound import DEFAULT_RULES, OutboundRules, Outcome
from ..feed.historystore import HistoryStore
from ..feed.monitoring import MODES, MonitorDesk
from ..feed.outbound import OutboundDesk
from ..feed.recorder import HistoryRecorder
from ..feed.reports import ReportDesk
from ..feed.server import FeedServer
from .dialler import Dialler
from .engine import CallCentre
from .monitoring import SimulatedPhone


class CallCentreService:
    def __init__(self, engine: CallCentre, server_factory: Callable[[Callable[[], int]], FeedServer],
                 speed: float = 1.0, tick_s: float = 0.05, wall: Callable[[], float] = time.monotonic,
                 monitoring: bool = True, dial_s: float = 1.0, history: str | None = None,
                 diallers: tuple[Dialler, ...] = (), outbound: OutboundRules = DEFAULT_RULES) -> None:
        """``diallers``: outbound campaigns beside the inbound floor; their results are counted on the
        server's outbound desk (with the history store, if any), as a bridge counts its PBX's."""
        self.engine = engine
        self.speed = speed
        self.tick_s = tick_s
        self._wall = wall
        self._t0 = wall()
        self._sim0 = engine.now
        self.server = server_factory(self.sim_now)
        self.desk: MonitorDesk | None = None
        if monitoring:
            self.phone = phone = SimulatedPhone(dial_s=dial_s)
            self.desk = phone.desk = MonitorDesk(self.server, phone)
            self.server.set_monitoring(MODES, audio=True)
            self.server.on_command = self.desk.handle
            self.server.on_disconnect = self.desk.on_disconnect
            self.server.on_audio = self.desk.microphone
        self.diallers = diallers
        store = HistoryStore(history) if history is not None else None
        if diallers:
            self.server.outbound = OutboundDesk(outbound, engine.day_start, engine.now, store)
        agents, queues, calls = engine.snapshot()
        for d in diallers:
            more_agents, more_calls = d.snapshot()
            agents, calls = [*agents, *more_agents], [*calls, *more_calls]
        self.server.load(agents, queues, calls)
        #: History: what it publishes, into the store (the same store and reports as a bridge's).
        self.recorder: HistoryRecorder | None = None
        self.reports: ReportDesk | None = None
        if history is not None:
            assert store is not None
            self.recorder = HistoryRecorder(store)
            self.recorder.load(agents, calls, engine.now)
            rules = {q.id: QueueRules(q.sl_threshold_s, q.short_abandon_s) for q in queues}
            self.reports = ReportDesk(history, self.sim_now, rules, names=self._name)
            self.server.reports = self.reports.handle

    def _name(self, agent_id: str) -> str:
        a = self.server.agents.get(agent_id)
        return a.name if a is not None else agent_id

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.store.close()
        if self.reports is not None:
            self.reports.close()

    def catch_up(self, until_ms: int, step_ms: int = 5_000) -> None:
        """Run the simulation to ``until_ms`` at once (the demo opens on a floor an hour into its day), in
        steps, so its history and the server's trend have the hour too; then the clock goes on from there."""
        while self.engine.now < until_ms:
            updates, outcomes = self._advance(min(until_ms, self.engine.now + step_ms))
            self._sim0, self._t0 = self.engine.now, self._wall()  # the server's clock is the simulation's
            if self.recorder is not None:
                self.recorder.observe(updates, self.engine.now)
            self.server.publish(updates)
            for o in outcomes:
                self.server.outcome(o, "dialler")
        self._sim0, self._t0 = self.engine.now, self._wall()

    def _advance(self, until: int) -> tuple[list[Any], list[Outcome]]:
        updates: list[Any] = list(self.engine.advance(until))
        outcomes: list[Outcome] = []
        for d in self.diallers:
            more, results = d.advance(until)
            updates += more
            outcomes += results
        return updates, outcomes

    def sim_now(self) -> int:
        return self._sim0 + round((self._wall() - self._t0) * self.speed * 1000)

    def step(self) -> int:
        """Advance to now and publish; returns the number of updates sent."""
        updates, outcomes = self._advance(self.sim_now())
        if self.recorder is not None:
            self.recorder.observe(updates, self.engine.now)
        desk = self.desk
        if desk is None:
            sent = self.server.publish(updates)
        else:
            sent = self.server.publish([desk.mark(u) if isinstance(u, Agent) else u for u in updates])
            desk.after_publish()
        for o in outcomes:
            self.server.outcome(o, "dialler")
        return sent

    async def run(self) -> None:
        while True:
            self.step()
            await asyncio.sleep(self.tick_s)
