"""Listen / whisper / barge from a desk: the session's Qt shell, and the banner that never lets you forget.

What may be done, and why not, is the board model's (:mod:`wallboard.board.monitoring`); this
sends what it asks through the feed link, keeps the session log, and shows the banner: the mode
in words and colour, whom, how long, and a Stop that is always the biggest button (Esc too).
For a session heard in the app it also tells the desk's sound what to play and when the
microphone may speak (after every change, before anything else), and the banner shows the
level, the microphone's state and the push-to-talk button (Space).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from ..board.monitoring import Action, Event, MonitorSession, SessionState, Told, Why
from ..core.protocol import CommandResult
from ..sound import Sound
from .feedlink import FeedLink
from .i18n import tr
from .listening import AudioDialog, LevelMeter, TalkKey
from .style import CRITICAL, MONITOR_COLOURS, MUTED, ON_STRONG, SILENT, css_colour, font
from .words import ENDS, ERRORS, MODE_NAMES, MODE_WORDS, SOUND_ERRORS, STUCK, WHY_NOT, clock_text, known


@dataclass(frozen=True, slots=True)
class LogEntry:
    at: float  # local wall time
    text: str
    ok: bool


class MonitorDesk(QObject):
    """One supervisor's session: asks through the link, follows the server, logs what happened."""

    changed = Signal()

    def __init__(self, session: MonitorSession, link: FeedLink, name_of: Callable[[str], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.link = link
        self.name_of = name_of
        self.log: list[LogEntry] = []
        self._asked: dict[str, str] = {}  # request id → what it was, in words
        link.answered.connect(self._answered)
        self.sound = link.sound
        session.sound_error = tr("this board plays no sound") if self.sound is None else self.sound.error
        self.talk_key = TalkKey(parent, lambda: self.session.may_talk, self.talk) \
            if isinstance(parent, QWidget) and self.sound is not None else None

    def follow(self) -> None:
        """Tell the desk's sound what the session allows now: play, open the microphone, send."""
        m, sound = self.session, self.sound
        if sound is None:
            return
        s = m.session
        if self.talk_key is not None:
            self.talk_key.arm(m.may_talk)
        sound.follow(s.session_id if s is not None else None, m.heard_here, m.may_talk, m.mic_open)
        if sound.error != m.sound_error:
            m.sound_error = sound.error
            if sound.error:
                self._log(tr("No sound: {0}").format(known(SOUND_ERRORS, sound.error)), False)

    def talk(self, down: bool) -> None:
        """Push-to-talk pressed or let go (Space, the Talk button)."""
        self.session.talk_held = down
        self.follow()
        self.changed.emit()

    def edit_listening(self, settings: QSettings | None) -> None:
        """The ☰ menu's Listening…: app or phone, headset and microphone."""
        if self.sound is None:
            return
        def chosen(in_app: bool) -> None:
            self.session.in_app = in_app
            self.session.sound_error = self.sound.error if self.sound is not None else ""
            self.changed.emit()
        parent = self.parent()
        AudioDialog(self.sound, settings, self.session.in_app, chosen,
                    parent if isinstance(parent, QWidget) else None).open()

    def latch(self, on: bool) -> None:
        """Keep the microphone open without holding the key (only while the session may talk)."""
        self.session.latched = on and self.session.may_talk
        self.follow()
        self.changed.emit()

    def act(self, action: Action, agent_id: str | None = None, agent_on_call: bool | None = None) -> bool:
        """Do ``action`` if the model offers it now; False (and nothing sent) if not."""
        if self.session.why_not(action, agent_on_call) is not None:
            return False
        name, args, agent = self.session.request(action, agent_id)
        self.follow()  # a stop or a switch to listen silences the desk now, before the server answers
        who = self.name_of(agent)
        label = (tr("Listen → {0}").format(who) if name == "monitor.start" else
                 tr("Stop → {0}").format(who) if name == "monitor.stop" else
                 tr("{0} → {1}").format(known(MODE_NAMES, action.value), who))
        self._asked[self.link.send(name, args)] = label
        self.changed.emit()
        return True

    def _answered(self, req_id: str, result: CommandResult | None, error: str) -> None:
        label = self._asked.pop(req_id, None)
        if label is None:
            return  # not ours (an acknowledgement)
        self.session.answered()
        self.follow()
        if result is not None and result.ok:
            self._log(tr("{0}: done").format(label), True)
        else:
            if result is not None and result.error is not None:
                error = f"{known(ERRORS, result.error.code)} ({result.error.message})"
            else:
                error = known(ERRORS, error)
            self._log(f"{label}: {error}", False)
        self.changed.emit()

    def told(self, told: tuple[Told, ...]) -> None:
        """What the server's updates said (from the model's ``take``)."""
        self.follow()
        s = self.session.session
        for t in told:
            if t.event is Event.CONNECTED:
                self._log(tr("Connected: you hear the call here") if s is not None and s.audio else
                          tr("Connected: your phone is on the call"), True)
            elif t.event is Event.STUCK:
                self._log(tr("COULD NOT END: {0} — hang up your phone").format(known(STUCK, t.reason)), False)
            else:
                self._log(tr("Session ended: {0}").format(known(ENDS, t.reason)), t.reason == "stopped")
        if told:
            self.changed.emit()

    def hint(self, selected: str | None, agent_on_call: bool | None) -> str:
        """One line under the Listen button: what to do, or why it cannot be done."""
        m = self.session
        why = m.why_not(Action.LISTEN, agent_on_call)
        if why is None and m.via_app:
            return tr("L listens to {0} here (headset); W whispers, B barges (hold Space to talk); Esc stops.").format(
                self.name_of(selected or ""))
        if why is None:
            where = tr(" (no sound here: {0})").format(known(SOUND_ERRORS, m.sound_error)) \
                if m.in_app and m.audio_offered else ""
            return tr("L listens to {0} on your phone{1}; then W whispers, B barges; Esc stops.").format(
                self.name_of(selected or ""), where)
        if why is Why.OFF_ON_FEED:
            return tr(WHY_NOT[why]).format(self.session.modes_off)
        if why is Why.NOT_ON_CALL:
            return tr(WHY_NOT[why]).format(self.name_of(selected or ""))
        return tr(WHY_NOT[why])

    def _log(self, text: str, ok: bool) -> None:
        self.log.append(LogEntry(time.time(), text, ok))
        del self.log[:-200]


class MonitorBanner(QWidget):
    """The persistent bar: mode in words and colour, whom, how long, and a big Stop.

    The desk stacks it with the Listen row (same place, same height), so starting a listen never
    moves anything on the board; ``shown`` says which of the two is up."""

    action = Signal(object)  # Action
    talk = Signal(bool)  # push-to-talk down / up
    latch = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QVBoxLayout(self)  # the words and Stop above; the sound, the microphone and the modes below
        rows.setContentsMargins(8, 2, 8, 2)
        rows.setSpacing(2)
        top, row = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(top)
        rows.addLayout(row)
        self.text = QLabel()
        self.text.setFont(font(self.text.font(), "banner", bold=True))
        self.text.setWordWrap(True)  # a long warning wraps; it never widens the window
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.text, 1)
        self.buttons = {Action.LISTEN: QPushButton(tr("Listen (L)")), Action.WHISPER: QPushButton(tr("Whisper (W)")),
                        Action.BARGE: QPushButton(tr("Barge (B)")), Action.STOP: QPushButton(tr("■ Stop (Esc)"))}
        stop = self.buttons[Action.STOP]
        stop.setFont(font(stop.font(), "stop", bold=True))
        stop.setMinimumWidth(160)
        self.meter = LevelMeter()
        row.addWidget(self.meter)
        self.mic = QLabel()  # whether the supervisor's voice reaches the call, in words
        self.mic.setFont(font(self.mic.font(), "hint", bold=True))
        row.addWidget(self.mic)
        self.talk_button = QPushButton(tr("Talk (hold Space)"))
        self.talk_button.pressed.connect(lambda: self.talk.emit(True))
        self.talk_button.released.connect(lambda: self.talk.emit(False))
        self.latch_button = QPushButton(tr("Keep mic open"))
        self.latch_button.setCheckable(True)
        self.latch_button.clicked.connect(self.latch.emit)
        for b in (self.talk_button, self.latch_button):
            row.addWidget(b)
        row.addStretch(1)
        for act, b in self.buttons.items():
            (top if act is Action.STOP else row).addWidget(b)
            b.clicked.connect(lambda _=False, a=act: self.action.emit(a))
        self.setAutoFillBackground(True)
        self.shown = False
        self.sound: Sound | None = None  # what the meter reads, while a session is heard here
        self.ticker = QTimer(self)
        self.ticker.setInterval(80)  # the meter moves with the sound, not with the once-a-second refresh
        self.ticker.timeout.connect(self._meter)

    def _meter(self) -> None:
        sound = self.sound
        if sound is None:
            self.ticker.stop()
            return
        talking = sound.talking
        self.meter.set_level(sound.level_in if talking else sound.level_out, talking)

    def refresh(self, m: MonitorSession, agent_name: str, call_s: float | None, sound: Sound | None = None) -> bool:
        """Say the session as it is now; False when there is none to show."""
        s = m.session
        self.shown = s is not None and m.alive
        here = self.shown and m.heard_here
        for w in (self.meter, self.mic, self.talk_button, self.latch_button):
            w.setVisible(here)
        self.talk_button.setEnabled(m.may_talk)
        self.latch_button.setEnabled(m.may_talk)
        self.latch_button.setChecked(m.latched and m.may_talk)
        self.sound = sound if here else None
        if here and not self.ticker.isActive():
            self.ticker.start()
        if s is None or not self.shown:
            return False
        stuck = m.state is SessionState.STUCK
        colour = CRITICAL if stuck else MONITOR_COLOURS.get(s.mode, SILENT)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), colour)
        self.setPalette(pal)
        self.text.setStyleSheet(css_colour(ON_STRONG))
        dur = " · " + tr("call {0}").format(clock_text(call_s)) if call_s is not None else ""
        if stuck:
            text = tr("⚠ COULD NOT END — {0}: you may still be heard. Hang up your phone. ({1})").format(
                known(STUCK, s.reason), agent_name)
        else:
            dialing = tr("connecting the call's audio…") if s.audio else tr("calling your phone {0}…").format(m.endpoint)
            phase = {SessionState.DIALING: dialing,
                     SessionState.ENDING: tr("ending: waiting for the PBX to confirm…")}.get(m.state, tr("connected"))
            if m.state is SessionState.ACTIVE and s.audio:
                phase = ""  # heard here: the row below (level, microphone) says so
            text = f"● {known(MODE_WORDS, s.mode)} — {agent_name}{dur}" + (f" · {phase}" if phase else "")
            mic = (tr("NO SOUND: {0}").format(known(SOUND_ERRORS, m.sound_error)) if m.sound_error else
                   tr("MIC ON: you are heard") if m.mic_open else tr("mic off: hold Space to talk") if m.may_talk
                   else tr("mic off"))
            if self.mic.text() != mic:
                self.mic.setText(mic)
            self.mic.setStyleSheet(css_colour(ON_STRONG))
        if self.text.text() != text:
            self.text.setText(text)
        for act, b in self.buttons.items():
            b.setEnabled(m.why_not(act) is None)
        return True


