"""The desk's menus: ☰ (the legend, how the queues and the trend show, credentials, About) and a tile's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from ..board.monitoring import Action
from .i18n import QT_TR_NOOP, tr

QUEUE_VIEWS = (("auto", QT_TR_NOOP("Queues: by window height")), ("cards", QT_TR_NOOP("Queues: cards")),
               ("strip", QT_TR_NOOP("Queues: one-row strip")))
TREND_VIEWS = (("auto", QT_TR_NOOP("Trend: by window height")), ("show", QT_TR_NOOP("Trend: shown")),
               ("hide", QT_TR_NOOP("Trend: hidden")))


def board_menu(parent: QWidget, views: dict[str, str], choose: Callable[[str, str], None],
               actions: list[tuple[str, Callable[[], None]]]) -> QMenu:
    """``views``: the current choice per setting ("desk/queues", "desk/trend"); ``choose(setting, value)``
    is called on a pick; ``actions``: (words, slot) in order, the legend first."""
    menu = QMenu(parent)
    words, slot = actions[0]
    menu.addAction(words, slot)
    for setting, choices in (("desk/queues", QUEUE_VIEWS), ("desk/trend", TREND_VIEWS)):
        group = QActionGroup(menu)
        for key, label in choices:
            act = QAction(tr(label), menu, checkable=True)
            act.setChecked(views[setting] == key)
            act.triggered.connect(lambda _=False, s=setting, k=key: choose(s, k))
            group.addAction(act)
            menu.addAction(act)
        menu.addSeparator()
    for words, slot in actions[1:]:
        menu.addAction(words, slot)
    return menu


def monitoring_menu(parent: QWidget, allowed: Callable[[Action], bool], act: Callable[[Action], None]) -> QMenu:
    """A tile's right-click menu: listen, whisper, barge, stop, each enabled only when it may be done now."""
    menu = QMenu(parent)
    for text, action in ((tr("Listen (L)"), Action.LISTEN), (tr("Whisper (W)"), Action.WHISPER),
                         (tr("Barge (B)"), Action.BARGE), (tr("Stop (Esc)"), Action.STOP)):
        item = QAction(text, menu)
        item.setEnabled(allowed(action))
        item.triggered.connect(lambda _=False, a=action: act(a))
        menu.addAction(item)
    return menu
