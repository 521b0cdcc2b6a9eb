"""How each agent state looks: colour, glyph and words, so colour is never the only cue.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies), each state also has a glyph and a text label.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from ..core.model import AgentState


def tr(text: str) -> str:
    return QCoreApplication.translate("Board", text)


@dataclass(frozen=True, slots=True)
class StateLook:
    colour: QColor  # the band and the glyph
    tint: QColor  # the tile's background
    glyph: str
    label: str  # untranslated; pass through tr() when shown


def _look(hex_colour: str, tint: str, glyph: str, label: str) -> StateLook:
    return StateLook(QColor(hex_colour), QColor(tint), glyph, label)


LOOKS: dict[AgentState, StateLook] = {
    AgentState.AVAILABLE: _look("#009E73", "#E3F4EE", "●", "Available"),
    AgentState.RINGING: _look("#56B4E9", "#E6F3FB", "♪", "Ringing"),
    AgentState.ON_CALL: _look("#0072B2", "#DCEAF5", "☎", "On call"),
    AgentState.ON_HOLD: _look("#CC79A7", "#F7E7F0", "‖", "On hold"),
    AgentState.WRAPUP: _look("#E69F00", "#FBF0DA", "✎", "Wrap-up"),
    AgentState.PAUSED: _look("#7F7F7F", "#EDEDED", "☕", "Paused"),
    AgentState.BUSY_OTHER: _look("#D55E00", "#F8E6DA", "◆", "Busy"),
    AgentState.LOGGED_OUT: _look("#BBBBBB", "#F7F7F7", "○", "Logged out"),
    AgentState.UNKNOWN: _look("#000000", "#FFFFFF", "?", "Unknown"),
}

#: The order of the legend and of "agents by state" counts.
STATE_ORDER = (
    AgentState.AVAILABLE, AgentState.RINGING, AgentState.ON_CALL, AgentState.ON_HOLD,
    AgentState.WRAPUP, AgentState.PAUSED, AgentState.BUSY_OTHER, AgentState.LOGGED_OUT,
)

INK = QColor("#1A1A1A")
MUTED = QColor("#555555")
GOOD = QColor("#009E73")
WARN = QColor("#E69F00")
BAD = QColor("#D55E00")
HELP = QColor("#D55E00")


def clock_text(seconds: float) -> str:
    """12:34 under an hour, 1:02:03 above: a TV must show both without clipping."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:d}:{sec:02d}"
