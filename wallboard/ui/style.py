"""How the board looks: every colour, its one meaning, the state looks, font sizes — in both themes.

One meaning per colour. Each role below means one thing on every screen, and no two roles of
different meaning share a colour (a test measures them apart: CIE ΔE ≥ 20 in both themes). Colour
is never the only cue: every state has a glyph and a word, every alert level a glyph, a word and a
frame of its own (warning dashed, critical solid), service level a ✓ or ▼ beside its figure.

Text is readable: every text colour drawn on a tile, card, banner or badge has WCAG-AA contrast
(≥ 4.5 : 1) with what it is drawn on, in both themes (a test computes each pair in
:data:`TEXT_ON`). The standard theme uses the Okabe–Ito hues for the states (distinguishable with
the common colour-vision deficiencies); the high-contrast theme puts bright versions of the same
hues on black.

Themes change the colour objects *in place* (before any widget is built), so every module that
imported them sees the chosen theme without a second lookup per paint. No other module writes a
colour literal (a test greps for them): what it needs is a role here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette

from ..core.model import AgentState
from ..core.profile import THEMES
from .i18n import QT_TR_NOOP

# -- roles: name → (standard, high contrast, meaning) ------------------------------------------------

_ROLES: dict[str, tuple[str, str, str]] = {
    # surfaces and text (not meanings: what everything is drawn with)
    "PAPER": ("#FFFFFF", "#000000", "the window"),
    "INK": ("#1A1A1A", "#FFFFFF", "text and figures"),
    "MUTED": ("#555555", "#D9D9D9", "secondary text"),
    "CARD": ("#FFFFFF", "#111111", "a queue card"),
    "CARD_TOTAL": ("#F2F2F2", "#262626", "the total's card"),
    "CARD_LINE": ("#C8C8C8", "#FFFFFF", "a card's outline"),
    # meanings
    "GOOD": ("#3C6E0A", "#B5E655", "healthy: the data is live; service level at or above target"),
    "WARN": ("#E69F00", "#FFC233", "an alert at warning level"),
    "CRITICAL": ("#C1121F", "#FF5A5F", "an alert at critical level; a help flag; a session that could not end"),
    "NOT_LIVE": ("#4B3F99", "#B7A8FF", "the data is not live: stale, behind, reconnecting, refused, PBX down"),
    "SILENT": ("#14365E", "#3F6FFF", "you are listening to a call (nobody hears you)"),
    "AUDIBLE": ("#7B1FA2", "#E59CFF", "you can be heard on a call (whisper, barge)"),
    # text drawn on the meaning colours
    "ON_WARN": ("#000000", "#000000", "text on WARN"),
    "ON_STRONG": ("#FFFFFF", "#000000", "text on CRITICAL, NOT_LIVE, SILENT, AUDIBLE"),
    "WARN_TEXT": ("#7A5200", "#FFC233", "warning-level text on the window or a card"),
}
#: Roles that carry a meaning (the distinctness test compares these with each other and the states).
MEANINGS = ("GOOD", "WARN", "CRITICAL", "NOT_LIVE", "SILENT", "AUDIBLE")

PAPER, INK, MUTED, CARD, CARD_TOTAL, CARD_LINE = (QColor(_ROLES[k][0]) for k in (
    "PAPER", "INK", "MUTED", "CARD", "CARD_TOTAL", "CARD_LINE"))
GOOD, WARN, CRITICAL, NOT_LIVE, SILENT, AUDIBLE = (QColor(_ROLES[k][0]) for k in MEANINGS)
ON_WARN, ON_STRONG, WARN_TEXT = (QColor(_ROLES[k][0]) for k in ("ON_WARN", "ON_STRONG", "WARN_TEXT"))
#: No colour at all: what is under a cell of ink alone (a clock over a pulse) shows through.
CLEAR = QColor(0, 0, 0, 0)

#: A monitoring mode's colour (listen is silent; whisper and barge can be heard).
MONITOR_COLOURS = {"listen": SILENT, "whisper": AUDIBLE, "barge": AUDIBLE}


# -- agent states ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateLook:
    colour: QColor  # the band and the glyph
    tint: QColor  # the tile's background
    words: QColor  # the state's words on the tint (AA contrast)
    glyph: str
    label: str  # untranslated; pass through tr() when shown


#: state: ((band, tint, words) standard, (band, words) high contrast on HC_TINT, glyph, label)
_STATES: dict[AgentState, tuple[tuple[str, str, str], tuple[str, str], str, str]] = {
    AgentState.AVAILABLE: (("#009E73", "#E3F4EE", "#007B5A"), ("#3DDC97", "#3DDC97"), "●", QT_TR_NOOP("Available")),
    AgentState.RINGING: (("#56B4E9", "#E6F3FB", "#357090"), ("#8FD3FF", "#8FD3FF"), "♪", QT_TR_NOOP("Ringing")),
    AgentState.ON_CALL: (("#0072B2", "#DCEAF5", "#006BA7"), ("#5CB3FF", "#5CB3FF"), "☎", QT_TR_NOOP("On call")),
    AgentState.ON_HOLD: (("#CC79A7", "#F7E7F0", "#8F5575"), ("#FF9AD5", "#FF9AD5"), "‖", QT_TR_NOOP("On hold")),
    AgentState.WRAPUP: (("#F0E442", "#FBF8D6", "#787221"), ("#FFF05A", "#FFF05A"), "✎", QT_TR_NOOP("Wrap-up")),
    AgentState.PAUSED: (("#7F7F7F", "#EDEDED", "#686868"), ("#C8C8C8", "#C8C8C8"), "☕", QT_TR_NOOP("Paused")),
    AgentState.BUSY_OTHER: (("#8B5A2B", "#F3EBE3", "#8B5A2B"), ("#D9A066", "#D9A066"), "◆", QT_TR_NOOP("Busy")),
    AgentState.LOGGED_OUT: (("#BBBBBB", "#F7F7F7", "#707070"), ("#8C8C8C", "#A6A6A6"), "○", QT_TR_NOOP("Logged out")),
    AgentState.UNKNOWN: (("#000000", "#FFFFFF", "#000000"), ("#FFFFFF", "#FFFFFF"), "?", QT_TR_NOOP("Unknown")),
}
HC_TINT = "#141414"
LOOKS: dict[AgentState, StateLook] = {
    st: StateLook(QColor(std[0]), QColor(std[1]), QColor(std[2]), glyph, label)
    for st, (std, _, glyph, label) in _STATES.items()
}

#: The order of the legend and of "agents by state" counts.
STATE_ORDER = (
    AgentState.AVAILABLE, AgentState.RINGING, AgentState.ON_CALL, AgentState.ON_HOLD,
    AgentState.WRAPUP, AgentState.PAUSED, AgentState.BUSY_OTHER, AgentState.LOGGED_OUT,
)

#: Glyphs of the alert levels and the service-level state (never colour alone).
WARN_GLYPH, CRITICAL_GLYPH = "△", "▲"
SL_MET_GLYPH, SL_LOW_GLYPH = "✓", "▼"
HELP_GLYPH, MONITOR_GLYPH = "⚑", "◉"

#: Every text colour drawn on each background, for the contrast test: (background, [text colours]).
TEXT_ON: list[tuple[str, QColor, list[QColor]]] = [
    *((f"tile {st.value}", LOOKS[st].tint, [INK, MUTED, LOOKS[st].words]) for st in AgentState),
    ("window", PAPER, [INK, MUTED, GOOD, WARN_TEXT, CRITICAL, NOT_LIVE]),
    ("card", CARD, [INK, MUTED, GOOD, WARN_TEXT, CRITICAL]),
    ("total card", CARD_TOTAL, [INK, MUTED, GOOD, WARN_TEXT, CRITICAL]),
    ("warning badge", WARN, [ON_WARN]),
    ("critical badge, help flag, stuck banner", CRITICAL, [ON_STRONG]),
    ("not-live veil", NOT_LIVE, [ON_STRONG]),
    ("listen banner and badge", SILENT, [ON_STRONG]),
    ("whisper/barge banner and badge", AUDIBLE, [ON_STRONG]),
    ("a new outbound result's toast", GOOD, [ON_STRONG]),
]


# -- themes -----------------------------------------------------------------------------------------------


def _set(colour: QColor, hex_colour: str) -> None:
    colour.setRgba(QColor(hex_colour).rgba())


def apply_theme(name: str) -> QPalette | None:
    """Switch every colour to ``name``'s; the application palette it needs (None: the platform's)."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}")
    hc = name == "high-contrast"
    for st, (std, high, _, _) in _STATES.items():
        look = LOOKS[st]
        _set(look.colour, high[0] if hc else std[0])
        _set(look.tint, HC_TINT if hc else std[1])
        _set(look.words, high[1] if hc else std[2])
    for key, (std_hex, high_hex, _) in _ROLES.items():
        _set(globals()[key], high_hex if hc else std_hex)
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


def translucent(colour: QColor, alpha: int) -> QColor:
    """The role's colour at ``alpha`` (0–255): a veil over the board, a pulse over a tile."""
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def css_colour(colour: QColor) -> str:
    """A style-sheet rule for a label's text in a role's colour."""
    return f"color: {colour.name()};"


# -- contrast (WCAG 2.x) ------------------------------------------------------------------------------------


def luminance(colour: QColor) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(colour.redF()) + 0.7152 * lin(colour.greenF()) + 0.0722 * lin(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- sizes ----------------------------------------------------------------------------------------------------

#: Font pixel sizes at scale 1, by what the text is (a TV multiplies them for its room: see kiosk).
FONT_PX = {
    "title": 22, "clock": 22, "link": 18, "page": 18, "counts": 13, "note": 12, "heading": 18,
    "list": 15, "banner": 20, "stop": 18, "hint": 13, "strip_label": 13, "strip_value": 30,
}


def font(base: QFont, role: str, scale: float = 1.0, bold: bool = False) -> QFont:
    f = QFont(base)
    f.setPixelSize(max(8, round(FONT_PX[role] * scale)))
    f.setBold(bold)
    return f
