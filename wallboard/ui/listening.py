"""Listening in the app: the level meter, push-to-talk, and the choice of headset and microphone.

Push-to-talk is held, never toggled by accident: Space (anywhere on the desk's window) or the Talk
button, down = the supervisor is heard, up = not. Only while a session may talk (in the app, active,
whisper or barge) does Space mean talk; otherwise it does what it always did. The window losing
focus lets go of it, so a key held while switching windows never leaves the microphone open.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ..core.audio import SILENCE_DBFS
from ..sound import Sound, SoundError, devices
from .i18n import tr
from .style import CARD_LINE, GOOD, ON_STRONG, WARN
from .words import SOUND_ERRORS, known

#: The meter's range: below FLOOR_DB is shown as nothing; speech sits around -30…-10 dBFS.
FLOOR_DB = -60.0


class LevelMeter(QWidget):
    """How loud the call is (or the supervisor, while talking): a bar, so one sees sound is flowing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = SILENCE_DBFS
        self.talking = False
        self.setMinimumWidth(90)
        self.setToolTip(tr("Sound level of the call"))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, 18)

    def set_level(self, db: float, talking: bool) -> None:
        if (round(db), talking) != (round(self.level), self.talking):
            self.level, self.talking = db, talking
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        r = QRectF(self.rect()).adjusted(1, 4, -1, -4)
        p.setPen(ON_STRONG)
        p.setBrush(CARD_LINE)
        p.drawRect(r)
        share = max(0.0, min(1.0, (self.level - FLOOR_DB) / -FLOOR_DB))
        if share > 0:
            p.fillRect(QRectF(r.left() + 1, r.top() + 1, (r.width() - 2) * share, r.height() - 2),
                       WARN if self.talking else GOOD)
        p.end()


class TalkKey(QObject):
    """Space held = talk, while ``active()`` says a session may talk; let go on focus loss.

    The key is watched application-wide (whichever widget has focus), so only while it is armed — while a
    session may talk: a Python filter on every event of the app would cost every board, every paint."""

    def __init__(self, window: QWidget, active: Callable[[], bool], talk: Callable[[bool], None]) -> None:
        super().__init__(window)
        self.window, self.active, self.talk = window, active, talk
        self.down = False
        self.armed = False

    def arm(self, on: bool) -> None:
        app = QApplication.instance()
        if on == self.armed or app is None:
            return
        self.armed = on
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
            if self.down:
                self.down = False
                self.talk(False)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Space and self.window.isActiveWindow():
            if event.isAutoRepeat():
                return self.down  # holding: nothing new, and no repeated button clicks
            if kind == QEvent.Type.KeyPress and self.active():
                self.down = True
                self.talk(True)
                return True
            if kind == QEvent.Type.KeyRelease and self.down:
                self.down = False
                self.talk(False)
                return True
        elif kind in (QEvent.Type.WindowDeactivate, QEvent.Type.ApplicationDeactivate) and self.down \
                and (obj is self.window or kind == QEvent.Type.ApplicationDeactivate):
            self.down = False
            self.talk(False)
        return False


class AudioDialog(QDialog):
    """Where monitored calls are heard (app or phone), the headset and the microphone; kept in settings."""

    def __init__(self, sound: Sound, settings: QSettings | None, in_app: bool, chosen: Callable[[bool], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Listening"))
        self.sound, self.settings, self.chosen = sound, settings, chosen
        form = QFormLayout(self)
        self.where = QComboBox()
        self.where.addItem(tr("In the app (this computer's headset)"), "app")
        self.where.addItem(tr("On my phone"), "phone")
        self.where.setCurrentIndex(0 if in_app else 1)
        form.addRow(tr("Hear calls"), self.where)
        self.output, self.input = QComboBox(), QComboBox()
        try:
            found = devices()
            outs, ins, error = found.outputs, found.inputs, ""
        except SoundError as err:
            outs, ins, error = (), (), str(err)
        for box, names, current in ((self.output, outs, sound.output), (self.input, ins, sound.input)):
            box.addItem(tr("System default"), "")
            for name in names:
                box.addItem(name, name)
            box.setCurrentIndex(max(0, box.findData(current)))
        form.addRow(tr("Headset (output)"), self.output)
        form.addRow(tr("Microphone (input)"), self.input)
        self.note = QLabel(tr("No sound here: {0}").format(known(SOUND_ERRORS, error)) if error else
                           tr("Whisper and barge: hold Space or the Talk button to be heard."))
        self.note.setWordWrap(True)
        form.addRow(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _save(self) -> None:
        self.sound.output, self.sound.input = str(self.output.currentData()), str(self.input.currentData())
        in_app = self.where.currentData() == "app"
        if self.settings is not None:
            for key, value in (("audio/output", self.sound.output), ("audio/input", self.sound.input),
                               ("audio/listen_in", "app" if in_app else "phone")):
                self.settings.setValue(key, value)
        self.sound.check()
        self.chosen(in_app)
        self.accept()
