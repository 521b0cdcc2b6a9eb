"""An unexpected exception is logged with context, shown without blocking, and the board keeps running."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QTimer

from tests.ui.boards import desk
from wallboard.ui.crash import CrashGuard, connect_notices


@pytest.mark.qt_no_exception_capture
def test_errors_in_the_gui_and_in_threads_are_survived(qtbot, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    w = desk(qtbot)
    guard = CrashGuard(w.describe).install()
    connect_notices(guard, w.show_notice)
    try:
        def broken_slot() -> None:
            raise ValueError("a bug in a slot")

        with caplog.at_level(logging.ERROR):
            QTimer.singleShot(0, broken_slot)
            qtbot.waitUntil(lambda: guard.count == 1, timeout=2000)
            t = threading.Thread(target=lambda: 1 / 0, name="worker")
            t.start()
            t.join()
            qtbot.waitUntil(lambda: guard.count == 2, timeout=2000)
        qtbot.waitUntil(lambda: "keeps running" in w.statusBar().currentMessage(), timeout=2000)
        assert "a bug in a slot" in caplog.text and "ZeroDivisionError" in caplog.text
        assert "thread worker" in caplog.text and "board: no feed yet" in caplog.text
        ticks = w.ticker.isActive()
        qtbot.wait(1100)  # still alive: the clock is still ticking
        assert ticks and w.ticker.isActive() and w.isVisible()
    finally:
        guard.uninstall()
