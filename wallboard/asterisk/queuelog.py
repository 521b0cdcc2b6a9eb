"""Asterisk's queue_log as history: ``epoch|callid|queue|agent|EVENT|data1|data2|…`` lines in, calls and
agent intervals out (:mod:`wallboard.core.history`). No I/O, no clock.

Why queue_log and not AMI: Asterisk writes it itself, so it holds what happened while the bridge was down,
every terminal outcome is in it, and it is what reporters (QueueMetrics…) read. AMI stays the live feed.
Fields per event (from the ``ast_queue_log()`` calls of apps/app_queue.c;
shared/reference/history-and-outbound.md):

| event | data |
|---|---|
| ENTERQUEUE | url, callerid, position |
| CONNECT | holdtime s, bridged uniqueid, ringtime s |
| COMPLETECALLER / COMPLETEAGENT | holdtime s, calltime s, origposition |
| BLINDTRANSFER | exten, context, holdtime, calltime, origposition |
| ATTENDEDTRANSFER | method and target (one or two fields), holdtime, calltime, origposition |
| ABANDON, EXITWITHTIMEOUT, EXITEMPTY | position, origposition, waittime s |
| EXITWITHKEY | key, position, origposition, waittime s |
| PAUSE / UNPAUSE / PAUSEALL / UNPAUSEALL | reason |
| ADDMEMBER / REMOVEMEMBER | (``PAUSED``) — callid ``REALTIME``, ``MANAGER`` or ``CLI`` |

Times are whole seconds (queue_log's own limit); queue_log has no hold and no wrap-up: wrap-up is the
queue's ``wrapup_s`` (the bridge's config), as on the live board. A line that cannot be read is counted
(:attr:`QueueLogDay.oddities`, by kind) and skipped alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import msgspec

from ..core.history import ABANDONED, ANSWERED, EXITED, TIMEOUT, CallRecord, Interval

#: Events that change nothing the history keeps (known, so not odd).
IGNORED = frozenset({"QUEUESTART", "CONFIGRELOAD", "RINGCANCELED", "AGENTDUMP", "PENALTY", "RINGINUSE",
                     "SYSCOMPAT", "OUTCALL", "INFO", "DID"})
MAX_FIELD = 256


class BadLine(ValueError):
    """A queue_log line that is not ``epoch|callid|queue|agent|EVENT|…``."""


@dataclass(frozen=True, slots=True)
class LogLine:
    ts: int  # epoch ms
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]


def parse(line: str) -> LogLine:
    parts = line.rstrip("\r\n").split("|")
    if len(parts) < 5:
        raise BadLine("fewer than 5 fields")
    epoch, callid, queue, agent, event = parts[:5]
    if not epoch.isdigit() or not 0 < int(epoch) < 2**40:
        raise BadLine("an epoch that is not a number")
    if not event or not event.replace("_", "").isalnum():
        raise BadLine("no event name")
    if any(len(p) > MAX_FIELD for p in parts):
        raise BadLine(f"a field over {MAX_FIELD} characters")
    return LogLine(int(epoch) * 1000, callid, queue, agent, event.upper(), tuple(parts[5:]))


def _seconds(value: str) -> int:
    return int(value) * 1000 if value.isdigit() and len(value) < 9 else 0


class QueueLogDay:
    """The calls and the agents' intervals, built line by line: the day is what happened since ``start``
    (its beginning); a caller who entered before it is followed to its end (its record, yesterday's, is
    completed) but counts in its own day. :meth:`apply` returns the records it changed (for the store)."""

    def __init__(self, start: int, wrapup_s: Mapping[str, int] | None = None) -> None:
        self.start = start
        self.wrapup_s = dict(wrapup_s or {})
        self.calls: dict[tuple[str, str, int], CallRecord] = {}
        self._open: dict[tuple[str, str], tuple[str, str, int]] = {}  # (callid, queue) → the call's key
        self.intervals: dict[tuple[str, str, str, int, str], Interval] = {}
        #: (agent, kind, queue, call id for a talk) → the running interval's key
        self._running: dict[tuple[str, str, str, str], tuple[str, str, str, int, str]] = {}
        self.oddities: Counter[str] = Counter()
        self.lines = 0

    def apply_text(self, line: str) -> list[CallRecord | Interval]:
        """One line of the file; a bad one is counted and changes nothing."""
        if not line.strip():
            return []
        try:
            ln = parse(line)
        except BadLine as err:
            self.oddities[str(err)] += 1
            return []
        return self.apply(ln)

    def apply(self, ln: LogLine) -> list[CallRecord | Interval]:
        self.lines += 1
        handler = _HANDLERS.get(ln.event)
        if handler is None:
            if ln.event not in IGNORED:
                self.oddities[f"event {ln.event[:40]}"] += 1
            return []
        out: list[CallRecord | Interval] = []
        handler(self, ln, out)
        return out

    # -- calls ---------------------------------------------------------------------------------------

    def _call(self, ln: LogLine) -> CallRecord | None:
        key = self._open.get((ln.callid, ln.queue))
        return self.calls.get(key) if key is not None else None

    def _put(self, rec: CallRecord, out: list[CallRecord | Interval]) -> None:
        self.calls[rec.key] = rec
        if rec.ended is not None:
            self._open.pop((rec.id, rec.queue), None)
        out.append(rec)

    def _enter(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        if not ln.callid or not ln.queue:
            return
        if self._call(ln) is not None:
            return  # a repeated line: once
        rec = CallRecord(id=ln.callid, queue=ln.queue, entered=ln.ts)
        self._open[(ln.callid, ln.queue)] = rec.key
        self._put(rec, out)

    def _connect(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        rec = self._call(ln)
        if rec is None or rec.answered is not None:
            return
        hold = _seconds(ln.data[0]) if ln.data else ln.ts - rec.entered
        self._put(msgspec.structs.replace(rec, answered=ln.ts, agent=ln.agent, wait_ms=hold), out)
        self._begin(ln.agent, "talk", ln.queue, ln.ts, ln.callid, out)

    def _complete(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        """COMPLETECALLER / COMPLETEAGENT / BLINDTRANSFER / ATTENDEDTRANSFER: talk over (calltime is the
        second-last field in every one of them), wrap-up begins."""
        rec = self._call(ln)
        if rec is None or rec.answered is None:
            return
        talk = _seconds(ln.data[-2]) if len(ln.data) >= 2 else ln.ts - rec.answered
        wrap = self.wrapup_s.get(ln.queue, 0) * 1000
        transfer = ln.event.endswith("TRANSFER")
        detail = "|".join(ln.data[:-3])[:MAX_FIELD] if transfer else ""
        self._put(msgspec.structs.replace(rec, outcome=ANSWERED, ended=ln.ts, talk_ms=talk, wrapup_ms=wrap,
                                          transferred=transfer, detail=detail), out)
        agent = rec.agent or ln.agent
        self._finish(agent, "talk", ln.queue, ln.callid, ln.ts, out)
        if wrap:
            iv = Interval(agent=agent, kind="wrapup", queue=ln.queue, start=ln.ts, end=ln.ts + wrap, reason=ln.callid)
            self.intervals[iv.key] = iv
            out.append(iv)

    def _unanswered(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        rec = self._call(ln)
        if rec is None or rec.answered is not None:
            return
        outcome, detail = {"ABANDON": (ABANDONED, ""), "EXITWITHTIMEOUT": (TIMEOUT, ""), "EXITEMPTY": (EXITED, "empty"),
                           "EXITWITHKEY": (EXITED, "key " + (ln.data[0] if ln.data else "")),
                           "WITHDRAW": (EXITED, "withdraw")}[ln.event]
        wait_field = ln.data[-1] if ln.event != "WITHDRAW" else (ln.data[2] if len(ln.data) > 2 else "")
        wait = _seconds(wait_field) if wait_field.isdigit() else ln.ts - rec.entered
        self._put(msgspec.structs.replace(rec, outcome=outcome, ended=ln.ts, wait_ms=wait, detail=detail[:MAX_FIELD]),
                  out)

    def _missed(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        """RINGNOANSWER: an offer the agent did not take; the caller waits on (nothing ends)."""

    # -- agents ----------------------------------------------------------------------------------------

    def _begin(self, agent: str, kind: str, queue: str, ts: int, reason: str, out: list[CallRecord | Interval]) -> None:
        running = (agent, kind, queue, reason if kind == "talk" else "")
        if not agent or agent == "NONE" or running in self._running:
            return
        iv = Interval(agent=agent, kind=kind, queue=queue, start=max(ts, self.start), reason=reason)
        self.intervals[iv.key] = iv
        self._running[running] = iv.key
        out.append(iv)

    def _finish(self, agent: str, kind: str, queue: str, call: str, ts: int, out: list[CallRecord | Interval]) -> None:
        key = self._running.pop((agent, kind, queue, call), None)
        if key is None:
            return
        iv = msgspec.structs.replace(self.intervals[key], end=max(ts, self.intervals[key].start))
        self.intervals[key] = iv
        out.append(iv)

    def _pause(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        queue = "" if ln.event.endswith("ALL") or ln.queue in ("NONE", "") else ln.queue
        if ln.event.startswith("PAUSE"):
            self._begin(ln.agent, "pause", queue, ln.ts, (ln.data[0] if ln.data else "")[:MAX_FIELD], out)
        else:
            for (agent, kind, q, _) in list(self._running):
                if agent == ln.agent and kind == "pause" and (q == queue or not queue):
                    self._finish(agent, kind, q, "", ln.ts, out)

    def _member(self, ln: LogLine, out: list[CallRecord | Interval]) -> None:
        queue = "" if ln.queue in ("NONE", "") else ln.queue
        if ln.event in ("ADDMEMBER", "AGENTLOGIN"):
            self._begin(ln.agent, "login", queue, ln.ts, "", out)
            if ln.data and ln.data[0] == "PAUSED":
                self._begin(ln.agent, "pause", queue, ln.ts, "", out)
        else:
            self._finish(ln.agent, "login", queue, "", ln.ts, out)
            self._finish(ln.agent, "pause", queue, "", ln.ts, out)


_HANDLERS = {
    "ENTERQUEUE": QueueLogDay._enter,
    "CONNECT": QueueLogDay._connect,
    "COMPLETECALLER": QueueLogDay._complete,
    "COMPLETEAGENT": QueueLogDay._complete,
    "BLINDTRANSFER": QueueLogDay._complete,
    "ATTENDEDTRANSFER": QueueLogDay._complete,
    "ABANDON": QueueLogDay._unanswered,
    "EXITWITHTIMEOUT": QueueLogDay._unanswered,
    "EXITEMPTY": QueueLogDay._unanswered,
    "EXITWITHKEY": QueueLogDay._unanswered,
    "WITHDRAW": QueueLogDay._unanswered,
    "PAUSE": QueueLogDay._pause,
    "UNPAUSE": QueueLogDay._pause,
    "PAUSEALL": QueueLogDay._pause,
    "UNPAUSEALL": QueueLogDay._pause,
    "ADDMEMBER": QueueLogDay._member,
    "REMOVEMEMBER": QueueLogDay._member,
    "AGENTLOGIN": QueueLogDay._member,
    "AGENTLOGOFF": QueueLogDay._member,
    "RINGNOANSWER": QueueLogDay._missed,
}
