"""Listen / whisper / barge from the board: the controller, and the banner that never lets you forget.

Safety rules (what peers got wrong):

- Listen is the only way in: a session always starts as listen (silent). Whisper and barge
  are switches made *inside* an active session, by a deliberate second action.
- Stop is always one click (or Esc), whatever state the session is in, and it is the
  biggest button on the banner.
- The banner stays while a session exists and says the mode in words and colour.
- The server is the judge: this only asks, and shows what the server answers.

Commands travel through ``send`` (which runs them on the feed thread) and their results
come back to the GUI thread through a queued signal.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ..core.protocol import CommandResult, MonitorUpdate
from .style import QT_TR_NOOP, clock_text, tr

SendCommand = Callable[[str, str, dict[str, Any]], "concurrent.futures.Future[CommandResult]"]

MODE_WORDS = {"listen": QT_TR_NOOP("LISTENING (silent)"), "whisper": QT_TR_NOOP("WHISPERING to the agent"),
              "barge": QT_TR_NOOP("BARGED IN: both hear you")}
MODE_NAMES = {"listen": QT_TR_NOOP("Listen"), "whisper": QT_TR_NOOP("Whisper"), "barge": QT_TR_NOOP("Barge")}
MODE_COLOURS = {"listen": QColor("#0072B2"), "whisper": QColor("#E69F00"), "barge": QColor("#D55E00")}
ERROR_WORDS = {
    "not_on_call": QT_TR_NOOP("the agent is not on a call"), "forbidden": QT_TR_NOOP("not allowed"),
    "busy": QT_TR_NOOP("busy"), "not_supported": QT_TR_NOOP("not supported here"),
    "supervisor_unreachable": QT_TR_NOOP("your phone could not be reached"),
    "timeout": QT_TR_NOOP("no answer from the server"), "not_found": QT_TR_NOOP("not found"),
    "bad_request": QT_TR_NOOP("bad request"),
}
END_WORDS = {
    "stopped": QT_TR_NOOP("stopped"), "call_ended": QT_TR_NOOP("the call ended"),
    "board_disconnected": QT_TR_NOOP("this board disconnected"),
    "connection_lost": QT_TR_NOOP("connection to the feed lost"),
    "supervisor_unreachable": QT_TR_NOOP("your phone could not be reached"),
    "timeout": QT_TR_NOOP("the agent's call could not be joined"),
    "hung_up": QT_TR_NOOP("your phone hung up"),
    "no_device": QT_TR_NOOP("the agent's phone could not be found on the PBX"),
    "pbx_refused": QT_TR_NOOP("the PBX refused to ring your phone"),
}
#: Why a session could not be ended: the supervisor may still be on the call, and heard.
STUCK_WORDS = {
    "hangup_refused": QT_TR_NOOP("the PBX refused to hang up your phone's leg"),
    "hangup_unconfirmed": QT_TR_NOOP("the PBX has not confirmed that your phone's leg hung up"),
    "pbx_link_lost": QT_TR_NOOP("the bridge lost its link to the PBX and cannot end your leg"),
}
STUCK_COLOUR = QColor("#B00020")


@dataclass(frozen=True, slots=True)
class LogEntry:
    at: float  # local wall time
    text: str
    ok: bool


class MonitorController(QObject):
    """One supervisor, one session at a time; everything the banner and buttons need."""

    changed = Signal()
    _result = Signal(str, object, object)  # action, result | None, error text | None

    def __init__(self, send: SendCommand | None, endpoint: str, supervisor: str = "",
                 parent: QObject | None = None) -> None:
        """``send`` runs a command on the feed thread; how long to wait for its reply is its own business."""
        super().__init__(parent)
        self.send = send
        self.endpoint = endpoint
        self.supervisor = supervisor
        self.modes: tuple[str, ...] = ()
        self.modes_off = ""  # why the feed offers no monitoring (its words), when it offers none
        self.session: MonitorUpdate | None = None  # the current (or just ended) session
        self.pending: str | None = None  # action awaiting its result
        self.log: list[LogEntry] = []
        self.name_of: Callable[[str], str] = lambda aid: aid
        self._ids = itertools.count(1)
        # Unique per board, not per start second: two desks on one supervisor token must never
        # share a request id (the server answers a repeated (principal, id) from its cache).
        self._prefix = uuid.uuid4().hex[:12]
        self._result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)

    def new_request_id(self) -> str:
        return f"{self._prefix}-{next(self._ids)}"

    # -- what the UI may offer ------------------------------------------------------------

    @property
    def live(self) -> bool:
        """A session exists on the server (it may be on its way out, or stuck)."""
        return self.session is not None and self.session.state != "ended"

    def can_start(self, agent_on_call: bool) -> bool:
        return (self.send is not None and "listen" in self.modes and bool(self.endpoint)
                and agent_on_call and not self.live and self.pending is None)

    def can_switch(self, mode: str) -> bool:
        return (self.live and self.pending is None and mode in self.modes
                and self.session is not None and self.session.state == "active" and self.session.mode != mode)

    def why_not(self) -> str:
        if self.send is not None and not self.modes and self.modes_off:
            return tr("Monitoring is off on this feed: {0}").format(self.modes_off)
        if self.send is None or not self.modes:
            return tr("This board is view-only")
        if not self.endpoint:
            return tr("Set your phone (--endpoint) to monitor calls")
        return ""

    # -- actions ------------------------------------------------------------------------------

    def listen(self, agent_id: str) -> None:
        self._send("monitor.start", {"mode": "listen", "agent_id": agent_id,
                                     "supervisor": {"endpoint": self.endpoint}}, agent_id)

    def switch(self, mode: str) -> None:
        if self.session is not None:
            self._send("monitor.set_mode", {"session_id": self.session.session_id, "mode": mode},
                       self.session.agent_id)

    def stop(self) -> None:
        """Always possible while a session lives, even with another request in flight."""
        if self.session is not None and self.live:
            self._send("monitor.stop", {"session_id": self.session.session_id}, self.session.agent_id, force=True)

    def _send(self, action: str, args: dict[str, Any], agent_id: str, force: bool = False) -> None:
        if self.send is None or (self.pending is not None and not force):
            return
        self.pending = action
        req_id = self.new_request_id()
        label = self._label(action, args, agent_id)
        try:
            fut = self.send(req_id, action, args)
        except Exception as err:  # not connected, loop gone
            self._on_result(label, None, str(err))
            return
        fut.add_done_callback(lambda f: self._deliver(label, f))
        self.changed.emit()

    def _deliver(self, label: str, fut: concurrent.futures.Future[CommandResult]) -> None:
        """Feed thread: hand the outcome to the GUI thread."""
        try:
            self._result.emit(label, fut.result(), None)
        except TimeoutError:
            self._result.emit(label, None, tr(ERROR_WORDS["timeout"]))
        except Exception as err:
            self._result.emit(label, None, str(err) or type(err).__name__)

    def _on_result(self, label: str, result: CommandResult | None, error: str | None) -> None:
        self.pending = None
        if result is not None and result.ok:
            self._log(tr("{0}: done").format(label), True)
        else:
            if result is not None and result.error is not None:
                error = f"{tr(ERROR_WORDS.get(result.error.code, result.error.code))} ({result.error.message})"
            self._log(f"{label}: {error}", False)
        self.changed.emit()

    def _label(self, action: str, args: dict[str, Any], agent_id: str) -> str:
        who = self.name_of(agent_id)
        if action == "monitor.start":
            return tr("Listen → {0}").format(who)
        if action == "monitor.set_mode":
            mode = str(args.get("mode", ""))
            return tr("{0} → {1}").format(tr(MODE_NAMES.get(mode, mode)), who)
        return tr("Stop → {0}").format(who)

    def _log(self, text: str, ok: bool) -> None:
        self.log.append(LogEntry(time.time(), text, ok))
        del self.log[:-200]

    # -- what the server says ---------------------------------------------------------------------

    def on_sessions(self, sessions: Mapping[str, MonitorUpdate]) -> None:
        """Follow this board's sessions from the feed's views."""
        if not sessions:
            return
        latest = max(sessions.values(), key=lambda s: (s.state != "ended", s.ts))
        before = self.session
        if before == latest:
            return
        self.session = latest
        same = before is not None and before.session_id == latest.session_id
        if same and before is not None and before.state == "dialing" and latest.state == "active":
            self._log(tr("Connected: your phone is on the call"), True)
        if latest.state == "stuck" and (not same or (before is not None and before.state != "stuck")):
            self._log(tr("COULD NOT END: {0} — hang up your phone").format(
                tr(STUCK_WORDS.get(latest.reason, latest.reason))), False)
        if latest.state == "ended" and (not same or (before is not None and before.state != "ended")):
            self._log(tr("Session ended: {0}").format(tr(END_WORDS.get(latest.reason, latest.reason))),
                      latest.reason == "stopped")
        self.changed.emit()


class MonitorBanner(QWidget):
    """The persistent bar: mode in words and colour, whom, how long, and a big Stop."""

    def __init__(self, controller: MonitorController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.text = QLabel()
        f = self.text.font()
        f.setPixelSize(20)
        f.setBold(True)
        self.text.setFont(f)
        self.text.setWordWrap(True)  # a long warning wraps; it never widens the window
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.text, 1)
        self.whisper = QPushButton(tr("Whisper (W)"))
        self.barge = QPushButton(tr("Barge (B)"))
        self.listen = QPushButton(tr("Listen (L)"))
        self.stop = QPushButton(tr("■ Stop (Esc)"))
        sf = self.stop.font()
        sf.setPixelSize(18)
        sf.setBold(True)
        self.stop.setFont(sf)
        self.stop.setMinimumWidth(160)
        for b in (self.listen, self.whisper, self.barge, self.stop):
            row.addWidget(b)
        self.listen.clicked.connect(lambda: controller.switch("listen"))
        self.whisper.clicked.connect(lambda: controller.switch("whisper"))
        self.barge.clicked.connect(lambda: controller.switch("barge"))
        self.stop.clicked.connect(controller.stop)
        self.setAutoFillBackground(True)
        self.hide()

    def refresh(self, agent_name: str, call_s: float | None) -> None:
        c = self.controller
        s = c.session
        if s is None or s.state == "ended":
            self.hide()
            return
        colour = STUCK_COLOUR if s.state == "stuck" else MODE_COLOURS.get(s.mode, QColor("#333333"))
        pal = self.palette()
        pal.setColor(self.backgroundRole(), colour)
        pal.setColor(self.foregroundRole(), QColor("#FFFFFF"))
        self.setPalette(pal)
        self.text.setStyleSheet("color: white;")
        dur = " · " + tr("call {0}").format(clock_text(call_s)) if call_s is not None else ""
        if s.state == "stuck":
            self.text.setText(tr("⚠ COULD NOT END — {0}: you may still be heard. Hang up your phone. ({1})").format(
                tr(STUCK_WORDS.get(s.reason, s.reason)), agent_name))
        else:
            phase = {"dialing": tr("calling your phone {0}…").format(c.endpoint),
                     "ending": tr("ending: waiting for the PBX to confirm…")}.get(s.state, tr("connected"))
            self.text.setText(f"● {tr(MODE_WORDS.get(s.mode, s.mode))} — {agent_name}{dur} · {phase}")
        self.listen.setEnabled(c.can_switch("listen"))
        self.whisper.setEnabled(c.can_switch("whisper"))
        self.barge.setEnabled(c.can_switch("barge"))
        self.stop.setEnabled(c.live)
        self.show()
