"""The floor's objects as they travel on the feed: agents, queues, calls.

Rules (as in h11's state module, written here once):

1. Every object is immutable. An update replaces the whole object, so applying the
   same update twice is harmless and a board never holds half an object.
2. All times are integer epoch milliseconds on the *server's* clock.
3. States travel as strings. A value this client does not know maps to ``unknown``
   (``AgentState.of``), so a newer server never breaks an older board.
4. Interval counters (offered, answered, …) live on the queue object and are the
   server's: a board that connects mid-day cannot recount the morning.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Final

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Text = Annotated[str, msgspec.Meta(max_length=256)]
EpochMs = Annotated[int, msgspec.Meta(ge=0, le=2**53)]
Count = Annotated[int, msgspec.Meta(ge=0, le=2**53)]
Seconds = Annotated[int, msgspec.Meta(ge=0, le=86_400)]


class AgentState(str, Enum):
    """What an agent is doing. Colour on the board is never the only cue."""

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    ON_HOLD = "on_hold"
    WRAPUP = "wrapup"
    PAUSED = "paused"
    BUSY_OTHER = "busy_other"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: str) -> AgentState:
        return _AGENT_STATES.get(value, cls.UNKNOWN)


_AGENT_STATES: Final = {s.value: s for s in AgentState}

#: States in which the agent is handling a customer (talk, hold).
ON_A_CALL: Final = frozenset({AgentState.ON_CALL, AgentState.ON_HOLD})


class CallState(str, Enum):
    QUEUED = "queued"
    RINGING = "ringing"
    CONNECTED = "connected"
    HELD = "held"
    ENDED = "ended"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: str) -> CallState:
        return _CALL_STATES.get(value, cls.UNKNOWN)


_CALL_STATES: Final = {s.value: s for s in CallState}

#: A caller in these states has not been answered yet: they count as 待ち呼 (waiting).
WAITING_CALL_STATES: Final = frozenset({CallState.QUEUED, CallState.RINGING})

#: Allowed call-state transitions. The server is authoritative (its object always
#: wins), but a transition outside this table is counted: it points at a bridge bug.
CALL_TRANSITIONS: Final[dict[CallState, frozenset[CallState]]] = {
    CallState.QUEUED: frozenset({CallState.RINGING, CallState.CONNECTED, CallState.ENDED}),
    CallState.RINGING: frozenset({CallState.QUEUED, CallState.CONNECTED, CallState.ENDED}),
    CallState.CONNECTED: frozenset({CallState.HELD, CallState.ENDED}),
    CallState.HELD: frozenset({CallState.CONNECTED, CallState.ENDED}),
    CallState.ENDED: frozenset(),
    CallState.UNKNOWN: frozenset(CallState),
}

END_REASONS: Final = frozenset(
    {"completed", "abandoned", "timeout", "exited", "transferred", "failed"}
)


class Agent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: Id
    name: Text
    state: Annotated[str, msgspec.Meta(max_length=32)]
    since: EpochMs
    team: Text = ""
    reason: Text = ""
    queues: Annotated[tuple[Id, ...], msgspec.Meta(max_length=256)] = ()
    call_id: Id | None = None
    ext: Text = ""
    direction: Annotated[str, msgspec.Meta(max_length=8)] = ""
    help: bool = False
    monitor: Annotated[str, msgspec.Meta(max_length=16)] = ""  # listen | whisper | barge while a supervisor is on
    monitored_by: Text = ""
    name_kana: Text = ""  # the name's reading (よみ), for ordering Japanese names: 佐藤 → さとう

    @property
    def status(self) -> AgentState:
        return AgentState.of(self.state)


class Queue(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A queue and its counters since ``interval_start``: the centre's local midnight, or, when
    ``interval_partial``, the moment the server began counting (it started mid-day and cannot
    recount the hours before)."""

    id: Id
    name: Text
    interval_start: EpochMs
    interval_partial: bool = False
    sl_threshold_s: Seconds = 20
    sl_target_pct: Annotated[float, msgspec.Meta(ge=0, le=100)] = 80.0
    short_abandon_s: Seconds = 0
    offered: Count = 0
    answered: Count = 0
    abandoned: Count = 0
    abandoned_short: Count = 0
    answered_in_sl: Count = 0
    abandoned_in_sl: Count = 0
    wait_answered_ms: Count = 0
    handled: Count = 0
    handle_ms: Count = 0
    #: the longest a caller who has left the queue (answered or not) waited since ``interval_start``
    longest_wait_ms: Count = 0


class Call(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: Id
    queue: Id
    state: Annotated[str, msgspec.Meta(max_length=32)]
    queued_at: EpochMs
    caller_num: Text = ""
    caller_name: Text = ""
    agent_id: Id | None = None
    direction: Annotated[str, msgspec.Meta(max_length=8)] = "in"
    answered_at: EpochMs | None = None
    held_since: EpochMs | None = None
    ended_at: EpochMs | None = None
    end_reason: Annotated[str, msgspec.Meta(max_length=32)] = ""

    @property
    def status(self) -> CallState:
        return CallState.of(self.state)