class MonitorRow(QStackedWidget):
    """The Listen button and its hint, or — while a session lives — the banner, in the same place and
    height, so starting a listen never moves anything on the board."""

    action = Signal(object)  # Action

    def __init__(self, scale: float, desk: MonitorDesk | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.listen_button = QPushButton(tr("Listen to selected agent (L)"))
        self.listen_button.clicked.connect(lambda: self.action.emit(Action.LISTEN))
        self.hint = QLabel()
        self.hint.setFont(font(self.hint.font(), "hint", scale))
        self.hint.setStyleSheet(css_colour(MUTED))
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.listen_row = QWidget()
        row = QHBoxLayout(self.listen_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.listen_button)
        row.addWidget(self.hint, 1)
        self.banner = MonitorBanner()
        self.banner.action.connect(self.action)
        if desk is not None:
            self.banner.talk.connect(desk.talk)
            self.banner.latch.connect(desk.latch)
        self.addWidget(self.listen_row)
        self.addWidget(self.banner)
        self.setFixedHeight(max(self.listen_row.sizeHint().height(), self.banner.sizeHint().height()) + 16)

    def refresh(self, desk: MonitorDesk, selected: str | None, on_call: bool | None, call_s: float | None) -> None:
        m = desk.session
        s = m.session
        desk.follow()
        shown = self.banner.refresh(m, desk.name_of(s.agent_id) if s is not None else "", call_s, desk.sound)
        self.setCurrentWidget(self.banner if shown else self.listen_row)
        self.listen_button.setVisible(m.why_not_at_all() is None)
        self.listen_button.setEnabled(m.why_not(Action.LISTEN, on_call) is None)
        hint = desk.hint(selected, on_call)
        if self.hint.text() != hint:
            self.hint.setText(hint)
