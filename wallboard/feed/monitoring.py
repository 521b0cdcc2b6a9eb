"""Listen / whisper / barge: the server's side, for any backend (the embedded call centre, Asterisk).

The server decides, never the board: who may monitor (a supervisor principal, scoped
to teams), whom (an agent on a call), how (a mode this backend offers), and whether
the supervisor already has a session (one phone, one call at a time). Each request is
answered at once (ok with a session id, or a typed error); the session then lives
through ``monitor.update`` messages sent to the requesting board: ``dialing`` (the
supervisor's phone rings), ``active``, ``ending`` (asked to end: the PBX has not yet
confirmed that the supervisor's leg is gone), ``ended`` (stopped, call ended, board gone,
supervisor unreachable, timeout) — sent only once the backend confirms — or ``stuck``: the
backend could not end the leg (refused, unconfirmed, PBX link lost), said plainly and in red
on the board and in the audit log, because the supervisor may still be heard. A stuck session
stays (and keeps the agent's tile marked) until the leg is gone; stop may be tried again.
Every monitored agent's tile is marked on every board. Every start, mode change, stop, end,
failure to end and refusal goes to the audit log.

A repeated request id from the same supervisor gets the same answer (idempotent), so
a board that retries after a timeout never starts a second session.

**In-app audio** (``monitor.start`` with ``audio: true``, offered when the backend can: ``caps.audio``):
the call's audio goes, as binary frames, only to the connection that started the session — a
viewer never has a session, so never hears one — and the supervisor's microphone frames are
taken only from that connection, only while the session is active in whisper or barge: in
listen they are dropped (and counted) here even if a board sent them, so listen never speaks.

What it knows of the floor is what the server serves (``server.agents``); how the
supervisor's phone is rung is the :class:`Dialer`'s business, which reports back with
:meth:`MonitorDesk.connected`, :meth:`MonitorDesk.finish` (the PBX ended it),
:meth:`MonitorDesk.gone` (the leg is confirmed gone) and :meth:`MonitorDesk.stuck`.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from ..core.audio import AudioFrame, pack_audio
from ..core.model import ON_A_CALL, Agent
from ..core.protocol import SPEAKING_MODES, Command, CommandResult, ErrorInfo, MonitorUpdate
from .server import FeedServer, Peer

log = logging.getLogger(__name__)

MODES = ("listen", "whisper", "barge")
#: Why a session could not be ended (``monitor.update`` state ``stuck``).
STUCK_REASONS = ("hangup_refused", "hangup_unconfirmed", "pbx_link_lost")


@dataclass(slots=True)
class Session:
    id: str
    peer: Peer
    supervisor: str
    endpoint: str
    agent_id: str
    call_id: str | None
    mode: str
    state: str = "dialing"
    reason: str = ""  # why it ends (once asked to)
    stuck: str = ""  # why it could not be ended (one of STUCK_REASONS), while stuck
    audio: bool = False  # the call's audio goes to the board (in the app), not to a phone
    out_seq: int = 0  # audio frames sent to the board


@dataclass(frozen=True, slots=True)
class AuditRecord:
    ts: int
    who: str
    action: str  # start | set_mode | stop | end | end_failed | refused
    agent_id: str
    call_id: str | None
    mode: str
    result: str  # ok | an error code | why it ended
    session_id: str = ""
    via: str = ""  # "app" (in-app audio) or the supervisor's phone


class Dialer(Protocol):
    """Rings the supervisor's phone into the agent's call; reports back to the desk."""

    def dial(self, s: Session) -> None:
        """Start the supervisor's leg in ``s.mode``; later ``desk.connected`` or ``desk.end``."""

    def switch(self, s: Session, mode: str) -> None:
        """Change the mode of a live session (the desk has already recorded the new mode)."""

    def hang_up(self, s: Session) -> None:
        """End the supervisor's leg (stop, call over, board gone); then ``desk.gone`` once it is
        confirmed gone, or ``desk.stuck`` if it cannot be ended. May be asked again (a retry)."""

    def speak(self, s: Session, pcm: bytes) -> None:
        """The supervisor's voice (an in-app session, active, whisper or barge: the desk checked)."""


