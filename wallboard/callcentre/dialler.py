"""Outbound campaigns for the embedded call centre: a preview dialler and its agents (発信チーム).

Each campaign has its own team of agents. An agent looks at the next number for a few seconds, dials
(the tile rings "↑ outbound" and the floor has an outbound call), and the attempt ends in no answer,
an answering machine, a dead number, or a connect; a connect is talked through and its result given —
a sale (with an amount), an appointment, a prospect, a call back, a refusal, the person not there —
then a short wrap-up and the next number. Agents differ: each has a skill factor on the campaign's
positive rates, so rankings move and settle as the day goes. Now and then an agent takes a break.

Like :class:`~wallboard.callcentre.engine.CallCentre` it is pure and driven by the caller's clock; it
returns the floor objects that changed and the outcomes to count (the service hands those to the
server's outbound desk, as a bridge hands its PBX's).
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field

from ..core.model import Agent, AgentState, Call, CallState
from ..core.outbound import Outcome
from .traffic import GIVEN, GIVEN_JA, SURNAMES, SURNAMES_JA

AMOUNTS = (9_800, 19_800, 29_800, 38_000, 58_000)


@dataclass(frozen=True, slots=True)
class Campaign:
    """One outbound campaign's parameters (each a ``wallboard-callcentre`` flag, ``--outbound-…``)."""

    id: str = "campaign1"
    name: str = "Campaign"
    agents: int = 12
    preview_s: float = 8.0  # looking at the next record before dialling
    ring_s: float = 18.0  # how long a no-answer rings
    answer_rate: float = 0.30  # a person picks up
    machine_rate: float = 0.15  # an answering machine (留守電)
    dead_rate: float = 0.05  # the number does not exist (現アナ)
    talk_s: float = 150.0  # mean conversation
    wrapup_s: float = 20.0
    sale_rate: float = 0.04  # of connects, for an agent of skill 1.0
    appointment_rate: float = 0.03
    breaks_per_hour: float = 0.4
    team: str = ""  # the team's name on the board (default: the campaign's)

    def __post_init__(self) -> None:
        for name in ("answer_rate", "machine_rate", "dead_rate", "sale_rate", "appointment_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"--outbound-{name.replace('_', '-')} must be between 0 and 1")
        if self.answer_rate + self.machine_rate + self.dead_rate > 1:
            raise ValueError("answer, machine and dead-number rates add up to more than 1")
        if self.sale_rate + self.appointment_rate > 0.9:
            raise ValueError("sale and appointment rates leave too little for the other results")
        if self.agents < 1:
            raise ValueError("an outbound campaign needs at least one agent")


@dataclass(slots=True, eq=False)
class _Dialler:
    id: str
    name: str
    skill: float
    state: AgentState = AgentState.AVAILABLE
    since: int = 0
    reason: str = ""
    call: Call | None = None
    token: int = 0
    wants_break: bool = False  # taken once the current attempt is over


@dataclass(slots=True)
class DiallerStats:
    """What a day of dialling came to (the JSON summary's ``outbound`` part)."""

    dials: int = 0
    connects: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    amount: float = 0.0


class Dialler:
    def __init__(self, campaign: Campaign, start_ms: int, seed: int = 1, language: str = "en",
                 first_agent: int = 0) -> None:
        self.c = campaign
        self.now = start_ms
        self.rng = random.Random(seed * 7919 + 17)
        self.stats = DiallerStats()
        self._heap: list[tuple[int, int, str, int]] = []
        self._n = 0
        self._calls = 0
        self.team = campaign.team or campaign.name
        self.agents: dict[str, _Dialler] = {}
        width = 3
        for i in range(campaign.agents):
            k = first_agent + i
            if language == "ja":
                name = f"{SURNAMES_JA[(k * 5 + 3) % len(SURNAMES_JA)]} {GIVEN_JA[(k * 3 + 1) % len(GIVEN_JA)]}"
            else:
                name = f"{SURNAMES[(k * 5 + 3) % len(SURNAMES)]} {GIVEN[(k * 3 + 1) % len(GIVEN)]}"
            a = _Dialler(id=f"{campaign.id}-{i + 1:0{width}d}", name=name,
                         skill=max(0.2, self.rng.lognormvariate(0, 0.45)), since=start_ms)
            self.agents[a.id] = a
            self._after(a, self.rng.uniform(0, campaign.preview_s), "dial")
            if campaign.breaks_per_hour:
                self._after(a, self.rng.expovariate(campaign.breaks_per_hour / 3600), "break", token=-1)

    # -- the clock ------------------------------------------------------------------------------------

    def _after(self, a: _Dialler, seconds: float, what: str, token: int | None = None) -> None:
        self._n += 1
        heapq.heappush(self._heap, (self.now + max(1, round(seconds * 1000)), self._n, f"{what}:{a.id}",
                                    a.token if token is None else token))

    def advance(self, until_ms: int) -> tuple[list[Agent | Call], list[Outcome]]:
        updates: list[Agent | Call] = []
        outcomes: list[Outcome] = []
        while self._heap and self._heap[0][0] <= until_ms:
            at, _, key, token = heapq.heappop(self._heap)
            self.now = at
            what, _, aid = key.partition(":")
            a = self.agents[aid]
            if token == -1:  # a break wanted: taken once the current attempt is over
                self._want_break(a, updates)
            elif token == a.token:
                getattr(self, f"_{what}")(a, updates, outcomes)
        self.now = max(self.now, until_ms)
        return updates, outcomes

    # -- an attempt ----------------------------------------------------------------------------------

    def _set(self, a: _Dialler, state: AgentState, updates: list[Agent | Call], reason: str = "") -> None:
        a.state, a.reason, a.since = state, reason, self.now
        a.token += 1
        updates.append(self.agent_view(a))

    def _dial(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        self._calls += 1
        number = f"0{self.rng.randint(3, 9)}0-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}"
        a.call = Call(id=f"{self.c.id}-call-{self._calls}", queue=self.c.id, state=CallState.RINGING.value,
                      queued_at=self.now, caller_num=number, agent_id=a.id, direction="out")
        self.stats.dials += 1
        self._set(a, AgentState.RINGING, updates)
        updates.append(a.call)
        r, c = self.rng.random(), self.c
        if r < c.answer_rate:
            self._after(a, self.rng.uniform(3, 12), "answer")
        elif r < c.answer_rate + c.machine_rate:
            self._after(a, self.rng.uniform(8, 15), "result_machine")
        elif r < c.answer_rate + c.machine_rate + c.dead_rate:
            self._after(a, self.rng.uniform(2, 4), "result_dead")
        else:
            self._after(a, c.ring_s, "result_no_answer")

    def _answer(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        assert a.call is not None
        self.stats.connects += 1
        a.call = Call(id=a.call.id, queue=a.call.queue, state=CallState.CONNECTED.value, queued_at=a.call.queued_at,
                      caller_num=a.call.caller_num, agent_id=a.id, direction="out", answered_at=self.now)
        self._set(a, AgentState.ON_CALL, updates)
        updates.append(a.call)
        self._after(a, self.rng.expovariate(1 / self.c.talk_s) + 20, "talked")

    def _talked(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        c, r = self.c, self.rng.random()
        sale, appt = min(0.6, c.sale_rate * a.skill), min(0.3, c.appointment_rate * a.skill)
        rest = ("refused", "refused", "callback", "prospect", "absent")
        kind = "sale" if r < sale else "appointment" if r < sale + appt else self.rng.choice(rest)
        self._finish(a, kind, updates, outcomes, self.rng.choice(AMOUNTS) if kind == "sale" else None)

    def _result_machine(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        self._finish(a, "machine", updates, outcomes)

    def _result_dead(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        self._finish(a, "dead", updates, outcomes)

    def _result_no_answer(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        self._finish(a, "no_answer", updates, outcomes)

    def _finish(self, a: _Dialler, kind: str, updates: list[Agent | Call], outcomes: list[Outcome],
                amount: float | None = None) -> None:
        call = a.call
        assert call is not None
        a.call = None
        updates.append(Call(id=call.id, queue=call.queue, state=CallState.ENDED.value, queued_at=call.queued_at,
                            caller_num=call.caller_num, agent_id=a.id, direction="out", answered_at=call.answered_at,
                            ended_at=self.now, end_reason="completed" if call.answered_at else "failed"))
        outcomes.append(Outcome(id=f"{call.id}-result", agent=a.id, kind=kind, at=self.now, campaign=self.c.name,
                                call=call.id, amount=amount))
        self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + 1
        self.stats.amount += amount or 0.0
        if call.answered_at is not None:
            self._set(a, AgentState.WRAPUP, updates)
            self._after(a, self.rng.uniform(0.5, 1.5) * self.c.wrapup_s, "next")
        else:
            self._next(a, updates, outcomes)

    def _next(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        if a.wants_break:
            a.wants_break = False
            self._set(a, AgentState.PAUSED, updates, "break")
            self._after(a, self.rng.uniform(300, 900), "back")
            return
        self._set(a, AgentState.AVAILABLE, updates)
        self._after(a, self.rng.uniform(0.5, 1.5) * self.c.preview_s, "dial")

    def _back(self, a: _Dialler, updates: list[Agent | Call], outcomes: list[Outcome]) -> None:
        self._next(a, updates, outcomes)
        self._after(a, self.rng.expovariate(self.c.breaks_per_hour / 3600), "break", token=-1)

    def _want_break(self, a: _Dialler, updates: list[Agent | Call]) -> None:
        if a.state is AgentState.PAUSED:
            return
        a.wants_break = True
        if a.state is AgentState.AVAILABLE:  # between attempts: now
            self._next(a, updates, [])

    # -- views ---------------------------------------------------------------------------------------

    def agent_view(self, a: _Dialler) -> Agent:
        on_call = a.state in (AgentState.RINGING, AgentState.ON_CALL)
        return Agent(id=a.id, name=a.name, state=a.state.value, since=a.since, team=self.team,
                     reason=a.reason if a.state is AgentState.PAUSED else "", queues=(),
                     call_id=a.call.id if a.call is not None and on_call else None,
                     direction="out" if on_call else "")

    def snapshot(self) -> tuple[list[Agent], list[Call]]:
        return ([self.agent_view(a) for a in self.agents.values()],
                [a.call for a in self.agents.values() if a.call is not None])


def demo_campaign(language: str = "en", agents: int = 12) -> Campaign:
    """The demo's outbound team: a preview campaign beside the inbound floor."""
    if language == "ja":
        return Campaign(id="campaign1", name="新規獲得キャンペーン", team="発信チーム", agents=agents)
    return Campaign(id="campaign1", name="New customers", team="Outbound team", agents=agents)
