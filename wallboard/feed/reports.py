"""Reports over the feed's own authenticated connection: ``command`` ``report.intervals`` /
``report.agents`` / ``report.outcomes`` answered from the history store (protocol doc §7.2).

Who may ask is the server's to say (``caps.reports`` in each board's welcome): supervisors, or every board
(``reports_for = "all"``: a manager's read-only desk). A report is read on a worker thread from its own
connection to the store (WAL lets it read while the bridge writes), one at a time, and is refused, typed,
if its arguments are wrong or its answer would be too large for a frame.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..core.history import (
    AgentDay,
    QueueRules,
    add_intervals,
    agent_days,
    agent_rows,
    agent_timeline,
    figures,
    merged,
)
from ..core.protocol import Command, CommandResult, ErrorInfo
from .historystore import HistoryStore

log = logging.getLogger(__name__)

ACTIONS = ("report.intervals", "report.agents", "report.outcomes", "report.agent_day")
STEPS_MIN = (15, 30, 60)
MAX_SPAN_MS = 92 * 86_400_000  # a quarter
MAX_ROWS = 20_000


class ReportDesk:
    def __init__(self, path: str, clock: Callable[[], int], rules: Mapping[str, QueueRules] | None = None,
                 names: Callable[[str], str] | None = None) -> None:
        self.store = HistoryStore(path)
        self.clock = clock
        self.rules = dict(rules or {})
        self.names = names or (lambda agent: agent)  # agent id in history → the name the board shows
        self._lock = threading.Lock()

    def close(self) -> None:
        self.store.close()

    async def handle(self, cmd: Command) -> CommandResult:
        now = self.clock()
        args = cmd.args
        if cmd.action not in ACTIONS:
            return self._error(cmd, now, "not_supported", f"reports here: {', '.join(ACTIONS)}")
        start, end = args.get("start"), args.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            return self._error(cmd, now, "bad_request", "start and end: epoch ms, start before end")
        if end - start > MAX_SPAN_MS:
            return self._error(cmd, now, "too_large", "at most 92 days at a time")
        queues = args.get("queues")
        if queues is not None and not (isinstance(queues, list) and all(isinstance(q, str) for q in queues)):
            return self._error(cmd, now, "bad_request", "queues: a list of queue ids")
        agents = args.get("agents")
        if cmd.action == "report.agent_day" and not (isinstance(agents, list) and 0 < len(agents) <= 4
                                                     and all(isinstance(a, str) for a in agents)):
            return self._error(cmd, now, "bad_request", "agents: the agent's id (and its name), as a list")
        step = args.get("step_min", 30)
        if cmd.action == "report.intervals" and step not in STEPS_MIN:
            return self._error(cmd, now, "bad_request", "step_min: 15, 30 or 60")
        try:
            if cmd.action == "report.agent_day":
                day = await asyncio.to_thread(self._agent_day, list(agents or []), start, end, now)
                return CommandResult(req_id=cmd.req_id, ts=now, ok=True, result=day)
            rows = await asyncio.to_thread(self._rows, cmd.action, start, end, queues, step, now)
        except Exception:
            log.exception("report %s failed", cmd.action)
            return self._error(cmd, now, "backend_error", "the history store could not be read")
        if len(rows) > MAX_ROWS:
            return self._error(cmd, now, "too_large", f"{len(rows)} rows: narrow the range or the queues")
        return CommandResult(req_id=cmd.req_id, ts=now, ok=True, result={"rows": rows, "start": start, "end": end})

    def _rows(self, action: str, start: int, end: int, queues: list[str] | None, step: int,
              now: int) -> list[dict[str, Any]]:
        """The sums by SQLite (the same definitions as ``core.history``'s, which a test holds them to)."""
        with self._lock:
            if action == "report.intervals":
                sums = self.store.counters(start, end, self.rules, step * 60_000, queues)
                return [{"queue": q, "start": at, "end": at + step * 60_000, **figures(c), "longest_wait_s": longest / 1000}
                        for (q, at), (c, longest) in sorted(sums.items())]
            if action == "report.outcomes":
                return [{"queue": q, **n} for q, n in self.store.outcome_counts(start, end, queues).items()]
            days = {a: AgentDay(a, answered=n, transferred=t, talk_ms=talk, hold_ms=hold, wrapup_ms=wrap)
                    for a, (n, t, talk, hold, wrap) in self.store.agent_sums(start, end, queues).items()}
            add_intervals(days, self.store.intervals(start, end), start, end, now)
            return [{**row, "name": self.names(str(row["agent"]))} for row in agent_rows(days)]

    def _agent_day(self, keys: list[str], start: int, end: int, now: int) -> dict[str, Any]:
        """One agent's day for the desk's side panel: its figures and its timeline. ``keys``: the ids it may
        go by in the history (a feed id, a queue_log member name)."""
        with self._lock:
            calls = [c for c in self.store.calls(start, end) if c.agent in keys]
            intervals = [iv for iv in self.store.intervals(start, end) if iv.agent in keys]
        days = list(agent_days(calls, intervals, start, end, now).values())
        figures: dict[str, Any] | None = None
        if days:  # the same agent under two keys (queue_log's member name, the feed's id): one day
            whole = days[0]
            for d in days[1:]:
                whole = merged(whole, d)
            figures = agent_rows({whole.agent: whole})[0]
        return {"figures": figures, "timeline": [list(s) for s in agent_timeline(calls, intervals, start, end, now)],
                "start": start, "end": end}

    @staticmethod
    def _error(cmd: Command, now: int, code: str, message: str) -> CommandResult:
        return CommandResult(req_id=cmd.req_id, ts=now, ok=False, error=ErrorInfo(code=code, message=message))
