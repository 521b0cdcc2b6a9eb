"""A day's history, whatever wrote it: every call as it ended (or is still going), every agent interval.

What a board's "today" and a manager's report are computed from (``resources/docs/metrics.md``):

- A **call** is one caller's stay in one queue, keyed by (call id, queue, entered): offered when it entered,
  then ``answered`` (connected to ``agent``, waited ``wait_ms``; talk and wrap-up once over) or ended
  unanswered as ``abandoned`` (the caller hung up), ``timeout`` (the queue's limit), ``exited`` (a key,
  or the queue emptied). A transferred call is answered, ``transferred`` set. Calls count in the day (the
  interval) they **entered** — a caller who waited over midnight is yesterday's.
- An **interval** is a span of one agent's day: ``login`` (in at least one queue), ``pause`` (with its
  reason), ``talk`` (on a queue call), ``wrapup``. Available time is login less the rest.

Pure: no clock, no I/O; every time is epoch ms passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import msgspec

from .metrics import QueueCounters

ANSWERED, ABANDONED, TIMEOUT, EXITED = "answered", "abandoned", "timeout", "exited"
OUTCOMES = (ANSWERED, ABANDONED, TIMEOUT, EXITED)
INTERVAL_KINDS = ("login", "pause", "talk", "wrapup")


class CallRecord(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: str
    queue: str
    entered: int
    outcome: str = ""  # "" while it is still waiting or talking
    agent: str = ""
    answered: int | None = None
    ended: int | None = None
    wait_ms: int = 0  # until answered, or until it ended unanswered
    talk_ms: int = 0
    hold_ms: int = 0
    wrapup_ms: int = 0
    transferred: bool = False
    detail: str = ""  # the exit key, the transfer's target

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.id, self.queue, self.entered)


class Interval(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    agent: str
    kind: str  # one of INTERVAL_KINDS
    start: int
    end: int | None = None  # None: still going
    queue: str = ""
    reason: str = ""  # a pause's reason; a talk's or wrap-up's call id

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.agent, self.kind, self.queue, self.start, self.reason)


@dataclass(frozen=True, slots=True)
class QueueRules:
    """What the counters need that history does not say."""

    sl_threshold_s: int = 20
    short_abandon_s: int = 0


def queue_counters(calls: Iterable[CallRecord], rules: Mapping[str, QueueRules] | None = None,
                   start: int = 0, end: int = 2**62) -> dict[str, QueueCounters]:
    """Each queue's counters for the calls that entered in [start, end), as the feed's ``Queue`` carries them:
    a call in talk or wrap-up is answered but not yet handled (its ``outcome`` is set when both are over);
    handled = talk + hold + wrap-up."""
    rules = rules or {}
    out: dict[str, QueueCounters] = {}
    for c in calls:
        if not start <= c.entered < end:
            continue
        r = rules.get(c.queue, QueueRules())
        q = out.setdefault(c.queue, QueueCounters())
        q.offered += 1
        if c.answered is not None or c.outcome:
            q.waited(c.wait_ms)
        if c.outcome == ANSWERED or c.answered is not None:
            q.answered += 1
            q.wait_answered_ms += c.wait_ms
            q.answered_in_sl += c.wait_ms <= r.sl_threshold_s * 1000
            if c.outcome == ANSWERED:  # talk and wrap-up both over
                q.handled += 1
                q.handle_ms += c.talk_ms + c.hold_ms + c.wrapup_ms
        elif c.outcome == ABANDONED:
            q.abandoned += 1
            q.abandoned_short += c.wait_ms <= r.short_abandon_s * 1000
            q.abandoned_in_sl += c.wait_ms <= r.sl_threshold_s * 1000
    return out


@dataclass(slots=True)
class AgentDay:
    """One agent's figures over a span (VICIdial's "agent time detail", BIZTEL's agent report)."""

    agent: str
    answered: int = 0  # 応答数
    transferred: int = 0
    talk_ms: int = 0
    hold_ms: int = 0
    wrapup_ms: int = 0
    login_ms: int = 0
    pause_ms: dict[str, int] = field(default_factory=dict)  # by reason ("" = none given)

    @property
    def paused_ms(self) -> int:
        return sum(self.pause_ms.values())

    @property
    def available_ms(self) -> int:
        """Logged in, not paused, not handling a call."""
        return max(0, self.login_ms - self.paused_ms - self.talk_ms - self.hold_ms - self.wrapup_ms)

    @property
    def occupancy(self) -> float | None:
        """稼働率 = handling ÷ (handling + available): the share of ready time spent on calls."""
        busy = self.talk_ms + self.hold_ms + self.wrapup_ms
        return None if busy + self.available_ms == 0 else busy / (busy + self.available_ms)

    @property
    def calls_per_hour(self) -> float | None:
        return None if self.login_ms == 0 else self.answered / (self.login_ms / 3_600_000)


