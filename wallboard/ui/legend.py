"""The legend (F1): every colour, glyph and figure on the board, explained in the board's language.

Built from the same tables the board draws with (the state looks, the theme's roles, the
metric definitions), so it can never describe a colour the board does not use.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..core.metrics import SLFormula
from .i18n import tr
from .style import (
    AUDIBLE,
    CRITICAL,
    CRITICAL_GLYPH,
    GOOD,
    HELP_GLYPH,
    LOOKS,
    MONITOR_GLYPH,
    NOT_LIVE,
    SILENT,
    SL_LOW_GLYPH,
    SL_MET_GLYPH,
    STATE_ORDER,
    WARN,
    WARN_GLYPH,
)
from .words import SL_FORMULAS


def _swatch(colour_name: str) -> str:
    return f"<span style='background:{colour_name}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"


def _table(heading: str, rows: list[tuple[str, str, str]]) -> str:
    """A heading and rows of (swatch colour name or "", glyph or name, meaning)."""
    cells = "".join(f"<tr><td>{_swatch(c) if c else ''}</td><td><b>{g}</b></td><td>{w}</td></tr>" for c, g, w in rows)
    return f"<h3>{heading}</h3><table cellpadding='3'>{cells}</table>"


def legend_html(formula: SLFormula) -> str:
    clock_note = tr("The clock on a tile is the time in the current state, on the server's clock; "
                    "“Call” is the call's own duration when it differs.")
    live = tr("LIVE")
    summed_note = tr("A frame on a figure that sums queues (the TV’s key strip) means a queue has an alert of that "
                     "kind — a long wait, many waiting, a low service level; its queue card says which.")
    sl_words = tr("{0}; {1} at or above target, {2} below").format(tr(SL_FORMULAS[formula]), SL_MET_GLYPH,
                                                                   SL_LOW_GLYPH)
    return "".join((
        _table(tr("Agent tiles"), [(LOOKS[st].colour.name(), LOOKS[st].glyph, tr(LOOKS[st].label)) for st in STATE_ORDER]),
        f"<p>{clock_note}</p>",
        _table(tr("Alerts"), [
            (WARN.name(), WARN_GLYPH, tr("warning: a dashed frame and △ in its corner (e.g. a call over 10 min)")),
            (CRITICAL.name(), CRITICAL_GLYPH, tr("critical: a solid frame and ▲ in its corner; "
                                                 "it pulses slowly until acknowledged")),
            (CRITICAL.name(), HELP_GLYPH, tr("the agent asked for help (手上げ); pulses until acknowledged")),
        ]),
        _table(tr("Monitoring"), [
            (SILENT.name(), MONITOR_GLYPH, tr("you are listening: nobody hears you")),
            (AUDIBLE.name(), MONITOR_GLYPH, tr("you are whispering or barged in: you can be heard")),
            (CRITICAL.name(), MONITOR_GLYPH, tr("the session could not be ended: hang up your phone")),
        ]),
        _table(tr("Is it live?"), [
            (GOOD.name(), f"● {live}", tr("the figures are the floor as it is now")),
            (NOT_LIVE.name(), "●", tr("not live: stale, behind, reconnecting, refused or the PBX down; a band over "
                                      "the figures says why and how old they are")),
        ]),
        _table(tr("Figures"), [
            ("", tr("Waiting"), tr("callers in a queue, not yet answered (待ち呼)")),
            ("", tr("Longest"), tr("how long the caller waiting longest has waited (最長待ち)")),
            ("", tr("Abandoned"), tr("callers who hung up before an answer, today (放棄呼); short abandons excluded")),
            ("", tr("Service level"), sl_words),
            ("", tr("answer rate"), tr("answered ÷ offered (応答率)")),
            ("", tr("ASA"), tr("average wait of answered calls")),
            ("", tr("AHT"), tr("average handle time: talk + hold + wrap-up")),
            ("", tr("Agents free"), tr("agents available now, of those logged in")),
            ("", "Σ", tr("a queue group: its queues summed")),
        ]),
        f"<p>{summed_note}</p>",
    ))


class LegendDialog(QDialog):
    def __init__(self, formula: SLFormula, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Legend"))
        col = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setHtml(legend_html(formula))
        col.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.resize(560, 640)