@dataclass
class MonitorDesk:
    server: FeedServer
    dialer: Dialer
    sessions: dict[str, Session] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)
    _answers: dict[tuple[str, str], CommandResult] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    mic_dropped: dict[str, int] = field(default_factory=dict)  # microphone frames refused, by why

    # -- wiring ----------------------------------------------------------------------

    def mark(self, agent: Agent) -> Agent:
        """The agent as boards should see it: with the mode of any session on them (or none)."""
        for s in self.sessions.values():
            if s.agent_id == agent.id:
                if agent.monitor == s.mode and agent.monitored_by == s.supervisor:
                    return agent
                return msgspec.structs.replace(agent, monitor=s.mode, monitored_by=s.supervisor)
        if agent.monitor or agent.monitored_by:
            return msgspec.structs.replace(agent, monitor="", monitored_by="")
        return agent

    def after_publish(self) -> None:
        """End sessions whose call is over (the agent moved on), as the server now shows the floor."""
        for s in list(self.sessions.values()):
            a = self.server.agents.get(s.agent_id)
            if s.state in ("dialing", "active") and (a is None or a.call_id != s.call_id
                                                      or a.status not in ON_A_CALL):
                self.finish(s.id, "call_ended")

    def on_disconnect(self, peer: Peer) -> None:
        for s in list(self.sessions.values()):
            if s.peer is peer:
                self.finish(s.id, "board_disconnected")

    # -- what the dialer reports --------------------------------------------------------

    def connected(self, sid: str) -> None:
        """The supervisor is on the call."""
        s = self.sessions.get(sid)
        if s is not None and s.state == "dialing":
            s.state = "active"
            self._tell(s)

    def finish(self, sid: str, why: str) -> None:
        """The session is to end (stopped, call over, board gone, …): the leg is hung up, and the
        session ends when the dialer confirms it (:meth:`gone`). Asked again of a stuck session,
        the leg is hung up again."""
        s = self.sessions.get(sid)
        if s is None or s.state == "ending":
            return  # gone, or already on its way out
        s.reason = s.reason if s.state == "stuck" else why
        s.state, s.stuck = "ending", ""
        self.dialer.hang_up(s)
        if self.sessions.get(sid) is s and s.state == "ending":
            self._tell(s, s.reason)  # not confirmed at once: the board shows it is ending

    def gone(self, sid: str) -> None:
        """The supervisor's leg is confirmed gone: the session has ended."""
        s = self.sessions.pop(sid, None)
        if s is None:
            return
        why = s.reason or "hung_up"
        s.state = "ended"
        self._record(s.supervisor, "end", s, why)
        self._tell_marked(s, why)

    def stuck(self, sid: str, code: str, detail: str = "") -> None:
        """The leg could not be ended (``code`` one of :data:`STUCK_REASONS`): say so, plainly.

        The session stays (the supervisor may still be on the call, heard); ``gone`` ends it when
        the leg finally goes, and a stop hangs it up again."""
        s = self.sessions.get(sid)
        if s is None:
            return
        s.state, s.stuck = "stuck", code
        s.reason = s.reason or "hung_up"
        self._record(s.supervisor, "end_failed", s, f"{code}: {detail}" if detail else code)
        log.error("monitor %s: %s's leg on %s could NOT be ended (%s%s): the supervisor may still be on the call",
                  s.id, s.supervisor, s.agent_id, code, f": {detail}" if detail else "")
        self._tell(s, code)

    def really_in(self, sid: str, mode: str, reason: str, result: str) -> None:
        """The PBX says the session's leg is in ``mode``, not in the one recorded — it refused a switch
        (``reason`` ``pbx_refused``) or the supervisor's phone keypad made one (``keypad``): the board,
        the agent's tile and the audit log (``result``) follow the call as it really is."""
        s = self.sessions.get(sid)
        if s is None or s.mode == mode or mode not in MODES:
            return
        was, s.mode = s.mode, mode
        self._record(s.supervisor, "set_mode", s, result)
        log.warning("monitor %s: %s on the PBX, not %s (%s: %s)", sid, mode, was, reason, result)
        self._tell_marked(s, reason)

    # -- audio -----------------------------------------------------------------------------

    def heard(self, sid: str, pcm: bytes) -> bool:
        """The call's audio for session ``sid`` (from the backend): to its board, and no other."""
        s = self.sessions.get(sid)
        if s is None or not s.audio or s.state not in ("dialing", "active"):
            return False
        s.out_seq += 1
        return self.server.send_audio(s.peer, pack_audio(s.id, s.out_seq, pcm))

    def microphone(self, peer: Peer, frame: AudioFrame) -> None:
        """A supervisor's microphone frame: to the call only from the session's own board, only in
        whisper or barge. Anything else is dropped and counted (listen never speaks)."""
        s = self.sessions.get(frame.session_id)
        why = ("no_session" if s is None else "not_yours" if s.peer is not peer else
               "not_in_app" if not s.audio else "not_active" if s.state != "active" else
               "listening" if s.mode not in SPEAKING_MODES else "")
        if why or s is None:
            self.mic_dropped[why] = self.mic_dropped.get(why, 0) + 1
            return
        self.dialer.speak(s, frame.pcm)

    # -- commands ----------------------------------------------------------------------

    async def handle(self, cmd: Command, peer: Peer) -> CommandResult:
        key = (peer.principal.name, cmd.req_id)
        if key in self._answers:
            return self._answers[key]  # a retry: same answer, nothing done twice
        result = self._dispatch(cmd, peer)
        self._answers[key] = result
        if len(self._answers) > 10_000:
            self._answers.pop(next(iter(self._answers)))
        return result

    def _dispatch(self, cmd: Command, peer: Peer) -> CommandResult:
        args = cmd.args
        if cmd.action == "monitor.start":
            return self._start(cmd.req_id, peer, args)
        if cmd.action in ("monitor.set_mode", "monitor.stop"):
            sid = args.get("session_id")
            s = self.sessions.get(sid) if isinstance(sid, str) else None
            if s is None:
                return self._error(cmd.req_id, "not_found", f"no active session {sid!r}")
            if s.supervisor != peer.principal.name:
                return self._refuse(cmd.req_id, peer, s.agent_id, s.mode, "forbidden",
                                    "that session belongs to another supervisor")
            if cmd.action == "monitor.stop":
                self._record(peer.principal.name, "stop", s, "ok")
                self.finish(s.id, "stopped")
                return self._ok(cmd.req_id, s.id)
            if s.state != "active":
                return self._error(cmd.req_id, "busy", f"the session is {s.state}: wait, or stop it")
            mode = args.get("mode")
            if mode not in self.server.monitor_modes:
                return self._refuse(cmd.req_id, peer, s.agent_id, str(mode), "not_supported",
                                    f"mode {mode!r} is not offered here")
            s.mode = str(mode)
            self._record(peer.principal.name, "set_mode", s, "ok")
            self.dialer.switch(s, s.mode)
            self._tell_marked(s)
            return self._ok(cmd.req_id, s.id)
        return self._error(cmd.req_id, "not_supported", f"unknown action {cmd.action!r}")

    def _start(self, req_id: str, peer: Peer, args: dict[str, Any]) -> CommandResult:
        who = peer.principal
        mode, agent_id = args.get("mode"), args.get("agent_id")
        supervisor = args.get("supervisor")
        endpoint = supervisor.get("endpoint") if isinstance(supervisor, dict) else None
        audio = args.get("audio", False)
        aid = str(agent_id)
        if who.role != "supervisor":
            return self._refuse(req_id, peer, aid, str(mode), "forbidden", "this board is view-only")
        if mode not in self.server.monitor_modes:
            return self._refuse(req_id, peer, aid, str(mode), "not_supported", f"mode {mode!r} is not offered here")
        if not isinstance(audio, bool):
            return self._refuse(req_id, peer, aid, str(mode), "bad_request", "audio: true or false")
        if audio and not self.server.audio:
            return self._refuse(req_id, peer, aid, str(mode), "not_supported",
                                "in-app audio is not offered here: listen on your phone")
        if audio:
            endpoint = ""
        elif not isinstance(endpoint, str) or not endpoint.strip():
            return self._refuse(req_id, peer, aid, str(mode), "bad_request",
                                "no supervisor endpoint: set your phone in the profile")
        a = self.server.agents.get(aid)
        if a is None:
            return self._refuse(req_id, peer, aid, str(mode), "not_found", f"no agent {aid!r}")
        if not who.may_monitor(a.team):
            return self._refuse(req_id, peer, aid, str(mode), "forbidden", f"{a.name} is not in your teams")
        if a.status not in ON_A_CALL or a.call_id is None:
            return self._refuse(req_id, peer, aid, str(mode), "not_on_call", f"{a.name} is not on a call")
        for s in self.sessions.values():
            if s.agent_id == aid:
                return self._refuse(req_id, peer, aid, str(mode), "busy", f"{a.name} is already monitored by {s.supervisor}")
            if s.supervisor == who.name:
                return self._refuse(req_id, peer, aid, str(mode), "busy", "you are already monitoring a call: stop it first")
        assert isinstance(endpoint, str)
        s = Session(f"m{next(self._ids)}", peer, who.name, endpoint, aid, a.call_id, str(mode), audio=audio)
        self.sessions[s.id] = s
        self._record(who.name, "start", s, "ok")
        self._tell_marked(s)
        self.dialer.dial(s)
        return self._ok(req_id, s.id)

    # -- helpers ---------------------------------------------------------------------------

    def _tell(self, s: Session, reason: str = "") -> None:
        self.server.send_to(s.peer, MonitorUpdate(
            ts=self.server.clock(), session_id=s.id, state=s.state, mode=s.mode, agent_id=s.agent_id,
            call_id=s.call_id, reason=reason, audio=s.audio,
        ))

    def _tell_marked(self, s: Session, reason: str = "") -> None:
        """The agent's tile marked (or unmarked) first, then the session told: the tell flushes the mark to
        every board, so no board sees a tile's mark outlive its session or a session run ahead of its mark."""
        a = self.server.agents.get(s.agent_id)
        if a is not None:
            marked = self.mark(a)
            if marked is not a:
                self.server.publish([marked])
        self._tell(s, reason)

    def _record(self, who: str, action: str, s: Session, result: str) -> None:
        via = "app" if s.audio else s.endpoint
        rec = AuditRecord(self.server.clock(), who, action, s.agent_id, s.call_id, s.mode, result, s.id, via)
        self.audit.append(rec)
        log.info("audit: %s %s %s on %s (call %s) via %s: %s", who, action, s.mode, s.agent_id, s.call_id, via,
                 result)

    def _refuse(self, req_id: str, peer: Peer, agent_id: str, mode: str, code: str, message: str) -> CommandResult:
        a = self.server.agents.get(agent_id)
        self.audit.append(AuditRecord(self.server.clock(), peer.principal.name, "refused", agent_id,
                                      a.call_id if a is not None else None, mode, code))
        log.info("audit: %s refused %s on %s: %s", peer.principal.name, mode, agent_id, code)
        return self._error(req_id, code, message)

    def _ok(self, req_id: str, session_id: str) -> CommandResult:
        return CommandResult(req_id=req_id, ts=self.server.clock(), ok=True, result={"session_id": session_id})

    def _error(self, req_id: str, code: str, message: str) -> CommandResult:
        return CommandResult(req_id=req_id, ts=self.server.clock(), ok=False, error=ErrorInfo(code=code, message=message))
