"""Alert rules and the alert book: what needs a supervisor's eye, and how loudly.

Rules:

1. Every rule has a *warn* and a *critical* threshold, per queue, falling back to the
   defaults. Agent rules (talk, hold, wrap-up, pause by reason) use the queue of the
   agent's current call, else the agent's first queue.
2. An alert rises to a level as soon as its value crosses that level's threshold, and
   falls back only when the value is below the threshold by the hysteresis margin
   (``hysteresis`` × threshold; for service level, ``hysteresis_pct`` points), so it
   does not flap.
3. Once cleared, the same alert (kind, subject) stays quiet for ``cooldown_s`` unless
   it comes back critical.
4. A critical alert not acknowledged for ``flash_after_s`` flashes. Acknowledging
   records who and when; an acknowledged alert stays listed but does not flash. An
   acknowledgement comes from the server (``alert.ack``, seen by every board, so a wall TV
   stops flashing what a supervisor acknowledged at a desk): it covers the alert of that key
   whose current level was reached at or before it; a board without such a server keeps its own.
5. An agent's help flag is a critical alert of its own.
6. When an alert rose comes from the floor's data, not from when this board first looked:
   a timer alert rose when its time crossed the threshold (a board started mid-call shows
   the call's alert as raised when the call passed 10 min, not at the board's start).

Pure: the time is always passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from .metrics import FloorFigures
from .model import Agent, AgentState, Call
from .protocol import AlertAck

#: Rules whose value is a time in seconds: when they crossed a threshold follows from the value.
TIMED = frozenset({"talk", "hold", "wrapup", "pause", "waiting_time"})
#: The alerts an agent can hold (their subject is its id).
AGENT_KINDS = ("help", "talk", "hold", "wrapup", "pause")


class Level(IntEnum):
    NONE = 0
    WARN = 1
    CRITICAL = 2


class RuleError(ValueError):
    """A bad alert rule; the message names the rule (e.g. ``alerts.queues.sales.talk.warn``)."""


@dataclass(frozen=True, slots=True)
class Threshold:
    warn: float | None  # seconds (or callers, for waiting_count); None = no warn level
    critical: float | None


@dataclass(frozen=True, slots=True)
class SLThreshold:
    warn_below: float | None  # percent; None = the queue's own target
    critical_below: float | None  # percent; None = target − 10


@dataclass(frozen=True, slots=True)
class QueueRules:
    talk: Threshold = Threshold(600, 1200)
    hold: Threshold = Threshold(60, 180)
    wrapup: Threshold = Threshold(120, 300)
    pause: Threshold = Threshold(900, 1800)
    pause_reasons: Mapping[str, Threshold] = field(default_factory=lambda: {
        "lunch": Threshold(3600, 4500), "break": Threshold(900, 1200),
        "meeting": Threshold(3600, 5400), "training": Threshold(5400, 7200),
    })
    waiting_time: Threshold = Threshold(60, 120)
    waiting_count: Threshold = Threshold(5, 10)
    service_level: SLThreshold = SLThreshold(None, None)


@dataclass(frozen=True, slots=True)
class AlertRules:
    default: QueueRules = QueueRules()
    queues: Mapping[str, QueueRules] = field(default_factory=dict)
    hysteresis: float = 0.1
    hysteresis_pct: float = 2.0
    cooldown_s: float = 60.0
    flash_after_s: float = 30.0

    def for_queue(self, queue_id: str | None) -> QueueRules:
        return self.queues.get(queue_id, self.default) if queue_id else self.default


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str  # talk | hold | wrapup | pause | help | waiting_time | waiting_count | service_level
    subject: str  # agent id, or queue id
    level: Level
    value: float
    threshold: float
    raised_ms: int  # when it first rose (this episode)
    level_ms: int  # when it reached its current level
    agent_id: str | None = None
    queue_id: str | None = None
    acked_by: str | None = None
    acked_ms: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.subject)

    def flashing(self, now_ms: int, flash_after_s: float) -> bool:
        return (self.level is Level.CRITICAL and self.acked_by is None
                and now_ms - self.level_ms >= flash_after_s * 1000)


def _level(value: float, t: Threshold) -> tuple[Level, float]:
    if t.critical is not None and value >= t.critical:
        return Level.CRITICAL, t.critical
    if t.warn is not None and value >= t.warn:
        return Level.WARN, t.warn
    return Level.NONE, t.warn if t.warn is not None else (t.critical or math.inf)


def _holds(value: float, t: Threshold, level: Level, hysteresis: float) -> Level:
    """The level an already-raised alert keeps, given hysteresis below each threshold."""
    for lvl, thr in ((Level.CRITICAL, t.critical), (Level.WARN, t.warn)):
        if thr is not None and lvl <= level and value >= thr * (1 - hysteresis):
            return lvl
    return Level.NONE


class AlertBook:
    """Active alerts, kept across evaluations so hysteresis, cooldown and acks work."""

    def __init__(self, rules: AlertRules | None = None) -> None:
        self.rules = rules or AlertRules()
        self.active: dict[tuple[str, str], Alert] = {}
        self._cleared_at: dict[tuple[str, str], int] = {}
        # Per agent as last judged: its object, its call's, when, until when nothing it is judged by can move (its
        # times only grow: the next threshold they reach, or a cooldown's end) and the alerts it held. A board
        # judges its 200 agents with alerts every second; an agent and call unchanged in between are passed.
        self._judged: dict[str, tuple[Agent, Call | None, int, float, tuple[tuple[str, str], ...]]] = {}
        # The active alerts sorted, with the objects they were sorted from: a level kept keeps its object, so most
        # seconds nothing changed and the sort of 200 alerts is not done again (the list holds them: no id reuse).
        self._sorted: tuple[tuple[int, ...], list[Alert]] = ((), [])
        # Below these times in a state no agent rule can fire (or hold, with hysteresis): such
        # agents, nearly all of them on a healthy floor, are skipped without any work.
        qrs = [self.rules.default, *self.rules.queues.values()]
        keep = 1 - self.rules.hysteresis

        def floor_ms(ts: list[Threshold]) -> float:
            known = [t.warn if t.warn is not None else t.critical for t in ts]
            values = [v for v in known if v is not None]
            return min(values) * keep * 1000 if values else math.inf

        self._skip_ms = {
            "talk": floor_ms([qr.talk for qr in qrs]), "hold": floor_ms([qr.hold for qr in qrs]),
            "wrapup": floor_ms([qr.wrapup for qr in qrs]),
            "pause": floor_ms([t for qr in qrs for t in (qr.pause, *qr.pause_reasons.values())]),
        }

    def acknowledge(self, key: tuple[str, str], who: str, now_ms: int) -> Alert | None:
        alert = self.active.get(key)
        if alert is None:
            return None
        alert = replace(alert, acked_by=who, acked_ms=now_ms)
        self.active[key] = alert
        return alert

    def due_ms(self, a: Agent, calls: Mapping[str, Call]) -> float:
        """When an agent rule can first fire (or hold) for this agent as it is now: before then ``update``
        skips it, so it need not even be passed (inf: never, in its state; -inf: now, a help flag)."""
        if a.help:
            return -math.inf
        state, skip = a.state, self._skip_ms
        if state == "on_call" or state == "on_hold":
            c = calls.get(a.call_id) if a.call_id else None
            start = c.answered_at if c is not None and c.answered_at is not None else a.since
            held = c.held_since + skip["hold"] if c is not None and c.held_since is not None else math.inf
            return min(start + skip["talk"], held)
        if state == "wrapup":
            return a.since + skip["wrapup"]
        if state == "paused":
            return a.since + skip["pause"]
        return math.inf

    def update(self, agents: Iterable[Agent], calls: Mapping[str, Call], figures: FloorFigures | None,
               now_ms: int, acks: Mapping[tuple[str, str], AlertAck] | None = None) -> list[Alert]:
        """Re-evaluate everything at ``now_ms``, with the server's acknowledgements; returns active
        alerts, most urgent first."""
        seen: set[tuple[str, str]] = set()
        rules, judged = self.rules, self._judged
        due_ms = self.due_ms
        for a in agents:
            call = calls.get(a.call_id) if a.call_id else None
            j = judged.get(a.id)
            if j is not None and j[0] is a and j[1] is call and j[2] <= now_ms < j[3]:  # (a clock stepped back:
                seen.update(j[4])  # judged afresh) as last judged: the same alerts, at the same levels
                continue
            if due_ms(a, calls) > now_ms:  # skip, cheaply, every agent no rule can fire for yet
                continue
            st = a.status
            qr = rules.for_queue(call.queue if call is not None else (a.queues[0] if a.queues else None))
            queue_id = call.queue if call is not None else (a.queues[0] if a.queues else None)
            until = math.inf
            if a.help:
                self._raise_fixed("help", a.id, now_ms, seen, a.id, queue_id)
            if st is AgentState.ON_CALL or st is AgentState.ON_HOLD:
                start = call.answered_at if call is not None and call.answered_at is not None else a.since
                until = self._check("talk", a.id, (now_ms - start) / 1000, qr.talk, now_ms, seen, a.id, queue_id)
                if call is not None and call.held_since is not None:
                    until = min(until, self._check("hold", a.id, (now_ms - call.held_since) / 1000, qr.hold, now_ms,
                                                   seen, a.id, queue_id))
            elif st is AgentState.WRAPUP:
                until = self._check("wrapup", a.id, (now_ms - a.since) / 1000, qr.wrapup, now_ms, seen, a.id, queue_id)
            elif st is AgentState.PAUSED:
                t = qr.pause_reasons.get(a.reason, qr.pause)
                until = self._check("pause", a.id, (now_ms - a.since) / 1000, t, now_ms, seen, a.id, queue_id)
            judged[a.id] = (a, call, now_ms, until - 1,
                            tuple(k for k in ((kind, a.id) for kind in AGENT_KINDS) if k in seen))
        if len(judged) > 2 * len(self.active) + 1000:  # agents that left, or lost their alerts long ago
            self._judged = {k: v for k, v in judged.items() if v[4]}
        if figures is not None:
            for q in figures.queues:
                qr = rules.for_queue(q.queue_id)
                if q.longest_wait_s is not None:
                    self._check("waiting_time", q.queue_id, q.longest_wait_s, qr.waiting_time, now_ms, seen,
                                None, q.queue_id)
                self._check("waiting_count", q.queue_id, float(q.waiting), qr.waiting_count, now_ms, seen,
                            None, q.queue_id)
                if q.service_level is not None:
                    self._check_sl(q.queue_id, q.service_level * 100, q.sl_target_pct, qr.service_level,
                                   now_ms, seen)
        for key in list(self.active):
            if key not in seen:
                del self.active[key]
                self._cleared_at[key] = now_ms
                self._judged.pop(key[1], None)  # (an agent not passed in lost its alerts: judged afresh next time)
        if acks:
            for key, ack in acks.items():
                al = self.active.get(key)
                if al is not None and ack.at >= al.level_ms and (al.acked_by, al.acked_ms) != (ack.by, ack.at):
                    self.active[key] = replace(al, acked_by=ack.by, acked_ms=ack.at)
        ids = tuple(map(id, self.active.values()))
        if ids != self._sorted[0]:
            self._sorted = (ids, sorted(self.active.values(), key=lambda al: (-al.level, al.raised_ms, al.key)))
        return list(self._sorted[1])

    # -- helpers -------------------------------------------------------------------

    def _quiet(self, key: tuple[str, str], level: Level, now_ms: int) -> bool:
        cleared = self._cleared_at.get(key)
        return (cleared is not None and level is not Level.CRITICAL
                and now_ms - cleared < self.rules.cooldown_s * 1000)

    def _set(self, key: tuple[str, str], level: Level, value: float, threshold: float, now_ms: int,
             seen: set[tuple[str, str]], agent_id: str | None, queue_id: str | None,
             first_threshold: float | None = None) -> None:
        seen.add(key)
        old = self.active.get(key)
        timed = key[0] in TIMED
        crossed = (now_ms - max(0, round((value - threshold) * 1000))) if timed else now_ms  # rule 6
        if old is None:
            start = threshold if first_threshold is None else first_threshold
            raised = now_ms - max(0, round((value - start) * 1000)) if timed else now_ms
            self.active[key] = Alert(key[0], key[1], level, value, threshold, raised, crossed, agent_id, queue_id)
        elif old.level != level:
            # a new level is a new thing to look at: it needs a new acknowledgement
            self.active[key] = replace(old, level=level, value=value, threshold=threshold,
                                       level_ms=crossed if level > old.level else now_ms,
                                       acked_by=None if level > old.level else old.acked_by,
                                       acked_ms=None if level > old.level else old.acked_ms)
        # same level: keep the object (the list shows the threshold, the tile the live time)

    def _check(self, kind: str, subject: str, value: float, t: Threshold, now_ms: int,
               seen: set[tuple[str, str]], agent_id: str | None, queue_id: str | None) -> float:
        """Judge one value; returns when, the value growing at a second a second (a time), the outcome could
        next differ: the next threshold above its level, or the end of a cooldown that keeps it quiet."""
        key = (kind, subject)
        old = self.active.get(key)
        level, thr = _level(value, t)
        if old is not None:
            kept = _holds(value, t, old.level, self.rules.hysteresis)
            if kept > level:
                level = kept
                thr = (t.critical if kept is Level.CRITICAL else t.warn) or thr
        above = [x for x in ((t.warn, t.critical) if level is Level.NONE else (t.critical,) if level is Level.WARN
                             else ()) if x is not None and x > value]
        until = now_ms + (min(above) - value) * 1000 if above else math.inf
        if level is Level.NONE:
            return until
        if old is None and self._quiet(key, level, now_ms):
            return min(until, self._cleared_at[key] + self.rules.cooldown_s * 1000)
        self._set(key, level, value, thr, now_ms, seen, agent_id, queue_id,
                  first_threshold=t.warn if t.warn is not None else t.critical)
        return until

    def _check_sl(self, queue_id: str, pct: float, target: float, t: SLThreshold, now_ms: int,
                  seen: set[tuple[str, str]]) -> None:
        key = ("service_level", queue_id)
        warn = t.warn_below if t.warn_below is not None else target
        crit = t.critical_below if t.critical_below is not None else target - 10
        margin = self.rules.hysteresis_pct
        old = self.active.get(key)
        level = Level.CRITICAL if pct < crit else Level.WARN if pct < warn else Level.NONE
        if old is not None:
            if old.level is Level.CRITICAL and pct < crit + margin:
                level = Level.CRITICAL
            elif old.level >= Level.WARN and pct < warn + margin:
                level = max(level, Level.WARN)
        if level is Level.NONE or (old is None and self._quiet(key, level, now_ms)):
            return
        self._set(key, level, pct, crit if level is Level.CRITICAL else warn, now_ms, seen, None, queue_id)

    def _raise_fixed(self, kind: str, subject: str, now_ms: int, seen: set[tuple[str, str]],
                     agent_id: str, queue_id: str | None) -> None:
        self._set((kind, subject), Level.CRITICAL, 1.0, 1.0, now_ms, seen, agent_id, queue_id)


# --- rules from a profile (TOML table) ------------------------------------------------------

_TIMERS = ("talk", "hold", "wrapup", "pause", "waiting_time", "waiting_count")
_TOP = {"hysteresis", "hysteresis_pct", "cooldown_s", "flash_after_s", "default", "queues"}


def _number(value: Any, where: str, allow_none: bool = True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
        raise RuleError(f"{where}: expected a number ≥ 0, got {value!r}")
    return float(value)


def _threshold(raw: Any, where: str, base: Threshold) -> Threshold:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: expected a table like {{ warn = 600, critical = 1200 }}, got {raw!r}")
    unknown = set(raw) - {"warn", "critical"}
    if unknown:
        raise RuleError(f"{where}: unknown key {sorted(unknown)[0]!r} (use warn, critical)")
    warn = _number(raw["warn"], f"{where}.warn") if "warn" in raw else base.warn
    crit = _number(raw["critical"], f"{where}.critical") if "critical" in raw else base.critical
    if warn is not None and crit is not None and crit < warn:
        raise RuleError(f"{where}: critical ({crit:g}) is below warn ({warn:g})")
    return Threshold(warn, crit)


def _queue_rules(raw: Any, where: str, base: QueueRules) -> QueueRules:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: expected a table, got {raw!r}")
    out = base
    for key, value in raw.items():
        path = f"{where}.{key}"
        if key in _TIMERS:
            out = replace(out, **{key: _threshold(value, path, getattr(base, key))})  # type: ignore[arg-type]
        elif key == "pause_reasons":
            if not isinstance(value, dict):
                raise RuleError(f"{path}: expected a table of reasons")
            reasons = dict(base.pause_reasons)
            for reason, t in value.items():
                reasons[reason] = _threshold(t, f"{path}.{reason}", reasons.get(reason, base.pause))
            out = replace(out, pause_reasons=reasons)
        elif key == "service_level":
            if not isinstance(value, dict) or set(value) - {"warn_below", "critical_below"}:
                raise RuleError(f"{path}: expected {{ warn_below = 80, critical_below = 70 }} (percent)")
            wb = _number(value.get("warn_below"), f"{path}.warn_below")
            cb = _number(value.get("critical_below"), f"{path}.critical_below")
            for name, v in (("warn_below", wb), ("critical_below", cb)):
                if v is not None and v > 100:
                    raise RuleError(f"{path}.{name}: a percentage, 0 to 100, got {v:g}")
            if wb is not None and cb is not None and cb > wb:
                raise RuleError(f"{path}: critical_below ({cb:g}) is above warn_below ({wb:g})")
            out = replace(out, service_level=SLThreshold(wb, cb))
        else:
            raise RuleError(f"{path}: unknown rule (known: {', '.join(_TIMERS)}, pause_reasons, service_level)")
    return out


def rules_from_dict(raw: Mapping[str, Any], where: str = "alerts") -> AlertRules:
    """Alert rules from a profile's ``[alerts]`` table. Raises :class:`RuleError` naming the rule."""
    unknown = set(raw) - _TOP
    if unknown:
        raise RuleError(f"{where}.{sorted(unknown)[0]}: unknown setting")
    default = _queue_rules(raw.get("default", {}), f"{where}.default", QueueRules())
    queues_raw = raw.get("queues", {})
    if not isinstance(queues_raw, dict):
        raise RuleError(f"{where}.queues: expected a table of queues")
    queues = {qid: _queue_rules(q, f"{where}.queues.{qid}", default) for qid, q in queues_raw.items()}
    hyst = _number(raw.get("hysteresis", 0.1), f"{where}.hysteresis", False)
    if hyst is not None and hyst >= 1:
        raise RuleError(f"{where}.hysteresis: a fraction below 1, got {hyst:g}")
    return AlertRules(
        default=default, queues=queues, hysteresis=hyst or 0.0,
        hysteresis_pct=_number(raw.get("hysteresis_pct", 2.0), f"{where}.hysteresis_pct", False) or 0.0,
        cooldown_s=_number(raw.get("cooldown_s", 60.0), f"{where}.cooldown_s", False) or 0.0,
        flash_after_s=_number(raw.get("flash_after_s", 30.0), f"{where}.flash_after_s", False) or 0.0,
    )
