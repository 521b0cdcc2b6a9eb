"""Listen / whisper / barge on the embedded call centre: the server's side.

The server decides, never the board: who may monitor (a supervisor principal, scoped
to teams), whom (an agent on a call), how (a mode this backend offers), and whether
the supervisor already has a session (one phone, one call at a time). Each request is
answered at once (ok with a session id, or a typed error); the session then lives
through ``monitor.update`` messages sent to the requesting board: ``dialing`` (the
supervisor's phone rings), ``active``, ``ended`` (stopped, call ended, board gone,
supervisor unreachable). Every monitored agent's tile is marked on every board.
Every start, mode change, stop, end and refusal goes to the audit log.

A repeated request id from the same supervisor gets the same answer (idempotent), so
a board that retries after a timeout never starts a second session.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..core.model import Agent, AgentState
from ..core.protocol import Command, CommandResult, ErrorInfo, MonitorUpdate
from ..feed.server import FeedServer, Peer
from .engine import CallCentre

log = logging.getLogger(__name__)

MODES = ("listen", "whisper", "barge")


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


@dataclass(frozen=True, slots=True)
class AuditRecord:
    ts: int
    who: str
    action: str  # start | set_mode | stop | end | refused
    agent_id: str
    call_id: str | None
    mode: str
    result: str  # ok | an error code | why it ended
    session_id: str = ""


@dataclass
class MonitorDesk:
    engine: CallCentre
    server: FeedServer
    dial_s: float = 1.0
    sessions: dict[str, Session] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)
    _answers: dict[tuple[str, str], CommandResult] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- wiring ----------------------------------------------------------------------

    def mark(self, agent: Agent) -> Agent:
        """The agent as boards should see it: with the mode of any session on them."""
        for s in self.sessions.values():
            if s.agent_id == agent.id and s.state in ("dialing", "active"):
                return msgspec.structs.replace(agent, monitor=s.mode, monitored_by=s.supervisor)
        return agent

    def after_step(self) -> None:
        """End sessions whose call is over (the agent moved on)."""
        for s in list(self.sessions.values()):
            a = self.engine.agents.get(s.agent_id)
            call = a.call.id if a is not None and a.call is not None else None
            if a is None or call != s.call_id or a.state not in (AgentState.ON_CALL, AgentState.ON_HOLD):
                self._end(s, "call_ended")

    def on_disconnect(self, peer: Peer) -> None:
        for s in list(self.sessions.values()):
            if s.peer is peer:
                self._end(s, "board_disconnected")

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
                self._end(s, "stopped")
                return self._ok(cmd.req_id, s.id)
            mode = args.get("mode")
            if mode not in self.server.monitor_modes:
                return self._refuse(cmd.req_id, peer, s.agent_id, str(mode), "not_supported",
                                    f"mode {mode!r} is not offered here")
            s.mode = str(mode)
            self._record(peer.principal.name, "set_mode", s, "ok")
            self._tell(s)
            self._publish_mark(s.agent_id)
            return self._ok(cmd.req_id, s.id)
        return self._error(cmd.req_id, "not_supported", f"unknown action {cmd.action!r}")

    def _start(self, req_id: str, peer: Peer, args: dict[str, Any]) -> CommandResult:
        who = peer.principal
        mode, agent_id = args.get("mode"), args.get("agent_id")
        supervisor = args.get("supervisor")
        endpoint = supervisor.get("endpoint") if isinstance(supervisor, dict) else None
        aid = str(agent_id)
        if who.role != "supervisor":
            return self._refuse(req_id, peer, aid, str(mode), "forbidden", "this board is view-only")
        if mode not in self.server.monitor_modes:
            return self._refuse(req_id, peer, aid, str(mode), "not_supported", f"mode {mode!r} is not offered here")
        if not isinstance(endpoint, str) or not endpoint.strip():
            return self._refuse(req_id, peer, aid, str(mode), "bad_request",
                                "no supervisor endpoint: set your phone in the profile")
        a = self.engine.agents.get(aid)
        if a is None:
            return self._refuse(req_id, peer, aid, str(mode), "not_found", f"no agent {aid!r}")
        if not who.may_monitor(a.team):
            return self._refuse(req_id, peer, aid, str(mode), "forbidden", f"{a.name} is not in your teams")
        if a.state not in (AgentState.ON_CALL, AgentState.ON_HOLD) or a.call is None:
            return self._refuse(req_id, peer, aid, str(mode), "not_on_call", f"{a.name} is not on a call")
        for s in self.sessions.values():
            if s.agent_id == aid:
                return self._refuse(req_id, peer, aid, str(mode), "busy", f"{a.name} is already monitored by {s.supervisor}")
            if s.supervisor == who.name:
                return self._refuse(req_id, peer, aid, str(mode), "busy", "you are already monitoring a call: stop it first")
        s = Session(f"m{next(self._ids)}", peer, who.name, endpoint, aid, a.call.id, str(mode))
        self.sessions[s.id] = s
        self._record(who.name, "start", s, "ok")
        self._tell(s)
        self._publish_mark(aid)
        asyncio.get_running_loop().call_later(self.dial_s, self._answered, s.id)
        return self._ok(req_id, s.id)

    def _answered(self, sid: str) -> None:
        """The supervisor's phone picked up (or could not be reached)."""
        s = self.sessions.get(sid)
        if s is None or s.state != "dialing":
            return
        if s.endpoint.lower().startswith("unreachable"):
            self._end(s, "supervisor_unreachable")
            return
        s.state = "active"
        self._tell(s)

    # -- helpers ---------------------------------------------------------------------------

    def _end(self, s: Session, why: str) -> None:
        if self.sessions.pop(s.id, None) is None:
            return
        s.state = "ended"
        self._record(s.supervisor, "end", s, why)
        self._tell(s, why)
        self._publish_mark(s.agent_id)

    def _tell(self, s: Session, reason: str = "") -> None:
        self.server.send_to(s.peer, MonitorUpdate(
            ts=self.server.clock(), session_id=s.id, state=s.state, mode=s.mode, agent_id=s.agent_id,
            call_id=s.call_id, reason=reason,
        ))

    def _publish_mark(self, agent_id: str) -> None:
        a = self.engine.agents.get(agent_id)
        if a is not None:
            self.server.publish([self.mark(self.engine.agent_view(a))])

    def _record(self, who: str, action: str, s: Session, result: str) -> None:
        rec = AuditRecord(self.server.clock(), who, action, s.agent_id, s.call_id, s.mode, result, s.id)
        self.audit.append(rec)
        log.info("audit: %s %s %s on %s (call %s): %s", who, action, s.mode, s.agent_id, s.call_id, result)

    def _refuse(self, req_id: str, peer: Peer, agent_id: str, mode: str, code: str, message: str) -> CommandResult:
        call = self.engine.agents[agent_id].call if agent_id in self.engine.agents else None
        self.audit.append(AuditRecord(self.server.clock(), peer.principal.name, "refused", agent_id,
                                      call.id if call is not None else None, mode, code))
        log.info("audit: %s refused %s on %s: %s", peer.principal.name, mode, agent_id, code)
        return self._error(req_id, code, message)

    def _ok(self, req_id: str, session_id: str) -> CommandResult:
        return CommandResult(req_id=req_id, ts=self.server.clock(), ok=True, result={"session_id": session_id})

    def _error(self, req_id: str, code: str, message: str) -> CommandResult:
        return CommandResult(req_id=req_id, ts=self.server.clock(), ok=False, error=ErrorInfo(code=code, message=message))
