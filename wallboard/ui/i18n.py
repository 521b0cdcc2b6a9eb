"""日本語 and English: pick the language, install the catalogues, set the locale and a Japanese font.

The board's catalogue is ``resources/i18n/wallboard_<lang>.qm`` (compiled from the ``.ts``
sources by ``lrelease``); Qt's own (dialog buttons, context menus) comes with Qt. English
is the source language and needs no catalogue.

``tr`` is the one door for user-visible text: Qt's translation tools extract every ``tr("…")``
and ``QT_TR_NOOP("…")`` from the sources into ``resources/i18n/*.ts``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from .assets import resources_dir

log = logging.getLogger(__name__)
#: Han characters drawn the Japanese way (not the Chinese forms a generic CJK fallback may pick).
JAPANESE_FONTS = ["Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic UI", "Meiryo", "Hiragino Sans"]


def QT_TR_NOOP(text: str) -> str:  # noqa: N802 - the name Qt's lupdate looks for
    """Mark a text for the catalogue where it is defined; ``tr()`` translates it where it is shown."""
    return text


def tr(text: str) -> str:
    """Translate a user-visible text (the catalogue's context is empty: one namespace, one board)."""
    return QCoreApplication.translate("", text)


def resolve(language: str, system: QLocale | None = None) -> str:
    """``system`` becomes ja on a Japanese system locale, else en."""
    if language != "system":
        return language
    system = system or QLocale.system()
    return "ja" if system.language() == QLocale.Language.Japanese else "en"


def install(app: QApplication, language: str) -> str:
    """Install the catalogues for ``language`` (ja, en or system); returns the language in effect."""
    lang = resolve(language)
    if lang == "ja":
        QLocale.setDefault(QLocale("ja_JP"))
        board = QTranslator(app)
        path = resources_dir() / "i18n" / "wallboard_ja.qm"
        if not board.load(str(path)):
            log.error("Japanese catalogue missing or unreadable: %s; showing English", path)
            return "en"
        app.installTranslator(board)
        qt = QTranslator(app)
        if qt.load(QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
        font = QFont(app.font())
        font.setFamilies([font.family(), *JAPANESE_FONTS])  # Latin as before; kanji and kana in a JP face
        app.setFont(font)
    elif QLocale.system().language() != QLocale.Language.English:
        QLocale.setDefault(QLocale("en_US"))
    return lang
