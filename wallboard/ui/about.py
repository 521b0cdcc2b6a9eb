"""What the About box says: the one version, what it runs on, and where its data comes from."""

from __future__ import annotations

import platform

from .i18n import tr


def about_text(feed: str) -> str:
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    from .. import __version__
    return tr("<h3>Wallboard {0}</h3><p>Live call-centre supervisor board.</p>"
              "<p>Feed: {1}<br>Qt {2}, PySide6 {3}, Python {4}</p><p>MIT licence.</p>").format(
        __version__, feed, qVersion(), pyside, platform.python_version())