def merged(a: AgentDay, b: AgentDay) -> AgentDay:
    """One agent's day known under two ids (a queue_log member name and the feed's interface), as one."""
    pauses = dict(a.pause_ms)
    for reason, ms in b.pause_ms.items():
        pauses[reason] = pauses.get(reason, 0) + ms
    return AgentDay(a.agent, answered=a.answered + b.answered, transferred=a.transferred + b.transferred,
                    talk_ms=a.talk_ms + b.talk_ms, hold_ms=a.hold_ms + b.hold_ms, wrapup_ms=a.wrapup_ms + b.wrapup_ms,
                    login_ms=max(a.login_ms, b.login_ms), pause_ms=pauses)


def agent_days(calls: Iterable[CallRecord], intervals: Iterable[Interval], start: int, end: int,
               now: int) -> dict[str, AgentDay]:
    """Each agent's figures in [start, end): answered calls that entered in the span (their talk, hold and
    wrap-up), and the login and pause time that falls in it (an interval still going counts until ``now``).
    Login is the union of the agent's per-queue logins (in two queues at once is still one hour logged in)."""
    out: dict[str, AgentDay] = {}
    for c in calls:  # talk, hold and wrap-up from the calls themselves: an agent may be on two at once
        if c.agent and start <= c.entered < end and c.answered is not None:
            d = out.setdefault(c.agent, AgentDay(c.agent))
            d.answered += 1
            d.transferred += c.transferred
            d.talk_ms += c.talk_ms
            d.hold_ms += c.hold_ms
            d.wrapup_ms += c.wrapup_ms
    add_intervals(out, intervals, start, end, now)
    return out


def add_intervals(out: dict[str, AgentDay], intervals: Iterable[Interval], start: int, end: int, now: int) -> None:
    """The login and pause time in [start, end) of each agent's intervals, into its day (made if need be)."""
    logins: dict[str, list[tuple[int, int]]] = {}
    pauses: dict[str, dict[tuple[str, int], tuple[int, int]]] = {}
    for iv in intervals:
        lo, hi = max(iv.start, start), min(iv.end if iv.end is not None else now, end)
        if hi <= lo:
            continue
        out.setdefault(iv.agent, AgentDay(iv.agent))
        if iv.kind == "login":
            logins.setdefault(iv.agent, []).append((lo, hi))
        elif iv.kind == "pause":  # paused in several queues at once (PAUSEALL): one pause, counted once
            pauses.setdefault(iv.agent, {})[(iv.reason, iv.start)] = (lo, hi)
    for agent, spans in logins.items():
        out[agent].login_ms = _union_ms(spans)
    for agent, by in pauses.items():
        for (reason, _), (lo, hi) in by.items():
            out[agent].pause_ms[reason] = out[agent].pause_ms.get(reason, 0) + hi - lo


def _union_ms(spans: list[tuple[int, int]]) -> int:
    total, end = 0, None
    for lo, hi in sorted(spans):
        if end is None or lo > end:
            total += hi - lo
            end = hi
        elif hi > end:
            total += hi - end
            end = hi
    return total


# -- reports: rows a desk shows and exports (the same counters, so the same figures as the live board) -------

#: The service level a report shows: answered within T ÷ (answered + abandoned after T), the board's default.
def _sl(q: QueueCounters) -> float | None:
    base = q.answered + q.abandoned - q.abandoned_in_sl
    return None if base <= 0 else q.answered_in_sl / base


def figures(q: QueueCounters) -> dict[str, float | int | None]:
    """A queue's counters as a report's figures (the board's own definitions)."""
    offered = q.offered - q.abandoned_short
    return {"offered": offered, "answered": q.answered, "abandoned": q.abandoned - q.abandoned_short,
            "answer_rate": None if offered <= 0 else q.answered / offered, "service_level": _sl(q),
            "asa_s": None if not q.answered else q.wait_answered_ms / q.answered / 1000,
            "aht_s": None if not q.handled else q.handle_ms / q.handled / 1000}


