"""This board's monitoring session (聞き耳 / ささやき / 割り込み): what may be done now, and why not.

Safety rules (what peers got wrong):

1. Listen is the only way in: a session always starts as listen (silent). Whisper and barge are
   switches made *inside* an active session, by a deliberate second action.
2. Stop is always offered while a session exists — dialing, active, ending, stuck — even with
   another request in flight; a stuck session's stop may be tried again.
3. The server is the judge: this only says what the board offers, and follows what the server
   answers (``monitor.update``); one request at a time besides stop.

4. In the app (the feed offers ``caps.audio``, this desk has a sound device and prefers it): the
   call is heard on the desk, and the microphone reaches the call only in whisper or barge, only
   while push-to-talk is held (or latched) — :attr:`MonitorSession.mic_open`; it is not even opened
   in listen, and a latch is let go whenever the session leaves whisper and barge.

The states and what each offers are one table, :data:`OFFERED`, as h11 keeps its states.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..core.protocol import MonitorUpdate


class SessionState(str, Enum):
    NONE = "none"  # no session yet
    DIALING = "dialing"  # the supervisor's phone is being rung
    ACTIVE = "active"
    ENDING = "ending"  # asked to end; the PBX has not confirmed the leg is gone
    STUCK = "stuck"  # could not be ended: the supervisor may still be heard
    ENDED = "ended"
    OTHER = "other"  # a newer state: treated as alive, stop offered

    @classmethod
    def of(cls, value: str) -> SessionState:
        try:
            state = cls(value)
        except ValueError:
            return cls.OTHER
        return cls.OTHER if state in (cls.NONE, cls.OTHER) else state


class Mode(str, Enum):
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


class Action(str, Enum):
    LISTEN = "listen"  # start a session (rule 1), or switch an active one back to silent
    WHISPER = "whisper"
    BARGE = "barge"
    STOP = "stop"


#: What the board offers in each state (rules 1 and 2).
OFFERED: dict[SessionState, frozenset[Action]] = {
    SessionState.NONE: frozenset({Action.LISTEN}),
    SessionState.ENDED: frozenset({Action.LISTEN}),
    SessionState.DIALING: frozenset({Action.STOP}),
    SessionState.ACTIVE: frozenset({Action.LISTEN, Action.WHISPER, Action.BARGE, Action.STOP}),
    SessionState.ENDING: frozenset({Action.STOP}),
    SessionState.STUCK: frozenset({Action.STOP}),
    SessionState.OTHER: frozenset({Action.STOP}),
}
#: States in which a session exists on the server (the banner shows, stop is offered).
ALIVE = frozenset({SessionState.DIALING, SessionState.ACTIVE, SessionState.ENDING, SessionState.STUCK,
                   SessionState.OTHER})


class Why(str, Enum):
    """Why an action is not offered now (the UI words it)."""

    VIEW_ONLY = "view_only"  # this board may not monitor (a TV, a view-only token)
    OFF_ON_FEED = "off_on_feed"  # the feed offers no monitoring, and says why (``modes_off``)
    NO_ENDPOINT = "no_endpoint"  # the supervisor's phone is not set
    NO_AGENT = "no_agent"  # no agent selected
    NOT_ON_CALL = "not_on_call"
    NOT_OFFERED = "not_offered"  # the feed does not offer this mode
    NOT_NOW = "not_now"  # not in this session state (e.g. whisper while the phone still rings)
    SAME_MODE = "same_mode"
    PENDING = "pending"  # another request awaits the server's answer


class Event(str, Enum):
    """What the server's updates told, for the board's session log."""

    CONNECTED = "connected"
    STUCK = "stuck"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Told:
    event: Event
    agent_id: str
    reason: str = ""  # the server's reason token (END / STUCK words)


class MonitorSession:
    """One supervisor, one session at a time."""

    def __init__(self, may_send: bool, endpoint: str, in_app: bool = True) -> None:
        self.may_send = may_send  # False: a view-only board (a TV) never offers monitoring
        self.endpoint = endpoint
        self.modes: tuple[Mode, ...] = ()
        self.modes_off = ""  # why the feed offers none, in its words
        self.session: MonitorUpdate | None = None  # the latest (or just ended) session
        self.pending: Action | None = None
        self.in_app = in_app  # the supervisor would rather hear calls on the desk than on the phone
        self.audio_offered = False  # the feed can send a call's audio (caps.audio)
        self.sound_error = ""  # why this desk cannot play sound ("" = it can)
        self.talk_held = False  # push-to-talk is down (key or button)
        self.latched = False  # the supervisor keeps the microphone open without holding the key

    # -- what the board offers -------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        return SessionState.NONE if self.session is None else SessionState.of(self.session.state)

    @property
    def alive(self) -> bool:
        return self.state in ALIVE

    @property
    def mode(self) -> Mode | None:
        s = self.session
        try:
            return Mode(s.mode) if s is not None else None
        except ValueError:
            return None

    def set_offer(self, modes: Sequence[str], modes_off: str, audio: bool = False) -> bool:
        """The feed's caps; True if they changed. Unknown modes are not offered."""
        known = tuple(Mode(m) for m in modes if m in Mode._value2member_map_)
        changed = (known, modes_off, audio) != (self.modes, self.modes_off, self.audio_offered)
        self.modes, self.modes_off, self.audio_offered = known, modes_off, audio
        return changed

    @property
    def via_app(self) -> bool:
        """A new session is heard on this desk (not on the phone)."""
        return self.in_app and self.audio_offered and not self.sound_error

    @property
    def heard_here(self) -> bool:
        """The session's audio plays on this desk now."""
        s = self.session
        return (s is not None and s.audio and self.alive and self.state is not SessionState.ENDING
                and self.pending is not Action.STOP)  # stop silences the desk at once, before the PBX confirms

    @property
    def may_talk(self) -> bool:
        """The microphone may be open: an in-app session, active, in whisper or barge, with no switch
        back to listen (or a stop) on its way."""
        return (self.heard_here and self.state is SessionState.ACTIVE and self.mode in (Mode.WHISPER, Mode.BARGE)
                and self.pending not in (Action.LISTEN, Action.STOP))

    @property
    def mic_open(self) -> bool:
        """The supervisor's voice goes to the call now."""
        if not self.may_talk:
            self.latched = False  # a latch never outlives whisper/barge
            return False
        return self.talk_held or self.latched

    def why_not_at_all(self) -> Why | None:
        """Why this board offers no monitoring at all (None: it does)."""
        if not self.may_send:
            return Why.VIEW_ONLY
        if not self.modes:
            return Why.OFF_ON_FEED if self.modes_off else Why.VIEW_ONLY
        if not self.endpoint and not self.via_app:
            return Why.NO_ENDPOINT
        return None

    def why_not(self, action: Action, agent_on_call: bool | None = None) -> Why | None:
        """Why ``action`` is not offered now (None: it is). ``agent_on_call``: the selected agent's
        state for a start (None: no agent selected)."""
        if action is Action.STOP:
            return None if self.alive and self.may_send else Why.NOT_NOW
        board = self.why_not_at_all()
        if board is not None:
            return board
        state = self.state
        if action not in OFFERED[state]:
            return Why.NOT_NOW
        if self.pending is not None:
            return Why.PENDING
        if Mode(action.value) not in self.modes:
            return Why.NOT_OFFERED
        if state is SessionState.ACTIVE:
            return Why.SAME_MODE if self.mode is Mode(action.value) else None
        if agent_on_call is None:
            return Why.NO_AGENT
        return None if agent_on_call else Why.NOT_ON_CALL

    # -- asking the server ---------------------------------------------------------------------

    def request(self, action: Action, agent_id: str | None = None) -> tuple[str, dict[str, Any], str]:
        """The command for ``action`` (name, arguments, the agent it concerns); marks it pending.
        The caller has checked :meth:`why_not`."""
        s = self.session
        if action is Action.STOP:
            assert s is not None
            self.pending = Action.STOP
            return "monitor.stop", {"session_id": s.session_id}, s.agent_id
        if self.state is SessionState.ACTIVE and s is not None:
            self.pending = action
            return "monitor.set_mode", {"session_id": s.session_id, "mode": action.value}, s.agent_id
        assert action is Action.LISTEN and agent_id is not None, "a session starts as listen (rule 1)"
        self.pending = action
        self.latched = False
        if self.via_app:
            return "monitor.start", {"mode": "listen", "agent_id": agent_id, "audio": True}, agent_id
        return ("monitor.start", {"mode": "listen", "agent_id": agent_id,
                                  "supervisor": {"endpoint": self.endpoint}}, agent_id)

    def answered(self) -> None:
        self.pending = None

    # -- following the server -----------------------------------------------------------------------

    def follow(self, sessions: Mapping[str, MonitorUpdate]) -> list[Told]:
        """Take the server's latest word on this board's sessions; what it told, for the log."""
        if not sessions:
            return []
        latest = max(sessions.values(), key=lambda s: (s.state != "ended", s.ts))
        before = self.session
        if before == latest:
            return []
        self.session = latest
        same = before is not None and before.session_id == latest.session_id
        was = SessionState.of(before.state) if same and before is not None else SessionState.NONE
        now = SessionState.of(latest.state)
        told: list[Told] = []
        if was is SessionState.DIALING and now is SessionState.ACTIVE:
            told.append(Told(Event.CONNECTED, latest.agent_id))
        if now is SessionState.STUCK and was is not SessionState.STUCK:
            told.append(Told(Event.STUCK, latest.agent_id, latest.reason))
        if now is SessionState.ENDED and was is not SessionState.ENDED:
            told.append(Told(Event.ENDED, latest.agent_id, latest.reason))
        return told
