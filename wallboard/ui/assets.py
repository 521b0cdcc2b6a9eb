"""Where the board's files are (translations, icons), in a source tree, an install or a frozen bundle.

Looked up in order: ``$WALLBOARD_RESOURCES``; a frozen bundle's ``resources/``; the source
tree's ``resources/`` beside the package; ``<prefix>/share/wallboard/resources``.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


@cache
def resources_dir() -> Path:
    candidates = [
        os.environ.get("WALLBOARD_RESOURCES"),
        getattr(sys, "_MEIPASS", None) and Path(getattr(sys, "_MEIPASS")) / "resources",  # noqa: B009 - PyInstaller
        Path(__file__).resolve().parents[2] / "resources",
        Path(sys.prefix) / "share" / "wallboard" / "resources",
    ]
    for c in candidates:
        if c and (Path(c) / "i18n").is_dir():
            return Path(c)
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (32, 64, 128, 256):
        path = resources_dir() / "icons" / f"wallboard-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon
