"""Today from Asterisk's queue_log: the file followed (:class:`~wallboard.feed.tail.FileTail`), every line
stored once (:class:`~wallboard.feed.historystore.HistoryStore`), the day's calls and intervals built
(:class:`~wallboard.asterisk.queuelog.QueueLogDay`) and its queue counters handed to the floor.

A restarted bridge rebuilds the day from the lines it stored (not by reading the file again), then goes on
from where the file was left — rotated meanwhile or not: nothing lost, nothing counted twice. The day starts
at the centre's local midnight (or the configured reset time); a call counts in the day it entered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from ..core.history import QueueRules, queue_counters
from ..core.metrics import QueueCounters
from ..core.pbxfloor import DAY_MS
from ..feed.historystore import HistoryStore
from ..feed.tail import FileTail
from .queuelog import BadLine, QueueLogDay, parse

log = logging.getLogger(__name__)
SOURCE = "queue_log"
#: Lines folded per poll at most (a long file met for the first time is caught up over a few ticks).
MAX_POLL_READS = 16


class QueueLogHistory:
    def __init__(self, store: HistoryStore, path: str | Path, day_start: int, *,
                 wrapup_s: Mapping[str, int] | None = None, rules: Mapping[str, QueueRules] | None = None) -> None:
        self.store = store
        self.wrapup_s = dict(wrapup_s or {})
        self.rules = dict(rules or {})
        self.day = self._rebuilt(day_start)
        self.tail = FileTail(path, store.position(SOURCE))
        self.bad_lines = 0

    @property
    def day_start(self) -> int:
        return self.day.start

    def _rebuilt(self, start: int) -> QueueLogDay:
        day = QueueLogDay(start, self.wrapup_s)
        for line in self.store.lines_since(SOURCE, start - DAY_MS):  # a call that entered just before is seen
            day.apply_text(line)                                       # complete, but counts only from `start`
        if day.lines:
            log.info("queue_log: today rebuilt from %d stored lines (%d calls)", day.lines, len(day.calls))
        return day

    def counters(self) -> dict[str, QueueCounters]:
        """Today's: the calls that entered since the day began."""
        return queue_counters(self.day.calls.values(), self.rules, start=self.day.start)

    def poll(self, day_start: int) -> dict[str, QueueCounters] | None:
        """New lines folded in and stored; today's counters if anything changed (a new day counts as a change)."""
        changed = False
        if day_start != self.day.start:
            self.day = self._rebuilt(day_start)
            changed = True
        for _ in range(MAX_POLL_READS):
            lines = self.tail.read()
            if not lines:
                break
            stamped, records = [], []
            for line in lines:
                try:
                    ts = parse(line).ts
                except BadLine:
                    ts, self.bad_lines = 0, self.bad_lines + 1
                stamped.append((ts, line))
                records += self.day.apply_text(line)
            self.store.ingest(SOURCE, stamped, self.tail.inode, self.tail.offset, records)
            changed = True
        return self.counters() if changed else None

    def close(self) -> None:
        self.tail.close()
