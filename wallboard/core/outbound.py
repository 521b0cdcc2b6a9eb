"""Outbound results (発信): outcomes, each agent's tally for the day, and the figures a whiteboard shows.

An **outcome** is what one call attempt came to, as the centre names it (成約, アポ, 不在, 留守電…): its
``kind`` is one of the centre's :class:`Kind` s, each saying whether it is *positive* (a sale, an
appointment), *negative* (a conversation that did not convert) or neither (no answer, call back later),
and whether it means the customer was reached (*connected*). Outcomes are idempotent by ``id``: a webhook
retried, an AMI event read twice or a day rebuilt counts once.

A :class:`Tally` is one agent's day: dials 架電数 (distinct call attempts: outbound calls seen on the
floor, and calls an outcome names), connects 通話数 (answered outbound calls, and calls whose outcome is a
connected kind), outcomes by kind, the amount, and logged-in time for per-hour rates. It is the server's
(the board cannot recount the morning), rebuilt from the history store when a server restarts.

Figures (:func:`figures`): contact rate = connects ÷ dials; conversion = positives ÷ (positives +
negatives) (NICE CXone's definition); positives per hour = positives ÷ logged-in hours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec

from .model import Count, EpochMs, Id, Text

KindId = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
Amount = Annotated[float, msgspec.Meta(ge=0, le=1e12)]
#: An outcome may be stamped a little ahead of the server's clock (another machine's); not more.
FUTURE_SLACK_MS = 5 * 60_000
_KIND_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class Outcome(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: Id
    agent: Id
    kind: KindId
    at: EpochMs
    campaign: Text = ""
    call: Id | None = None
    amount: Amount | None = None


class Kind(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: KindId
    label: Text = ""  # as the centre says it on screen (成約, アポ, 受注…); "": the board's word for a known id
    positive: bool | None = None  # True: counts as a result; False: a conversation that did not convert
    connected: bool = False  # the customer was reached (counts as a connect)


class Goals(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Today's goals in positives: each agent's (``agent``, or theirs in ``agents``) and each team's."""

    agent: Count = 0
    agents: dict[Id, Count] = {}
    teams: dict[Text, Count] = {}

    def of_agent(self, agent_id: str) -> int:
        return self.agents.get(agent_id, self.agent)

    def of_team(self, team: str, members: int) -> int:
        return self.teams.get(team, self.agent * members)


class OutboundRules(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    kinds: Annotated[tuple[Kind, ...], msgspec.Meta(max_length=64)]
    goals: Goals = Goals()
    currency: Annotated[str, msgspec.Meta(max_length=8)] = "JPY"
    #: the word for a positive on the board's headline ("成約", "アポ", "受注"; "" = the board's word for results)
    headline: Text = ""

    def kind(self, kind_id: str) -> Kind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)


DEFAULT_RULES = OutboundRules(kinds=(
    Kind(id="sale", positive=True, connected=True),
    Kind(id="appointment", positive=True, connected=True),
    Kind(id="prospect", connected=True),
    Kind(id="callback", connected=True),
    Kind(id="refused", positive=False, connected=True),
    Kind(id="absent", connected=True),
    Kind(id="no_answer"),
    Kind(id="machine"),
    Kind(id="dead"),
), goals=Goals(agent=8))


class OutcomeRefused(ValueError):
    """An outcome that cannot be counted, and why in one line (a webhook answers it; a bridge logs it)."""


def rules_from(raw: Mapping[str, Any]) -> OutboundRules:
    """A centre's ``outbound`` config section (kinds, goals, currency, headline); raises OutcomeRefused."""
    try:
        rules = msgspec.convert(dict(raw), OutboundRules)
    except msgspec.ValidationError as err:
        raise OutcomeRefused(f"outbound: {err}") from None
    ids = [k.id for k in rules.kinds]
    if not ids or len(set(ids)) != len(ids):
        raise OutcomeRefused("outbound.kinds: at least one kind, each id once")
    return rules


def outcome_from(fields: Mapping[str, Any], now: int, rules: OutboundRules) -> Outcome:
    """An outcome from loose fields (an AMI UserEvent's headers, a webhook's JSON): every field checked,
    the time defaulting to now. Raises :class:`OutcomeRefused` naming the first problem."""
    def text(key: str, need: bool = True, limit: int = 128) -> str:
        value = fields.get(key)
        if value is None or value == "":
            if need:
                raise OutcomeRefused(f"no {key}")
            return ""
        if not isinstance(value, str) or len(value) > limit or any(ord(c) < 32 for c in value):
            raise OutcomeRefused(f"{key} must be text of at most {limit} characters")
        return value.strip()
    oid, agent, kind = text("id"), text("agent"), text("kind", limit=32)
    if not _KIND_RE.match(kind) or rules.kind(kind) is None:
        raise OutcomeRefused(f"kind {kind!r} is not one of this centre's ({', '.join(k.id for k in rules.kinds)})")
    at = fields.get("at")
    if at is None or at == "":
        stamp = now
    else:
        try:
            stamp = int(at)
        except (TypeError, ValueError):
            raise OutcomeRefused("at must be epoch milliseconds") from None
        if not 0 <= stamp <= now + FUTURE_SLACK_MS:
            raise OutcomeRefused("at is in the future" if stamp > now else "at must be epoch milliseconds")
    amount = fields.get("amount")
    value: float | None = None
    if amount is not None and amount != "":
        try:
            if isinstance(amount, bool):
                raise ValueError
            value = float(str(amount).replace(",", "").replace("¥", "").strip())
        except ValueError:
            raise OutcomeRefused("amount must be a number") from None
        if not (math.isfinite(value) and 0 <= value <= 1e12):
            raise OutcomeRefused("amount must be a number from 0 to 10^12")
    return Outcome(id=oid, agent=agent, kind=kind, at=stamp, campaign=text("campaign", False, 256),
                   call=text("call", False) or None, amount=value)


