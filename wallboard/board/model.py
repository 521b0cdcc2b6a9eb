"""The board model: one object the windows ask what to show, fed views and the time.

It owns what the supervisor's board derives from the floor — freshness, scope and order, figures
and queue groups, alert marks, the waiting callers, the trend, this board's monitoring session —
and caches what a clock tick can reuse (counts are taken once per view; the figures then follow
the clock). It never reads a clock, paints or sends: the windows pass the time in, paint what it
says and send what it asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.alerts import AlertRules, Level
from ..core.metrics import AgentCounts, FloorCounts, FloorFigures, QueueFigures, SLFormula, figures_at
from ..core.model import ON_A_CALL, Agent
from ..core.profile import Profile
from ..core.view import FloorView
from .alerts import AlertMarks, BoardAlerts, Mark
from .days import offset_of_day_start
from .freshness import FreshnessReport, freshness
from .monitoring import MonitorSession, Told
from .order import MOVING_RESORT_S, MOVING_SORTS, SORTS, Keys, Section, order, sections
from .scope import Scope
from .trend import TrendBuffer
from .waiting import WaitingCaller, waiting_callers
from .whiteboard import Board, whiteboard


@dataclass(frozen=True, slots=True)
class BoardSettings:
    """What a profile says of the board's content (the windows' own settings stay theirs)."""

    scope: Scope = Scope()
    sort: str = "state"
    formula: SLFormula = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS
    #: queue groups: name → queue ids; a group's card sums its queues and replaces their cards
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rules: AlertRules = field(default_factory=AlertRules)
    supervisor: str = ""
    may_monitor: bool = False
    endpoint: str = ""
    in_app: bool = True  # hear monitored calls on the desk when the feed offers it
    goal: int = 0  # the outbound whiteboard's goal per agent where the server sets none


def settings_of(profile: Profile, may_monitor: bool) -> BoardSettings:
    """What a profile says of the board's content; ``may_monitor``: this board may send commands."""
    return BoardSettings(Scope(profile.teams, profile.queues, profile.states), profile.sort, profile.formula,
                         dict(profile.groups), profile.alerts, profile.supervisor, may_monitor and not profile.tv,
                         profile.endpoint, profile.listen_in == "app", profile.whiteboard_goal)


@dataclass(frozen=True, slots=True)
class Taken:
    """What a new view changed, for the windows to repaint no more than that."""

    agents: frozenset[str]
    layout: bool  # agents or queues came or went (filters, pages, cards re-laid out)
    caps: bool  # what monitoring the feed offers changed
    told: tuple[Told, ...]  # the server's word on this board's session
    moved: bool = True  # anything on the floor changed (a heartbeat's view changes nothing: its figures stand)


