"""The desk's filter bar: find an agent; narrow the tiles by team, queue and state; order; density.

It says what the user asked for (``changed``, ``find``) and shows how many are shown; it never
touches the tiles itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from .i18n import QT_TR_NOOP, tr
from .style import LOOKS, STATE_ORDER
from .topbar import set_text

SORT_WORDS = (("state", QT_TR_NOOP("Order: state, longest first")), ("time", QT_TR_NOOP("Order: longest in state")),
              ("team", QT_TR_NOOP("Order: team")), ("name", QT_TR_NOOP("Order: name")))


class FilterBar(QWidget):
    changed = Signal()  # team, queue, state or order changed: read them from the combos
    find_asked = Signal(str, bool)  # text, step to the next match
    find_done = Signal()  # Enter: hand the keys back to the board
    compact = Signal(bool)

    def __init__(self, sort: str, states: Sequence[str], compact: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText(tr("Find agent (Ctrl+F)…"))
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setMinimumWidth(140)
        self.find_box.textChanged.connect(lambda text: self.find_asked.emit(text, False))
        self.find_box.returnPressed.connect(self._find_next)
        bar.addWidget(self.find_box)
        self.team_filter, self.queue_filter, self.state_filter = QComboBox(), QComboBox(), QComboBox()
        self.team_filter.addItem(tr("All teams"), "")
        self.queue_filter.addItem(tr("All queues"), "")
        self.state_filter.addItem(tr("All states"), "")
        allowed = states or tuple(st.value for st in STATE_ORDER)
        for st in STATE_ORDER:
            if st.value in allowed:
                look = LOOKS[st]
                words = tr(look.label)
                self.state_filter.addItem(f"{look.glyph} {words}", st.value)
        self.sort_choice = QComboBox()
        for key, words in SORT_WORDS:
            self.sort_choice.addItem(tr(words), key)
        self.sort_choice.setCurrentIndex(max(0, self.sort_choice.findData(sort)))
        for combo in (self.team_filter, self.queue_filter, self.state_filter, self.sort_choice):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            # a narrow desk window still fits; the list opens wide
            combo.setMinimumContentsLength(17 if combo is self.sort_choice else 7)
            combo.currentIndexChanged.connect(self.changed)
            bar.addWidget(combo)
        self.compact_box = QCheckBox(tr("Compact"))
        self.compact_box.setChecked(compact)
        self.compact_box.toggled.connect(self.compact)
        bar.addWidget(self.compact_box)
        self.found = QLabel()
        self.found.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.found, 1)

    def values(self) -> tuple[str, str, str, str]:
        """(team, queue, state, sort) as chosen."""
        return (self.team_filter.currentData(), self.queue_filter.currentData(), self.state_filter.currentData(),
                self.sort_choice.currentData())

    def fill(self, teams: Sequence[str], queues: Sequence[tuple[str, str]]) -> None:
        """Teams and queues as the feed has them (on layout changes only); keeps the choice."""
        for combo, items in ((self.team_filter, [(t, t) for t in teams]), (self.queue_filter, list(queues))):
            have = [(combo.itemText(i), combo.itemData(i)) for i in range(1, combo.count())]
            if items == have:
                continue
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def say(self, text: str) -> None:
        set_text(self.found, text)

    def _find_next(self) -> None:
        self.find_asked.emit(self.find_box.text(), True)
        self.find_done.emit()

