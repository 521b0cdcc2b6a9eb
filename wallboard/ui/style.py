"""How the board looks: state colours, glyphs and words (colour is never the only cue), and themes.

The standard theme uses the Okabe–Ito palette, distinguishable with the common
colour-vision deficiencies; the high-contrast theme puts bright versions of the same
hues on black. Every state also has a glyph and a word, so nothing depends on colour.

Themes change the colour objects *in place* (before any widget is built), so every
module that imported them sees the chosen theme without a second lookup per paint.

``tr`` is the one door for user-visible text: Qt's translation tools extract every
``tr("…")`` and ``QT_TR_NOOP("…")`` from the sources into ``resources/i18n/*.ts``.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette

from ..core.model import AgentState
from ..core.profile import THEMES


def QT_TR_NOOP(text: str) -> str:  # noqa: N802 - the name Qt's lupdate looks for
    """Mark a text for the catalogue where it is defined; ``tr()`` translates it where it is shown."""
    return text


def tr(text: str) -> str:
    """Translate a user-visible text (the catalogue's context is empty: one namespace, one board)."""
    return QCoreApplication.translate("", text)


#: Bidirectional controls (embeddings, overrides, isolates, marks): a name carrying U+202E would
#: show reversed — "‮nimda" as "admin" — so the board shows names without them.
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def plain(text: str) -> str:
    """Text from the feed as the board shows it: bidirectional controls removed."""
    return text if text.isascii() else text.translate(_BIDI)


@functools.lru_cache(maxsize=65_536)  # called in every sort of the tiles: one dictionary hit per agent
def reading(name: str, kana: str = "") -> str:
    """How a name is ordered: by its reading when the feed gives one (``name_kana``), else by the name;
    width and case folded (ＡＢＣ = abc), katakana as hiragana (カトウ = かとう), so the kana orders
    as a Japanese list does. A kanji name without a reading orders by code point: stable, if not by よみ."""
    text = unicodedata.normalize("NFKC", plain(kana or name)).casefold()
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


@dataclass(frozen=True, slots=True)
class StateLook:
    colour: QColor  # the band and the glyph
    tint: QColor  # the tile's background
    glyph: str
    label: str  # untranslated; pass through tr() when shown


#: state: (standard colour, standard tint, high-contrast colour, glyph, words)
_STATES: dict[AgentState, tuple[str, str, str, str, str]] = {
    AgentState.AVAILABLE: ("#009E73", "#E3F4EE", "#3DDC97", "●", QT_TR_NOOP("Available")),
    AgentState.RINGING: ("#56B4E9", "#E6F3FB", "#8FD3FF", "♪", QT_TR_NOOP("Ringing")),
    AgentState.ON_CALL: ("#0072B2", "#DCEAF5", "#5CB3FF", "☎", QT_TR_NOOP("On call")),
    AgentState.ON_HOLD: ("#CC79A7", "#F7E7F0", "#FF9AD5", "‖", QT_TR_NOOP("On hold")),
    AgentState.WRAPUP: ("#E69F00", "#FBF0DA", "#FFC233", "✎", QT_TR_NOOP("Wrap-up")),
    AgentState.PAUSED: ("#7F7F7F", "#EDEDED", "#C8C8C8", "☕", QT_TR_NOOP("Paused")),
    AgentState.BUSY_OTHER: ("#D55E00", "#F8E6DA", "#FF8040", "◆", QT_TR_NOOP("Busy")),
    AgentState.LOGGED_OUT: ("#BBBBBB", "#F7F7F7", "#8C8C8C", "○", QT_TR_NOOP("Logged out")),
    AgentState.UNKNOWN: ("#000000", "#FFFFFF", "#FFFFFF", "?", QT_TR_NOOP("Unknown")),
}
LOOKS: dict[AgentState, StateLook] = {
    st: StateLook(QColor(c), QColor(t), glyph, label) for st, (c, t, _, glyph, label) in _STATES.items()
}

#: The order of the legend and of "agents by state" counts.
STATE_ORDER = (
    AgentState.AVAILABLE, AgentState.RINGING, AgentState.ON_CALL, AgentState.ON_HOLD,
    AgentState.WRAPUP, AgentState.PAUSED, AgentState.BUSY_OTHER, AgentState.LOGGED_OUT,
)

#: name: (standard, high contrast)
_COLOURS = {
    "INK": ("#1A1A1A", "#FFFFFF"), "MUTED": ("#555555", "#D9D9D9"), "GOOD": ("#009E73", "#3DDC97"),
    "WARN": ("#E69F00", "#FFC233"), "BAD": ("#D55E00", "#FF8040"), "HELP": ("#D55E00", "#FF8040"),
    "PAPER": ("#FFFFFF", "#000000"), "CARD": ("#FFFFFF", "#111111"), "CARD_TOTAL": ("#F2F2F2", "#262626"),
    "CARD_LINE": ("#C8C8C8", "#FFFFFF"), "WARN_TEXT": ("#8A5A00", "#FFC233"), "TREND": ("#0072B2", "#8FD3FF"),
}
INK, MUTED, GOOD, WARN, BAD, HELP = (QColor(_COLOURS[k][0]) for k in ("INK", "MUTED", "GOOD", "WARN", "BAD", "HELP"))
PAPER, CARD, CARD_TOTAL, CARD_LINE = (QColor(_COLOURS[k][0]) for k in ("PAPER", "CARD", "CARD_TOTAL", "CARD_LINE"))
WARN_TEXT, TREND = (QColor(_COLOURS[k][0]) for k in ("WARN_TEXT", "TREND"))


def _set(colour: QColor, hex_colour: str) -> None:
    colour.setRgba(QColor(hex_colour).rgba())


def apply_theme(name: str) -> QPalette | None:
    """Switch every colour to ``name``'s; the application palette it needs (None: the platform's)."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}")
    hc = name == "high-contrast"
    for st, (c, t, hc_c, _, _) in _STATES.items():
        _set(LOOKS[st].colour, hc_c if hc else c)
        _set(LOOKS[st].tint, "#141414" if hc else t)
    for key, (std, high) in _COLOURS.items():
        _set(globals()[key], high if hc else std)
    if not hc:
        return None
    pal = QPalette()
    for role, hex_colour in (
        (QPalette.ColorRole.Window, "#000000"), (QPalette.ColorRole.WindowText, "#FFFFFF"),
        (QPalette.ColorRole.Base, "#000000"), (QPalette.ColorRole.AlternateBase, "#1A1A1A"),
        (QPalette.ColorRole.Text, "#FFFFFF"), (QPalette.ColorRole.Button, "#262626"),
        (QPalette.ColorRole.ButtonText, "#FFFFFF"), (QPalette.ColorRole.Highlight, "#FFD21F"),
        (QPalette.ColorRole.HighlightedText, "#000000"), (QPalette.ColorRole.ToolTipBase, "#000000"),
        (QPalette.ColorRole.ToolTipText, "#FFFFFF"), (QPalette.ColorRole.PlaceholderText, "#BFBFBF"),
    ):
        pal.setColor(role, QColor(hex_colour))
    return pal


def clock_text(seconds: float) -> str:
    """12:34 under an hour, 1:02:03 above: a TV must show both without clipping."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:d}:{sec:02d}"


def age_text(seconds: float) -> str:
    """How old the data is, in words that translate (12 s, 3 min 4 s, 1 h 2 min)."""
    s = int(seconds)
    if s < 60:
        return tr("{0} s").format(s)
    if s < 3600:
        return tr("{0} min {1} s").format(s // 60, s % 60)
    return tr("{0} h {1} min").format(s // 3600, s % 3600 // 60)