class BoardModel:
    def __init__(self, settings: BoardSettings | None = None) -> None:
        self.settings = s = settings or BoardSettings()
        self.scope = s.scope
        self.sort = s.sort
        self.view: FloorView | None = None
        self.alerts = BoardAlerts(s.rules)
        self.monitoring = MonitorSession(s.may_monitor, s.endpoint, s.in_app)
        self.trend = TrendBuffer()
        self._trend_from: object = None  # the server trend history this board was seeded from
        self.figures: FloorFigures | None = None
        self.marks = AlertMarks()
        self._counts: FloorCounts | None = None
        self._agents: AgentCounts | None = None  # kept agent by agent between views (see figures_at)
        self._uncounted: set[str] = set()  # agents changed since the counts were taken
        self._recount = True
        self._unalerted: set[str] | None = None  # agents changed since the alerts were evaluated (None: all)
        self._counts_for: FloorView | None = None
        self._listed: list[str] = []
        self._key = Keys(self.sort)  # sort keys, made once per agent object
        self._keys: dict[str, object] = {}
        self._ordered_at = -1e9
        self._dirty = self._members_changed = False
        self._shown = self.scope.shown()
        self._counted = self.scope.counted()
        self._grouped = frozenset(q for ids in s.groups.values() for q in ids)

    # -- views ---------------------------------------------------------------------------

    def take(self, view: FloorView) -> Taken:
        before, self.view = self.view, view
        if view.trend is not None and view.trend is not self._trend_from:
            self._seed_trend(view)
        caps = self.monitoring.set_offer(view.caps.monitor, view.caps.monitor_off, view.caps.audio)
        told = self.monitoring.follow(view.sessions) if view.sessions else []
        ch = view.changes
        if ch.layout or not view.synced:
            self._recount = True  # agents or queues came or went (a snapshot): count afresh
            self._unalerted = None
        elif ch.agents:
            self._uncounted |= ch.agents
            if self._unalerted is not None:
                self._unalerted |= ch.agents
        elif not ch.any and before is not None and self._counts_for is before:
            self._counts_for = view  # the same floor, counted already (a heartbeat: 1 ms at 2,000 agents)
        return Taken(ch.agents, ch.layout, caps, tuple(told), ch.any)

    def day_start(self, now_ms: int) -> int:
        """When the centre's day began, as the server counts it: its queues' counting start (the local
        midnight, or the reset time, where the server keeps history); else the last 24 hours."""
        queues = [q for q in self.view.queues.values() if q.interval_start <= now_ms] if self.view is not None else []
        full = [q.interval_start for q in queues if not q.interval_partial]
        return max(full) if full else min(q.interval_start for q in queues) if queues else now_ms - 86_400_000

    def centre_offset_ms(self, now_ms: int, this_pc_ms: int) -> int:
        """The centre's offset from UTC, read from when its day began; this PC's until queues are known."""
        if self.view is None or not any(q.interval_start <= now_ms for q in self.view.queues.values()):
            return this_pc_ms
        return offset_of_day_start(self.day_start(now_ms))

    def whiteboard(self, now_ms: int) -> Board:
        """Today's outbound ranking, teams and latest results (empty where the server counts none)."""
        v = self.view
        return whiteboard(v.outbound if v is not None else None, v.agents if v is not None else {}, now_ms,
                          self.settings.goal)

    def server_now_ms(self, wall_ms: int) -> int:
        return wall_ms + (self.view.offset_ms if self.view is not None else 0)

    def freshness(self, mono_now: float, server_now_ms: int, gui_lag_s: float = 0.0,
                  screen_late_s: float = 0.0) -> FreshnessReport:
        return freshness(self.view, mono_now, server_now_ms, gui_lag_s, screen_late_s)

    # -- scope and order -----------------------------------------------------------------

    def set_filters(self, team: str = "", queue: str = "", state: str = "", sort: str | None = None) -> None:
        if sort is not None:
            if sort not in SORTS:
                raise ValueError(f"unknown sort {sort!r}")
            self.sort = sort
        self.scope = self.scope.filtering(team, queue, state)
        self._shown = self.scope.shown()
        self._ordered_at = -1e9
        self._counts_for = None  # the next figures count afresh

    def reorder_due(self, changed: frozenset[str], mono_now: float) -> bool:
        """Whether the tiles' order must be taken again. At once when one of these agents entered or left
        the shown set (the tiles and their count stay true); when one only changed its place, a moving
        order (state, time) is re-sorted at most once per :data:`MOVING_RESORT_S` — a tick catches it up."""
        if self.view is None:
            return False
        if changed and not self._members_changed:
            agents, keep, key, keys = self.view.agents, self._shown, self._key, self._keys
            for aid in changed:
                a = agents.get(aid)
                shown = a is not None and (keep is None or keep(a))
                if shown != (aid in keys):
                    self._members_changed = True
                    break
                if not self._dirty and shown and a is not None and key(a) != keys[aid]:
                    self._dirty = True
        if self._members_changed:
            return True
        return self._dirty and (self.sort not in MOVING_SORTS or mono_now - self._ordered_at >= MOVING_RESORT_S)

    def listed(self, mono_now: float = 0.0) -> list[str]:
        """The agents the tiles show, in order (and remember it, for :meth:`reorder_due`)."""
        if self.view is None:
            return []
        agents = self.view.agents
        key = self._key
        if key.sort != self.sort:
            self._key = key = Keys(self.sort)
        self._listed = order(agents, self._shown, self.sort, key)
        self._keys = {aid: key(agents[aid]) for aid in self._listed}
        key.forget_others(agents)
        self._ordered_at = mono_now
        self._dirty = self._members_changed = False
        return self._listed

    def sections(self) -> list[Section]:
        """Team headers, when ordered by team."""
        if self.sort != "team" or self.view is None:
            return []
        return sections(self._listed, self.view.agents)

    def agent_on_call(self, agent_id: str | None) -> bool | None:
        """The selected agent's call state for a listen (None: no such agent)."""
        v = self.view
        if v is None or agent_id is None or agent_id not in v.agents:
            return None
        return v.agents[agent_id].status in ON_A_CALL

    def agent_name(self, agent_id: str) -> str:
        v = self.view
        return v.agents[agent_id].name if v is not None and agent_id in v.agents else agent_id

    # -- figures -------------------------------------------------------------------------

    def figures_at(self, now_ms: int) -> FloorFigures | None:
        """The board's figures (its part of the floor, its groups) at ``now_ms``."""
        v = self.view
        if v is None:
            return None
        if self._counts_for is not v:  # the floor changed: count again; a clock tick reuses the counts
            scope = self.scope
            queues = scope.queues_of(v.queues)
            counted = self._counted
            before = self._counts_for
            if before is None or self._agents is None or self._recount:
                agents = v.agents.values() if counted is None else [a for a in v.agents.values() if counted(a)]
                self._agents = AgentCounts(agents, queues, self.settings.groups)
            else:  # only the agents that changed since: each one's old self out, its new self in
                move, old_agents, new_agents = self._agents.move, before.agents, v.agents
                for aid in self._uncounted:
                    old, new = old_agents.get(aid), new_agents.get(aid)
                    if counted is not None:
                        old = old if old is not None and counted(old) else None
                        new = new if new is not None and counted(new) else None
                    if old is not new:
                        move(old, new)
            self._uncounted, self._recount = set(), False
            self._counts = self._agents.floor_counts(queues, scope.calls_of(v.calls.values(), queues))
            self._counts_for = v
        assert self._counts is not None
        self.figures = figures_at(self._counts, now_ms, self.settings.formula)
        return self.figures

    def cards(self) -> list[QueueFigures]:
        """The queue cards in order: the total, each group, then every queue no group holds."""
        f = self.figures
        if f is None:
            return []
        grouped = self._grouped
        return [f.total, *f.groups, *(q for q in f.queues if q.queue_id not in grouped)]

    def card_mark(self, card: QueueFigures) -> Mark:
        """A card's alert mark: its queue's, or for a group the highest of its queues'."""
        marks = self.marks.queues
        if card.queue_id.startswith("group:"):
            ids = self.settings.groups.get(card.name, ())
            return max((marks.get(q, Mark.NONE) for q in ids), default=Mark.NONE)
        return marks.get(card.queue_id, Mark.NONE)

    def interval_partial_since_ms(self) -> int | None:
        """When the latest counting began mid-day (a bridge's start), on the server clock; None: midnight."""
        v = self.view
        if v is None:
            return None
        partial = [q.interval_start for q in self.scope.queues_of(v.queues).values() if q.interval_partial]
        return max(partial) if partial else None

    # -- alerts ----------------------------------------------------------------------------

    def update_alerts(self, now_ms: int) -> AlertMarks:
        if self.view is None:
            return self.marks
        self.marks = self.alerts.update(self.view, self.figures, now_ms, self._counted, self._unalerted)
        self._unalerted = set()
        return self.marks

    # -- waiting callers, trend --------------------------------------------------------------

    def waiting(self, now_ms: int) -> list[WaitingCaller]:
        v = self.view
        if v is None:
            return []
        return waiting_callers(v.calls.values(), self.scope.queues_of(v.queues), now_ms)

    def _seed_trend(self, view: FloorView) -> None:
        t = view.trend
        assert t is not None
        self._trend_from = t
        mine = [t.queues[q] for q in self.scope.queues_of(view.queues) if q in t.queues]
        if not mine:
            return
        sums = [None if any(col[i] is None for col in mine) else float(sum(col[i] or 0 for col in mine))
                for i in range(min(len(col) for col in mine))]
        self.trend.seed(t.start // 1000, t.step_s, sums, t.ts // 1000)

    def sample_trend(self, now_ms: int, live: bool) -> None:
        f = self.figures
        self.trend.sample(now_ms // 1000, f.total.waiting if live and f is not None else None)

    def is_counted(self, agent: Agent) -> bool:
        return self._counted is None or self._counted(agent)

    def wait_level(self, queue_id: str, wait_s: float) -> Level:
        """How the queue's waiting-time rule rates a caller's wait (for the waiting callers' list)."""
        t = self.alerts.rules.for_queue(queue_id).waiting_time
        if t.critical is not None and wait_s >= t.critical:
            return Level.CRITICAL
        return Level.WARN if t.warn is not None and wait_s >= t.warn else Level.NONE