class Tally(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One agent's outbound day (since ``day_start``), as the server counts it."""

    agent: Id
    day_start: EpochMs
    dials: Count = 0
    connects: Count = 0
    kinds: dict[KindId, Count] = {}
    amount: Amount = 0.0
    login_ms: Count = 0  # logged-in time before ``login_since`` (closed spans today)
    login_since: EpochMs | None = None  # logged in since then (None: logged out now)
    last_at: EpochMs = 0  # the latest outcome's time

    def logged_in_ms(self, now: int) -> int:
        return self.login_ms + (max(0, now - max(self.login_since, self.day_start)) if self.login_since is not None else 0)


@dataclass(frozen=True, slots=True)
class Figures:
    dials: int
    connects: int
    positives: int
    negatives: int
    amount: float
    contact_rate: float | None  # connects ÷ dials
    conversion: float | None  # positives ÷ (positives + negatives)
    per_hour: float | None  # positives ÷ logged-in hours (None under a minute logged in)
    goal: int = 0

    @property
    def goal_share(self) -> float | None:
        return None if not self.goal else self.positives / self.goal


def figures(tallies: Iterable[Tally], rules: OutboundRules, now: int, goal: int = 0) -> Figures:
    """An agent's figures (one tally) or a team's (its members' summed)."""
    positive = {k.id for k in rules.kinds if k.positive}
    negative = {k.id for k in rules.kinds if k.positive is False}
    dials = connects = pos = neg = login = 0
    amount = 0.0
    for t in tallies:
        dials += t.dials
        connects += t.connects
        pos += sum(n for k, n in t.kinds.items() if k in positive)
        neg += sum(n for k, n in t.kinds.items() if k in negative)
        amount += t.amount
        login += t.logged_in_ms(now)
    return Figures(dials, connects, pos, neg, amount,
                   connects / dials if dials else None, pos / (pos + neg) if pos + neg else None,
                   pos / (login / 3_600_000) if login >= 60_000 else None, goal)


@dataclass(slots=True)
class _Day:
    dials: set[str]
    connects: set[str]
    kinds: dict[str, int]
    amount: float = 0.0
    login_ms: int = 0
    login_since: int | None = None
    last_at: int = 0
    login_known: bool = False  # its logged-in time before this server saw it has been read


class TallyBook:
    """Today's tallies, kept by the server: fed outcomes, the floor's outbound calls and its agents."""

    def __init__(self, rules: OutboundRules, day_start: int) -> None:
        self.rules = rules
        self.day_start = day_start
        self.days: dict[str, _Day] = {}
        self.seen: set[str] = set()  # outcome ids counted today

    def new_day(self, day_start: int) -> None:
        """Midnight (or the reset time): every tally starts again; logged-in agents stay logged in."""
        self.day_start = day_start
        open_ = {a: d.login_since for a, d in self.days.items() if d.login_since is not None}
        self.days = {}
        self.seen = set()
        for agent, since in open_.items():
            self._day(agent).login_since = max(since, day_start)

    def _day(self, agent: str) -> _Day:
        d = self.days.get(agent)
        if d is None:
            d = self.days[agent] = _Day(set(), set(), {})
        return d

    def outcome(self, o: Outcome) -> bool:
        """Count it (True) — unless its id was counted, or it belongs to another day (False)."""
        if o.id in self.seen or o.at < self.day_start:
            return False
        kind = self.rules.kind(o.kind)
        if kind is None:
            return False
        self.seen.add(o.id)
        d = self._day(o.agent)
        d.kinds[o.kind] = d.kinds.get(o.kind, 0) + 1
        d.amount += o.amount or 0.0
        d.last_at = max(d.last_at, o.at)
        call = o.call or f"outcome:{o.id}"  # an outcome without a call is an attempt of its own
        d.dials.add(call)
        if kind.connected:
            d.connects.add(call)
        return True

    def dial(self, agent: str, call: str, at: int, connected: bool) -> bool:
        """An outbound call seen on the floor (or read back from the store); True if the tally changed."""
        if at < self.day_start:
            return False
        d = self._day(agent)
        before = (len(d.dials), len(d.connects))
        d.dials.add(call)
        if connected:
            d.connects.add(call)
        return before != (len(d.dials), len(d.connects))

    def login(self, agent: str, logged_in: bool, now: int) -> bool:
        """The agent logged in or out now; True if that changed its tally."""
        d = self._day(agent)
        if logged_in == (d.login_since is not None):
            return False
        if logged_in:
            d.login_since = now
        else:
            d.login_ms += max(0, now - max(d.login_since or now, self.day_start))
            d.login_since = None
        return True

    def set_login(self, agent: str, closed_ms: int, since: int | None) -> None:
        """Its logged-in time today before this server saw it (from the store)."""
        d = self._day(agent)
        d.login_ms, d.login_since, d.login_known = closed_ms, since, True

    def knows_login(self, agent: str) -> bool:
        d = self.days.get(agent)
        return d is not None and d.login_known

    def tally(self, agent: str) -> Tally:
        d = self._day(agent)
        return Tally(agent=agent, day_start=self.day_start, dials=len(d.dials), connects=len(d.connects),
                     kinds=dict(d.kinds), amount=d.amount, login_ms=d.login_ms, login_since=d.login_since,
                     last_at=d.last_at)

    def active(self, agent: str) -> bool:
        """It dialled or has an outcome today: it belongs on the whiteboard (an inbound agent does not)."""
        d = self.days.get(agent)
        return d is not None and bool(d.dials or d.kinds)

    def tallies(self) -> list[Tally]:
        return [self.tally(a) for a in self.days if self.active(a)]