def interval_rows(calls: Iterable[CallRecord], start: int, end: int, step_min: int,
                  rules: Mapping[str, QueueRules] | None = None) -> list[dict[str, object]]:
    """Per queue and per ``step_min`` interval (15, 30, 60) of [start, end): 入電 offered, 応答 answered,
    放棄 abandoned, 応答率, SL, ASA, AHT, 最長待ち — intervals with no call are left out."""
    step = step_min * 60_000
    buckets: dict[tuple[str, int], list[CallRecord]] = {}
    for c in calls:
        if start <= c.entered < end:
            buckets.setdefault((c.queue, start + (c.entered - start) // step * step), []).append(c)
    rows: list[dict[str, object]] = []
    for (queue, at), cs in sorted(buckets.items()):
        q = queue_counters(cs, rules)[queue]
        rows.append({"queue": queue, "start": at, "end": at + step, **figures(q),
                     "longest_wait_s": max(c.wait_ms for c in cs) / 1000})
    return rows


def outcome_rows(calls: Iterable[CallRecord], start: int, end: int) -> list[dict[str, object]]:
    """Per queue: how the callers who entered in [start, end) left — answered, abandoned, timed out, exited
    (a key, an empty queue), transferred (answered, then passed on), still waiting or talking (open)."""
    counts: dict[str, dict[str, int]] = {}
    for c in calls:
        if not start <= c.entered < end:
            continue
        n = counts.setdefault(c.queue, dict.fromkeys(("offered", *OUTCOMES, "transferred", "open"), 0))
        n["offered"] += 1
        n[c.outcome or (ANSWERED if c.answered is not None else "open")] += 1
        n["transferred"] += c.transferred
    return [{"queue": q, **counts[q]} for q in sorted(counts)]


def agent_rows(days: Mapping[str, AgentDay]) -> list[dict[str, object]]:
    """Per agent (VICIdial's agent time detail): login, available, talk, hold, wrap-up, pause by reason,
    応答数, calls per hour, 稼働率."""
    return [{"agent": d.agent, "login_s": d.login_ms / 1000, "available_s": d.available_ms / 1000,
             "talk_s": d.talk_ms / 1000, "hold_s": d.hold_ms / 1000, "wrapup_s": d.wrapup_ms / 1000,
             "pause_s": {reason: ms / 1000 for reason, ms in sorted(d.pause_ms.items())}, "answered": d.answered,
             "calls_per_hour": d.calls_per_hour, "occupancy": d.occupancy}
            for _, d in sorted(days.items())]


#: What one agent's day looks like, minute by minute, in order of what wins where two overlap.
TIMELINE_STATES = ("talk", "wrapup", "pause", "available")


def agent_timeline(calls: Iterable[CallRecord], intervals: Iterable[Interval], start: int, end: int,
                   now: int, step_ms: int = 60_000) -> list[tuple[int, int, str]]:
    """An agent's day as (from, to, state) spans, a minute apart at best: on a call (talk), in wrap-up,
    paused, available (logged in, none of those); nothing where logged out. One agent's records only."""
    end = min(end, now)
    if end <= start:
        return []
    spans: dict[str, list[tuple[int, int]]] = {k: [] for k in TIMELINE_STATES}
    for c in calls:
        if c.answered is not None:
            spans["talk"].append((c.answered, c.ended if c.ended is not None else now))
            if c.ended is not None and c.wrapup_ms:
                spans["wrapup"].append((c.ended, c.ended + c.wrapup_ms))
    for iv in intervals:
        kind = {"login": "available", "pause": "pause", "wrapup": "wrapup", "talk": "talk"}.get(iv.kind)
        if kind is not None:
            spans[kind].append((iv.start, iv.end if iv.end is not None else now))
    out: list[tuple[int, int, str]] = []
    for t in range(start, end, step_ms):
        mid = min(t + step_ms // 2, end - 1)
        state = next((k for k in TIMELINE_STATES if any(lo <= mid < hi for lo, hi in spans[k])), "")
        hi = min(t + step_ms, end)
        if out and out[-1][2] == state and out[-1][1] == t:
            out[-1] = (out[-1][0], hi, state)
        else:
            out.append((t, hi, state))
    return [s for s in out if s[2]]
